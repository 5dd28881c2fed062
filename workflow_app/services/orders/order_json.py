"""An order as JSON: the public shape of «Скачать JSON» / «Загрузить из JSON» and of the JSON API.

    {"kind", "issuer", "ministry", "institute_full", "institute_short", "doc_kind", "date", "number", "city",
     "title", "preamble", "items": ["…"], "signatory": {"position", "name"},
     "annexes": [{"heading_lines": ["…"], "title", "subtitle", "abbreviations": ["…"], "columns": ["…"],
                  "rows": [["…"]], "row_kinds": ["…"], "text", "widths"}]}

- `kind` is the OrderKind name, `date` ISO (null until the order is signed or registered), `issuer` empty for
  an order issued here; `date` and `number` are given by signing or registration and are not changed by a
  load (`register(...)` takes them for an order issued outside);
- `items` are the items' texts without numbers (the document numbers them), the control clause last;
  an item's sub-items follow its text on lines starting with «- »;
- an annex's `heading_lines` are printed as given (the line «от … № …» is always generated from the order);
  its table is the shared grid shape (services/documents/grid.py): № typed verbatim, group and continuation
  rows; `text` (free text under the title) and `widths` (column widths, mm, or null) complete it;
- `signatory` names a user with the signatory role by his signature block («Ректор», «Т.А. Гайдук»).

Export, load and export again give identical JSON.
"""
from __future__ import annotations

from typing import Any

from ... import audit
from ...errors import TransitionNotAllowed
from ...extensions import db
from ...models import User
from ...models.orders import Order, OrderKind, OrderStatus
from ...policy import require
from ..platform import settings
from . import annexes as annex_rules
from . import queries
from .content import OrderInvalid, check, letterhead_of, update_content
from .drafting import default_signatory, signature_block, signature_of

KEYS = ("kind", "issuer", "ministry", "institute_full", "institute_short", "doc_kind", "date", "number", "city",
        "title", "preamble", "items", "signatory", "annexes")
ANNEX_KEYS = ("heading_lines", "title", "subtitle", "abbreviations", "columns", "rows", "row_kinds", "text",
              "widths")
# Set by signing or registration, never by a load.
READ_ONLY = ("date", "number")

def _item_text(item: dict) -> str:
    return "\n".join([item["text"], *(f"- {s}" for s in item.get("subitems") or [])])


def order_to_json(order: Order) -> dict[str, Any]:
    position, name = signature_block(order)
    items = [_item_text(i) for i in order.items or []]
    if order.control_clause:
        items.append(order.control_clause)
    annexes = []
    for n, a in enumerate(annex_rules.all_of(order), start=1):
        annexes.append({
            "heading_lines": annex_rules.heading_lines(a, n, order.institute_short),
            "title": a["title"], "subtitle": a["subtitle"], "abbreviations": list(a["abbreviations"]),
            "columns": list(a["columns"]), "rows": [list(r) for r in a["rows"]],
            "row_kinds": list(a["row_kinds"]), "text": a["text"],
            "widths": list(a["widths"]) if a.get("widths") else None})
    return {
        "kind": order.kind.name, "issuer": order.issuer, "ministry": order.ministry,
        "institute_full": order.institute_full, "institute_short": order.institute_short,
        "doc_kind": order.doc_kind, "date": order.order_date.isoformat() if order.order_date else None,
        "number": order.number, "city": order.city, "title": order.title, "preamble": order.preamble,
        "items": items, "signatory": {"position": position, "name": name}, "annexes": annexes,
    }


def _signatory_id(value: Any, errors: dict) -> int | None:
    """The user whose signature block is {"position", "name"}; None when both are empty."""
    if not isinstance(value, dict):
        errors["signatory"] = "Подписант передаётся как {\"position\", \"name\"}."
        return None
    position = str(value.get("position") or "").strip()
    name = str(value.get("name") or "").strip()
    if not position and not name:
        return None
    for user in queries.signatories():
        pos, initials = signature_of(user)
        if name in (initials, user.full_name) and (not position or position == pos):
            return user.id
    who = " ".join(p for p in (position, name) if p)
    errors["signatory"] = (f"Подписант «{who}» не найден среди пользователей с ролью «Подписант» (должность "
                           "и «И.О. Фамилия» берутся из профиля).")
    return None


def _content(data: Any, creating: bool) -> dict:
    """The service's content dict from the JSON (keys present only); raises OrderInvalid."""
    if not isinstance(data, dict):
        raise OrderInvalid({"": "Ожидается объект JSON с полями приказа."})
    errors: dict[str, str] = {}
    unknown = [k for k in data if k not in KEYS]
    if unknown:
        errors[unknown[0]] = "Неизвестные поля: " + ", ".join(f"«{k}»" for k in unknown) + "."
    out: dict[str, Any] = {k: data[k] for k in KEYS if k in data and k not in READ_ONLY + ("signatory",)}
    if "items" in out:
        out["control_clause"] = ""  # the control clause comes as the last item
    if isinstance(out.get("annexes"), list):
        for i, a in enumerate(out["annexes"]):
            extra = [k for k in a if k not in ANNEX_KEYS] if isinstance(a, dict) else []
            if extra:
                errors[f"annexes[{i}]"] = "Неизвестные поля приложения: " + ", ".join(f"«{k}»" for k in extra) + "."
    if "signatory" in data:
        sid = _signatory_id(data["signatory"], errors)
        if sid is not None:
            out["designated_signatory_id"] = sid
    if creating and "kind" not in data:
        errors["kind"] = "Укажите вид приказа (kind)."
    try:
        check(out)
    except OrderInvalid as exc:
        errors.update(exc.fields)
    if errors:
        raise OrderInvalid(errors)
    return out


def _kind_allowed(kind_name: str | None, order: Order | None, issuer: str) -> str | None:
    """Kinds whose signing changes data (results, statuses, other orders) are drafted from that data in the
    system, not loaded from JSON (an order registered from outside may be of any kind)."""
    from .signing import _EFFECTS

    kind = OrderKind.__members__.get(kind_name or "")
    if kind is None or kind not in _EFFECTS or issuer or (order is not None and order.kind == kind):
        return None
    return (f"Приказ вида «{kind.value}» готовится из данных системы (Приказы → Новый приказ); "
            "из JSON загружается только его текст в уже созданный проект.")


def order_from_json(actor: User, data: Any, order: Order | None = None, *,
                    expected_version: int | None = None) -> Order:
    """Create a draft from `data`, or change the draft `order` by the keys present (absent keys keep their
    value). Raises OrderInvalid with `fields` naming each problem; nothing is changed then."""
    require(actor, "order.edit" if order is not None else "order.create", order)
    if order is not None and order.status != OrderStatus.draft:
        raise TransitionNotAllowed("Загрузить JSON можно только в проект приказа.")
    content = _content(data, creating=order is None)
    issuer = content.get("issuer", order.issuer if order is not None else "")
    if (why := _kind_allowed(content.get("kind"), order, issuer)) is not None:
        raise OrderInvalid({"kind": why})
    if order is None:
        inst = settings.institution()
        order = Order(kind=OrderKind[content["kind"]], status=OrderStatus.draft, title="", preamble="",
                      items=[], annexes=[], control_clause="", created_by_id=actor.id, **letterhead_of(inst),
                      designated_signatory=default_signatory(inst))
        db.session.add(order)
        db.session.flush()
        audit.record("order.created", actor=actor, obj=order, to_state=order.status.name,
                     payload={"kind": order.kind.name, "source": "json"})
    return update_content(order, actor, content, expected_version=expected_version, imported=True)
