"""Read-side queries about orders and status awards for the views and the dashboard panels:
statements for the paginated lists (the view paginates them), options for select boxes, counts."""
from __future__ import annotations

from sqlalchemy import Select, extract, func, or_, select

from ...extensions import db
from ...listing import ListArgs, apply_sort, like_pattern
from ...models import Role, RoleGrant, User, UserStatus
from ...models.competition import Campaign
from ...models.orders import Order, OrderApproval, OrderKind, OrderStatus, VisaStatus
from ...models.status_award import AwardStatus, StatusAward

ORDER_SORTS = {"date": Order.order_date, "number": Order.seq, "title": Order.title, "created": Order.created_at,
               "issuer": Order.issuer}


def order_list(args: ListArgs) -> Select:
    """The orders register: filters year/kind/status, search in title and number, sorted."""
    stmt = select(Order)
    f = args.filters
    if (year := args.int_filter("year")) is not None:
        stmt = stmt.where(or_(Order.year == year,
                              (Order.year.is_(None)) & (extract("year", Order.created_at) == year)))
    if f.get("kind") in OrderKind.__members__:
        stmt = stmt.where(Order.kind == OrderKind[f["kind"]])
    if f.get("status") in OrderStatus.__members__:
        stmt = stmt.where(Order.status == OrderStatus[f["status"]])
    if f.get("source") == "external":
        stmt = stmt.where(Order.issuer != "")
    elif f.get("source") == "internal":
        stmt = stmt.where(Order.issuer == "")
    if args.q:
        pat = like_pattern(args.q)
        stmt = stmt.where(or_(Order.title.ilike(pat, escape="\\"), Order.number.ilike(pat, escape="\\"),
                              Order.issuer.ilike(pat, escape="\\")))
    return apply_sort(stmt, args, ORDER_SORTS, Order.id.desc())


def campaigns_newest_first():
    return db.session.execute(select(Campaign).order_by(Campaign.year.desc(), Campaign.name)).scalars()


def signed_orders(limit: int = 500):
    return db.session.execute(select(Order).where(Order.status == OrderStatus.signed)
                              .order_by(Order.order_date.desc(), Order.seq.desc()).limit(limit)).scalars()


def external_or_signed_orders(limit: int = 500) -> list[Order]:
    """Orders that can ground a status: signed here or registered from outside, newest first."""
    return list(db.session.execute(
        select(Order).where(Order.status.in_([OrderStatus.signed, OrderStatus.registered]))
        .order_by(Order.order_date.desc(), Order.id.desc()).limit(limit)).scalars())


def known_issuers(limit: int = 50) -> list[str]:
    """Issuers of orders registered so far (suggestions for the registration form), by name."""
    return list(db.session.execute(select(Order.issuer).where(Order.issuer != "").distinct()
                                   .order_by(Order.issuer).limit(limit)).scalars())


def live_awards():
    """Scheduled, active and suspended awards: those an order may end or change."""
    return db.session.execute(select(StatusAward).where(
        StatusAward.status.in_([AwardStatus.scheduled, AwardStatus.active, AwardStatus.suspended]))
        .order_by(StatusAward.id)).scalars()


def awards_of_order(order: Order) -> list[StatusAward]:
    """The awards an order granted or ended."""
    return list(db.session.execute(select(StatusAward).where(or_(
        StatusAward.granted_by_order_id == order.id, StatusAward.ended_by_order_id == order.id))).scalars().all())


def orders_changing(order: Order) -> list[Order]:
    """Later orders that change or cancel this one."""
    return list(db.session.execute(select(Order).where(Order.target_order_id == order.id)).scalars().all())


def signatories() -> list[User]:
    """Active holders of the signatory role by name: who may be chosen to sign an order."""
    return list(db.session.execute(
        select(User).join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == Role.signatory, User.status == UserStatus.active)
        .distinct().order_by(User.full_name, User.id)).scalars())


def to_sign(user: User, limit: int = 5) -> list[Order]:
    """Approved orders waiting for this user's signature (he is their designated signatory), oldest first."""
    return list(db.session.execute(select(Order).where(
        Order.status == OrderStatus.approved, Order.designated_signatory_id == user.id)
        .order_by(Order.updated_at, Order.id).limit(limit)).scalars().all())


def to_approve(user: User, limit: int = 5) -> list[Order]:
    """Orders under approval waiting for this user's visa, oldest first."""
    return list(db.session.execute(
        select(Order).join(OrderApproval, OrderApproval.order_id == Order.id).where(
            OrderApproval.approver_id == user.id, OrderApproval.status == VisaStatus.pending,
            Order.status == OrderStatus.approval)
        .order_by(Order.updated_at, Order.id).limit(limit)).scalars().all())


def status_counts() -> dict[OrderStatus, int]:
    """Orders in draft, approval and approved: one grouped query."""
    return dict(db.session.execute(
        select(Order.status, func.count(Order.id)).where(
            Order.status.in_([OrderStatus.draft, OrderStatus.approval, OrderStatus.approved]))
        .group_by(Order.status)).all())


def pending_visas(user) -> int:
    """The user's own visas still to give on orders under approval."""
    return db.session.execute(
        select(func.count(OrderApproval.id)).join(Order, OrderApproval.order_id == Order.id).where(
            OrderApproval.approver_id == user.id, OrderApproval.status == VisaStatus.pending,
            Order.status == OrderStatus.approval)).scalar_one()
