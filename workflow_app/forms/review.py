"""Forms of the review part. The score sheet's rows are dynamic (one per criterion) and are read from
the request by the view; its CSRF token and overall comment come from SheetForm."""
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from . import BoundedIntegerField, RuForm, coerce_db_int

REQUIRED = "Заполните это поле."


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ExpertProfileForm(RuForm):
    competences = MultiCheckboxField("Компетенции (треки)", choices=[], validate_choice=True)
    max_load = BoundedIntegerField("Максимальная нагрузка (заявок в конкурсе)", validators=[
        Optional(), NumberRange(min=0, max=1000, message="Введите число от 0 до 1000.")])
    active = BooleanField("Эксперт активен (участвует в назначении)")
    note = TextAreaField("Примечание", validators=[Length(max=2000, message="Не более 2000 символов.")])
    submit = SubmitField("Сохранить")


class ReasonForm(RuForm):
    reason = TextAreaField("Причина", validators=[
        DataRequired("Укажите причину."), Length(max=2000, message="Не более 2000 символов.")])
    submit = SubmitField("Подтвердить")


class ApplyPlanForm(RuForm):
    fingerprint = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Назначить экспертов")


class ManualAssignForm(RuForm):
    expert_id = SelectField("Эксперт", coerce=coerce_db_int, choices=[], validate_choice=True)
    replace_id = SelectField("Заменить назначение", coerce=coerce_db_int, choices=[], validate_choice=True)
    is_extra = BooleanField("Дополнительный эксперт (при расхождении оценок)")
    reason = StringField("Причина", validators=[
        DataRequired("Укажите причину ручного назначения."), Length(max=1000)])
    exception = BooleanField("Подтверждаю исключение из правил назначения")
    exception_reason = StringField("Обоснование исключения", validators=[Length(max=1000)])
    submit = SubmitField("Назначить")


class SheetForm(RuForm):
    version = HiddenField()
    overall_comment = TextAreaField("Общий комментарий", validators=[Length(max=10000)])
    save = SubmitField("Сохранить черновик")
    send = SubmitField("Отправить")
