"""Reminders before and after deadlines.

- `schedule` — materialise a deadline's reminder rows (`plan`), move them when the deadline moves, cancel
  them when the task is done (`cancel`).
- `sweep` — the scheduler's job: send what is due through the outbox, skip «before» reminders whose
  deadline has already passed, all set-based.
"""
from .schedule import DEFAULT_AFTER, DEFAULT_BEFORE, Recipient, cancel, pending_for, plan
from .sweep import sweep

__all__ = ["DEFAULT_AFTER", "DEFAULT_BEFORE", "Recipient", "cancel", "pending_for", "plan", "sweep"]
