"""What kind each e-mail is, and which kinds a user may receive as a daily digest: the one place.

An e-mail's kind follows from its outbox key (`email:<key>`), which every sender already makes unique
per notice: the ORM senders (services/platform/outbox.py) and the set-based reminder sweep alike, so
nothing that queues mail has to know about digests. The classification is one SQL CASE expression
(`kind_expr`), used by the dispatcher (which leaves digest mail alone), by the digest job and by the
staff queue page.

Mandatory kinds (decisions, returns, overdue, account and password mail, staff messages, the digests
themselves) always go at once, whatever the user chose. A key no rule knows is mandatory too: a new
kind of mail is never delayed by accident.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import and_, case, exists, func, select

from ..models import Channel, OutboxMessage
from ..models.notification import MailMode, NotificationSetting

# A reminder this many days (or fewer) before its deadline is the last one: it goes at once.
LAST_CALL_DAYS = 1
REMINDER_PREFIX = "email:reminder:"


def _reminder_is_early():
    """The outbox row is a reminder sent more than LAST_CALL_DAYS before its deadline."""
    from ..models.reminder import Reminder

    reminder_id = sa.cast(func.substr(OutboxMessage.dedup_key, len(REMINDER_PREFIX) + 1), sa.BigInteger)
    return exists(select(Reminder.id).where(Reminder.id == reminder_id,
                                            Reminder.offset_days < -LAST_CALL_DAYS))


@dataclass(frozen=True)
class Kind:
    code: str
    label: str               # Russian, shown on the settings page and the staff queue
    mandatory: bool
    patterns: tuple[str, ...]  # SQL LIKE patterns on the e-mail's outbox key
    also: Callable[[], sa.ColumnElement[bool]] | None = None  # an extra condition, if the key is not enough


# Order matters: the first kind whose pattern (and condition) matches wins.
KINDS: tuple[Kind, ...] = (
    Kind("digest", "Сводки", True, ("email:digest:%", "email:staff-digest:%")),
    Kind("account", "Учётная запись, вход и пароль", True,
         ("email:password-reset:%", "email:invite:%", "email:email-changed:%")),
    Kind("decision", "Решения по заявкам", True,
         ("email:entry:%:admitted:%", "email:entry:%:rejected:%", "email:entry:%:decision:%",
          "email:entry:%:winner:%", "email:entry:%:not_selected:%")),
    Kind("return", "Возвраты на доработку и пересмотр", True, ("email:entry:%:returned:%", "email:reopen:%")),
    Kind("group", "Сообщения сотрудников ИРО", True, ("email:group:%",)),
    Kind("reminder", "Напоминания о приближающихся сроках", False, (REMINDER_PREFIX + "%",),
         also=_reminder_is_early),
    Kind("overdue", "Просроченные сроки и последние напоминания", True, (REMINDER_PREFIX + "%",)),
    Kind("request", "Просьбы о действии: экспертиза, визы, подпись приказов, очный этап", False,
         ("email:assign:%", "email:order:%", "email:results.panel:%")),
    Kind("progress", "Сообщения о ходе дел: продление сроков", False, ("email:entry:%:extension:%",)),
)
OTHER = Kind("other", "Прочие сообщения", True, ())
BY_CODE = {k.code: k for k in (*KINDS, OTHER)}
DIGESTIBLE = tuple(k.code for k in KINDS if not k.mandatory)
MANDATORY_LABELS = tuple(dict.fromkeys(k.label for k in KINDS if k.mandatory and k.code != "digest"))
DIGESTIBLE_LABELS = tuple(k.label for k in KINDS if not k.mandatory)


def kind_expr() -> sa.ColumnElement[str]:
    """The kind code of an outbox row, in SQL."""
    whens = []
    for k in KINDS:
        match = sa.or_(*(OutboxMessage.dedup_key.like(p) for p in k.patterns))
        whens.append((and_(match, k.also()) if k.also else match, k.code))
    return case(*whens, else_=OTHER.code)


def reads_digest(user_id_column) -> sa.ColumnElement[bool]:
    """The user chose a daily digest for non-urgent mail."""
    return exists(select(NotificationSetting.user_id).where(NotificationSetting.user_id == user_id_column,
                                                            NotificationSetting.mail_mode == MailMode.digest))


def waits_for_digest() -> sa.ColumnElement[bool]:
    """An unsent e-mail the next digest will carry instead of the dispatcher sending it on its own."""
    return and_(OutboxMessage.channel == Channel.email, OutboxMessage.sent_at.is_(None),
                OutboxMessage.failed.is_(False), OutboxMessage.digest_id.is_(None),
                OutboxMessage.sending_at.is_(None), OutboxMessage.recipient_id.is_not(None),
                reads_digest(OutboxMessage.recipient_id),
                kind_expr().in_(DIGESTIBLE))
