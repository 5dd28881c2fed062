"""Forms of the statuses area: status types and termination grounds (admins), award changes (staff)."""
from __future__ import annotations

from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..models import OrgType
from ..models.status_type import GrantingBody
from . import BoundedDateField, BoundedIntegerField, RuForm, coerce_db_int

REQUIRED = "Заполните это поле."
MONTHS = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
          "ноябрь", "декабрь"]


class StatusTypeForm(RuForm):
    version = HiddenField()
    name = StringField("Наименование", validators=[DataRequired(REQUIRED), Length(max=200)])
    short_name = StringField("Краткое наименование", validators=[DataRequired(REQUIRED), Length(max=16)])
    default_term_years = BoundedIntegerField("Срок по умолчанию, лет", validators=[
        InputRequired(REQUIRED), NumberRange(1, 10, "От 1 до 10 лет.")])
    holder_org_types = SelectMultipleField(
        "Кто может иметь статус", choices=[(t.name, t.value) for t in OrgType],
        widget=widgets.ListWidget(prefix_label=False), option_widget=widgets.CheckboxInput())
    report_due_day = BoundedIntegerField("Срок ежегодного отчёта: день", validators=[
        InputRequired(REQUIRED), NumberRange(1, 31, "День — от 1 до 31.")])
    report_due_month = SelectField("месяц", coerce=coerce_db_int,
                                   choices=[(i, m) for i, m in enumerate(MONTHS, start=1)])
    final_report = BooleanField("Итоговый отчёт по окончании срока")
    requirements = TextAreaField(
        "Минимальные требования (JSON)", validators=[Optional()],
        description='Список вида [{"code": "products", "name": "Продукты", "min": 3, "unit": "шт."}].')
    granting_body = SelectField("Кто присваивает", choices=[(g.name, g.value) for g in GrantingBody])
    suspension_allowed = BooleanField("Статус можно приостановить")


class NewStatusTypeForm(StatusTypeForm):
    code = StringField("Код (латиницей)", validators=[DataRequired(REQUIRED), Length(max=16)],
                       description="Неизменный код для приказов и импорта, например NEW_SITE.")


class GroundsForm(RuForm):
    grounds = TextAreaField("Основания досрочного прекращения", description="Одна строка — одно основание.",
                            validators=[DataRequired("Укажите хотя бы одно основание.")])


class AwardChangeForm(RuForm):
    version = HiddenField()
    trigger = SelectField("Действие", choices=[])
    order_id = SelectField("Приказ-основание", coerce=coerce_db_int, validate_choice=False, default=0)
    ground_id = SelectField("Основание прекращения", coerce=coerce_db_int, validate_choice=False, default=0)
    new_term_to = BoundedDateField("Новый срок окончания", validators=[Optional()])
    reason = TextAreaField("Пояснение", validators=[Length(max=2000)])


class ExternalOrderForm(RuForm):
    issuer = StringField("Кем издан", validators=[DataRequired(REQUIRED), Length(max=300)])
    number = StringField("Номер", validators=[DataRequired(REQUIRED), Length(max=32)])
    order_date = BoundedDateField("Дата", validators=[DataRequired(REQUIRED)])
