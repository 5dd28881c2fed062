"""Send pending outbox e-mails over SMTP, with retry, backoff and dead letters.

Delivery is **at most once** per attempt the system starts on its own, and never silent loss:

1. claim a due row (`FOR UPDATE SKIP LOCKED` on PostgreSQL: several dispatchers share the queue), open
   the SMTP connection, then mark the row «sending» and commit — before a byte of the message goes out;
2. hand the message to the SMTP server;
3. record the outcome (sent, or the error with the next attempt) and commit.

A crash between 2 and 3 leaves the row «sending». It is never re-sent automatically: the server may
already have the message, and a second copy of a decision or an invitation confuses people more than a
delay. After SENDING_LEASE such a row becomes a dead letter with an explanation, on the staff queue page
under «Не доставлено», where a person decides to «Отправить повторно». Transient failures (server down,
4xx) are retried with backoff up to MAX_ATTEMPTS; a permanent refusal (5xx, no address) is a dead letter
at once. Dead letters stay in the table: nothing is ever dropped.
"""
from __future__ import annotations

import hashlib
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select, update

from ..extensions import db
from ..models import Channel, OutboxMessage
from ..models.base import utcnow
from .kinds import waits_for_digest

MAX_ATTEMPTS = 8
SENDING_LEASE = timedelta(minutes=15)  # far beyond SMTP_TIMEOUT: a row «sending» longer was cut off
INTERRUPTED = ("Отправка прервана: процесс остановился, когда письмо передавалось почтовому серверу. "
               "Неизвестно, получил ли его адресат; автоматически письмо не отправляется повторно, "
               "чтобы не прийти дважды.")


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes, capped at six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


@dataclass(frozen=True)
class Failure:
    text: str
    permanent: bool


def describe(exc: Exception) -> Failure:
    """The error in words for the staff page, and whether trying again can help (SMTP 5xx: no)."""
    if isinstance(exc, ValueError):
        return Failure(f"Не указан адрес получателя ({exc})", True)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        permanent = bool(codes) and all(code >= 500 for code in codes)
        return Failure(f"{'Окончательный' if permanent else 'Временный'} отказ сервера для адресата: "
                       f"{_short(exc)}", permanent)
    if isinstance(exc, smtplib.SMTPResponseException):
        permanent = exc.smtp_code >= 500
        return Failure(f"{'Окончательный' if permanent else 'Временный'} отказ сервера {exc.smtp_code}: "
                       f"{_short(exc)}", permanent)
    return Failure(f"Почтовый сервер недоступен: {_short(exc)}", False)


def _short(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:1800]


def _message(row: OutboxMessage) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = row.recipient_email
    msg["Subject"] = row.subject
    # The same id on every attempt: a mail server or client that has seen it can drop a second copy.
    digest = hashlib.sha256(row.dedup_key.encode()).hexdigest()[:16]
    msg["Message-ID"] = f"<outbox-{row.id}.{digest}@workflow-app>"
    msg.set_content(row.body)
    return msg


def _smtp() -> smtplib.SMTP:
    cfg = current_app.config
    client = smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=cfg["SMTP_TIMEOUT"])
    if cfg["SMTP_STARTTLS"]:
        client.starttls()
    if cfg["SMTP_USER"]:
        client.login(cfg["SMTP_USER"], cfg["SMTP_PASSWORD"])
    return client


def due_condition():
    now = utcnow()
    return (OutboxMessage.channel == Channel.email, OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed.is_(False), OutboxMessage.sending_at.is_(None),
            OutboxMessage.digest_id.is_(None), OutboxMessage.next_attempt_at <= now, ~waits_for_digest())


def _claim_next() -> OutboxMessage | None:
    stmt = (select(OutboxMessage).where(*due_condition()).order_by(OutboxMessage.id).limit(1)
            .with_for_update(skip_locked=True))
    return db.session.execute(stmt).scalar_one_or_none()


def _close(client: smtplib.SMTP | None) -> None:
    if client is None:
        return
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        client.close()


def recover_interrupted(now=None) -> int:
    """Rows left «sending» longer than SENDING_LEASE (the sender crashed): dead letters for staff to decide.
    One statement; commits. Returns how many."""
    now = now or utcnow()
    n = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.sending_at.is_not(None), OutboxMessage.sending_at < now - SENDING_LEASE,
               OutboxMessage.sent_at.is_(None))
        .values(sending_at=None, failed=True, last_error=INTERRUPTED)
        .execution_options(synchronize_session=False)).rowcount or 0
    db.session.commit()
    return n


def _record_failure(row_id: int, attempts: int, exc: Exception) -> None:
    failure = describe(exc)
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == row_id)
        .values(attempts=attempts, last_error=failure.text, sending_at=None,
                next_attempt_at=utcnow() + backoff(attempts),
                failed=failure.permanent or attempts >= MAX_ATTEMPTS)
        .execution_options(synchronize_session=False))
    db.session.commit()


def dispatch_pending(limit: int = 200) -> dict[str, int]:
    """Send up to `limit` due e-mails. Returns counts of sent and failed attempts.

    When the mail server cannot be reached, the run stops after recording the failure on the row it
    claimed: the other rows wait for the next run.
    """
    recover_interrupted()
    sent = failed = 0
    client: smtplib.SMTP | None = None
    try:
        for _ in range(limit):
            row = _claim_next()
            if row is None:
                db.session.rollback()
                break
            row_id, attempts = row.id, row.attempts + 1
            try:
                if row.recipient_email == "":
                    raise ValueError("пустой адрес")
                msg = _message(row)
                if client is None:
                    client = _smtp()
            except (OSError, smtplib.SMTPException, ValueError) as exc:
                _record_failure(row_id, attempts, exc)
                failed += 1
                if isinstance(exc, ValueError):
                    continue
                break  # the server is unreachable: the rest waits for the next run
            # Committed before the hand-over: if we die while the server takes the message, the row
            # says so and is never sent again on its own (see the module docstring).
            row.sending_at = utcnow()
            row.attempts = attempts
            db.session.commit()
            try:
                client.send_message(msg)
            except (OSError, smtplib.SMTPException) as exc:
                _record_failure(row_id, attempts, exc)
                failed += 1
                _close(client)  # the connection may be in any state now: start afresh
                client = None
                continue
            db.session.execute(
                update(OutboxMessage).where(OutboxMessage.id == row_id)
                .values(sent_at=utcnow(), sending_at=None, failed=False, last_error="")
                .execution_options(synchronize_session=False))
            db.session.commit()
            sent += 1
    finally:
        _close(client)
    return {"sent": sent, "failed": failed}
