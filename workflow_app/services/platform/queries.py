"""Read-side queries of the platform (organisations, users, mail, the audit trail) for the views and
the dashboard panels: plain values in, rows or counts out, one statement each."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from ...extensions import db
from ...models import Channel, Municipality, Organization, OrgStatus, OutboxMessage, Role, RoleGrant, User


def count_orgs_in(municipality_ids: Iterable[int]) -> int:
    return db.session.execute(
        select(func.count(Organization.id)).where(Organization.municipality_id.in_(list(municipality_ids)))
    ).scalar_one()


def staff_counts() -> tuple[int, int, int]:
    """Active organisations, users, e-mails waiting in the queue."""
    orgs = db.session.execute(
        select(func.count(Organization.id)).where(Organization.status == OrgStatus.active)
    ).scalar_one()
    users = db.session.execute(select(func.count(User.id))).scalar_one()
    pending = db.session.execute(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.channel == Channel.email, OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed.is_(False))
    ).scalar_one()
    return orgs, users, pending


def municipalities() -> list[Municipality]:
    return list(db.session.execute(select(Municipality).order_by(Municipality.name)).scalars().all())


def org_options_rows() -> list:
    """(id, short name, municipality name, status) of every organisation, for a select box."""
    return db.session.execute(
        select(Organization.id, Organization.short_name, Municipality.name, Organization.status)
        .join(Organization.municipality).order_by(Organization.short_name, Municipality.name)
    ).all()


def org_names() -> list:
    """(id, short name) of every organisation, by name."""
    return db.session.execute(select(Organization.id, Organization.short_name)
                              .order_by(Organization.short_name)).all()


def order_staff() -> list[User]:
    """Staff, signatories and admins by name: the people who may approve orders."""
    return list(db.session.execute(
        select(User).join(RoleGrant).where(RoleGrant.role.in_([Role.staff, Role.signatory, Role.admin]))
        .distinct().order_by(User.full_name)).scalars())
