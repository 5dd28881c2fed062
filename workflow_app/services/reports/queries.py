"""What the report pages list: set-based, filtered, sorted, paginated (a constant number of queries)."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import contains_eager, lazyload

from ...extensions import db
from ...listing import ListArgs, Page, apply_sort, like_pattern, paginate
from ...models import Municipality, Organization, Role
from ...models.status_award import AwardStatus, StatusAward
from ...models.status_report import OWED, ProposalStatus, ReportStatus, StatusReport, TerminationProposal
from ...models.status_type import StatusType
from ...policy import is_staff
from .schedule import overdue_condition

FILTERS = ("type", "state", "year", "municipality", "overdue")
SORTABLE = ("due", "year", "org", "type", "state")
R, A, Org, T = StatusReport, StatusAward, Organization, StatusType


@dataclass(frozen=True)
class ReportRow:
    report: StatusReport
    overdue: bool


def _base(day: date) -> Select:
    """Reports with their award, organisation (and municipality) and type, loaded in the same query."""
    return (select(R, overdue_condition(day).label("is_overdue"))
            .join(A, A.id == R.award_id).join(Org, Org.id == A.organization_id)
            .join(Municipality, Municipality.id == Org.municipality_id).join(T, T.id == A.status_type_id)
            .options(contains_eager(R.award).contains_eager(A.organization).contains_eager(Org.municipality),
                     contains_eager(R.award).contains_eager(A.status_type), lazyload(R.files)))


def _filtered(stmt: Select, args: ListArgs, day: date) -> Select:
    f = args.filters
    if (type_id := args.int_filter("type")) is not None:
        stmt = stmt.where(A.status_type_id == type_id)
    if f.get("state") in ReportStatus.__members__:
        stmt = stmt.where(R.status == ReportStatus[f["state"]])
    if (year := args.int_filter("year")) is not None:
        stmt = stmt.where(R.period_year == year)
    if (muni := args.int_filter("municipality")) is not None:
        stmt = stmt.where(Org.municipality_id == muni)
    if f.get("overdue") == "1":
        stmt = stmt.where(overdue_condition(day))
    if args.q:
        pattern = like_pattern(args.q)
        stmt = stmt.where(or_(Org.short_name.ilike(pattern, escape="\\"), Org.full_name.ilike(pattern, escape="\\"),
                              A.theme.ilike(pattern, escape="\\")))
    return stmt


def _sorted(stmt: Select, args: ListArgs) -> Select:
    return apply_sort(stmt, args, {"due": R.due_date, "year": R.period_year, "org": Org.short_name,
                                   "type": T.short_name, "state": R.status}, R.id)


def staff_page(args: ListArgs, day: date) -> Page:
    page = paginate(_sorted(_filtered(_base(day), args, day), args), args, scalars=False)
    page.items = [ReportRow(r, bool(over)) for r, over in page.items]
    return page


def staff_rows(args: ListArgs, day: date) -> Iterator[list[Any]]:
    """Every report the filters select, as XLSX rows (one query, streamed)."""
    stmt = _sorted(_filtered(_base(day), args, day), args)
    for r, over in db.session.execute(stmt.execution_options(yield_per=1000)):
        org = r.award.organization
        yield [org.short_name, org.municipality.name, r.award.status_type.short_name, r.award.theme,
               r.kind.value, r.period_year, r.due_date, r.status.value, "да" if over else "",
               r.submitted_at, r.remarks]


XLSX_HEADERS = ["Организация", "Муниципалитет", "Статус", "Тема проекта", "Вид отчёта", "Год", "Срок",
                "Состояние", "Просрочен", "Представлен", "Замечания"]


def municipal_page(args: ListArgs, day: date, municipality_ids: set[int]) -> Page:
    """A coordinator's reports: only their municipalities', whatever the URL asks."""
    stmt = _filtered(_base(day), args, day).where(Org.municipality_id.in_(municipality_ids or {-1}))
    page = paginate(_sorted(stmt, args), args, scalars=False)
    page.items = [ReportRow(r, bool(over)) for r, over in page.items]
    return page


def visible(user: Any, args: ListArgs, day: date) -> Select:
    """The reports a user may see, filtered and sorted as the staff list (the API's list): staff and
    signatories all, a coordinator their municipalities', an applicant their organisations'."""
    stmt = _filtered(_base(day), args, day)
    if not (is_staff(user) or user.has_role(Role.signatory)):
        stmt = stmt.where(or_(Org.id.in_(user.applicant_org_ids() or {-1}),
                              Org.municipality_id.in_(user.coordinator_municipality_ids() or {-1})))
    return _sorted(stmt, args)


def is_overdue(report: StatusReport, day: date) -> bool:
    """`overdue_condition` for one loaded report."""
    return report.status == ReportStatus.overdue or (report.status in OWED and report.due_date < day)


def municipal_holders(municipality_ids: set[int], day: date) -> list[tuple[StatusAward, int]]:
    """Live awards of the municipalities with how many of their reports are overdue, most overdue first."""
    overdue = (select(func.count()).where(R.award_id == A.id, overdue_condition(day))
               .correlate(A).scalar_subquery())
    rows = db.session.execute(
        select(A, overdue.label("n")).join(Org, Org.id == A.organization_id)
        .where(Org.municipality_id.in_(municipality_ids or {-1}),
               A.status.in_((AwardStatus.scheduled, AwardStatus.active, AwardStatus.suspended)))
        .order_by(overdue.desc(), Org.short_name, A.id)).unique().all()
    return [(a, n) for a, n in rows]


def mine(org_ids: set[int], day: date) -> list[ReportRow]:
    """An applicant's reports: their organisations', newest period first."""
    rows = db.session.execute(_base(day).where(Org.id.in_(org_ids or {-1}))
                              .order_by(R.period_year.desc(), R.due_date, R.id)).unique().all()
    return [ReportRow(r, bool(over)) for r, over in rows]


def years() -> list[int]:
    return list(db.session.execute(select(R.period_year).distinct().order_by(R.period_year.desc())).scalars())


def municipalities() -> list[Municipality]:
    return list(db.session.execute(select(Municipality).order_by(Municipality.name)).scalars())


def types() -> list[StatusType]:
    return list(db.session.execute(select(T).order_by(T.position, T.id)).scalars())


def of_awards(award_ids: list[int]) -> dict[int, list[StatusReport]]:
    """The reports of several awards in one query: {award id: reports by period}."""
    out: dict[int, list[StatusReport]] = {i: [] for i in award_ids}
    for r in db.session.execute(select(R).where(R.award_id.in_(award_ids or [-1]))
                                .order_by(R.period_year, R.kind, R.id)).scalars():
        out[r.award_id].append(r)
    return out


def proposals_page(args: ListArgs) -> Page:
    """Termination proposals, open ones first, newest first."""
    P = TerminationProposal
    stmt = (select(P).join(A, A.id == P.award_id).join(Org, Org.id == A.organization_id)
            .options(contains_eager(P.award).contains_eager(A.organization)))
    if args.filters.get("status") in ProposalStatus.__members__:
        stmt = stmt.where(P.status == ProposalStatus[args.filters["status"]])
    if args.q:
        stmt = stmt.where(Org.short_name.ilike(like_pattern(args.q), escape="\\"))
    stmt = stmt.order_by((P.status == ProposalStatus.open).desc(), P.created_at.desc(), P.id.desc())
    return paginate(stmt, args)


def staff_counts(day: date) -> dict[str, int]:
    """For the staff dashboard, in one query: reports awaiting review, overdue reports, open proposals."""
    open_proposals = (select(func.count()).select_from(TerminationProposal)
                      .where(TerminationProposal.status == ProposalStatus.open).scalar_subquery())
    submitted, overdue, proposals = db.session.execute(select(
        func.count().filter(R.status == ReportStatus.submitted), func.count().filter(overdue_condition(day)),
        open_proposals).select_from(R)).one()
    return {"submitted": submitted, "overdue": overdue, "proposals": proposals}
