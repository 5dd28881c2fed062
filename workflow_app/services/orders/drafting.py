"""Drafting an order: the document model the builders receive, prefilling a draft by kind, editing it."""
from __future__ import annotations

from collections.abc import Callable

from ... import audit
from ...errors import ConcurrentChange, TransitionNotAllowed, ValidationFailed
from ...extensions import db
from ...models import Role, User
from ...models.orders import Order, OrderKind, OrderStatus
from ...policy import require
from ..platform import files, settings
from . import queries

FINAL = (OrderStatus.signed, OrderStatus.amended, OrderStatus.cancelled)
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- the signatory -------------------------------------------------------------------------------

def may_sign_orders(user: User | None) -> bool:
    return user is not None and user.is_active and user.has_role(Role.signatory)


def signature_of(user: User) -> tuple[str, str]:
    """The signature block of a user: position from his profile, name as «И.О. Фамилия»."""
    from ...documents.protocols import initials

    return (user.position or "").strip(), initials(user.full_name)


def signature_block(order: Order) -> tuple[str, str]:
    """(position, name) printed under the order: a signed order's snapshot of who signed; on a draft
    the designated signatory's profile as it is now."""
    if order.status in FINAL:
        return order.signatory_position, order.signatory_name
    if order.designated_signatory is None:
        return "", ""
    return signature_of(order.designated_signatory)


def signatory_problem(user: User | None) -> str | None:
    """Why this user cannot be an order's signatory, or None."""
    if user is None:
        return "Не выбран подписант приказа: выберите его в проекте приказа."
    if not may_sign_orders(user):
        return f"{user.full_name} не может подписывать приказы: нет роли «Подписант» или учётная запись заблокирована."
    if not (user.position or "").strip():
        return (f"В профиле подписанта ({user.full_name}) не указана должность: без неё нельзя оформить "
                "подпись приказа.")
    return None


def default_signatory(inst: dict) -> User | None:
    """The signatory from the institution settings; else the only holder of the role, if there is one."""
    configured = inst.get("signatory_user_id")
    if configured:
        user = db.session.get(User, configured)
        if may_sign_orders(user):
            return user
    people = queries.signatories()
    return people[0] if len(people) == 1 else None


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
        signatory=Signatory(*signature_block(order)),
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
    signatory = default_signatory(inst)
    order = Order(
        kind=kind,
        status=OrderStatus.draft,
        title=fields.get("title", ""),
        preamble=fields.get("preamble", ""),
        items=fields.get("items", []),
        annexes=fields.get("annexes", []),
        control_clause=fields.get("control_clause", control_clause(inst)),
        designated_signatory=signatory,
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
                 items: str, control: str, signatory_id: int | None, annexes: list[dict]) -> Order:
    """annexes: [{"title", "text", "rows_text"}] in the order's existing annex order (tables keep headers)."""
    require(actor, "order.edit", order)
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
    signatory = db.session.get(User, signatory_id) if signatory_id else None
    if (why := signatory_problem(signatory)) is not None:
        errors.append(why)
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
    before_title, before_signatory = order.title, order.designated_signatory_id
    order.title = title.strip()
    order.preamble = preamble.strip()
    order.items = parsed_items
    order.control_clause = control.strip()
    assert signatory is not None  # signatory_problem refused None
    order.designated_signatory = signatory
    order.annexes = new_annexes
    payload: dict = {"before_title": before_title}
    if before_signatory != signatory.id:
        payload["signatory"] = [before_signatory, signatory.id]
    audit.record("order.updated", actor=actor, obj=order, payload=payload)
    db.session.flush()
    return order

