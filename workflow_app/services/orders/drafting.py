"""Drafting an order: the document model the builders receive, prefilling a draft by kind, editing it."""
from __future__ import annotations

from collections.abc import Callable

from ... import audit
from ...errors import DomainError, ValidationFailed
from ...extensions import db
from ...models import Role, User
from ...models.orders import Order, OrderKind, OrderStatus
from ...policy import require
from ..platform import files, settings
from . import annexes as annex_rules
from . import queries
from .content import letterhead_of

# Frozen orders: signed here (and later amended or cancelled), or registered from outside.
FINAL = (OrderStatus.signed, OrderStatus.amended, OrderStatus.cancelled, OrderStatus.registered)
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class NoDocument(DomainError):
    http_status = 404


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

def to_doc(order: Order):
    """The order as the pure document model of documents.model (no DB access in builders), printed
    under its own letterhead."""
    from ...documents.model import Institution, OrderDoc, OrderItem, Signatory

    items = [OrderItem(text=i["text"], subitems=tuple(i.get("subitems") or ())) for i in order.items or []]
    if order.control_clause:
        items.append(OrderItem(text=order.control_clause))
    return OrderDoc(
        institution=Institution(ministry_name=order.ministry, full_name=order.institute_full,
                                short_name=order.institute_short, city=order.city),
        title=order.title,
        preamble=order.preamble,
        items=tuple(items),
        signatory=Signatory(*signature_block(order)),
        date=order.order_date,
        number=order.number,
        annexes=tuple(annex_rules.to_doc(a, n) for n, a in enumerate(annex_rules.all_of(order), start=1)),
        draft=order.status not in FINAL,
        doc_kind=order.doc_kind or "ПРИКАЗ",
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
    """Signed orders give their frozen bytes; drafts are rendered now (marked «ПРОЕКТ»); an order
    registered from outside is its scan (when the newest scan is a PDF)."""
    if order.status == OrderStatus.registered:
        scan = order.scans[0].file if order.scans else None
        if fmt != "pdf" or scan is None or scan.content_type != PDF:
            raise NoDocument("Приказ зарегистрирован из внешнего источника: он хранится только в виде скана.")
        return files.read_stored(scan)
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
    """A new draft prefilled by its kind, under today's letterhead (a snapshot: later changes of the
    institution settings do not touch it)."""
    require(actor, "order.create")
    inst = settings.institution()
    fields = _PREFILL.get(kind, _blank)(inst=inst, **sources)
    signatory = default_signatory(inst)
    order = Order(
        kind=kind,
        status=OrderStatus.draft,
        **letterhead_of(inst),
        title=fields.get("title", ""),
        preamble=fields.get("preamble", ""),
        items=fields.get("items", []),
        annexes=[annex_rules.normalize(a) for a in fields.get("annexes", [])],
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
