"""Demo status holders with reports in every state: due, draft (one prefilled from the holder's plan),
submitted, returned, accepted and overdue, and one holder whose two missed reports raised a termination
proposal. Idempotent: a second run adds nothing."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ..actors import SystemActor
from ..extensions import db
from ..machines.base import fire
from ..machines.status_report import report_lifecycle
from ..models import Organization, User
from ..models.competition import Entry
from ..models.orders import OrderKind
from ..models.status_award import StatusAward
from ..models.status_report import StatusReport
from ..services import orders
from ..services.reports import content as c
from ..services.reports import plan, schedule
from ..services.reports.deadlines import set_due_date
from ..services.statuses.types import by_code
from ..timeutil import today_local
from . import demo_seeder
from .orders import _sign

HOLDER = SystemActor("демонстрационные данные")
# short name, theme, what happens to last year's report, to this year's
HOLDERS = [
    ("МБОУ лицей № 4", "Инженерные классы: сетевая модель профориентации с предприятиями Кубани", None, "prefilled"),
    ("МОБУ СОШ № 8", "Наставничество «ученик — ученик» как механизм повышения учебной мотивации", "overdue",
     "submitted"),
    ("МДОБУ д/с № 45", "Экологическая тропа детского сада", "accepted", "returned"),
    ("МАОУ СОШ № 40", "Проектная неделя: межпредметные практики", "accepted", "due"),
    ("МБУ ДО ЭБЦ", "Юные экологи Черноморского побережья", "overdue", "missed"),
]


def _user(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def _content(report: StatusReport) -> dict:
    """A filled report: the plan's rows (or one activity) done, one product, one event, a summary."""
    data = plan.prefill(report.award, report.period_year, report.kind.name == "final")
    acts = data["activities"]
    if not acts["rows"]:
        acts["rows"], acts["row_kinds"] = [["1", "Семинар для педагогов сети", "октябрь", "", "", "", ""]], ["data"]
    for row in acts["rows"]:
        row[3] = c.DONE
        row[5] = "https://iro.local/demo/novosti"
    data["products"]["rows"], data["products"]["row_kinds"] = [
        ["Методические рекомендации по проекту", "методические рекомендации", ""]], ["data"]
    data["events"]["rows"], data["events"]["row_kinds"] = [
        [f"15.10.{report.period_year}", "Краевой семинар по теме проекта", "краевой", "64"]], ["data"]
    data["teachers_trained"] = "45"
    data["summary"] = "Мероприятия плана выполнены; материалы опубликованы на сайте организации."
    return data


def _submit(report: StatusReport) -> None:
    report.content = _content(report)
    fire(report_lifecycle, report, "start", actor=HOLDER)
    fire(report_lifecycle, report, "submit", actor=HOLDER)


@demo_seeder(order=60)
def seed_reports() -> dict[str, int]:
    staff, approver, rector = _user("staff@iro.local"), _user("prorector@iro.local"), _user("signatory@iro.local")
    if staff is None or approver is None or rector is None:
        return {}
    today = today_local()
    year = today.year
    orgs = {o.short_name: o for o in db.session.execute(
        select(Organization).where(Organization.short_name.in_([h[0] for h in HOLDERS]))).scalars()}
    holders = [(orgs[h[0]], *h[1:]) for h in HOLDERS if h[0] in orgs]
    if not holders or db.session.execute(select(StatusAward.id).where(
            StatusAward.organization_id == holders[-1][0].id, StatusAward.theme == holders[-1][1])).first():
        return {"report_holders": 0}
    # The statuses are granted by the institute's own signed order; its effect creates the due reports.
    terms = {org.id: (date(2026, 1, 1) if this == "prefilled" else date(year - 1, 1, 1)) for org, _t, _l, this
             in holders}
    order = orders.create_draft(OrderKind.assign_status, staff, status_type=by_code("KIP"), awards=[
        {"organization_id": org.id, "theme": theme, "term_from": terms[org.id],
         "term_to": date(terms[org.id].year + 2, 12, 31)} for org, theme, _l, _t in holders])
    _sign(order, staff, approver, rector)
    for org, theme, last, this in holders:
        award = db.session.execute(select(StatusAward).where(
            StatusAward.organization_id == org.id, StatusAward.theme == theme)).scalar_one()
        reports = {r.period_year: r for r in db.session.execute(
            select(StatusReport).where(StatusReport.award_id == award.id)).scalars()}
        previous, current = reports.get(year - 1), reports.get(year)
        if previous is not None and last == "accepted":
            _submit(previous)
            fire(report_lifecycle, previous, "accept", actor=staff)
        if current is None:
            continue
        if this in ("prefilled", "due", "submitted", "returned"):
            set_due_date(current, max(current.due_date, today + timedelta(days=14)))
        if this == "prefilled":
            # The holder's winning dossier: its plan-schedule fills the report.
            award.entry_id = db.session.execute(select(Entry.id).where(Entry.organization_id == org.id)
                                                .order_by(Entry.id)).scalars().first()
            current.content = plan.prefill(award, current.period_year, False)
            fire(report_lifecycle, current, "start", actor=HOLDER)
        elif this in ("submitted", "returned"):
            _submit(current)
            if this == "returned":
                fire(report_lifecycle, current, "return_for_revision", actor=staff,
                     reason="Приложите подтверждения проведения семинара (приказ, фотоотчёт, лист регистрации).",
                     payload={"new_due_date": (today + timedelta(days=21)).isoformat()})
        elif this == "missed":
            set_due_date(current, today - timedelta(days=1))
    db.session.flush()
    marked = schedule.mark_overdue(today)
    return {"report_holders": len(holders), "reports_overdue": marked["overdue"]}
