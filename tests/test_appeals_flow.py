"""Appeals through the services: the window after publication, one live appeal per entry, upholding with
changed scores (standings recomputed, amending order draft with the annex), rejecting, withdrawing."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import func, select

from workflow_app.errors import PermissionDenied, TransitionNotAllowed, ValidationFailed
from workflow_app.extensions import db
from workflow_app.machines import fire
from workflow_app.machines.order import order_lifecycle
from workflow_app.models import AuditEvent, Channel, OutboxMessage, Role
from workflow_app.models.appeal import Appeal, AppealStatus
from workflow_app.models.competition import CampaignStatus, Decision, EntryStatus, StageKind
from workflow_app.models.orders import Order, OrderKind, OrderStatus
from workflow_app.models.reminder import Reminder, ReminderStatus
from workflow_app.services import orders
from workflow_app.services.appeals import decisions, filing, queries, terms
from workflow_app.services.competition import results
from workflow_app.services.competition.ranking import full_ranking
from workflow_app.services.platform import settings, work_calendar

from .factories import criteria_of, make_campaign, make_entry, make_expert, make_org, make_user, sheet, stage
from .helpers import norm, pdf_bytes, pdf_text, upload

# Results are published on Tuesday 29 December 2026, 10:00 Moscow time.
PUBLISHED = datetime(2026, 12, 29, 7, 0, tzinfo=UTC)
WITHIN = datetime(2026, 12, 30, 9, 0, tzinfo=UTC)
LATE = datetime(2027, 1, 12, 9, 0, tzinfo=UTC)


@dataclass
class Decided:
    campaign: object
    entries: dict
    staff: object
    applicant: object
    other_applicant: object
    admin: object
    rector: object
    approver: object
    applicants: dict


def decided_world(sign_results: bool = True) -> Decided:
    """Three ОО entries scored by three experts (A > B > C) and a ДОО one; the decision approved on
    PUBLISHED with the New Year holidays in the calendar; the results order signed (or not)."""
    admin = make_user("admin@x.ru", Role.admin, name="Администратор")
    for d in (1, 4, 5, 6, 7, 8):
        work_calendar.set_day(datetime(2027, 1, d).date(), working=False, title="Новогодние каникулы", actor=admin)
    c = make_campaign(status=CampaignStatus.review, shortlist_pct=Decimal(60))
    for t in c.tracks:
        t.winners_quota = 1
    review = stage(c, StageKind.expert_review)
    staff = make_user("staff@x.ru", Role.staff, name="Сотрудник ИРО")
    approver = make_user("prorector@x.ru", Role.staff, name="Проректор Первый")
    rector = make_user("rector@x.ru", Role.signatory, name="Гайдук Татьяна Алексеевна")
    rector.position = "Ректор"
    settings.update_institution({"approver_ids": [approver.id], "signatory_user_id": rector.id}, staff)
    experts = [make_expert(name=n) for n in ("Орлова Анна", "Волков Пётр", "Зайцева Мария")]
    entries, applicants = {}, {}
    for name, tr, share in ([("A", "ОО", Decimal("0.9")), ("B", "ОО", Decimal("0.85")),
                                           ("C", "ОО", Decimal("0.7")), ("E", "ДОО", Decimal("0.95"))]):
        o = make_org(f"Организация {name}", "krasnodar" if name != "B" else "sochi",
                     full_name=f"Муниципальное учреждение «Организация {name}»")
        e = make_entry(c, o, tr, EntryStatus.scored, title=f"Проект {name}")
        crit = criteria_of(review, e)
        for x in experts:
            sheet(e, x, review, points=[(cr.max_points * share).quantize(Decimal("0.01")) for cr in crit])
        entries[name] = e
        applicants[name] = make_user(f"app{name.lower()}@x.ru", (Role.applicant, o), org=o, name=f"Заявитель {name}")
    with time_machine.travel(PUBLISHED, tick=False):
        results.approve_decision(c, actor=staff)
        if sign_results:
            order = orders.create_draft(OrderKind.approve_results, staff, campaign=c)
            fire(order_lifecycle, order, "send_for_approval", actor=staff)
            orders.decide_visa(order, approver, approve=True)
            orders.sign(order, rector)
    db.session.flush()
    return Decided(c, entries, staff, applicants["B"], applicants["A"], admin, rector, approver, applicants)


def _place(c, entry) -> int:
    return next(r.place for r in full_ranking(c) if r.entry_id == entry.id)


def test_window_counts_working_days_with_the_new_year_holidays(make):
    w = decided_world()
    assert terms.published_at(w.campaign) == PUBLISHED
    # 30, 31 December, then 11 January (1–8 off, 9–10 a weekend): until 23:59 Moscow time of the 11th.
    assert terms.window_closes_at(w.campaign) == datetime(2027, 1, 11, 20, 59, 59, tzinfo=UTC)


def test_appeal_within_window_then_late_and_duplicate_are_refused(make):
    w = decided_world()
    b = w.entries["B"]
    late = pytest.raises(TransitionNotAllowed, match=r"Срок подачи апелляции истёк 11\.01\.2027 23:59")
    with time_machine.travel(LATE, tick=False), late:
        filing.submit_appeal(w.applicant, b, grounds="Не учтены публикации")
    assert db.session.execute(select(func.count(Appeal.id))).scalar_one() == 0
    with pytest.raises(PermissionDenied):
        filing.submit_appeal(w.other_applicant, b, grounds="Чужая заявка")
    with time_machine.travel(WITHIN, tick=False):
        with pytest.raises(ValidationFailed, match="основания"):
            filing.submit_appeal(w.applicant, b, grounds="  ")
        a = filing.submit_appeal(w.applicant, b, grounds="Эксперт 1 не учёл раздел 1.4",
                                 uploads=[upload(pdf_bytes("Приложение"), "довод.pdf")])
        # decision due: 5 working days from 30 December — 31 Dec, 11, 12, 13, 14 January
        assert a.decision_due_at == datetime(2027, 1, 14, 20, 59, 59, tzinfo=UTC)
        assert a.status == AppealStatus.submitted and len(a.attachments) == 1
        with pytest.raises(TransitionNotAllowed, match=f"уже подана апелляция № {a.id}"):
            filing.submit_appeal(w.applicant, b, grounds="Ещё раз")
    # the staff are reminded of the decision's due date
    pending = db.session.execute(select(Reminder).where(Reminder.kind == decisions.REMINDER_KIND,
                                                         Reminder.object_id == a.id)).scalars().all()
    assert pending and {r.status for r in pending} == {ReminderStatus.pending}
    assert {r.deadline_at for r in pending} == {a.decision_due_at}
    todo = db.session.execute(select(OutboxMessage).where(
        OutboxMessage.recipient_id == w.staff.id, OutboxMessage.object_type == "appeal",
        OutboxMessage.object_id == a.id, OutboxMessage.needs_action.is_(True))).scalar_one()
    assert todo.resolved_at is None
    # withdrawn: the slot is free again, the reminders stop
    with time_machine.travel(WITHIN, tick=False):
        filing.withdraw(w.applicant, a, reason="Подам уточнённую")
        assert a.status == AppealStatus.withdrawn
        again = filing.submit_appeal(w.applicant, b, grounds="Уточнённые основания")
    assert again.id != a.id
    assert all(r.status == ReminderStatus.cancelled for r in pending)
    db.session.refresh(todo)
    assert todo.resolved_at is not None  # the staff's to-do closed with the withdrawal


def test_uphold_with_a_changed_score_moves_the_ranking_and_drafts_the_amending_order(make):
    w = decided_world()
    b, a_entry = w.entries["B"], w.entries["A"]
    c = w.campaign
    assert (_place(c, a_entry), _place(c, b)) == (1, 2)
    assert (a_entry.decision, b.decision) == (Decision.winner, Decision.not_selected)
    with time_machine.travel(WITHIN, tick=False):
        appeal = filing.submit_appeal(w.applicant, b, grounds="Баллы занижены")
    sheets = queries.sheets(b)
    changes = [{"assignment_id": sh.assignment_id, "criterion_id": cid, "points": str(mx)}
               for sh in sheets for cid, _, mx, _ in sh.rows]
    with pytest.raises(ValidationFailed, match="Укажите обоснование"):
        decisions.decide(appeal, w.staff, outcome="upheld", reason=" ", scores=changes)
    with pytest.raises(ValidationFailed, match="от 0 до"):
        decisions.decide(appeal, w.staff, outcome="upheld", reason="Ошибка",
                         scores=[{**changes[0], "points": "1000"}])
    with pytest.raises(PermissionDenied):
        decisions.decide(appeal, w.applicant, outcome="upheld", reason="Сам себе", scores=changes,
                         decision="winner")
    assert appeal.status == AppealStatus.submitted  # nothing applied
    decisions.decide(appeal, w.staff, outcome="upheld", reason="Эксперты не учли раздел 1.4",
                     scores=changes, decision="winner")
    assert appeal.status == AppealStatus.upheld and appeal.decided_at is not None
    # the ranking recomputed: B now first, A second; stored places follow; decision changed
    assert (_place(c, b), _place(c, a_entry)) == (1, 2)
    assert (b.final_rank, a_entry.final_rank) == (1, 2)
    assert b.decision == Decision.winner and b.status == EntryStatus.winner
    assert b.final_score == Decimal("100.0000")
    # before/after recorded on the appeal and in the audit
    moved = {m["code"]: m for m in appeal.changes["standings"]}
    assert moved[b.code]["before"]["place"] == 2 and moved[b.code]["after"]["place"] == 1
    assert moved[b.code]["before"]["decision"] == "not_selected" and moved[b.code]["after"]["decision"] == "winner"
    assert moved[a_entry.code]["after"]["place"] == 2
    event = db.session.execute(select(AuditEvent).where(AuditEvent.event == "appeal.uphold")).scalar_one()
    assert event.reason == "Эксперты не учли раздел 1.4" and event.payload["scores"]
    # the amending order draft targets the signed results order, with the changes as its annex
    target = db.session.execute(select(Order).where(Order.kind == OrderKind.approve_results)).scalar_one()
    order = appeal.amending_order
    assert order.kind == OrderKind.amend and order.status == OrderStatus.draft
    assert order.target_order_id == target.id
    table = order.annexes[0]["table"]
    assert table["headers"] == ["№", "Организация", "Было", "Стало", "Основание"]
    first = table["rows"][0]
    assert first[1] == b.organization.full_name
    assert "место 2" in first[2] and "не прошла отбор" in first[2]
    assert "место 1" in first[3] and "победитель" in first[3]
    assert f"Апелляция № {appeal.id}" in first[4] and "раздел 1.4" in first[4]
    text = norm(pdf_text(orders.render(order, "pdf")))
    assert f"№ {target.number}" in text and "Было" in text and "Стало" in text and "Основание" in text
    assert norm(b.organization.full_name) in text
    # the applicants were told, with the reasoning
    notes = db.session.execute(select(OutboxMessage).where(
        OutboxMessage.recipient_id == w.applicant.id, OutboxMessage.channel == Channel.inapp,
        OutboxMessage.subject.like("%удовлетворена%"))).scalars().all()
    assert len(notes) == 1 and "раздел 1.4" in notes[0].body


def test_reject_needs_a_reason_and_changes_nothing(make):
    w = decided_world(sign_results=False)
    b = w.entries["B"]
    with time_machine.travel(WITHIN, tick=False):
        appeal = filing.submit_appeal(w.applicant, b, grounds="Не согласны")
    decisions.take(appeal, w.staff)
    with pytest.raises(ValidationFailed, match="обоснование"):
        decisions.decide(appeal, w.staff, outcome="rejected", reason="")
    before = (b.final_score, b.final_rank, b.decision)
    decisions.decide(appeal, w.staff, outcome="rejected", reason="Оценки соответствуют критериям")
    assert appeal.status == AppealStatus.rejected and appeal.decision_reason == "Оценки соответствуют критериям"
    assert (b.final_score, b.final_rank, b.decision) == before
    assert appeal.amending_order_id is None
    with pytest.raises(TransitionNotAllowed):
        filing.withdraw(w.applicant, appeal)


def test_upheld_before_the_results_order_is_signed_makes_no_amending_order(make):
    w = decided_world(sign_results=False)
    b = w.entries["B"]
    with time_machine.travel(WITHIN, tick=False):
        appeal = filing.submit_appeal(w.applicant, b, grounds="Баллы занижены")
    decisions.decide(appeal, w.staff, outcome="upheld", reason="Пересмотрено", decision="winner")
    assert b.decision == Decision.winner and appeal.amending_order_id is None
    assert db.session.execute(select(func.count(Order.id)).where(Order.kind == OrderKind.amend)).scalar_one() == 0
