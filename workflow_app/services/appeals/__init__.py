"""Appeals against a campaign's published results.

- `terms` — the campaign's appeal settings, the publication moment, the appeal window and the decision
  due date, all in working days of the regional calendar;
- `filing` — the applicant files an appeal (grounds, attachments) or withdraws it;
- `decisions` — staff take an appeal, uphold it (changed scores or decision, standings recomputed,
  an amending order draft when the results order is signed) or reject it; the lifecycle's guards and
  effects; `decision_deadline_changed` is the one place the decision due date's reminders follow;
- `amending` — the amending order draft with the changes as its annex;
- `queries` — lists, filters, exports and what the appeal page shows.
"""
