"""Forms of the reports area. The report's tables are posted as one JSON field each (the grid editor)
and checked by services/reports/content.py; these forms carry CSRF, the version and the small fields."""
from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..services.reports.review import RETURN_DAYS_AHEAD
from . import BoundedDateField, RuForm
from .dossier import DATE, REQUIRED, VersionedForm


class SaveForm(VersionedForm):
    submit = SubmitField("Сохранить черновик")


class SubmitForm(VersionedForm):
    submit = SubmitField("Представить отчёт")


class AcceptForm(VersionedForm):
    submit = SubmitField("Принять отчёт")


class ReturnForm(VersionedForm):
    reason = TextAreaField("Замечания (что нужно исправить)", validators=[
        DataRequired(REQUIRED), Length(max=4000, message="Не более 4000 символов.")])
    due = BoundedDateField("Новый срок представления", validators=[DataRequired(DATE)], days_back=0,
                           days_ahead=RETURN_DAYS_AHEAD)
    submit = SubmitField("Вернуть на доработку")


class DueDateForm(RuForm):
    due = BoundedDateField("Новый срок представления", validators=[DataRequired(DATE)], days_back=0,
                           days_ahead=730)
    reason = StringField("Причина переноса", validators=[
        DataRequired(REQUIRED), Length(max=1000, message="Не более 1000 символов.")])
    submit = SubmitField("Перенести срок")


class EvidenceForm(RuForm):
    file = FileField("Файл (PDF, DOCX, изображение)", validators=[FileRequired("Выберите файл.")])
    title = StringField("Что подтверждает файл", validators=[Length(max=300, message="Не более 300 символов.")])
    submit = SubmitField("Приложить")


class DismissForm(VersionedForm):
    note = TextAreaField("Почему статус не прекращается", validators=[
        DataRequired(REQUIRED), Length(max=2000, message="Не более 2000 символов.")])
    submit = SubmitField("Отклонить предложение")


class OrderDraftForm(VersionedForm):
    submit = SubmitField("Подготовить проект приказа о прекращении")
