"""Entry lifecycle, from the applicant's draft to the commission's decision.

Submitting (first time or after corrections) checks that the dossier is complete and the deadline (with
any extension) has not passed, then freezes a numbered version with its PDF. Returning, rejecting and
admitting write the staff's remark and notify the applicants. A return plans the reminders of its
correction due date; resubmitting or withdrawing cancels them. A draft is reminded of the submission
deadline until it is submitted. (Shortlisting and decisions are fired in bulk: results.py plans and
cancels the in-person stage's reminders for the whole campaign.)
"""
from ..models.competition import EntryStatus as S
from .base import Lifecycle, T

DOSSIER = "workflow_app.services.competition.dossier"
CHECK = "workflow_app.services.competition.entry_check"
REMIND = "workflow_app.services.reminders.hooks"
APPEAL = "workflow_app.services.appeals.decisions"
SUBMIT_GUARDS = (f"{DOSSIER}:check_complete", f"{DOSSIER}:check_deadline")
SUBMIT_EFFECTS = (f"{DOSSIER}:freeze_version",)
RESUBMIT_EFFECTS = (*SUBMIT_EFFECTS, f"{REMIND}:cancel_correction")

ACTIVE = [S.draft, S.submitted, S.returned, S.admitted, S.under_review, S.scored, S.shortlisted]

entry_lifecycle = Lifecycle(
    "entry", "Заявка", S, S.draft,
    [
        T("submit", "Подать заявку", S.draft, S.submitted,
          guards=SUBMIT_GUARDS, effects=(*SUBMIT_EFFECTS, f"{REMIND}:cancel_submission")),
        T("return_for_correction", "Вернуть на доработку", S.submitted, S.returned, needs_reason=True,
          effects=(f"{CHECK}:on_returned", f"{REMIND}:plan_correction")),
        T("resubmit", "Подать исправленную заявку", S.returned, S.submitted,
          guards=SUBMIT_GUARDS, effects=RESUBMIT_EFFECTS),
        T("admit", "Допустить к экспертизе", S.submitted, S.admitted,
          effects=(f"{CHECK}:on_admitted",)),
        T("reject", "Отклонить", S.submitted, S.rejected, needs_reason=True,
          effects=(f"{CHECK}:on_rejected",)),
        T("start_review", "Передать на экспертизу", S.admitted, S.under_review),
        T("complete_review", "Завершить экспертизу", S.under_review, S.scored),
        T("reopen_review", "Вернуть на экспертизу", S.scored, S.under_review, needs_reason=True),
        T("shortlist", "Допустить к очному этапу", S.scored, S.shortlisted),
        T("complete_defence", "Очный этап пройден", S.shortlisted, S.defended,
          effects=(f"{REMIND}:cancel_defence",)),
        T("select_winner", "Признать победителем", [S.scored, S.shortlisted, S.defended], S.winner),
        T("not_select", "Не признавать победителем", [S.scored, S.shortlisted, S.defended],
          S.not_selected),
        # An upheld appeal changes the approved decision (the reason names the appeal).
        T("appeal_to_winner", "Признать победителем по апелляции", S.not_selected, S.winner,
          needs_reason=True, effects=(f"{APPEAL}:sync_entry_decision",)),
        T("appeal_to_not_selected", "Не признавать победителем по апелляции", S.winner, S.not_selected,
          needs_reason=True, effects=(f"{APPEAL}:sync_entry_decision",)),
        T("withdraw", "Отозвать заявку", ACTIVE, S.withdrawn, needs_reason=True,
          effects=(f"{REMIND}:cancel_entry",)),
    ],
)
