"""Orders: drafting from data, approval visas, signing with a registry number, frozen files, effects.

Signing happens in one transaction: the number is taken from the year's counter (a row lock on
PostgreSQL, the database lock on SQLite), the PDF and DOCX are generated and stored with SHA-256, and
the order's effects are applied. If anything fails, none of it happened, and the number is not used.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session

from ...actors import SystemActor
from ...errors import ConcurrentChange, DomainError, TransitionNotAllowed, ValidationFailed
from ...extensions import db
from ...machines.base import FireContext, fire
from ...machines.order import order_lifecycle
from ...models import User
from ...models.base import utcnow
from ...models.orders import Order, OrderApproval, OrderCounter, OrderKind, OrderStatus, VisaStatus
from ... import audit
from ..platform import files
from ..platform import outbox
from ..platform import settings

FINAL = (OrderStatus.signed, OrderStatus.amended, OrderStatus.cancelled)
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- the document the builders receive ---------------------------------------------------------

def to_doc(order: Order, inst: dict | None = None):
    """The order as the pure document model of documents.model (no DB access in builders)."""
    from ...documents.model import Annex, Institution, OrderDoc, OrderItem, Signatory, Table

    inst = inst or settings.institution()
    items = [OrderItem(text=i["text"], subitems=tuple(i.get("subitems") or ())) for i in order.items or []]
    if order.control_clause:
        items.append(OrderItem(text=order.control_clause))
    annexes = []
    for a in order.annexes or []:
        table = None
        if a.get("table") and a["table"].get("headers"):
            widths = a["table"].get("widths")
            table = Table(headers=tuple(a["table"]["headers"]),
                          rows=tuple(tuple(str(c) for c in r) for r in a["table"].get("rows", [])),
                          col_widths_mm=tuple(widths) if widths else None)
        annexes.append(Annex(title=a.get("title", ""), text=a.get("text", ""), table=table,
                             approved_word=a.get("approved_word") or "УТВЕРЖДЕН"))
    return OrderDoc(
        institution=Institution(ministry_name=inst["ministry_name"], full_name=inst["full_name"],
                                short_name=inst["short_name"], city=inst["city"]),
        title=order.title,
        preamble=order.preamble,
        items=tuple(items),
        signatory=Signatory(position=order.signatory_position, name=order.signatory_name),
        date=order.order_date,
        number=order.number,
        annexes=tuple(annexes),
        draft=order.status not in FINAL,
    )


def render(order: Order, fmt: str) -> bytes:
    from ...documents.orders import build_order_docx, build_order_pdf

    doc = to_doc(order)
    return build_order_pdf(doc) if fmt == "pdf" else build_order_docx(doc)


def file_name(order: Order, fmt: str) -> str:
    if order.number:
        return f"Приказ № {order.number} от {order.order_date:%d.%m.%Y}.{fmt}"
    return f"Проект приказа {order.id}.{fmt}"


def document_bytes(order: Order, fmt: str) -> bytes:
    """Signed orders give their frozen bytes; drafts are rendered now (marked «ПРОЕКТ»)."""
    if order.status in FINAL:
        stored = order.pdf_file if fmt == "pdf" else order.docx_file
        return files.read_stored(stored)
    return render(order, fmt)


# --- drafting ------------------------------------------------------------------------------------

Prefill = Callable[..., dict]
_PREFILL: dict[OrderKind, Prefill] = {}


def prefill(kind: OrderKind):
    def register(fn: Prefill) -> Prefill:
        _PREFILL[kind] = fn
        return fn

    return register


def control_clause(inst: dict) -> str:
    return f"Контроль за выполнением настоящего приказа возложить на {inst['control_person']}."


def create_draft(kind: OrderKind, actor: User, **sources) -> Order:
    inst = settings.institution()
    fields = _PREFILL.get(kind, _blank)(inst=inst, **sources)
    order = Order(
        kind=kind,
        status=OrderStatus.draft,
        title=fields.get("title", ""),
        preamble=fields.get("preamble", ""),
        items=fields.get("items", []),
        annexes=fields.get("annexes", []),
        control_clause=fields.get("control_clause", control_clause(inst)),
        signatory_position=inst["signatory_position"],
        signatory_name=inst["signatory_name"],
        effects=fields.get("effects", {}),
        campaign_id=fields.get("campaign_id"),
        target_order_id=fields.get("target_order_id"),
        created_by_id=actor.id,
    )
    db.session.add(order)
    db.session.flush()
    audit.record("order.created", actor=actor, obj=order, to_state=order.status.name,
                 payload={"kind": kind.name, **{k: v for k, v in fields.get("effects", {}).items()
                                                if isinstance(v, (int, str))}})
    return order


def _blank(inst: dict, **_) -> dict:
    return {"title": "Об утверждении ", "preamble": "", "items": [{"text": "", "subitems": []}]}


def parse_items(text: str) -> list[dict]:
    """Items from a textarea: a line is an item; a line starting with «-» is a sub-item of the last one."""
    items: list[dict] = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("-"):
            if not items:
                raise ValidationFailed("Подпункт не может стоять перед первым пунктом.")
            items[-1]["subitems"].append(line.lstrip("- ").strip())
        else:
            items.append({"text": line, "subitems": []})
    return items


def items_text(items: list[dict]) -> str:
    lines = []
    for it in items or []:
        lines.append(it["text"])
        lines.extend(f"- {s}" for s in it.get("subitems") or [])
    return "\n".join(lines)


def parse_table(text: str, headers: list[str]) -> list[list[str]]:
    """Rows from a textarea: one row per line, cells separated by «|». Numbering (№) is added if first."""
    rows = []
    width = len(headers)
    numbered = bool(headers) and headers[0].strip() in ("№", "№ п/п")
    for n, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        cells = [c.strip() for c in raw.split("|")]
        if numbered:
            cells = [str(len(rows) + 1)] + cells
        if len(cells) != width:
            raise ValidationFailed(
                f"Строка {n} таблицы приложения: ожидается {width - int(numbered)} столбцов через «|», "
                f"получено {len(cells) - int(numbered)}.")
        rows.append(cells)
    return rows


def table_text(table: dict | None) -> str:
    if not table:
        return ""
    numbered = table["headers"] and table["headers"][0].strip() in ("№", "№ п/п")
    return "\n".join(" | ".join(r[1:] if numbered else r) for r in table.get("rows", []))


def update_draft(order: Order, actor: User, *, expected_version: int, title: str, preamble: str,
                 items: str, control: str, signatory_position: str, signatory_name: str,
                 annexes: list[dict]) -> Order:
    """annexes: [{"title", "text", "rows_text"}] in the order's existing annex order (tables keep headers)."""
    if order.status != OrderStatus.draft:
        raise TransitionNotAllowed("Изменять можно только проект приказа.")
    if order.version != expected_version:
        raise ConcurrentChange()
    errors = []
    if not title.strip():
        errors.append("Укажите заголовок приказа.")
    parsed_items = parse_items(items)
    if not parsed_items:
        errors.append("Добавьте хотя бы один пункт приказа.")
    if not signatory_name.strip() or not signatory_position.strip():
        errors.append("Укажите должность и фамилию подписанта.")
    new_annexes = []
    for i, (old, new) in enumerate(zip(order.annexes or [], annexes, strict=False), start=1):
        annex = {"title": new["title"].strip(), "text": new.get("text", "").strip(),
                 "approved_word": old.get("approved_word", "УТВЕРЖДЕН")}
        if old.get("table"):
            try:
                rows = parse_table(new.get("rows_text", ""), old["table"]["headers"])
            except ValidationFailed as exc:
                errors.append(f"Приложение № {i}: {exc.message}")
                rows = []
            annex["table"] = {**old["table"], "rows": rows}
        new_annexes.append(annex)
    if errors:
        raise ValidationFailed(" ".join(errors))
    before_title = order.title
    order.title = title.strip()
    order.preamble = preamble.strip()
    order.items = parsed_items
    order.control_clause = control.strip()
    order.signatory_position = signatory_position.strip()
    order.signatory_name = signatory_name.strip()
    order.annexes = new_annexes
    audit.record("order.updated", actor=actor, obj=order, payload={"before_title": before_title})
    db.session.flush()
    return order


# --- approval ------------------------------------------------------------------------------------

def _current_round(order: Order) -> int:
    return max((a.round for a in order.approvals), default=0)


def guard_ready(order: Order, ctx: FireContext) -> str | None:
    if not (order.title or "").strip() or not order.items:
        return "В проекте приказа нет заголовка или пунктов."
    if not settings.institution().get("approver_ids"):
        return "Не настроен список согласующих (Администрирование → Настройки учреждения)."
    return None


def open_visa_round(order: Order, ctx: FireContext) -> None:
    n = _current_round(order) + 1
    approvers = settings.institution()["approver_ids"]
    users = {u.id: u for u in db.session.execute(select(User).where(User.id.in_(approvers))).scalars()}
    for pos, uid in enumerate(approvers):
        if uid not in users:
            continue
        order.approvals.append(OrderApproval(approver_id=uid, position=pos, round=n))
        outbox.notify(f"order:{order.id}:visa:{n}:{uid}", user=users[uid],
                      subject=f"Проект приказа на согласование: {order.title}",
                      body=f"Прошу согласовать проект приказа «{order.title}».")


def pending_visa(order: Order, user: User) -> OrderApproval | None:
    n = _current_round(order)
    for a in order.approvals:
        if a.round == n and a.approver_id == user.id and a.status == VisaStatus.pending:
            return a
    return None


def decide_visa(order: Order, actor: User, *, approve: bool, remark: str = "",
                expected_version: int | None = None) -> Order:
    if order.status != OrderStatus.approval:
        raise TransitionNotAllowed("Приказ не находится на согласовании.")
    visa = pending_visa(order, actor)
    if visa is None:
        raise TransitionNotAllowed("У вас нет ожидающей визы по этому приказу.")
    remark = (remark or "").strip()
    if not approve and not remark:
        raise ValidationFailed("Укажите замечание, с которым возвращаете проект.")
    visa.status = VisaStatus.approved if approve else VisaStatus.returned
    visa.remark = remark
    visa.decided_at = utcnow()
    audit.record("order.visa_approved" if approve else "order.visa_returned", actor=actor, obj=order,
                 reason=remark, payload={"round": visa.round})
    if not approve:
        return fire(order_lifecycle, order, "return_to_draft",
                    actor=SystemActor("возврат проекта приказа с замечаниями при согласовании"),
                    reason=remark, expected_version=expected_version)
    n = visa.round
    if all(a.status == VisaStatus.approved for a in order.approvals if a.round == n):
        return fire(order_lifecycle, order, "approve",
                    actor=SystemActor("последняя виза согласования проекта приказа"),
                    expected_version=expected_version)
    db.session.flush()
    return order


# --- signing -------------------------------------------------------------------------------------

def next_number(year: int) -> int:
    """Take the next registry number of the year inside the caller's transaction (gapless)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    db.session.execute(dialect_insert(OrderCounter).values(year=year, last=0).on_conflict_do_nothing())
    return db.session.execute(
        update(OrderCounter).where(OrderCounter.year == year)
        .values(last=OrderCounter.last + 1).returning(OrderCounter.last)
    ).scalar_one()


def today_local() -> date:
    return utcnow().astimezone(ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])).date()


Effect = Callable[[Order, User], list[str]]
_EFFECTS: dict[OrderKind, Effect] = {}


def effect(kind: OrderKind):
    def register(fn: Effect) -> Effect:
        _EFFECTS[kind] = fn
        return fn

    return register


def number_and_freeze(order: Order, ctx: FireContext) -> None:
    # The machine has already set status=signed; until this transaction ends the order may still be
    # written (number, files, effects): the immutability guard lets this one signing through.
    db.session.info.setdefault("orders_being_signed", set()).add(order.id)
    inst = settings.institution()
    order.order_date = today_local()
    order.year = order.order_date.year
    order.seq = next_number(order.year)
    order.number = settings.format_number(inst["order_number_format"], order.seq)
    order.signed_at = utcnow()
    order.signatory_id = ctx.actor.id
    pdf = render(order, "pdf")
    docx = render(order, "docx")
    order.pdf_file = files.store_bytes(pdf, original_name=file_name(order, "pdf"), content_type=PDF,
                                       user=ctx.actor)
    order.docx_file = files.store_bytes(docx, original_name=file_name(order, "docx"), content_type=DOCX,
                                        user=ctx.actor)
    changes = _EFFECTS.get(order.kind, lambda o, a: [])(order, ctx.actor)
    ctx.payload.update(number=order.number, date=order.order_date.isoformat(),
                       pdf_sha256=order.pdf_file.sha256, docx_sha256=order.docx_file.sha256,
                       effects=changes)


def sign(order: Order, actor: User, expected_version: int | None = None) -> Order:
    return fire(order_lifecycle, order, "sign", actor=actor, expected_version=expected_version)


def attach_scan(order: Order, stored_file, actor: User) -> None:
    if order.status not in FINAL:
        raise TransitionNotAllowed("Скан с подписью прикладывается только к подписанному приказу.")
    order.scan_file_id = stored_file.id
    audit.record("order.scan_attached", actor=actor, obj=order, payload={"sha256": stored_file.sha256})
    db.session.flush()


# --- immutability of signed orders ---------------------------------------------------------------

_MUTABLE_AFTER_SIGNING = {"status", "scan_file_id", "scan_file", "version", "updated_at"}


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_signed_orders(session, flush_context, instances):
    for obj in list(session.dirty) + list(session.deleted):
        if not isinstance(obj, Order):
            continue
        state = inspect(obj)
        hist = state.attrs.status.history
        was = (hist.deleted or hist.unchanged or [None])[0]
        if was not in FINAL or obj.id in session.info.get("orders_being_signed", ()):
            continue
        if obj in session.deleted:
            raise DomainError("Подписанный приказ удалить нельзя.")
        changed = {a.key for a in state.attrs if a.history.has_changes()} - _MUTABLE_AFTER_SIGNING
        if changed:
            raise DomainError("Подписанный приказ изменить нельзя: оформите новый приказ о внесении "
                              "изменений.")


@event.listens_for(Session, "after_transaction_end")
def _forget_signing(session, transaction):
    if transaction.parent is None:
        session.info.pop("orders_being_signed", None)


from ..orders import kinds as order_kinds  # noqa: E402,F401  (registers every kind's prefill and effects)
