"""The development mail catcher: a small SMTP server (aiosmtpd) that keeps every message it receives in a
Maildir under the instance folder, and the read side for the staff page that lists them.

`make run` starts it next to the web server and the scheduler and points SMTP_HOST/SMTP_PORT at it, so a
new user sees notices, reminders and digests arrive without a real mail server. Production never runs it
(MAIL_CATCHER_DIR empty: the staff page is a 404) and sends through its own SMTP server.
"""
from __future__ import annotations

import email
import email.policy
import mailbox
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime


class MaildirHandler:
    """aiosmtpd handler: each message accepted is written to the Maildir (atomically: tmp/ then new/)."""

    def __init__(self, directory: str):
        for sub in ("tmp", "new", "cur"):  # Maildir(create=True) skips them when the folder exists
            os.makedirs(os.path.join(directory, sub), exist_ok=True)
        self.box = mailbox.Maildir(directory, create=True)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        if "X-Caught-At" not in msg:
            msg["X-Caught-At"] = email.utils.format_datetime(datetime.now(UTC))
        if "X-Envelope-To" not in msg:
            msg["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.box.add(msg)
        return "250 Message caught"


def start(directory: str, host: str = "127.0.0.1", port: int = 8025):
    """Start the catcher in a background thread; returns the aiosmtpd Controller (call .stop())."""
    try:
        from aiosmtpd.controller import Controller
    except ImportError as exc:  # a production install without the dev extra
        raise RuntimeError("Почтовый перехватчик нужен только для разработки: установите пакет "
                           "aiosmtpd (pip install -e '.[dev]').") from exc
    controller = Controller(MaildirHandler(directory), hostname=host, port=port)
    controller.start()
    return controller


# --- the staff page's read side ------------------------------------------------------------------

@dataclass(frozen=True)
class CaughtMail:
    key: str
    subject: str
    to: str
    sender: str
    caught_at: datetime | None
    body: str


def _read(key: str, msg: EmailMessage) -> CaughtMail:
    when = msg.get("X-Caught-At")
    try:
        caught = parsedate_to_datetime(when) if when else None
    except (TypeError, ValueError):
        caught = None
    part = msg.get_body(preferencelist=("plain", "html"))
    return CaughtMail(key=key, subject=str(msg.get("Subject", "")), to=str(msg.get("To", "")),
                      sender=str(msg.get("From", "")), caught_at=caught,
                      body=part.get_content() if part is not None else "")


def _box(directory: str) -> mailbox.Maildir | None:
    if not directory or not os.path.isdir(directory):
        return None
    return mailbox.Maildir(directory, factory=lambda f: email.message_from_binary_file(
        f, policy=email.policy.default), create=False)


def caught(directory: str, q: str = "") -> list[CaughtMail]:
    """Every caught message, newest first; `q` filters on subject and recipient (case-insensitive)."""
    box = _box(directory)
    if box is None:
        return []
    rows = [_read(key, msg) for key, msg in box.iteritems()]
    if q:
        needle = q.casefold()
        rows = [r for r in rows if needle in r.subject.casefold() or needle in r.to.casefold()]
    epoch = datetime.min.replace(tzinfo=UTC)
    return sorted(rows, key=lambda r: (r.caught_at or epoch, r.key), reverse=True)


def one(directory: str, key: str) -> CaughtMail | None:
    box = _box(directory)
    if box is None or "/" in key or key.startswith("."):
        return None
    try:
        return _read(key, box[key])
    except KeyError:
        return None
