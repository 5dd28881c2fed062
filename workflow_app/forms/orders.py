from flask_wtf.file import FileField
from wtforms import (
    DateField,
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
    # The grid editor's JSON (templates/_grid.html): rows can also be entered later on the draft.
    roadmap_rows = TextAreaField("Мероприятия дорожной карты")
    award_ids = SelectMultipleField("Статусы", coerce=coerce_db_int, validate_choice=False)
    grounds = TextAreaField("Основание")
    term_from = BoundedDateField("Срок с", validators=[Optional()])
    term_to = BoundedDateField("Срок по", validators=[Optional()])


class AnnexForm(RuSubForm):
    heading_lines = TextAreaField(
        "Гриф (строки в правом верхнем углу)",
        description="Одна строка — одна строка грифа, например «Приложение 1», «УТВЕРЖДЕНА», «приказом ректора», "
                    "«ГБОУ ИРО Краснодарского края». Пусто — гриф по умолчанию. Строка «от … № …» добавляется "
                    "сама по дате и номеру приказа.")
    title = TextAreaField("Заголовок приложения")
    subtitle = TextAreaField("Подзаголовок")
    abbreviations = TextAreaField("Принятые сокращения", description="Одна строка — одно сокращение.")
    text = TextAreaField("Текст приложения")
    table = TextAreaField("Таблица")  # the grid editor's JSON (templates/_grid.html)


class OrderEditForm(RuForm):
    version = HiddenField()
    ministry = StringField("Министерство")
    institute_full = TextAreaField("Полное наименование учреждения")
    institute_short = StringField("Сокращённое наименование")
    doc_kind = StringField("Вид документа", description="Печатается вразрядку: «ПРИКАЗ» → «П Р И К А З».")
    city = StringField("Город")
    title = TextAreaField("Заголовок", validators=[DataRequired(REQUIRED)])
    preamble = TextAreaField("Преамбула", description="Текст перед словами «п р и к а з ы в а ю :».")
    items = TextAreaField("Пункты приказа", validators=[DataRequired(REQUIRED)],
                          description="Одна строка — один пункт; строка, начинающаяся с «-», — подпункт.")
    control = TextAreaField("Пункт о контроле")
    signatory_id = SelectField(
        "Подписант", coerce=int, validators=[DataRequired("Выберите подписанта.")],
        description="Подписать приказ сможет только он; должность и «И.О. Фамилия» берутся из его профиля.")
    annexes = FieldList(FormField(AnnexForm))
    # «add», «remove-N», «up-N», «down-N»: save, then change the list of annexes.
    annex_action = StringField()  # set by the annex buttons (not rendered as a field)


class ExternalOrderForm(RuForm):
    issuer = StringField("Кем издан", validators=[DataRequired(REQUIRED), Length(max=500)],
                         render_kw={"list": "issuers", "autocomplete": "off"},
                         description="Например: «Министерство образования, науки и молодёжной политики "
                                     "Краснодарского края», управление образованием муниципалитета или сам институт "
                                     "(для бумажных приказов прошлых лет).")
    kind = SelectField("Вид приказа", choices=[(k.name, k.value) for k in OrderKind],
                       validators=[DataRequired(REQUIRED)])
    date = DateField("Дата приказа", validators=[InputRequired(REQUIRED)])
    number = StringField("Номер приказа", validators=[DataRequired(REQUIRED), Length(max=32)])
    title = TextAreaField("Заголовок", validators=[DataRequired(REQUIRED)])
    scan = FileField("Скан приказа (PDF, PNG или JPEG, до 20 МБ)")


class RegisterDraftForm(RuForm):
    version = HiddenField()
    date = DateField("Дата приказа", validators=[InputRequired(REQUIRED)])
    number = StringField("Номер приказа", validators=[DataRequired(REQUIRED), Length(max=32)])
    scan = FileField("Скан (PDF, PNG или JPEG, до 20 МБ)")


class ReopenForm(RuForm):
    version = HiddenField()
    reason = TextAreaField("Причина возврата в проект", validators=[DataRequired("Укажите причину.")])


class JsonUploadForm(RuForm):
    version = HiddenField()
    file = FileField("Файл JSON")


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
