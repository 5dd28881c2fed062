"""The amending order an upheld appeal needs once the campaign's results order is signed.

The draft is made by the orders service's own drafting (`create_draft(OrderKind.amend, target=…)`, the
same prefill the «new order» form uses); this module only adds the changes as the annex table. Appeals
decided while that draft is still a draft add their rows to it, so one amending order carries them all.
"""
from __future__ import annotations

from sqlalchemy import select

from ... import audit
from ...extensions import db
from ...models.appeal import Appeal
from ...models.competition import Decision
from ...models.orders import Order, OrderKind, OrderStatus
from ...timeutil import format_date

ANNEX_HEADERS = ["№", "Организация", "Было", "Стало", "Основание"]
ANNEX_WIDTHS = [10, 60, 42, 42, 46]


def signed_results_order(campaign_id: int) -> Order | None:
    """The campaign's signed order approving its results (the latest, if there were several)."""
    return db.session.execute(
        select(Order).where(Order.kind == OrderKind.approve_results, Order.campaign_id == campaign_id,
                            Order.status == OrderStatus.signed)
        .order_by(Order.signed_at.desc(), Order.id.desc()).limit(1)).scalar_one_or_none()


def _open_draft(target: Order) -> Order | None:
    drafts = db.session.execute(
        select(Order).where(Order.kind == OrderKind.amend, Order.target_order_id == target.id,
                            Order.status == OrderStatus.draft).order_by(Order.id)).scalars()
    return next((o for o in drafts if (o.effects or {}).get("appeal_ids")), None)


def describe(snap: dict | None) -> str:
    """«Итоговый балл 72,5 %; место 3; Не прошла отбор» for a standing snapshot."""
    if not snap:
        return "—"
    parts = []
    if snap.get("final_score") is not None:
        parts.append(f"итоговый балл {float(snap['final_score']):.2f} %".replace(".", ","))
    if snap.get("place") is not None:
        parts.append(f"место {snap['place']}")
    if snap.get("decision"):
        parts.append(Decision[snap["decision"]].value.lower())
    return "; ".join(parts).capitalize() or "—"


def annex_rows(appeal: Appeal, moved: list[dict], reason: str) -> list[list[str]]:
    """One row per entry whose standing changed: the appealed entry with the decision's reason, the
    others as the recalculation that followed."""
    ground = f"Апелляция № {appeal.id} от {format_date(appeal.submitted_at)}"
    rows = []
    for m in sorted(moved, key=lambda m: m["entry_id"] != appeal.entry_id):
        basis = f"{ground}: {reason}" if m["entry_id"] == appeal.entry_id else f"Пересчёт рейтинга ({ground})"
        rows.append([m["organization_full"], describe(m["before"]), describe(m["after"]), basis])
    return rows


def prepare_amending_order(appeal: Appeal, moved: list[dict], *, actor, reason: str) -> Order | None:
    """The amending order draft with this appeal's changes in its annex, or None when the results order
    is not signed yet (its draft is then simply regenerated) or nothing in the standings changed."""
    from ..orders import create_draft

    target = signed_results_order(appeal.campaign_id)
    if target is None or not moved:
        return None
    order = _open_draft(target)
    if order is None:
        order = create_draft(OrderKind.amend, actor, target=target)
        order.items = list(order.items) + [{
            "text": "Изложить сведения об итогах конкурса в отношении организаций, указанных в приложении "
                    "к настоящему приказу, в редакции графы «Стало» по решениям конкурсной комиссии "
                    "по апелляциям.", "subitems": []}]
        order.annexes = [{"title": f"Изменения в итогах конкурса «{appeal.campaign.name}» по результатам "
                                   "рассмотрения апелляций", "approved_word": "УТВЕРЖДЕНЫ",
                          "table": {"headers": ANNEX_HEADERS, "rows": [], "widths": ANNEX_WIDTHS}}]
    annex = dict(order.annexes[0])
    table = dict(annex["table"])
    rows = [list(r) for r in table.get("rows", [])]
    for r in annex_rows(appeal, moved, reason):
        rows.append([str(len(rows) + 1), *r])
    table["rows"] = rows
    annex["table"] = table
    order.annexes = [annex, *order.annexes[1:]]
    order.effects = {**(order.effects or {}),
                     "appeal_ids": [*(order.effects or {}).get("appeal_ids", []), appeal.id]}
    db.session.flush()
    audit.record("appeal.amending_order", actor=actor, obj=appeal,
                 payload={"order_id": order.id, "target_order_id": target.id, "rows": len(moved)})
    return order
