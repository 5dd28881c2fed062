"""Staff forms: organisations, users, imports. Choices are filled in by the views."""
from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    EmailField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from ..models import OrgType, Role
from . import BoundedIntegerField, RuForm, coerce_db_int, coerce_db_int_or_none

REQUIRED = "Заполните это поле."
EMAIL = "Введите корректный адрес электронной почты."


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices; a None value is the empty «not chosen» option."""
    return [SelectChoice("" if v is None else v, label) for v, label in pairs]


class OrgForm(RuForm):
    org_type = SelectField("Тип организации", choices=choices((t.name, t.value) for t in OrgType),
                           validators=[DataRequired("Выберите тип организации.")])
    full_name = StringField("Полное наименование", validators=[
        DataRequired(REQUIRED), Length(max=500, message="Не более 500 символов.")])
    short_name = StringField("Краткое наименование", validators=[
        DataRequired(REQUIRED), Length(max=200, message="Не более 200 символов.")])
    municipality_id = SelectField("Муниципалитет", coerce=coerce_db_int_or_none,
                                  validators=[DataRequired("Выберите муниципалитет.")])
    address = StringField("Адрес", validators=[Length(max=500, message="Не более 500 символов.")])
    head_name = StringField("Руководитель (ФИО)", validators=[Length(max=200, message="Не более 200 символов.")])
    email = EmailField("E-mail", validators=[Optional(), Email(EMAIL), Length(max=200)])
    phone = StringField("Телефон", validators=[Length(max=60, message="Не более 60 символов.")])
    inn = StringField("ИНН", validators=[
        Optional(), Regexp(r"^\s*(\d{10}|\d{12})\s*$", message="ИНН должен состоять из 10 или 12 цифр.")])
    version = HiddenField()
    submit = SubmitField("Сохранить")


class ReasonForm(RuForm):
    """Deactivate/reactivate: the reason and the version the user saw."""

    reason = TextAreaField("Причина", validators=[Length(max=2000, message="Не более 2000 символов.")])
    version = BoundedIntegerField(widget=widgets.HiddenInput(), validators=[Optional()])


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class UserForm(RuForm):
    email = EmailField("E-mail (логин)", validators=[DataRequired(REQUIRED), Email(EMAIL), Length(max=254)])
    full_name = StringField("ФИО", validators=[DataRequired(REQUIRED),
                                               Length(max=200, message="Не более 200 символов.")])
    position = StringField("Должность", validators=[Length(max=200, message="Не более 200 символов.")])
    phone = StringField("Телефон", validators=[Length(max=60, message="Не более 60 символов.")])
    organization_id = SelectField("Организация (место работы)", coerce=coerce_db_int_or_none, validate_choice=True)
    roles = MultiCheckboxField("Роли", choices=choices((r.name, r.value) for r in Role))
    applicant_org_ids = SelectMultipleField("Заявитель от организаций", coerce=coerce_db_int)
    coordinator_municipality_ids = SelectMultipleField("Координатор муниципалитетов", coerce=coerce_db_int)
    version = HiddenField()
    submit = SubmitField("Сохранить")


class ImportForm(RuForm):
    file = FileField("Файл XLSX или CSV", validators=[FileRequired("Выберите файл для загрузки.")])
    submit = SubmitField("Проверить файл")


class ConfirmForm(RuForm):
    submit = SubmitField("Импортировать")
