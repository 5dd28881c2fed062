"""Forms of the entry pages. The dossier editor itself is read from request.form (its fields come from
the campaign's schema); CSRF is checked for it by CSRFProtect like for every POST."""
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from . import BoundedDateField, BoundedIntegerField, RuForm, coerce_db_int

REQUIRED = "Заполните это поле."
DATE = "Укажите дату в формате ДД.ММ.ГГГГ."


class VersionedForm(RuForm):
    # The version the user saw: a stale one means someone else acted first.
    expected_version = BoundedIntegerField(widget=HiddenInput(), validators=[Optional()])


class NewEntryForm(RuForm):
    org_id = SelectField("Организация", coerce=coerce_db_int, validate_choice=False)
    target = SelectField("Конкурс и направление", validate_choice=False,
                         validators=[DataRequired("Выберите конкурс и направление.")])
    submit = SubmitField("Создать заявку")


class AdmitForm(VersionedForm):
    submit = SubmitField("Допустить к экспертизе")


class ReturnForm(VersionedForm):
    reason = TextAreaField("Замечания (что нужно исправить)", validators=[
        DataRequired(REQUIRED), Length(max=4000, message="Не более 4000 символов.")])
    due = BoundedDateField("Срок доработки (включительно)", validators=[DataRequired(DATE)],
                           days_back=0, days_ahead=366)
    submit = SubmitField("Вернуть на доработку")


class RejectForm(VersionedForm):
    reason = TextAreaField("Причина отклонения", validators=[
        DataRequired(REQUIRED), Length(max=4000, message="Не более 4000 символов.")])
    submit = SubmitField("Отклонить заявку")


class ExtendForm(VersionedForm):
    until = BoundedDateField("Продлить срок подачи до (включительно)", validators=[DataRequired(DATE)],
                             days_back=0, days_ahead=366)
    reason = TextAreaField("Основание продления", validators=[
        DataRequired(REQUIRED), Length(max=2000, message="Не более 2000 символов.")])
    submit = SubmitField("Продлить срок")


class WithdrawForm(VersionedForm):
    reason = TextAreaField("Причина отзыва", validators=[
        DataRequired(REQUIRED), Length(max=2000, message="Не более 2000 символов.")])
    submit = SubmitField("Отозвать заявку")


class SubmitEntryForm(VersionedForm):
    submit = SubmitField("Подать заявку")


class AttachmentForm(RuForm):
    file = FileField("Файл (PDF, DOCX, PNG или JPEG)", validators=[FileRequired("Выберите файл.")])
    title = StringField("Название (например, «Приказ о создании рабочей группы»)",
                        validators=[Optional(), Length(max=300, message="Не более 300 символов.")])
    submit = SubmitField("Приложить файл")


class BulkConfirmForm(RuForm):
    action = HiddenField()
    reason = TextAreaField("Замечания (для всех выбранных заявок)",
                           validators=[Optional(), Length(max=4000, message="Не более 4000 символов.")])
    due = BoundedDateField("Срок доработки (включительно)", validators=[Optional()], days_back=0, days_ahead=366)
    submit = SubmitField("Подтвердить")
