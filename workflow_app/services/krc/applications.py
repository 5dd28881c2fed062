"""Applications of a ТМС for a network status: drafting with the figures against the type's minimum
requirements, submitting (shortfalls flagged), staff review, the методический совет decision with its
protocol, the granting order draft, and «granted» when that order is signed.

Shortfalls flag, they do not block: the domain has the institute help ТМС prepare their package and the
методический совет decide on it, so a figure below a minimum goes to people, marked in red with its numbers
(on the form before submission, in the staff list and on the application), and every submission's audit row
names the shortfalls it was submitted with. A figure left blank blocks submission: each requirement must be
answered with a number.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from ... import audit
from ...actors import SystemActor
from ...errors import TransitionNotAllowed, ValidationFailed
from ...extensions import db
from ...machines.base import FireContext, fire
from ...machines.status_application import application_lifecycle
from ...models import Organization, User
from ...models.base import utcnow
from ...models.orders import Order, OrderKind
from ...models.status_application import ApplicationStatus, StatusApplication
from ...models.status_type import GrantingBody, StatusType
from ...policy import require
from ...timeutil import today_local
from ..platform import files
from ..platform.validation import FieldErrors, clean
from . import requirements

EDITABLE = (ApplicationStatus.draft, ApplicationStatus.returned)
# КИП is granted through the «Инновационный поиск» competition, not by an application of this kind.
COMPETITION_GRANTED = ("KIP",)
MAX_FILE = 20 * 1024 * 1024
MAX_THEME = 500
MAX_SUMMARY = 20_000


@dataclass
class ApplicationData:
    theme: str
    summary: str
    figures: dict[str, Any]  # {requirements.field_name(code): typed text}


def types_for(org: Organization) -> list[StatusType]:
    """Status types this organisation may apply for here: granted by the institute, held by its type."""
    rows = db.session.execute(select(StatusType).where(StatusType.granting_body == GrantingBody.institute)
                              .order_by(StatusType.position, StatusType.id)).scalars()
    return [t for t in rows if t.code not in COMPETITION_GRANTED and t.may_hold(org.org_type)]


def _check(data: ApplicationData, st: StatusType) -> tuple[str, str, list[dict]]:
    theme, summary = clean(data.theme), (data.summary or "").strip()
    errors = {}
    if len(theme) > MAX_THEME:
        errors["theme"] = f"Тема: не более {MAX_THEME} символов."
    if len(summary) > MAX_SUMMARY:
        errors["summary"] = f"Обоснование: не более {MAX_SUMMARY} символов."
    try:
        figures = requirements.parse(st, data.figures)
    except FieldErrors as exc:
        errors.update(exc.errors)
        figures = []
    if errors:
        raise FieldErrors(errors)
    return theme, summary, figures


def _stored_file_id(file_storage, actor: User) -> int | None:
    """The checked and stored package (by its content), or None when no file was chosen."""
    if file_storage is not None and file_storage.filename:
        return files.store_upload(file_storage, allowed=files.DOCUMENTS, max_bytes=MAX_FILE, user=actor).id
    return None


def create(actor: User, org: Organization, st: StatusType, year: int, data: ApplicationData,
           file_storage=None) -> StatusApplication:
    require(actor, "status_application.create", org)
    if st not in types_for(org):
        raise ValidationFailed(f"Организация «{org.short_name}» ({org.org_type.value}) не может подать заявку "
                               f"на статус «{st.short_name}».")
    open_one = db.session.execute(select(StatusApplication.id).where(
        StatusApplication.organization_id == org.id, StatusApplication.status_type_id == st.id,
        StatusApplication.year == year)).first()
    if open_one is not None:
        raise ValidationFailed(f"Заявка «{org.short_name}» на статус «{st.short_name}» в {year} году уже есть: "
                               "откройте её из списка.")
    theme, summary, figures = _check(data, st)
    file_id = _stored_file_id(file_storage, actor)
    app = StatusApplication(organization_id=org.id, status_type=st, year=year, theme=theme, summary=summary,
                            figures=figures, shortfalls=len(requirements.shortfalls(figures)),
                            created_by_id=actor.id, file_id=file_id)
    db.session.add(app)
    db.session.flush()
    audit.record("status_application.created", actor=actor, obj=app, to_state=app.status.name,
                 payload={"status_type": st.code, "year": year})
    db.session.flush()
    return app


def update(app: StatusApplication, actor: User, data: ApplicationData, file_storage=None) -> StatusApplication:
    require(actor, "status_application.edit", app)
    if app.status not in EDITABLE:
        raise TransitionNotAllowed(f"Заявку в состоянии «{app.status.value}» изменить нельзя.")
    theme, summary, figures = _check(data, app.status_type)
    file_id = _stored_file_id(file_storage, actor)
    before = {f["code"]: f["value"] for f in app.figures or []}
    app.theme, app.summary, app.figures = theme, summary, figures
    app.shortfalls = len(requirements.shortfalls(figures))
    if file_id is not None:
        app.file_id = file_id
    audit.record("status_application.edited", actor=actor, obj=app, payload={
        "figures": {f["code"]: [before.get(f["code"]), f["value"]] for f in figures
                    if before.get(f["code"]) != f["value"]}})
    db.session.flush()
    return app


# --- guards and effects named by the lifecycle ------------------------------------------------------

def guard_complete(app: StatusApplication, ctx: FireContext) -> str | None:
    gaps = []
    if not app.theme:
        gaps.append("тема проекта")
    if not app.summary:
        gaps.append("обоснование (описание деятельности)")
    gaps += [f"«{f['name']}»" for f in requirements.missing(app.figures or [])]
    if gaps:
        return "Заявку нельзя подать: не заполнено — " + "; ".join(gaps) + "."
    short = requirements.shortfalls(app.figures)
    ctx.payload["shortfalls"] = [f["code"] for f in short]
    return None


def stamp_submitted(app: StatusApplication, ctx: FireContext) -> None:
    app.submitted_at = utcnow()


def record_remarks(app: StatusApplication, ctx: FireContext) -> None:
    app.remarks = ctx.reason


def guard_protocol(app: StatusApplication, ctx: FireContext) -> str | None:
    p = ctx.payload
    if not p.get("council_date") or not str(p.get("council_number") or "").strip():
        return "Укажите дату и номер протокола методического совета."
    return None


def record_protocol(app: StatusApplication, ctx: FireContext) -> None:
    p = ctx.payload
    app.council_date = date.fromisoformat(p["council_date"])
    app.council_number = str(p["council_number"]).strip()
    app.council_decision = ctx.reason
    app.council_file_id = p.get("council_file_id")


def record_award(app: StatusApplication, ctx: FireContext) -> None:
    app.award_id = ctx.payload["award_id"]


# --- use-cases ---------------------------------------------------------------------------------------

def submit(app: StatusApplication, actor: User, expected_version: int | None = None) -> StatusApplication:
    trigger = "resubmit" if app.status == ApplicationStatus.returned else "submit"
    return fire(application_lifecycle, app, trigger, actor=actor, expected_version=expected_version)


def decide(app: StatusApplication, actor: User, *, approve: bool, council_date: date | None, number: str,
           decision: str, file_storage=None, expected_version: int | None = None) -> StatusApplication:
    """Record the методический совет decision with its protocol (date, number, decision, optional file)."""
    if council_date is None or not (number or "").strip():
        raise FieldErrors({"council_number": "Укажите дату и номер протокола методического совета."})
    if council_date > today_local():
        raise FieldErrors({"council_date": "Дата протокола не может быть позже сегодняшнего дня."})
    payload: dict[str, Any] = {"council_date": council_date.isoformat(), "council_number": number.strip()[:32]}
    if file_storage is not None and file_storage.filename:
        payload["council_file_id"] = files.store_upload(file_storage, allowed=files.DOCUMENTS_SCAN,
                                                        max_bytes=MAX_FILE, user=actor).id
    text = (decision or "").strip() or (f"Присвоить статус «{app.status_type.short_name}»" if approve
                                        else "Отказать в присвоении статуса")
    return fire(application_lifecycle, app, "council_approve" if approve else "council_reject", actor=actor,
                reason=text, payload=payload, expected_version=expected_version)


def default_term(app: StatusApplication) -> tuple[date, date]:
    """From the council's decision to the end of the type's default term (calendar years)."""
    start = app.council_date or date(app.year, 1, 1)
    return start, date(start.year + app.status_type.default_term_years - 1, 12, 31)


def prepare_order(app: StatusApplication, actor: User, term_from: date | None = None,
                  term_to: date | None = None) -> Order:
    """The draft of the order «О присвоении статуса» for this application; signing it grants the status."""
    from .. import orders

    require(actor, "status_application.prepare_order", app)
    if app.status != ApplicationStatus.council_approved:
        raise TransitionNotAllowed("Проект приказа готовится после положительного решения методического совета.")
    if app.order is not None and app.order.status.name not in ("cancelled",):
        raise TransitionNotAllowed(f"Проект приказа по этой заявке уже подготовлен (приказ {app.order_id}).")
    start, end = default_term(app)
    term_from, term_to = term_from or start, term_to or end
    order = orders.create_draft(OrderKind.assign_status, actor, status_type=app.status_type, awards=[{
        "organization_id": app.organization_id, "theme": app.theme, "term_from": term_from, "term_to": term_to}])
    order.preamble = (f"{order.preamble} (протокол от {app.council_date:%d.%m.%Y} № {app.council_number})"
                      if app.council_date else order.preamble)
    order.effects = {**order.effects, "application_ids": [app.id]}
    app.order_id = order.id
    audit.record("status_application.order_prepared", actor=actor, obj=app, payload={"order_id": order.id})
    db.session.flush()
    return order


def granted_by_order(order: Order, award_ids_by_org: dict[int, int]) -> list[str]:
    """Called when an «О присвоении статуса» order is signed: its applications become «granted» with the
    award the signing created for their organisation."""
    out = []
    for app_id in (order.effects or {}).get("application_ids") or []:
        app = db.session.get(StatusApplication, app_id)
        if app is None or app.status != ApplicationStatus.council_approved:
            continue
        award_id = award_ids_by_org.get(app.organization_id)
        if award_id is None:
            continue
        fire(application_lifecycle, app, "grant", actor=SystemActor(f"подписание приказа № {order.number}"),
             payload={"order_id": order.id, "order_number": order.number, "award_id": award_id})
        out.append(f"status_application:{app.id}:granted")
    return out
