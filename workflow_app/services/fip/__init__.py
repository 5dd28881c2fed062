"""КИП → ФИП preparation cases.

Modules: cases (opening, the lifecycle's guards and effects, outcomes, lists), readiness (the checklist as
providers), form (the federal form's 18 items: prefill, saving, the document), rounds (review rounds,
remarks, differences), diff (word-level difference), deadline (the federal deadline per year, reminders).
"""
