"""Forms of the ФИП preparation pages."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..services.fip import form as fip_form
from . import BoundedDateField, BoundedIntegerField, RuForm, coerce_db_int

REQUIRED = "Заполните это поле."


class OpenCaseForm(RuForm):
    organization_id = SelectField("Организация", coerce=coerce_db_int, validate_choice=False, default=0)
    kip_award_id = SelectField("Статус КИП, на котором строится проект", coerce=coerce_db_int,
                               validate_choice=False, default=0)
    project = StringField("Тема проекта", validators=[DataRequired(REQUIRED), Length(max=500)])
    year = BoundedIntegerField("Год подачи заявки (федеральный отбор)", validators=[
        DataRequired(REQUIRED), NumberRange(2000, 2100, "Год — от 2000 до 2100.")])


class CaseForm(RuForm):
    """The 18 items: one field per item (`item_N`); tables hold the grid JSON."""

    version = HiddenField()


for _item in fip_form.ITEMS:
    if _item.kind != fip_form.FILE:
        setattr(CaseForm, f"item_{_item.number}", TextAreaField(f"{_item.number}. {_item.title}"))


class InfographicForm(RuForm):
    version = HiddenField()
    file = FileField("Файл инфографики (PNG, JPEG, GIF)")


class RemarksForm(RuForm):
    """The methodologist's remarks: one field per item (`remark_N`)."""


for _item in fip_form.ITEMS:
    setattr(RemarksForm, f"remark_{_item.number}", TextAreaField(f"Замечание к пункту {_item.number}",
                                                                   validators=[Length(max=5000)]))


class ChecksForm(RuForm):
    items = SelectMultipleField("Выполнено", choices=[], validate_choice=False,
                                widget=widgets.ListWidget(prefix_label=False), option_widget=widgets.CheckboxInput())


class TransitionForm(RuForm):
    version = HiddenField()
    reason = TextAreaField("Причина или пояснение", validators=[Length(max=2000)])
    council_date = BoundedDateField("Дата заседания Координационного совета", validators=[Optional()])
    council_protocol = StringField("Номер протокола", validators=[Length(max=64)])
    council_decision = TextAreaField("Решение совета", validators=[Length(max=2000)])
    submitted_on = BoundedDateField("Дата подачи в министерство", validators=[Optional()])
    issuer = StringField("Кем издан приказ", default="Минпросвещения России", validators=[Length(max=300)])
    number = StringField("Номер приказа", validators=[Length(max=32)])
    order_date = BoundedDateField("Дата приказа", validators=[Optional()])
    term_from = BoundedDateField("Начало срока статуса ФИП (если не с даты приказа)", validators=[Optional()])


class SettingsForm(RuForm):
    year = BoundedIntegerField("Год отбора", validators=[DataRequired(REQUIRED),
                                                         NumberRange(2000, 2100, "Год — от 2000 до 2100.")])
    deadline = BoundedDateField("Срок подачи заявок (пусто — снять срок)", validators=[Optional()])


class ManualItemsForm(RuForm):
    manual_items = TextAreaField("Пункты ручной проверки готовности", description="Одна строка — один пункт.")
