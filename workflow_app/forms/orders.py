from wtforms import (
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..models.orders import OrderKind
from . import BoundedDateField, BoundedIntegerField, RuForm, RuSubForm, coerce_db_int

REQUIRED = "Заполните это поле."


class NewOrderForm(RuForm):
    kind = SelectField("Вид приказа", choices=[(k.name, k.value) for k in OrderKind],
                       validators=[DataRequired(REQUIRED)])
    campaign_id = SelectField("Конкурс", coerce=coerce_db_int, validate_choice=False, default=0)
    target_order_id = SelectField("Приказ, который изменяется или отменяется", coerce=coerce_db_int,
                                  validate_choice=False, default=0)
    status_type = SelectField("Статус", choices=[], default="KRC")  # the status types, set by the view
    organizations = TextAreaField(
        "Организации и темы", description="Одна строка — одна организация: «Наименование | Тема проекта».")
    organization_id = SelectField("Организация", coerce=coerce_db_int, validate_choice=False, default=0)
    roadmap_title = StringField("Чья дорожная карта", description="Например: «краевого ресурсного центра …»")
    roadmap_rows = TextAreaField("Мероприятия дорожной карты",
                                 description="Строка: «Мероприятие | Сроки | Целевая аудитория | Ответственный».")
    award_ids = SelectMultipleField("Статусы", coerce=coerce_db_int, validate_choice=False)
    grounds = TextAreaField("Основание")
    term_from = BoundedDateField("Срок с", validators=[Optional()])
    term_to = BoundedDateField("Срок по", validators=[Optional()])


class AnnexForm(RuSubForm):
    title = StringField("Заголовок приложения", validators=[Length(max=500)])
    text = TextAreaField("Текст приложения")
    rows_text = TextAreaField("Строки таблицы", description="Одна строка — одна запись, ячейки через «|».")


class OrderEditForm(RuForm):
    version = HiddenField()
    title = StringField("Заголовок", validators=[DataRequired(REQUIRED), Length(max=500)])
    preamble = TextAreaField("Преамбула", description="Текст перед словами «п р и к а з ы в а ю :».")
    items = TextAreaField("Пункты приказа", validators=[DataRequired(REQUIRED)],
                          description="Одна строка — один пункт; строка, начинающаяся с «-», — подпункт.")
    control = TextAreaField("Пункт о контроле")
    signatory_id = SelectField(
        "Подписант", coerce=int, validators=[DataRequired("Выберите подписанта.")],
        description="Подписать приказ сможет только он; должность и «И.О. Фамилия» берутся из его профиля.")
    annexes = FieldList(FormField(AnnexForm))


class VisaForm(RuForm):
    version = HiddenField()
    remark = TextAreaField("Замечание (обязательно при возврате)")


class VersionForm(RuForm):
    version = HiddenField()


class SettingsForm(RuForm):
    ministry_name = StringField("Министерство", validators=[DataRequired(REQUIRED)])
    full_name = TextAreaField("Полное наименование учреждения", validators=[DataRequired(REQUIRED)])
    short_name = StringField("Сокращённое наименование", validators=[DataRequired(REQUIRED)])
    city = StringField("Город", validators=[DataRequired(REQUIRED)])
    place = StringField("Место проведения заседаний")
    signatory_user_id = SelectField(
        "Подписант приказов по умолчанию", coerce=int, default=0,
        description="Назначается подписантом новых проектов приказов; в проекте его можно заменить.")
    signatory_position = StringField("Должность подписанта прочих документов (свидетельства, письма)",
                                     validators=[DataRequired(REQUIRED)])
    signatory_name = StringField("Инициалы и фамилия подписанта прочих документов",
                                 validators=[DataRequired(REQUIRED)])
    control_person = StringField("Контроль возложить на (дательный падеж)", validators=[DataRequired(REQUIRED)])
    order_number_format = StringField("Формат номера приказа", validators=[DataRequired(REQUIRED)],
                                      description="{n} — порядковый номер в году, например «{n}-ОД».")
    status_term_years = BoundedIntegerField("Срок статуса КИП, лет", validators=[
        InputRequired(REQUIRED), NumberRange(1, 10, "От 1 до 10 лет.")])
    approver_ids = SelectMultipleField("Согласующие (визы)", coerce=coerce_db_int, validate_choice=False)
