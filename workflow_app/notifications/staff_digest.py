"""The staff's morning mail: what waits for them — entries to check, overdue corrections and reviews, orders
to visa or sign, undelivered mail — as counts with links, once a day (`email:staff-digest:<user>:<day>`).

Staff-wide figures are counted once for all; the per-person ones (visas, signatures) are the order
queries the dashboard uses. Nobody gets an empty digest.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import func, or_, select, text

from ..extensions import db
from ..formatting import plural
from ..models import Channel, OutboxMessage, Role, RoleGrant, User, UserStatus
from ..models.base import utcnow
from ..models.competition import ReviewAssignment
from ..models.orders import Order, OrderApproval, OrderStatus, VisaStatus
from ..services.competition import queries as entry_queries
from ..services.orders import queries as order_queries
from ..services.platform import outbox
from ..timeutil import display_tz
from .calendar import OPEN_REVIEW
from .digest import ADVISORY_KEY

STAFF_ROLES = (Role.staff, Role.admin)


def _recipients() -> list[User]:
    """Staff, and whoever has a visa or a signature to give."""
    approvers = (select(OrderApproval.approver_id).join(Order, Order.id == OrderApproval.order_id)
                 .where(OrderApproval.status == VisaStatus.pending, Order.status == OrderStatus.approval))
    signers = select(Order.designated_signatory_id).where(Order.status == OrderStatus.approved)
    staff = select(RoleGrant.user_id).where(RoleGrant.role.in_(STAFF_ROLES))
    return list(db.session.execute(
        select(User).where(User.status == UserStatus.active, User.email != "",
                           or_(User.id.in_(staff), User.id.in_(approvers), User.id.in_(signers)))
        .order_by(User.id)).scalars())


def _staff_figures(now: datetime) -> dict:
    waiting, overdue_corrections, per_campaign = entry_queries.entry_check_counts()
    overdue_reviews = db.session.execute(select(func.count(ReviewAssignment.id)).where(
        ReviewAssignment.status.in_(OPEN_REVIEW), ReviewAssignment.due_at < now)).scalar_one()
    undelivered = db.session.execute(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.channel == Channel.email, OutboxMessage.failed.is_(True),
        OutboxMessage.sent_at.is_(None))).scalar_one()
    return {"waiting": waiting, "per_campaign": per_campaign, "overdue_corrections": overdue_corrections,
            "overdue_reviews": overdue_reviews, "undelivered": undelivered}


def _body(user: User, staff: dict | None, visas: int, to_sign: int, urls: dict, day: str) -> tuple[int, str]:
    lines: list[str] = []
    if staff:
        if staff["waiting"]:
            where = "; ".join(f"«{name}»: {n}" for _, name, n in staff["per_campaign"])
            lines += [f"• Заявок ждут проверки: {staff['waiting']} ({where})", f"  {urls['entries']}"]
        if staff["overdue_corrections"]:
            lines.append(f"• Просрочена доработка заявок: {staff['overdue_corrections']}")
        if staff["overdue_reviews"]:
            lines.append(f"• Просрочены листы оценки экспертов: {staff['overdue_reviews']}")
    if visas or to_sign:
        if visas:
            lines.append(f"• {plural(visas, 'приказ ждёт', 'приказа ждут', 'приказов ждут')} вашей визы")
        if to_sign:
            lines.append(f"• {plural(to_sign, 'приказ ждёт', 'приказа ждут', 'приказов ждут')} вашей подписи")
        lines.append(f"  {urls['orders']}")
    if staff and staff["undelivered"]:
        lines += [f"• Недоставленных писем: {staff['undelivered']}", f"  {urls['outbox']}"]
    count = sum(1 for line in lines if line.startswith("•"))
    return count, "\n".join([f"Здравствуйте, {user.full_name}!", "", f"Что ждёт вас на {day}:", *lines, "",
                             f"Главная страница: {urls['home']}"])


def send_staff_digests(now: datetime | None = None, *, urls: dict[str, str]) -> dict[str, int]:
    """Queue today's staff digests once the digest hour (DIGEST_HOUR, Moscow) has come. The caller commits."""
    now = now or utcnow()
    local = now.astimezone(display_tz())
    if local.hour < int(current_app.config.get("DIGEST_HOUR", 8)):
        return {"digests": 0}
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_KEY + 1})
    day = local.date()
    prefix = f"email:staff-digest:%:{day.isoformat()}"
    done = set(db.session.execute(select(OutboxMessage.recipient_id).where(
        OutboxMessage.dedup_key.like(prefix))).scalars())
    people = [u for u in _recipients() if u.id not in done]
    staff = _staff_figures(now) if any(u.has_role(r) for u in people for r in STAFF_ROLES) else None
    queued = 0
    for u in people:
        is_staff = any(u.has_role(r) for r in STAFF_ROLES)
        count, body = _body(u, staff if is_staff else None, order_queries.pending_visas(u),
                            len(order_queries.to_sign(u, limit=1000)), urls, f"{day:%d.%m.%Y}")
        if count == 0:
            continue
        row = outbox.queue_email(f"staff-digest:{u.id}:{day.isoformat()}", user=u,
                                 subject=f"Что ждёт вас сегодня, {day:%d.%m.%Y}", body=body)
        row.next_attempt_at = row.created_at = now
        queued += 1
    db.session.flush()
    return {"digests": queued}
