"""The scheduler's reminder job: what is due goes to the outbox, set-based, once.

A batch of due pending rows is locked (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so two schedulers never
take the same rows), their e-mails and in-app notices are inserted with `ON CONFLICT DO NOTHING` on the
outbox's unique key, and the rows are marked in the same transaction: a crash before the commit leaves
both undone, after it both done — never a reminder twice. A «before» reminder that comes due only after
its deadline has passed (the scheduler was down) is skipped and logged, not sent late; «after» reminders
still go out once.
"""
from __future__ import annotations

import logging
from datetime import datetime

from flask import current_app
from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ... import audit
from ...extensions import db
from ...models import Channel, OutboxMessage, User
from ...models.base import utcnow
from ...models.reminder import Reminder, ReminderStatus
from ...timeutil import format_datetime, local_date

log = logging.getLogger(__name__)
BATCH = 5000


def _when(deadline: datetime, now: datetime) -> str:
    # Counted from today, not from the offset: a reminder sent late after downtime still tells the truth.
    days = (local_date(deadline) - local_date(now)).days
    if deadline > now:
        return "срок сегодня" if days <= 0 else f"осталось дней: {days}"
    return f"срок прошёл, дней назад: {max(days * -1, 0)}" if days < 0 else "срок прошёл сегодня"


def _message(row, base_url: str, now: datetime) -> tuple[str, str]:
    when = _when(row.deadline_at, now)
    subject = f"Напоминание: {row.title} — {when}"
    lines = [f"Здравствуйте, {row.full_name}!", "",
             f"{row.title}. Срок: {format_datetime(row.deadline_at)} (МСК), {when}."]
    if row.escalation:
        lines.append("Вы получаете это письмо как ответственный за контроль сроков.")
    if row.link:
        lines += ["", f"Открыть: {base_url.rstrip('/')}{row.link}"]
    return subject[:300], "\n".join(lines)


def _insert_ignoring_duplicates(rows: list[dict]) -> None:
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    table = OutboxMessage.__table__
    stmt = (postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)) \
        if dialect in ("postgresql", "sqlite") else insert(table)
    db.session.execute(stmt.on_conflict_do_nothing(index_elements=["dedup_key"]), rows)


def sweep(now: datetime | None = None, batch: int = BATCH) -> dict[str, int]:
    """Send every reminder due by `now`. Returns {"sent": n, "skipped": m}. The caller commits."""
    now = now or utcnow()
    base_url = current_app.config.get("BASE_URL", "")
    sent = skipped = 0
    skipped_ids: list[int] = []
    while True:
        rows = db.session.execute(
            select(Reminder.id, Reminder.offset_days, Reminder.deadline_at, Reminder.title, Reminder.link,
                   Reminder.escalation, User.id.label("user_id"), User.email, User.full_name)
            .join(User, User.id == Reminder.recipient_id)
            .where(Reminder.status == ReminderStatus.pending, Reminder.due_at <= now)
            .order_by(Reminder.due_at, Reminder.id).limit(batch)
            .with_for_update(skip_locked=True, of=Reminder)).all()
        if not rows:
            break
        late = [r.id for r in rows if r.offset_days < 0 and r.deadline_at <= now]
        late_set = set(late)
        outgoing = [r for r in rows if r.id not in late_set]
        notices = []
        for r in outgoing:
            subject, body = _message(r, base_url, now)
            common = {"recipient_id": r.user_id, "subject": subject, "body": body, "created_at": now,
                      "attempts": 0, "next_attempt_at": now, "last_error": "", "failed": False}
            notices.append({**common, "dedup_key": f"email:reminder:{r.id}", "channel": Channel.email.name,
                            "recipient_email": r.email})
            notices.append({**common, "dedup_key": f"inapp:reminder:{r.id}", "channel": Channel.inapp.name,
                            "recipient_email": r.email})
        _insert_ignoring_duplicates(notices)
        if outgoing:
            db.session.execute(update(Reminder).where(Reminder.id.in_([r.id for r in outgoing]))
                               .values(status=ReminderStatus.sent, done_at=now)
                               .execution_options(synchronize_session=False))
        if late:
            db.session.execute(update(Reminder).where(Reminder.id.in_(late))
                               .values(status=ReminderStatus.skipped, done_at=now)
                               .execution_options(synchronize_session=False))
        sent += len(outgoing)
        skipped += len(late)
        skipped_ids += late
        if len(rows) < batch:
            break
    if skipped:
        log.warning("reminders skipped (their deadline had passed before they went out): %s", skipped_ids[:100])
    if sent or skipped:
        audit.record("reminder.sweep", object_type="reminder", payload={
            "sent": sent, "skipped": skipped, "skipped_ids": skipped_ids[:100]})
    db.session.flush()
    return {"sent": sent, "skipped": skipped}
