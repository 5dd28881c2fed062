"""The daily digest: one e-mail per user per day with the non-urgent mail that waited for it.

Set-based and idempotent, in one transaction:

1. one INSERT … SELECT makes today's digest row (`email:digest:<user>:<day>`) for every user with
   waiting mail, ON CONFLICT DO NOTHING on the outbox's unique key — so a user gets at most one digest a
   day, however many scheduler processes run (PostgreSQL also serialises the job with a transaction-level
   advisory lock, so a second process waits and then finds nothing to do);
2. one UPDATE ties the waiting mail to the new digest of its recipient;
3. one SELECT reads the tied mail, the texts are composed, and one executemany writes the bodies.

The digest is then an ordinary outbox e-mail: the dispatcher sends it with retries and dead letters.
Mail that arrives after today's digest waits for tomorrow's.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime

from flask import current_app
from sqlalchemy import String, and_, bindparam, cast, exists, literal, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import Channel, OutboxMessage, User, UserStatus
from ..models.base import utcnow
from ..timeutil import display_tz, format_datetime
from .kinds import waits_for_digest

ADVISORY_KEY = 0x5F1A_0D16
SUBJECT = "Сводка уведомлений за день"


def digest_key(user_id, day: str):
    return literal("email:digest:") + cast(user_id, String) + literal(f":{day}")


def _insert(dialect: str):
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(OutboxMessage.__table__)


def send_daily_digests(now: datetime | None = None, *, link_of: Callable[[str, int | None], str | None],
                       notices_url: str, settings_url: str) -> dict[str, int]:
    """Queue today's digests if the digest hour (DIGEST_HOUR, local time) has come. The caller commits.

    `link_of(object_type, object_id)` gives an item's absolute link (or None)."""
    now = now or utcnow()
    tz = display_tz()
    local = now.astimezone(tz)
    if local.hour < int(current_app.config.get("DIGEST_HOUR", 8)):
        return {"digests": 0, "items": 0}
    day = local.date().isoformat()
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_KEY})

    m = OutboxMessage
    waiting_of_user = exists(select(m.id).where(m.recipient_id == User.id, waits_for_digest()))
    new_rows = select(
        digest_key(User.id, day), literal(Channel.email.name), User.email, User.id,
        literal(f"{SUBJECT} {local:%d.%m.%Y}"), literal(""), literal(now, m.created_at.type), literal(0),
        literal(now, m.next_attempt_at.type), literal(""), literal(False), literal(""), literal(False),
    ).where(User.status == UserStatus.active, User.email != "", waiting_of_user)
    cols = ["dedup_key", "channel", "recipient_email", "recipient_id", "subject", "body", "created_at",
            "attempts", "next_attempt_at", "last_error", "failed", "object_type", "needs_action"]
    db.session.execute(_insert(dialect).from_select(cols, new_rows).on_conflict_do_nothing(
        index_elements=["dedup_key"]))

    # Today's digests made just now have no body yet: tie the waiting mail to them.
    digest = OutboxMessage.__table__.alias("d")
    fresh = and_(digest.c.dedup_key == digest_key(m.recipient_id, day), digest.c.body == "")
    db.session.execute(
        update(m).where(waits_for_digest(), exists(select(digest.c.id).where(fresh)))
        .values(digest_id=select(digest.c.id).where(fresh).scalar_subquery())
        .execution_options(synchronize_session=False))

    items = db.session.execute(
        select(digest.c.id.label("digest_id"), User.full_name, m.subject, m.body, m.created_at,
               m.object_type, m.object_id)
        .join(m, m.digest_id == digest.c.id).join(User, User.id == digest.c.recipient_id)
        .where(digest.c.dedup_key.like(f"email:digest:%:{day}"), digest.c.body == "")
        .order_by(digest.c.id, m.created_at, m.id)).all()
    by_digest: dict[int, list] = defaultdict(list)
    for it in items:
        by_digest[it.digest_id].append(it)
    bodies = [{"b_id": did, "b_body": _body(rows, link_of, notices_url, settings_url, tz)}
              for did, rows in by_digest.items()]
    if bodies:
        db.session.execute(update(m.__table__).where(m.__table__.c.id == bindparam("b_id"))
                           .values(body=bindparam("b_body")), bodies)
    # A digest whose mail went out some other way meanwhile (the user switched back) has nothing to say.
    db.session.execute(OutboxMessage.__table__.delete().where(
        OutboxMessage.__table__.c.dedup_key.like(f"email:digest:%:{day}"), OutboxMessage.__table__.c.body == "",
        OutboxMessage.__table__.c.sent_at.is_(None)))
    db.session.flush()
    return {"digests": len(bodies), "items": len(items)}


def _body(rows, link_of, notices_url: str, settings_url: str, tz) -> str:
    lines = [f"Здравствуйте, {rows[0].full_name}!", "",
             f"Сообщения, накопившиеся за день (всего: {len(rows)}):", ""]
    for n, r in enumerate(rows, 1):
        lines.append(f"{n}. {r.subject} ({format_datetime(r.created_at)})")
        lines += [f"   {line}" if line else "" for line in r.body.splitlines()]
        link = link_of(r.object_type, r.object_id)
        if link:
            lines.append(f"   Открыть: {link}")
        lines.append("")
    lines += [f"Все уведомления: {notices_url}",
              f"Получать письма сразу, а не сводкой, можно в настройках уведомлений: {settings_url}"]
    return "\n".join(lines)
