"""Readiness of a case: a checklist computed from the organisation's data plus manual items staff tick.

Each computed check is a provider (a function of the case giving a `Check`), listed in PROVIDERS: a new
source of data (yearly reports, products, publications…) is one more provider. Checks built on the
yearly reports read `services.reports.readiness.figure(org_id, code) -> int | None` (accepted reports and
what they record; None: «нет данных»).
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from ... import audit, policy
from ...errors import ValidationFailed
from ...extensions import db
from ...models.fip_case import FipCase
from ...models.status_award import AwardStatus, StatusAward
from ...models.status_type import StatusType
from ...timeutil import today_local
from . import settings

OK, MISSING, UNKNOWN = "ok", "missing", "unknown"
KIP_CODE = "KIP"


@dataclass(frozen=True)
class Check:
    code: str
    title: str
    state: str                      # ok | missing | unknown («нет данных»)
    detail: str = ""
    # Where the gap is fixed: (endpoint, url arguments); the view turns it into a link.
    fix: tuple[str, dict] | None = None
    blocking: bool = False          # drafting cannot start while this is missing
    manual: bool = False

    @property
    def label(self) -> str:
        return {OK: "есть", MISSING: "нет", UNKNOWN: "нет данных"}[self.state]


@dataclass
class Readiness:
    checks: list[Check] = field(default_factory=list)

    @property
    def gaps(self) -> list[Check]:
        return [c for c in self.checks if c.state != OK]

    @property
    def blocking(self) -> list[Check]:
        return [c for c in self.checks if c.blocking and c.state != OK]


def kip_awards(org_id: int, today: date | None = None) -> list[StatusAward]:
    """The organisation's КИП awards in force today or completed (the ground of a federal application)."""
    day = today or today_local()
    rows = db.session.execute(
        select(StatusAward).join(StatusType, StatusType.id == StatusAward.status_type_id)
        .where(StatusAward.organization_id == org_id, StatusType.code == KIP_CODE,
               StatusAward.status.in_([AwardStatus.active, AwardStatus.completed]))
        .order_by(StatusAward.term_from.desc())).scalars().all()
    return [a for a in rows if a.status == AwardStatus.completed or a.is_current_on(day)]


def _kip(case: FipCase) -> Check:
    found = kip_awards(case.organization_id)
    fix = ("statuses.org_profile", {"org_id": case.organization_id})
    if not found:
        return Check("kip", "Действующий или завершённый статус КИП", MISSING,
                     "У организации нет действующего или завершённого статуса КИП.", fix, blocking=True)
    a = found[0]
    return Check("kip", "Действующий или завершённый статус КИП", OK,
                 f"{a.status_type.short_name} «{a.theme}», {a.term_from:%d.%m.%Y}–{a.term_to:%d.%m.%Y} "
                 f"({a.state_on(today_local()).lower()}).", fix, blocking=True)


def _reports_figure(org_id: int, code: str) -> int | None:
    """A figure from the accepted yearly reports, or None while the reports area does not provide it."""
    try:
        module = importlib.import_module("workflow_app.services.reports.readiness")
    except ImportError:
        return None
    return module.figure(org_id, code)


def _from_reports(code: str, title: str, minimum: int = 1) -> Callable[[FipCase], Check]:
    def provider(case: FipCase) -> Check:
        n = _reports_figure(case.organization_id, code)
        if n is None:
            return Check(code, title, UNKNOWN, "Нет данных: годовые отчёты ещё не ведутся в системе.")
        state = OK if n >= minimum else MISSING
        return Check(code, title, state, f"По принятым отчётам: {n}.",
                     ("statuses.org_profile", {"org_id": case.organization_id}))
    return provider


def _form_item(number: str, title: str) -> Callable[[FipCase], Check]:
    def provider(case: FipCase) -> Check:
        from .form import is_filled

        state = OK if is_filled(case, number) else MISSING
        return Check(f"item_{number}", title, state, f"Пункт {number} формы.",
                     ("fip.edit_form", {"case_id": case.id, "_anchor": f"item-{number}"}))
    return provider


PROVIDERS: list[Callable[[FipCase], Check]] = [
    _kip,
    _from_reports("accepted_reports", "Принятые годовые отчёты по проекту КИП"),
    _from_reports("products", "Продукты инновационной деятельности в отчётах"),
    _from_reports("publications", "Публикации в отчётах"),
    _from_reports("network_members", "Участники сети в отчётах"),
    _from_reports("events", "Мероприятия в отчётах"),
    _form_item("10", "Инфографика модели (пункт 10)"),
]


def manual_code(text: str) -> str:
    return text.strip().casefold()


def evaluate(case: FipCase) -> Readiness:
    checks = [p(case) for p in PROVIDERS]
    ticked = {manual_code(t) for t in case.manual_checks or []}
    for n, text in enumerate(settings.manual_items(), start=1):
        code = manual_code(text)
        checks.append(Check(f"manual_{n}", text, OK if code in ticked else MISSING,
                            "Отмечает сотрудник ИРО.", manual=True))
    return Readiness(checks)


def tick(actor, case: FipCase, items: list[str]) -> FipCase:
    """Staff set which manual items hold (by their text); audited with what changed."""
    policy.require(actor, "fip.check", case)
    known = {manual_code(t): t for t in settings.manual_items()}
    unknown = [i for i in items if manual_code(i) not in known]
    if unknown:
        raise ValidationFailed("Такого пункта ручной проверки нет: " + ", ".join(unknown) + ".")
    chosen = sorted({known[manual_code(i)] for i in items})
    before = sorted(case.manual_checks or [])
    if before != chosen:
        case.manual_checks = chosen
        audit.record("fip.checks", actor=actor, obj=case, payload={"ticked": chosen, "previous": before})
        db.session.flush()
    return case
