from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..models.notification import MailMode
from . import RuForm

REQUIRED = "Заполните это поле."


class MailModeForm(RuForm):
    mail_mode = RadioField("Несрочные письма", choices=[(m.name, m.value) for m in MailMode],
                           validators=[DataRequired("Выберите способ получения писем.")])
    submit = SubmitField("Сохранить")


class GroupMailForm(RuForm):
    subject = StringField("Тема", filters=[lambda v: v.strip() if isinstance(v, str) else v],
                          validators=[DataRequired(REQUIRED), Length(max=200)])
    body = TextAreaField("Текст письма", validators=[DataRequired(REQUIRED), Length(max=20000)])
