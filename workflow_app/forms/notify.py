from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..ints import coerce_db_int_or_none
from ..models.notification import MailMode
from . import RuForm

REQUIRED = "Заполните это поле."


class MailModeForm(RuForm):
    mail_mode = RadioField("Несрочные письма", choices=[(m.name, m.value) for m in MailMode],
                           validators=[DataRequired("Выберите способ получения писем.")])
    submit = SubmitField("Сохранить")


class GroupMailForm(RuForm):
    """Who (the filter), then what. Choices are set by the view from the services."""
    kind = SelectField("Кому", choices=[("applicants", "Заявителям"), ("experts", "Экспертам")])
    campaign_id = SelectField("Конкурс", coerce=coerce_db_int_or_none, validators=[DataRequired("Выберите конкурс.")])
    track_id = SelectField("Направление", coerce=coerce_db_int_or_none, validate_choice=False)
    entry_status = SelectField("Заявители: состояние заявки", validate_choice=False)
    sheets = SelectField("Эксперты: лист оценки", validate_choice=False)
    fingerprint = HiddenField()
    subject = StringField("Тема", filters=[lambda v: v.strip() if isinstance(v, str) else v],
                          validators=[DataRequired(REQUIRED), Length(max=200)])
    body = TextAreaField("Текст письма", validators=[DataRequired(REQUIRED), Length(max=20000)])
