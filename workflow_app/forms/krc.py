"""Forms of the КРЦ/ЛСВ cycle: applications for a network status, the council's decision, roadmaps, their
notes, and the cycle's deadlines. Figures against requirements are read by name (`fig_<code>`): their set
comes from the status type, so they are not declared here."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from . import BoundedDateField, BoundedIntegerField, RuForm, coerce_db_int

REQUIRED = "Заполните это поле."
YEAR = [InputRequired(REQUIRED), NumberRange(2000, 2100, "Год — от 2000 до 2100.")]


class ApplicationForm(RuForm):
    version = HiddenField()
    organization_id = SelectField("Организация", coerce=coerce_db_int, validate_choice=False)
    status_type = SelectField("Статус", validate_choice=False)
    year = BoundedIntegerField("Год", validators=YEAR)
    theme = StringField("Тема проекта", validators=[Optional(), Length(max=500)])
    summary = TextAreaField("Обоснование: деятельность ТМС, сеть, продукты", validators=[Optional()])
    file = FileField("Пакет документов (PDF или DOCX)")


class ActionForm(RuForm):
    version = HiddenField()
    trigger = HiddenField()
    reason = TextAreaField("Замечания", validators=[Optional(), Length(max=10_000)])


class CouncilForm(RuForm):
    version = HiddenField()
    outcome = RadioField("Решение", choices=[("approve", "Присвоить статус"), ("reject", "Отказать")],
                         validators=[InputRequired("Выберите решение совета.")])
    council_date = BoundedDateField("Дата протокола", validators=[InputRequired(REQUIRED)], days_back=3650)
    council_number = StringField("Номер протокола", validators=[DataRequired(REQUIRED), Length(max=32)])
    decision = TextAreaField("Решение (текст из протокола)", validators=[Optional(), Length(max=10_000)])
    file = FileField("Протокол (скан, необязательно)")


class TermForm(RuForm):
    term_from = BoundedDateField("Срок статуса с", validators=[InputRequired(REQUIRED)], days_back=3650)
    term_to = BoundedDateField("по", validators=[InputRequired(REQUIRED)], days_back=3650)


class RoadmapForm(RuForm):
    version = HiddenField()
    organization_id = SelectField("Организация", coerce=coerce_db_int, validate_choice=False)
    year = BoundedIntegerField("Год", validators=YEAR)
    title = StringField("Название", validators=[Optional(), Length(max=500)],
                        description="Например: «КРЦ МКУ ЦРО г. Сочи на 2026 год». Пусто — по организации и году.")
    plan = TextAreaField("План")


class NoteForm(RuForm):
    noted_on = BoundedDateField("Дата", validators=[Optional()], days_back=3650)
    text = TextAreaField("Замечания по содержанию", validators=[Optional(), Length(max=20_000)])


class ConfirmForm(RuForm):
    version = HiddenField()


class DeadlinesForm(RuForm):
    year = BoundedIntegerField("Год", validators=YEAR)
    roadmap_approval = BoundedDateField("Утверждение дорожных карт до", validators=[InputRequired(REQUIRED)],
                                        days_back=3650)
    completion_report = BoundedDateField("Отчёт о выполнении до", validators=[InputRequired(REQUIRED)],
                                         days_back=3650)
