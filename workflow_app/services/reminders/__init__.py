"""Reminders before and after deadlines, and overdue tasks.

- `rules` — when (offsets before and after) and whom (escalation) to remind, per kind of deadline, per
  campaign or status type.
- `schedule` — materialise a deadline's reminder rows (`plan`, `plan_many`), move them when the deadline
  moves (`move_series` for a shared date), cancel them when the task is done (`cancel`).
- `hooks` — the calls the services make where deadlines are set and tasks finished.
- `sweep` — the scheduler's job: send what is due through the outbox, skip «before» reminders whose
  deadline has already passed, all set-based.
- `overdue` — the scheduler's job marking tasks past their deadline.
"""
from .overdue import mark_overdue
from .schedule import (
    DEFAULT_AFTER,
    DEFAULT_BEFORE,
    Deadline,
    Recipient,
    cancel,
    move_series,
    pending_for,
    plan,
    plan_many,
)
from .sweep import sweep

__all__ = ["DEFAULT_AFTER", "DEFAULT_BEFORE", "Deadline", "Recipient", "cancel", "mark_overdue", "move_series",
           "pending_for", "plan", "plan_many", "sweep"]
