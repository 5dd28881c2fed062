"""Editing reminder rules: a campaign's (its deadlines re-planned at once), the defaults, a status type's.

Input is what the form posted, one row per kind: {"kind", "before", "after" (texts like «14, 3, 1»),
"coordinator", "staff" (bools), "working_days" (int or None)}. Every row is checked first; one bad
value refuses the whole save with Russian messages next to the fields, nothing changed.
"""
from __future__ import annotations

from dataclasses import dataclass

from ...errors import ValidationFailed
from ...models.competition import Campaign
from ...policy import require
from ..platform.validation import FieldErrors, clean
from .hooks import replan_campaign
from .rules import KINDS, Rule, parse_days, rule_for, save_rule, stored_rule

MAX_WORKING_DAYS = 30
STATUS_TYPE_MAX = 20


def field_name(kind: str, part: str) -> str:
    """The form field of one kind's value: «entry.correction», «before» → «entry_correction-before»."""
    return f"{kind.replace('.', '_')}-{part}"


@dataclass(frozen=True)
class Saved:
    changed: int      # rules stored or changed
    pending: int      # pending reminders of the campaign after re-planning (0 when not a campaign)


def _checked(rows: list[dict]) -> list[dict]:
    errors: dict[str, str] = {}
    out = []
    for row in rows:
        kind = row.get("kind")
        if kind not in KINDS:
            raise ValidationFailed("Неизвестный вид срока.")
        label = KINDS[kind].label
        errs: list[str] = []
        before = parse_days(row.get("before", ""), f"{label}, до срока", errs)
        if errs:
            errors[field_name(kind, "before")] = errs[0]
        errs = []
        after = parse_days(row.get("after", ""), f"{label}, после срока", errs, largest_first=False)
        if errs:
            errors[field_name(kind, "after")] = errs[0]
        elif not before and not after and field_name(kind, "before") not in errors:
            errors[field_name(kind, "before")] = f"{label}: укажите хотя бы одно напоминание — до или после срока."
        days = row.get("working_days")
        if KINDS[kind].default.due_working_days is not None:
            if days is None or not 1 <= days <= MAX_WORKING_DAYS:
                errors[field_name(kind, "working_days")] = (
                    f"{label}: срок — целое число рабочих дней от 1 до {MAX_WORKING_DAYS}.")
        else:
            days = None
        out.append({"kind": kind, "before": before, "after": after,
                    "escalate_coordinator": bool(row.get("coordinator")), "escalate_staff": bool(row.get("staff")),
                    "due_working_days": days})
    if errors:
        raise FieldErrors(errors)
    return out


def save_campaign_rules(actor, campaign: Campaign, rows: list[dict]) -> Saved:
    """The campaign's rules; its pending reminders are planned again (who and when) in the same transaction."""
    require(actor, "reminder.rules", campaign)
    changed = 0
    for r in _checked(rows):
        kind = r.pop("kind")
        if stored_rule(kind, campaign_id=campaign.id) is None and _same(r, rule_for(kind)):
            continue  # still the defaults: the campaign keeps following them
        changed += save_rule(actor, kind, campaign_id=campaign.id, **r) is not None
    return Saved(changed, replan_campaign(campaign) if changed else 0)


def _same(row: dict, rule: Rule) -> bool:
    return (tuple(row["before"]), tuple(row["after"]), row["escalate_coordinator"], row["escalate_staff"],
            row["due_working_days"]) == (rule.before, rule.after, rule.escalate_coordinator, rule.escalate_staff,
                                         rule.due_working_days)


def save_default_rules(actor, rows: list[dict]) -> Saved:
    """The rules every campaign (and status type) without its own follows. Deadlines already planned keep
    their reminders until their own rules are saved or their date moves."""
    require(actor, "reminder.defaults")
    return Saved(sum(save_rule(actor, r.pop("kind"), **r) is not None for r in _checked(rows)), 0)


def save_status_type_rules(actor, status_type: str, rows: list[dict]) -> Saved:
    """The rules of reports and roadmaps of one status type (its short name, e.g. «КИП»)."""
    require(actor, "reminder.defaults")
    name = clean(status_type)
    if not name or len(name) > STATUS_TYPE_MAX:
        raise FieldErrors({"status_type": f"Укажите краткое название статуса (до {STATUS_TYPE_MAX} символов), "
                                          f"например «КИП»."})
    return Saved(sum(save_rule(actor, r.pop("kind"), status_type=name, **r) is not None for r in _checked(rows)), 0)
