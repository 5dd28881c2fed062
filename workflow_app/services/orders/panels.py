"""Dashboard panels about orders: what waits for the signatory's signature and for approvers' visas."""
from __future__ import annotations

from flask import url_for
from sqlalchemy import func, select

from ...extensions import db
from ...models import Role, User
from ...models.orders import Order, OrderApproval, OrderStatus, VisaStatus
from ..platform.dashboard import Panel, panel


@panel(Role.signatory)
def _to_sign(user: User) -> Panel:
    waiting = db.session.execute(select(Order).where(Order.status == OrderStatus.approved)
                                 .order_by(Order.updated_at).limit(5)).scalars().all()
    return Panel(
        title="На подпись",
        lines=[o.title for o in waiting],
        links=[("Все приказы на подпись", url_for("orders.register", status="approved"))] if waiting else [],
        empty="Приказов, ожидающих вашей подписи, нет.")


@panel(Role.staff)
def _orders(user: User) -> Panel | None:
    # One grouped query for the counts; the visa count is the user's own pending visas.
    counts = dict(db.session.execute(
        select(Order.status, func.count(Order.id)).where(
            Order.status.in_([OrderStatus.draft, OrderStatus.approval, OrderStatus.approved]))
        .group_by(Order.status)).all())
    visas = db.session.execute(
        select(func.count(OrderApproval.id)).join(Order, OrderApproval.order_id == Order.id).where(
            OrderApproval.approver_id == user.id, OrderApproval.status == VisaStatus.pending,
            Order.status == OrderStatus.approval)).scalar_one()
    return Panel(
        title="Приказы",
        stats=[("Проекты", counts.get(OrderStatus.draft, 0), url_for("orders.register", status="draft")),
               ("На согласовании", counts.get(OrderStatus.approval, 0), url_for("orders.register", status="approval")),
               ("Ждут подписи", counts.get(OrderStatus.approved, 0), url_for("orders.register", status="approved")),
               ("Ждут вашей визы", visas, url_for("orders.register", status="approval") if visas else None)],
        links=[("Реестр приказов", url_for("orders.register"))])
