"""Send pending outbox e-mails. Each row is claimed, sent and marked in its own transaction."""
from __future__ import annotations

import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Channel, OutboxMessage
from ..models.base import utcnow

MAX_ATTEMPTS = 8


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes, capped at six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _message(row: OutboxMessage) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = row.recipient_email
    msg["Subject"] = row.subject
    # A stable id per notice lets mail servers drop a duplicate if a crash makes us resend.
    msg["Message-ID"] = make_msgid(idstring=f"outbox-{row.id}", domain="workflow-app")
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


def _claim_next() -> OutboxMessage | None:
    stmt = (
        select(OutboxMessage)
        .where(OutboxMessage.channel == Channel.email, OutboxMessage.sent_at.is_(None),
               OutboxMessage.failed.is_(False), OutboxMessage.next_attempt_at <= utcnow())
        .order_by(OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return db.session.execute(stmt).scalar_one_or_none()


def _close(client: smtplib.SMTP | None) -> None:
    if client is None:
        return
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        client.close()


def dispatch_pending(limit: int = 200) -> dict[str, int]:
    """Send up to `limit` due e-mails. Returns counts of sent and failed attempts.

    Each row is claimed with `FOR UPDATE SKIP LOCKED` (PostgreSQL), so several dispatchers share the
    queue without sending a row twice, and committed on its own. When the mail server cannot be
    reached, the run stops after recording the failure: the other rows wait for the next run.
    """
    sent = failed = 0
    client: smtplib.SMTP | None = None
    try:
        for _ in range(limit):
            row = _claim_next()
            if row is None:
                db.session.rollback()
                break
            unreachable = False
            try:
                if row.recipient_email == "":
                    raise ValueError("no recipient address")
                if client is None:
                    try:
                        client = _smtp()
                    except (OSError, smtplib.SMTPException):
                        unreachable = True
                        raise
                client.send_message(_message(row))
            except (OSError, smtplib.SMTPException, ValueError) as exc:
                row.attempts += 1
                row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                row.next_attempt_at = utcnow() + backoff(row.attempts)
                row.failed = row.attempts >= MAX_ATTEMPTS or isinstance(exc, ValueError)
                failed += 1
                if not isinstance(exc, ValueError):
                    _close(client)  # the connection may be in any state now: start afresh
                    client = None
            else:
                row.attempts += 1
                row.sent_at = utcnow()
                row.last_error = ""
                sent += 1
            db.session.commit()
            if unreachable:
                break
    finally:
        _close(client)
    return {"sent": sent, "failed": failed}
