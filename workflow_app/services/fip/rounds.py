"""Review rounds: sending for review freezes the form as a numbered round; the methodologist writes
remarks per item on the open round; returning for revision closes it. Rounds are compared word by word."""
from __future__ import annotations

from typing import Any

from ... import audit, policy
from ...errors import TransitionNotAllowed, ValidationFailed
from ...extensions import db
from ...machines.base import FireContext
from ...models.base import utcnow
from ...models.fip_case import FipCase, FipRound, FipStatus
from . import form as fip_form
from .diff import changed, word_diff

MAX_REMARK = 5000


def _actor_id(actor) -> int | None:
    return getattr(actor, "id", None) if not getattr(actor, "is_system", False) else None


def freeze_round(case: FipCase, ctx: FireContext) -> None:
    number = (case.current_round.number if case.current_round else 0) + 1
    content = dict(case.form or {})
    if case.infographic is not None:
        content["10"] = case.infographic.original_name
    case.rounds.append(FipRound(number=number, content=content, comments={}, sent_at=utcnow(),
                                sent_by_id=_actor_id(ctx.actor)))
    ctx.payload["round"] = number


def guard_has_remarks(case: FipCase, ctx: FireContext) -> str | None:
    r = case.current_round
    if r is None or not any((v or "").strip() for v in (r.comments or {}).values()):
        return "Чтобы вернуть заявку на доработку, напишите замечания хотя бы к одному пункту."
    return None


def close_round(case: FipCase, ctx: FireContext) -> None:
    r = case.current_round
    if r is not None:
        r.reviewed_at = utcnow()
        r.reviewer_id = _actor_id(ctx.actor)
        ctx.payload["round"] = r.number
        ctx.payload["remarks"] = sorted((k for k, v in (r.comments or {}).items() if v), key=int)


def save_remarks(actor, case: FipCase, remarks: dict[str, Any]) -> FipRound:
    """The methodologist's remarks on the round under review, by item number (empty text removes one)."""
    policy.require(actor, "fip.comment", case)
    r = case.current_round
    if case.status != FipStatus.review or r is None:
        raise TransitionNotAllowed("Замечания пишутся к заявке, отправленной на рецензию.")
    comments = dict(r.comments or {})
    for number, text in remarks.items():
        if str(number) not in fip_form.BY_NUMBER:
            raise ValidationFailed(f"Пункта {number} нет в форме.")
        text = (text or "").strip() if isinstance(text, str) else ""
        if len(text) > MAX_REMARK:
            raise ValidationFailed(f"Замечание к пункту {number}: не длиннее {MAX_REMARK} символов.")
        if text:
            comments[str(number)] = text
        else:
            comments.pop(str(number), None)
    if comments != (r.comments or {}):
        r.comments = comments
        audit.record("fip.remarks", actor=actor, obj=case,
                     payload={"round": r.number, "items": sorted(comments, key=int)})
        db.session.flush()
    return r


def _item_text(content: dict, item: fip_form.Item) -> str:
    raw = content.get(item.number)
    if isinstance(raw, dict):
        return "\n".join(" | ".join(str(c) for c in row) for row in raw.get("rows") or [])
    return raw if isinstance(raw, str) else ""


def diff_rounds(old: FipRound | None, new: FipRound) -> list[dict]:
    """Per item: {"number", "title", "changed", "parts": [(op, words)], "remark"} — the remark is the
    methodologist's on the older round, the one the new round answers."""
    before = old.content if old is not None else {}
    out = []
    for item in fip_form.ITEMS:
        parts = word_diff(_item_text(before, item), _item_text(new.content, item))
        out.append({"number": item.number, "title": item.title, "changed": changed(parts), "parts": parts,
                    "remark": (old.comments or {}).get(item.number, "") if old is not None else ""})
    return out


def round_of(case: FipCase, number: int) -> FipRound | None:
    return next((r for r in case.rounds if r.number == number), None)
