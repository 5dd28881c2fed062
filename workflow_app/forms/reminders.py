"""Reminder rules: one row of fields per kind of deadline (built for the kinds a page edits)."""
from __future__ import annotations

from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import Length, Optional

from ..services.reminders.configure import field_name
from ..services.reminders.rules import Kind
from . import BoundedIntegerField, RuForm

DAYS = [Optional(), Length(max=60, message="Слишком длинный список.")]


def rules_form(kinds: list[Kind], *, status_type: bool = False) -> type[RuForm]:
    """A form class with, per kind, «before» and «after» (day lists), the escalation choices and, for
    deadlines with no date of their own, the working days until they are due."""

    class RulesForm(RuForm):
        submit = SubmitField("Сохранить правила")

    if status_type:
        RulesForm.status_type = StringField("Статус (краткое название, например «КИП»)",
                                            validators=[Length(max=20, message="Не длиннее 20 символов.")])
    for k in kinds:
        setattr(RulesForm, field_name(k.kind, "before"), StringField("За сколько дней до срока", validators=DAYS))
        setattr(RulesForm, field_name(k.kind, "after"), StringField("Через сколько дней после срока", validators=DAYS))
        setattr(RulesForm, field_name(k.kind, "coordinator"), BooleanField("Муниципальному координатору"))
        setattr(RulesForm, field_name(k.kind, "staff"), BooleanField("Сотрудникам ИРО"))
        if k.default.due_working_days is not None:
            setattr(RulesForm, field_name(k.kind, "working_days"), BoundedIntegerField(
                "Срок, рабочих дней после запроса", validators=[Optional()]))
    return RulesForm
