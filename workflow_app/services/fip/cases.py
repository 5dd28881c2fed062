"""Preparation cases: opening one, saving the form and the infographic, firing the lifecycle with the
council's and the ministry's data, and the guards and effects the lifecycle names."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from ... import audit, policy
from ...errors import ConcurrentChange, TransitionNotAllowed
from ...extensions import db
from ...machines.base import FireContext, fire
from ...machines.fip_case import fip_lifecycle
from ...models import Organization
from ...models.competition import Entry
from ...models.fip_case import FINAL, FipCase
from ...models.status_award import StatusAward
from ...timeutil import shift_years
from ..platform import files
from ..platform.validation import FieldErrors
from ..reports import readiness as report_figures
from ..statuses import awards, grounding
from ..statuses import types as status_types
from . import form as fip_form
from . import readiness

FIP_CODE = "FIP"
INFOGRAPHIC_MAX = 10 * files.MB


# --- opening and editing ---------------------------------------------------------------------------

def open_case(actor, org: Organization, project: str, year: int, *, kip_award_id: int | None = None) -> FipCase:
    """A new case of `org` for `project` and the `year` call, its form prefilled from the КИП dossier."""
    policy.require(actor, "fip.create", org)
    project = " ".join((project or "").split())
    errors = {}
    if not project:
        errors["project"] = "Укажите тему проекта."
    elif len(project) > 500:
        errors["project"] = "Тема проекта — не длиннее 500 символов."
    if not 2000 <= (year or 0) <= 2100:
        errors["year"] = "Год — от 2000 до 2100."
    kip = db.session.get(StatusAward, kip_award_id) if kip_award_id else None
    if kip_award_id and (kip is None or kip.organization_id != org.id
                         or kip not in readiness.kip_awards(org.id)):
        errors["kip_award_id"] = "Выберите действующий или завершённый статус КИП этой организации."
    if errors:
        raise FieldErrors(errors)
    same = db.session.execute(select(FipCase.id).where(
        FipCase.organization_id == org.id, FipCase.project == project, FipCase.status.not_in(FINAL))).first()
    if same is not None:
        raise FieldErrors({"project": "По этому проекту у организации уже идёт подготовка заявки."})
    entry = db.session.get(Entry, kip.entry_id) if kip is not None and kip.entry_id else None
    dossier = entry.dossier if entry is not None else {}
    case = FipCase(organization_id=org.id, project=project, year=year, kip_award_id=kip.id if kip else None,
                   form=fip_form.prefill(dossier or {}, organization=org.full_name, theme=project,
                                         reported={k: report_figures.rows_of(org.id, k)
                                                   for k in ("events", "products")}),
                   manual_checks=[], created_by_id=getattr(actor, "id", None))
    db.session.add(case)
    db.session.flush()
    audit.record("fip.opened", actor=actor, obj=case, to_state=case.status.name,
                 payload={"organization_id": org.id, "year": year, "kip_award_id": case.kip_award_id,
                          "prefilled": sorted(case.form, key=int)})
    return case


def _check_version(case: FipCase, expected_version: int | None) -> None:
    if expected_version is not None and case.version != expected_version:
        raise ConcurrentChange()


def save_form(actor, case: FipCase, items: dict[str, Any], *, expected_version: int | None = None) -> FipCase:
    """Save the items given by number (the others stay); refused whole if any item is wrong."""
    policy.require(actor, "fip.edit", case)
    _check_version(case, expected_version)
    new = fip_form.merged(case, items)
    changed = sorted((k for k in new if new.get(k) != (case.form or {}).get(k)), key=int)
    if changed:
        case.form = new
        audit.record("fip.form_saved", actor=actor, obj=case, payload={"items": changed})
        db.session.flush()
    return case


def upload_infographic(actor, case: FipCase, file_storage) -> FipCase:
    """Item 10: an image, checked by its content."""
    policy.require(actor, "fip.edit", case)
    stored = files.store_upload(file_storage, allowed=files.IMAGES, max_bytes=INFOGRAPHIC_MAX, user=actor)
    case.infographic = stored   # the relationship, so this session sees it too
    audit.record("fip.infographic", actor=actor, obj=case,
                 payload={"file": stored.original_name, "sha256": stored.sha256})
    db.session.flush()
    return case


# --- transitions with their data -----------------------------------------------------------------------

def _date(data: dict, key: str, label: str, errors: dict) -> str | None:
    v = data.get(key)
    if isinstance(v, str) and v:
        try:
            v = date.fromisoformat(v)
        except ValueError:
            v = None
    if not isinstance(v, date) or not date(2000, 1, 1) <= v <= date(2100, 12, 31):
        errors[key] = f"{label}: укажите дату."
        return None
    return v.isoformat()


def _text(data: dict, key: str, label: str, errors: dict, limit: int) -> str:
    v = " ".join(str(data.get(key) or "").split())
    if not v:
        errors[key] = f"{label}: заполните поле."
    elif len(v) > limit:
        errors[key] = f"{label}: не длиннее {limit} символов."
    return v


def payload_for(trigger: str, data: dict) -> dict[str, Any]:
    """The transition's data checked field by field (FieldErrors names the fields)."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    if trigger == "recommend":
        out["council_date"] = _date(data, "council_date", "Дата заседания совета", errors)
        out["council_protocol"] = _text(data, "council_protocol", "Номер протокола", errors, 64)
        out["council_decision"] = _text(data, "council_decision", "Решение совета", errors, 2000)
    elif trigger == "submit":
        out["submitted_on"] = _date(data, "submitted_on", "Дата подачи", errors)
    elif trigger == "recognise":
        out["issuer"] = _text(data, "issuer", "Кем издан приказ", errors, 300)
        out["number"] = _text(data, "number", "Номер приказа", errors, 32)
        out["order_date"] = _date(data, "order_date", "Дата приказа", errors)
        if data.get("term_from"):
            out["term_from"] = _date(data, "term_from", "Начало срока статуса", errors)
    if errors:
        raise FieldErrors(errors)
    return out


def transition(actor, case: FipCase, trigger: str, *, reason: str = "", data: dict | None = None,
               expected_version: int | None = None) -> FipCase:
    if trigger not in fip_lifecycle.transitions:
        raise TransitionNotAllowed(f"Неизвестное действие: {trigger}.")
    _check_version(case, expected_version)
    # State and permission first: an action not open now is a 409/403 whatever its data.
    if trigger not in fip_lifecycle.triggers_from(case.status):
        raise TransitionNotAllowed(f"Действие «{fip_lifecycle.transitions[trigger].label}» недоступно: "
                                   f"текущее состояние — «{case.status.value}».")
    policy.require(actor, fip_lifecycle.action(trigger), case)
    payload = payload_for(trigger, data or {})
    if trigger == "recognise":
        # The order and the award are written before the case changes state (the case's CHECK ties
        # «recognised» to both); a refusal below rolls them back with the request.
        grant_fip(actor, case, payload)
    return fire(fip_lifecycle, case, trigger, actor=actor, reason=reason, payload=payload,
                expected_version=expected_version)


# --- guards and effects named by the lifecycle ---------------------------------------------------------

def guard_ready(case: FipCase, ctx: FireContext) -> str | None:
    gaps = readiness.evaluate(case).blocking
    if gaps:
        return "Не выполнено: " + "; ".join(c.title for c in gaps) + "."
    return None


def guard_form_complete(case: FipCase, ctx: FireContext) -> str | None:
    gaps = fip_form.missing(case)
    if gaps:
        return "Не заполнены пункты формы: " + ", ".join(f"{i.number} «{i.title}»" for i in gaps) + "."
    return None


def guard_council(case: FipCase, ctx: FireContext) -> str | None:
    return None if ctx.payload.get("council_date") else "Укажите дату и протокол заседания совета."


def guard_submission(case: FipCase, ctx: FireContext) -> str | None:
    day = ctx.payload.get("submitted_on")
    if not day:
        return "Укажите дату подачи заявки."
    if case.council_date and date.fromisoformat(day) < case.council_date:
        return "Дата подачи не может быть раньше заседания Координационного совета."
    return None


def guard_ministry_order(case: FipCase, ctx: FireContext) -> str | None:
    p = ctx.payload
    if not (p.get("order_id") and p.get("award_id")):
        return "Укажите приказ министерства: кем издан, номер и дату."
    return None


def record_council(case: FipCase, ctx: FireContext) -> None:
    case.council_date = date.fromisoformat(ctx.payload["council_date"])
    case.council_protocol = ctx.payload["council_protocol"]
    case.council_decision = ctx.payload["council_decision"]


def record_submission(case: FipCase, ctx: FireContext) -> None:
    case.submitted_on = date.fromisoformat(ctx.payload["submitted_on"])


def record_outcome(case: FipCase, ctx: FireContext) -> None:
    case.outcome_note = ctx.reason


def grant_fip(actor, case: FipCase, payload: dict[str, Any]) -> None:
    """Register the ministry's order (as an order issued outside the system) and grant the ФИП award on
    its ground, for the status type's term from the order's date (or the given start); the ids ride in
    the payload to the «recognise» transition, which records them on the case."""
    order_date = date.fromisoformat(payload["order_date"])
    order = grounding.register_external(actor, payload["issuer"], payload["number"], order_date)
    st = status_types.by_code(FIP_CODE)
    start = date.fromisoformat(payload["term_from"]) if payload.get("term_from") else order_date
    end = shift_years(start, st.default_term_years) - timedelta(days=1)
    award = awards.grant(order, actor, case.organization_id, st, case.project, start, end)
    payload.update(order_id=order.id, award_id=award.id, term_to=end.isoformat())


def record_recognition(case: FipCase, ctx: FireContext) -> None:
    case.ministry_order_id = ctx.payload["order_id"]
    case.fip_award_id = ctx.payload["award_id"]
