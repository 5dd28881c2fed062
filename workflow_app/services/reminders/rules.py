"""Reminder rules: when (offsets before and after a deadline) and whom (escalation) to remind, per kind of
deadline — for a campaign, for a status type (by its short name, e.g. «КИП»), or the default.

The most specific stored rule wins: the campaign's, then the status type's, then the default one; without
any the kind's built-in defaults below apply. Saving a campaign's rules re-plans its pending reminders.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from ... import audit
from ...errors import ValidationFailed
from ...extensions import db
from ...models.reminder import ReminderRule
from ...timeutil import end_of_day, local_date

MAX_DAYS = 365
MAX_OFFSETS = 6


@dataclass(frozen=True)
class Rule:
    before: tuple[int, ...] = (14, 3, 1)
    after: tuple[int, ...] = (1, 7)
    escalate_coordinator: bool = True
    escalate_staff: bool = False
    due_working_days: int | None = None  # only for deadlines with no date of their own


@dataclass(frozen=True)
class Kind:
    kind: str
    label: str          # Russian, shown in the rules form
    scope: str          # "campaign" | "status_type" | "global": where its rules are configured
    default: Rule


KINDS: dict[str, Kind] = {k.kind: k for k in (
    Kind("entry.submission", "Подача заявки", "campaign", Rule(after=(), escalate_coordinator=False)),
    Kind("entry.correction", "Доработка заявки", "campaign", Rule()),
    Kind("assignment.review", "Экспертиза заявки (с момента назначения)", "campaign",
         Rule(escalate_coordinator=False, escalate_staff=True)),
    Kind("entry.defence", "Очный этап (защита)", "campaign", Rule(after=(), escalate_coordinator=False)),
    Kind("order.visa", "Согласование приказа (виза)", "global",
         Rule(before=(1,), after=(1, 3), escalate_coordinator=False, escalate_staff=True, due_working_days=2)),
    Kind("order.signature", "Подписание приказа", "global",
         Rule(before=(1,), after=(1, 3), escalate_coordinator=False, escalate_staff=True, due_working_days=3)),
    Kind("report", "Отчёт (ежегодный, итоговый, о выполнении дорожной карты)", "status_type",
         Rule(escalate_staff=True)),
    Kind("roadmap", "Утверждение дорожной карты", "status_type", Rule(escalate_staff=True)),
)}
CAMPAIGN_KINDS = [k for k in KINDS.values() if k.scope == "campaign"]


def _as_rule(row: ReminderRule) -> Rule:
    return Rule(tuple(row.before_days or ()), tuple(row.after_days or ()), row.escalate_coordinator,
                row.escalate_staff, row.due_working_days)


def rule_for(kind: str, *, campaign_id: int | None = None, status_type: str | None = None) -> Rule:
    """The rule in force for one deadline (one query)."""
    rows = db.session.execute(select(ReminderRule).where(ReminderRule.kind == kind)).scalars().all()
    by_scope = {(r.campaign_id, r.status_type): r for r in rows}
    scopes = [(campaign_id, None)] if campaign_id is not None else []
    scopes += [(None, status_type)] if status_type is not None else []
    for scope in [*scopes, (None, None)]:
        if scope in by_scope:
            return _as_rule(by_scope[scope])
    return KINDS[kind].default


def stored_rule(kind: str, *, campaign_id: int | None = None, status_type: str | None = None
                ) -> ReminderRule | None:
    return db.session.execute(select(ReminderRule).where(
        ReminderRule.kind == kind, ReminderRule.campaign_id.is_(None) if campaign_id is None
        else ReminderRule.campaign_id == campaign_id,
        ReminderRule.status_type.is_(None) if status_type is None
        else ReminderRule.status_type == status_type)).scalar_one_or_none()


def status_types() -> list[str]:
    """The status types that have rules of their own."""
    return list(db.session.execute(select(ReminderRule.status_type).where(ReminderRule.status_type.is_not(None))
                                   .distinct().order_by(ReminderRule.status_type)).scalars())


def parse_days(text: str, label: str, errors: list[str], *, largest_first: bool = True) -> tuple[int, ...]:
    """«3, 14, 1» → (14, 3, 1): whole days, 1…365, no repeats; in the order they come (before a deadline
    the largest first, after it the smallest)."""
    parts = [p.strip() for p in (text or "").replace(";", ",").split(",") if p.strip()]
    days: list[int] = []
    for p in parts:
        if not (p.isascii() and p.isdigit()) or not 1 <= int(p) <= MAX_DAYS:
            errors.append(f"{label}: «{p}» — нужно целое число дней от 1 до {MAX_DAYS}.")
            return ()
        days.append(int(p))
    if len(set(days)) != len(days):
        errors.append(f"{label}: дни повторяются.")
    if len(days) > MAX_OFFSETS:
        errors.append(f"{label}: не больше {MAX_OFFSETS} напоминаний.")
    return tuple(sorted(set(days), reverse=largest_first))


def save_rule(actor, kind: str, *, campaign_id: int | None = None, status_type: str | None = None,
              before: tuple[int, ...], after: tuple[int, ...], escalate_coordinator: bool,
              escalate_staff: bool, due_working_days: int | None = None) -> ReminderRule | None:
    """Store one rule (validated by the caller); returns None when nothing changed."""
    if kind not in KINDS:
        raise ValidationFailed("Неизвестный вид срока.")
    if not before and not after:
        raise ValidationFailed(f"{KINDS[kind].label}: укажите хотя бы одно напоминание — до или после срока.")
    row = stored_rule(kind, campaign_id=campaign_id, status_type=status_type)
    new = {"before_days": list(before), "after_days": list(after), "escalate_coordinator": escalate_coordinator,
           "escalate_staff": escalate_staff, "due_working_days": due_working_days}
    old = None if row is None else {k: getattr(row, k) for k in new}
    if old == new:
        return None
    if row is None:
        row = ReminderRule(kind=kind, campaign_id=campaign_id, status_type=status_type)
        db.session.add(row)
    for k, v in new.items():
        setattr(row, k, v)
    db.session.flush()
    audit.record("reminder.rule_saved", actor=actor, object_type="campaign" if campaign_id else "reminder_rule",
                 object_id=campaign_id or row.id,
                 payload={"kind": kind, "status_type": status_type, "before": old, "after": new})
    return row


def add_working_days(start: datetime, days: int) -> datetime:
    """The end of the local day `days` working days (Monday to Friday) after `start`."""
    day: date = local_date(start) or start.date()
    left = days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return end_of_day(day)
