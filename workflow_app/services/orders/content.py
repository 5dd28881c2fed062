"""The content of a draft order (letterhead, title, preamble, items, signatory, annexes): one check and one
write for the edit form, the JSON upload and the JSON API alike.

`update_content(order, actor, data)` changes only the keys present in `data` (PUT semantics of the API:
absent keys keep their value); a problem anywhere refuses the whole change with `OrderInvalid`, whose
`fields` name each place ({"title": "…", "annexes[0].rows[3]": "…"}) in Russian.
"""
from __future__ import annotations

from typing import Any

from ... import audit
from ...errors import ConcurrentChange, TransitionNotAllowed
from ...extensions import db
from ...models import User
from ...models.orders import Order, OrderKind, OrderStatus
from ...policy import require
from ..platform.validation import FieldErrors
from . import annexes as annex_rules

MAX_TITLE = 2000          # real titles run past 230 characters; this is far beyond any seen
MAX_PREAMBLE = 50_000
MAX_ITEM = 20_000
MAX_ITEMS = 300
LETTERHEAD = {"ministry": ("Министерство", 1000), "institute_full": ("Полное наименование учреждения", 2000),
              "institute_short": ("Сокращённое наименование", 500), "doc_kind": ("Вид документа", 100),
              "city": ("Город", 200)}
MAX_ISSUER = 500


class OrderInvalid(FieldErrors):
    """The order's content was refused: `message` for people, `fields` for forms and API clients."""

    def __init__(self, fields: dict[str, str]):
        super().__init__(fields)
        self.fields = fields
        self.message = "Приказ не сохранён. " + annex_rules.described(fields)


def letterhead_of(inst: dict) -> dict[str, str]:
    """Today's institution settings as an order's letterhead (the snapshot a new draft takes)."""
    return {"ministry": inst["ministry_name"], "institute_full": inst["full_name"],
            "institute_short": inst["short_name"], "doc_kind": "ПРИКАЗ", "city": inst["city"]}


def _text(data: dict, key: str, errors: dict, limit: int, label: str, *, required: str = "") -> str | None:
    value = data.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[key] = f"{label}: ожидается текст."
        return None
    value = value.replace("\r\n", "\n").strip()
    if required and not value:
        errors[key] = required
    elif len(value) > limit:
        errors[key] = f"{label}: {len(value)} символов, допускается не более {limit}."
    return value


def _items(raw: Any, errors: dict) -> list[dict]:
    """Items as {"text", "subitems"}; an item given as a string may carry its sub-items on following
    lines that start with «-» (that is how the JSON and the edit form write them)."""
    if not isinstance(raw, list):
        errors["items"] = "Пункты приказа передаются списком."
        return []
    items: list[dict] = []
    for i, item in enumerate(raw):
        if isinstance(item, str):
            text, *rest = item.replace("\r\n", "\n").split("\n")
            subitems = [ln.strip().lstrip("-").strip() for ln in rest if ln.strip()]
            item = {"text": text, "subitems": subitems}
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            errors[f"items[{i}]"] = "Пункт приказа должен быть текстом."
            continue
        text = item["text"].strip()
        subitems = [s.strip() for s in item.get("subitems") or [] if isinstance(s, str) and s.strip()]
        if not text:
            if subitems:
                errors[f"items[{i}]"] = "Подпункт не может стоять без пункта."
            continue
        if len(text) + sum(map(len, subitems)) > MAX_ITEM:
            errors[f"items[{i}]"] = f"Пункт {i + 1} длиннее {MAX_ITEM} символов."
        items.append({"text": text, "subitems": subitems})
    if not items and "items" not in errors:
        errors["items"] = "Добавьте хотя бы один пункт приказа."
    if len(items) > MAX_ITEMS:
        errors["items"] = f"{len(items)} пунктов, допускается не более {MAX_ITEMS}."
    return items


def check(data: dict) -> dict:
    """The keys present in `data`, checked and cleaned; raises OrderInvalid naming every problem."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    if "kind" in data:
        if data["kind"] in OrderKind.__members__:
            out["kind"] = OrderKind[data["kind"]]
        else:
            errors["kind"] = "Неизвестный вид приказа."
    if "title" in data:
        out["title"] = _text(data, "title", errors, MAX_TITLE, "Заголовок приказа",
                             required="Укажите заголовок приказа.")
    if "preamble" in data:
        out["preamble"] = _text(data, "preamble", errors, MAX_PREAMBLE, "Преамбула")
    if "control_clause" in data:
        out["control_clause"] = _text(data, "control_clause", errors, MAX_ITEM, "Пункт о контроле")
    if "issuer" in data:
        out["issuer"] = _text(data, "issuer", errors, MAX_ISSUER, "Кем издан")
    for key, (label, limit) in LETTERHEAD.items():
        if key in data:
            out[key] = _text(data, key, errors, limit, label, required=f"Заполните поле «{label}».")
    if "items" in data:
        out["items"] = _items(data["items"], errors)
    if "annexes" in data:
        out["annexes"] = annex_rules.check_all(data["annexes"], errors)
    if "designated_signatory_id" in data:
        from .drafting import signatory_problem

        sid = data["designated_signatory_id"]
        signatory = db.session.get(User, sid) if isinstance(sid, int) and sid > 0 else None
        if (why := signatory_problem(signatory)) is not None:
            errors["signatory"] = why
        out["designated_signatory"] = signatory
    if errors:
        raise OrderInvalid(errors)
    return out


def update_content(order: Order, actor: User, data: dict, *, expected_version: int | None = None,
                   imported: bool = False) -> Order:
    """Change the draft's content by the keys present in `data`; audited with what changed (`imported`:
    the content came from a JSON file or the API)."""
    require(actor, "order.edit", order)
    if order.status != OrderStatus.draft:
        raise TransitionNotAllowed("Изменять можно только проект приказа.")
    if expected_version is not None and order.version != expected_version:
        raise ConcurrentChange()
    values = check(data)
    changed = []
    before_title = order.title
    for key, value in values.items():
        current = getattr(order, key)
        if current != value:
            changed.append(key if key != "designated_signatory" else "signatory")
            setattr(order, key, value)
    if changed:
        payload: dict = {"changed": changed}
        if "title" in changed:
            payload["before_title"] = before_title
        audit.record("order.imported" if imported else "order.updated", actor=actor, obj=order, payload=payload)
    db.session.flush()
    return order
