"""Yearly and final reports of status holders: materialising due reports, filling them from the holder's
plan, the lifecycle (submit, review, return, overdue), minimum requirements, termination proposals,
documents and lists."""
