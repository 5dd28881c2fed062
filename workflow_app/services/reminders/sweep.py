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
from datetime import UTC, datetime, tzinfo

from flask import current_app
from sqlalchemy import BigInteger, any_, cast, select, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import ARRAY

from ... import audit
from ...extensions import db
from ...models import Channel, OutboxMessage, User
from ...models.base import utcnow
from ...models.reminder import Reminder, ReminderStatus
from ...timeutil import display_tz

log = logging.getLogger(__name__)
BATCH = 10000


def _when(deadline: datetime, now: datetime, tz: tzinfo) -> str:
    # Counted from today, not from the offset: a reminder sent late after downtime still tells the truth.
    days = (deadline.astimezone(tz).date() - now.astimezone(tz).date()).days
    if deadline > now:
        return "срок сегодня" if days <= 0 else f"осталось дней: {days}"
    return f"срок прошёл, дней назад: {max(days * -1, 0)}" if days < 0 else "срок прошёл сегодня"


def _message(row, base_url: str, now: datetime, tz: tzinfo) -> tuple[str, str]:
    when = _when(row.deadline_at, now, tz)
    subject = f"Напоминание: {row.title} — {when}"
    lines = [f"Здравствуйте, {row.full_name}!", "",
             f"{row.title}. Срок: {row.deadline_at.astimezone(tz):%d.%m.%Y %H:%M} (МСК), {when}."]
    if row.escalation:
        lines.append("Вы получаете это письмо как ответственный за контроль сроков.")
    if row.link:
        lines += ["", f"Открыть: {base_url}{row.link}"]
    return subject[:300], "\n".join(lines)


def _insert_ignoring_duplicates(rows: list[dict], now: datetime) -> None:
    """An executemany with ON CONFLICT DO NOTHING: a notice already queued is never queued again."""
    if not rows:
        return
    stmt = sqlite.insert(OutboxMessage.__table__).on_conflict_do_nothing(index_elements=["dedup_key"])
    db.session.execute(stmt, [{**r, "created_at": now, "attempts": 0, "next_attempt_at": now,
                               "last_error": "", "failed": False} for r in rows])


def _mark(ids: list[int], status: ReminderStatus, now: datetime) -> None:
    if not ids:
        return
    table = Reminder.__table__
    where = (table.c.id == any_(cast(ids, ARRAY(BigInteger))) if db.session.get_bind().dialect.name == "postgresql"
             else table.c.id.in_(ids))
    db.session.execute(update(table).where(where).values(status=status, done_at=now))


# PostgreSQL: lock a batch, mark it and queue its notices in one statement (no rows travel to Python).
# The texts are the same as `_message` builds for other databases.
_PG_BATCH = text("""
WITH due AS (
    SELECT id FROM reminder
    WHERE status = 'pending' AND due_at <= :now
    ORDER BY due_at, id LIMIT :batch
    FOR UPDATE SKIP LOCKED),
marked AS (
    UPDATE reminder r
    SET status = CASE WHEN r.offset_days < 0 AND r.deadline_at <= :now THEN 'skipped' ELSE 'sent' END,
        done_at = :now
    FROM due WHERE r.id = due.id
    RETURNING r.id, r.status, r.recipient_id, r.title, r.link, r.escalation, r.deadline_at, r.object_type,
              r.object_id),
msg AS (
    SELECT m.id, u.id AS uid, u.email, u.full_name, m.title, m.link, m.escalation, m.object_type, m.object_id,
           to_char(m.deadline_at AT TIME ZONE 'UTC' AT TIME ZONE :tz, 'DD.MM.YYYY HH24:MI') AS due_text,
           CAST(m.deadline_at AT TIME ZONE 'UTC' AT TIME ZONE :tz AS date)
             - CAST(CAST(:now AS timestamp) AT TIME ZONE 'UTC' AT TIME ZONE :tz AS date) AS days,
           m.deadline_at > :now AS ahead
    FROM marked m JOIN user_account u ON u.id = m.recipient_id
    WHERE m.status = 'sent'),
txt AS (
    SELECT msg.*, CASE
        WHEN ahead AND days <= 0 THEN 'срок сегодня'
        WHEN ahead THEN 'осталось дней: ' || days
        WHEN days < 0 THEN 'срок прошёл, дней назад: ' || (-days)
        ELSE 'срок прошёл сегодня' END AS when_text
    FROM msg),
-- The texts once per reminder (materialised), then one row per channel.
letter AS MATERIALIZED (
    SELECT t.uid, t.email, t.object_type, t.object_id, t.id,
           left('Напоминание: ' || t.title || ' — ' || t.when_text, 300) AS subject,
           'Здравствуйте, ' || t.full_name || E'!\n\n' || t.title || '. Срок: ' || t.due_text || ' (МСК), '
             || t.when_text || '.'
             || CASE WHEN t.escalation THEN E'\nВы получаете это письмо как ответственный за контроль сроков.'
                     ELSE '' END
             || CASE WHEN t.link <> '' THEN E'\n\nОткрыть: ' || :base || t.link ELSE '' END AS body
    FROM txt t),
ins AS (
    INSERT INTO outbox (dedup_key, channel, recipient_email, recipient_id, subject, body, created_at, attempts,
                        next_attempt_at, last_error, failed, object_type, object_id, needs_action)
    SELECT c.ch || ':reminder:' || l.id, c.ch, l.email, l.uid, l.subject, l.body,
           :now, 0, :now, '', false, l.object_type, l.object_id, false
    FROM letter l CROSS JOIN (VALUES ('email'), ('inapp')) AS c(ch)
    ON CONFLICT (dedup_key) DO NOTHING)
SELECT count(*) FILTER (WHERE status = 'sent') AS sent,
       coalesce(array_agg(id ORDER BY id) FILTER (WHERE status = 'skipped'), '{}') AS late
FROM marked""")


def _batch_postgresql(now: datetime, batch: int, base_url: str, tz_name: str) -> tuple[int, list[int]]:
    row = db.session.execute(_PG_BATCH, {"now": now.astimezone(UTC).replace(tzinfo=None), "batch": batch,
                                         "tz": tz_name, "base": base_url}).one()
    return row.sent, list(row.late)


def _batch_python(now: datetime, batch: int, base_url: str, tz: tzinfo) -> tuple[int, list[int]]:
    rows = db.session.execute(
        select(Reminder.id, Reminder.offset_days, Reminder.deadline_at, Reminder.title, Reminder.link,
               Reminder.escalation, Reminder.object_type, Reminder.object_id, User.id.label("user_id"), User.email,
               User.full_name)
        .join(User, User.id == Reminder.recipient_id)
        .where(Reminder.status == ReminderStatus.pending, Reminder.due_at <= now)
        .order_by(Reminder.due_at, Reminder.id).limit(batch)
        .with_for_update(skip_locked=True, of=Reminder)).all()
    late = [r.id for r in rows if r.offset_days < 0 and r.deadline_at <= now]
    late_set = set(late)
    outgoing = [r for r in rows if r.id not in late_set]
    notices = []
    for r in outgoing:
        subject, body = _message(r, base_url, now, tz)
        common = {"recipient_id": r.user_id, "recipient_email": r.email, "subject": subject, "body": body,
                  "object_type": r.object_type, "object_id": r.object_id, "needs_action": False}
        notices.append({**common, "dedup_key": f"email:reminder:{r.id}", "channel": Channel.email})
        notices.append({**common, "dedup_key": f"inapp:reminder:{r.id}", "channel": Channel.inapp})
    _insert_ignoring_duplicates(notices, now)
    _mark([r.id for r in outgoing], ReminderStatus.sent, now)
    _mark(late, ReminderStatus.skipped, now)
    return len(outgoing), late


def sweep(now: datetime | None = None, batch: int = BATCH) -> dict[str, int]:
    """Send every reminder due by `now`. Returns {"sent": n, "skipped": m}. The caller commits."""
    now = now or utcnow()
    base_url = (current_app.config.get("BASE_URL") or "").rstrip("/")
    tz = display_tz()
    on_pg = db.session.get_bind().dialect.name == "postgresql"
    sent = 0
    skipped_ids: list[int] = []
    while True:
        if on_pg:
            n, late = _batch_postgresql(now, batch, base_url, str(tz))
        else:
            n, late = _batch_python(now, batch, base_url, tz)
        sent += n
        skipped_ids += late
        if n + len(late) < batch:
            break
    skipped = len(skipped_ids)
    if skipped:
        log.warning("reminders skipped (their deadline had passed before they went out): %s", skipped_ids[:100])
    if sent or skipped:
        audit.record("reminder.sweep", object_type="reminder", payload={
            "sent": sent, "skipped": skipped, "skipped_ids": skipped_ids[:100]})
    db.session.flush()
    return {"sent": sent, "skipped": skipped}
