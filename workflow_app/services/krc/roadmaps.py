"""Roadmaps (ДК) of network-status holders: the plan per organisation and year in the grid shape, submitted
by the holder and approved by staff (return ↔ resubmit), the approval order «Об утверждении дорожной карты»
with the plan as its annex, staff notes on the content (September), and the completion report against the
plan's rows (November)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from ... import audit
from ...errors import TransitionNotAllowed, ValidationFailed
from ...extensions import db
from ...machines.base import FireContext, fire
from ...machines.roadmap import roadmap_lifecycle
from ...models import Organization, User
from ...models.base import utcnow
from ...models.orders import Order, OrderKind, OrderStatus
from ...models.roadmap import Roadmap, RoadmapNote, RoadmapStatus
from ...policy import require
from ...timeutil import today_local
from ..documents.grid import Grid, GridError, grid_from_json
from ..platform.validation import FieldErrors, clean
from .deadlines import deadlines

# The plan's own columns (the holder may add more around them, never rename or drop these).
COLUMNS = ["№", "Мероприятие", "Сроки", "Целевая аудитория", "Ответственный"]
KEYS = ["number", "activity", "period", "audience", "responsible"]
EDITABLE = (RoadmapStatus.draft, RoadmapStatus.returned)
APPROVED = (RoadmapStatus.approved, RoadmapStatus.reported)
FACTS = {"done": "Выполнено", "partly": "Выполнено частично", "not_done": "Не выполнено",
         "moved": "Перенесено"}
MAX_TITLE = 500
MAX_COMMENT = 4000
MAX_NOTE = 20_000


def blank_plan() -> dict:
    return Grid(columns=list(COLUMNS)).to_json()


def plan_grid(roadmap: Roadmap) -> Grid:
    return grid_from_json(roadmap.plan or None, fixed_columns=COLUMNS)


def plan_rows(roadmap: Roadmap) -> list[dict]:
    """The plan's rows as a report reads them: {"index", "kind" (data|group|continuation), "number",
    "activity", "period", "audience", "responsible"}; a group row's text is in "activity" (its first cell).
    `index` is the row's place in the plan, the key a completion report refers to."""
    grid = plan_grid(roadmap)
    at = {key: grid.columns.index(col) for key, col in zip(KEYS, COLUMNS, strict=True)}
    out = []
    for i, (row, kind) in enumerate(zip(grid.rows, grid.row_kinds, strict=True)):
        item: dict[str, Any] = {"index": i, "kind": kind, **{k: row[j] for k, j in at.items()}}
        if kind == "group":
            item["activity"] = next((c for c in row if c.strip()), "")
            item["number"] = ""
        out.append(item)
    return out


def reportable(rows: list[dict]) -> list[dict]:
    """Rows that get a fact: activities (data rows); groups are headings, continuations part of the row above."""
    return [r for r in rows if r["kind"] == "data"]


def _plan(raw: Any) -> dict:
    try:
        return grid_from_json(raw or None, fixed_columns=COLUMNS).to_json()
    except GridError as exc:
        raise FieldErrors({"plan": f"План: {exc}"}) from None


def _title(text: str, org: Organization, year: int) -> str:
    title = clean(text) or f"{org.short_name} на {year} год"
    if len(title) > MAX_TITLE:
        raise FieldErrors({"title": f"Название: не более {MAX_TITLE} символов."})
    return title


def create(actor: User, org: Organization, year: int, title: str, plan: Any) -> Roadmap:
    require(actor, "roadmap.create", org)
    if db.session.execute(select(Roadmap.id).where(Roadmap.organization_id == org.id,
                                                   Roadmap.year == year)).first():
        raise ValidationFailed(f"Дорожная карта «{org.short_name}» на {year} год уже есть: откройте её из списка.")
    roadmap = Roadmap(organization_id=org.id, year=year, title=_title(title, org, year), plan=_plan(plan))
    db.session.add(roadmap)
    db.session.flush()
    audit.record("roadmap.created", actor=actor, obj=roadmap, to_state=roadmap.status.name,
                 payload={"year": year, "rows": len(roadmap.plan["rows"])})
    return roadmap


def update(roadmap: Roadmap, actor: User, title: str, plan: Any) -> Roadmap:
    require(actor, "roadmap.edit", roadmap)
    if roadmap.status not in EDITABLE:
        raise TransitionNotAllowed(f"Дорожную карту в состоянии «{roadmap.status.value}» изменить нельзя.")
    roadmap.title = _title(title, roadmap.organization, roadmap.year)
    roadmap.plan = _plan(plan)
    audit.record("roadmap.edited", actor=actor, obj=roadmap, payload={"rows": len(roadmap.plan["rows"])})
    db.session.flush()
    return roadmap


# --- guards and effects named by the lifecycle ------------------------------------------------------

def guard_plan(roadmap: Roadmap, ctx: FireContext) -> str | None:
    if not reportable(plan_rows(roadmap)):
        return "В плане нет ни одного мероприятия: заполните таблицу дорожной карты."
    return None


def stamp_submitted(roadmap: Roadmap, ctx: FireContext) -> None:
    roadmap.submitted_at = utcnow()


def record_remarks(roadmap: Roadmap, ctx: FireContext) -> None:
    roadmap.remarks = ctx.reason


def stamp_approved(roadmap: Roadmap, ctx: FireContext) -> None:
    roadmap.approved_at = utcnow()
    roadmap.approved_by_id = getattr(ctx.actor, "id", None)
    due = deadlines(roadmap.year).roadmap_approval
    ctx.payload["deadline"] = due.isoformat()
    ctx.payload["late"] = today_local() > due


def guard_completion(roadmap: Roadmap, ctx: FireContext) -> str | None:
    facts = {e["row"]: e for e in roadmap.completion or []}
    gaps = [r["number"] or r["activity"][:40] for r in reportable(plan_rows(roadmap)) if r["index"] not in facts]
    if gaps:
        return "Отчёт нельзя представить: не указано выполнение мероприятий " + ", ".join(
            f"«{g}»" for g in gaps[:10]) + (" и других." if len(gaps) > 10 else ".")
    return None


def stamp_reported(roadmap: Roadmap, ctx: FireContext) -> None:
    roadmap.reported_at = utcnow()
    ctx.payload["facts"] = {k: sum(1 for e in roadmap.completion if e["fact"] == k) for k in FACTS}


# --- use-cases ---------------------------------------------------------------------------------------

def submit(roadmap: Roadmap, actor: User, expected_version: int | None = None) -> Roadmap:
    trigger = "resubmit" if roadmap.status == RoadmapStatus.returned else "submit"
    return fire(roadmap_lifecycle, roadmap, trigger, actor=actor, expected_version=expected_version)


def prepare_order(roadmap: Roadmap, actor: User) -> Order:
    """«Подготовить приказ»: the draft «Об утверждении дорожной карты» with the plan as its annex (heading
    lines, title, the table with its group and continuation rows as the holder typed them)."""
    from .. import orders
    from ..orders import annexes

    require(actor, "roadmap.prepare_order", roadmap)
    if roadmap.status not in APPROVED:
        raise TransitionNotAllowed("Приказ готовится по утверждённой дорожной карте.")
    if roadmap.order is not None and roadmap.order.status != OrderStatus.cancelled:
        raise TransitionNotAllowed("Приказ по этой дорожной карте уже подготовлен: откройте его.")
    order = orders.create_draft(OrderKind.approve_roadmap, actor, organization=roadmap.organization,
                                title=roadmap.title, grid=plan_grid(roadmap))
    first = dict(order.annexes[0])
    first["heading_lines"] = annexes.heading_lines(first, 1, order.institute_short)
    first["subtitle"] = f"{roadmap.organization.full_name}, {roadmap.year} год"
    order.annexes = [first, *order.annexes[1:]]
    order.effects = {**order.effects, "roadmap_id": roadmap.id}
    roadmap.order_id = order.id
    audit.record("roadmap.order_prepared", actor=actor, obj=roadmap, payload={"order_id": order.id})
    db.session.flush()
    return order


def add_note(roadmap: Roadmap, actor: User, noted_on: date | None, text: str) -> RoadmapNote:
    """A staff note on the content (the September analysis), dated and signed by its author."""
    require(actor, "roadmap.note", roadmap)
    text = (text or "").strip()
    if not text:
        raise FieldErrors({"text": "Напишите замечание или вывод по содержанию."})
    if len(text) > MAX_NOTE:
        raise FieldErrors({"text": f"Не более {MAX_NOTE} символов."})
    note = RoadmapNote(roadmap_id=roadmap.id, noted_on=noted_on or today_local(), text=text, author_id=actor.id)
    db.session.add(note)
    db.session.flush()
    db.session.expire(roadmap, ["notes"])
    audit.record("roadmap.noted", actor=actor, obj=roadmap, payload={"note_id": note.id,
                                                                     "noted_on": note.noted_on.isoformat()})
    return note


@dataclass
class Fact:
    fact: str
    new_date: date | None = None
    comment: str = ""


def save_completion(roadmap: Roadmap, actor: User, facts: dict[int, Fact]) -> Roadmap:
    """The completion report against the plan: for each activity row its fact (done, partly, not done,
    moved with the new date) and a comment. Saved as a draft; `report` submits it."""
    require(actor, "roadmap.edit_report", roadmap)
    if roadmap.status != RoadmapStatus.approved:
        raise TransitionNotAllowed("Отчёт о выполнении заполняется по утверждённой дорожной карте.")
    rows = {r["index"]: r for r in reportable(plan_rows(roadmap))}
    errors, out = {}, []
    for index, f in sorted(facts.items()):
        if index not in rows:
            raise ValidationFailed("Отчёт ссылается на строку, которой нет в плане: обновите страницу.")
        if not f.fact:
            continue
        label = rows[index]["number"] or rows[index]["activity"][:40]
        if f.fact not in FACTS:
            errors[f"fact_{index}"] = f"Мероприятие «{label}»: выберите выполнение из списка."
        elif f.fact == "moved" and f.new_date is None:
            errors[f"new_date_{index}"] = f"Мероприятие «{label}» перенесено: укажите новый срок."
        if len(f.comment or "") > MAX_COMMENT:
            errors[f"comment_{index}"] = f"Мероприятие «{label}»: комментарий не длиннее {MAX_COMMENT} символов."
        out.append({"row": index, "fact": f.fact,
                    "new_date": f.new_date.isoformat() if f.fact == "moved" and f.new_date else "",
                    "comment": (f.comment or "").strip()})
    if errors:
        raise FieldErrors(errors)
    roadmap.completion = out
    audit.record("roadmap.report_saved", actor=actor, obj=roadmap, payload={"rows": len(out)})
    db.session.flush()
    return roadmap


def report(roadmap: Roadmap, actor: User, expected_version: int | None = None) -> Roadmap:
    return fire(roadmap_lifecycle, roadmap, "report", actor=actor, expected_version=expected_version)


def plan_vs_fact(roadmap: Roadmap) -> list[dict]:
    """Each plan row with its reported fact (None where none yet): what the report page and staff read."""
    facts = {e["row"]: e for e in roadmap.completion or []}
    return [{**r, "report": facts.get(r["index"])} for r in plan_rows(roadmap)]


def overdue(roadmap: Roadmap, today: date | None = None) -> str:
    """«Не утверждена в срок (до 31.08.2026)» / «Отчёт просрочен (до 30.11.2026)» / ""."""
    day = today or today_local()
    due = deadlines(roadmap.year)
    if roadmap.status not in APPROVED and day > due.roadmap_approval:
        return f"Не утверждена в срок (до {due.roadmap_approval:%d.%m.%Y})"
    if roadmap.status == RoadmapStatus.approved and day > due.completion_report:
        return f"Отчёт о выполнении просрочен (до {due.completion_report:%d.%m.%Y})"
    return ""
