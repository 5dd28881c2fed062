"""Every deadline has its reminders: the submission deadline (drafts; a stage's date moves them all, an
extension only one entry's), the in-person stage, order visas and signature; the overdue job marks late
reviews and corrections once; a crash between queuing and marking never sends twice. Moscow time, the
clock moved with time-machine."""
import sys
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from workflow_app.actors import SystemActor
from workflow_app.extensions import db
from workflow_app.machines.base import fire
from workflow_app.machines.entry import entry_lifecycle
from workflow_app.models import AuditEvent, Organization, OutboxMessage, Role, User
from workflow_app.models.competition import Campaign, Entry, EntryStatus, StageKind
from workflow_app.models.orders import OrderKind
from workflow_app.models.reminder import OverdueMark, Reminder, ReminderStatus
from workflow_app.services import orders, reminders
from workflow_app.services.competition import dossier as dossier_svc
from workflow_app.services.competition import entry_check
from workflow_app.services.competition.campaigns import structure
from workflow_app.services.platform import settings
from workflow_app.services.reminders import hooks
from workflow_app.timeutil import end_of_day

from .factories import make_campaign, make_entry, make_org, make_user, make_world, stage

sweep_mod = sys.modules["workflow_app.services.reminders.sweep"]  # the package exports the function `sweep`
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # Monday 13:00 in Moscow
MSK_9 = 6


def _user(email):
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def _pending(object_type, object_id, kind=None):
    q = select(Reminder).where(Reminder.object_type == object_type, Reminder.object_id == object_id,
                               Reminder.status == ReminderStatus.pending)
    if kind:
        q = q.where(Reminder.kind == kind)
    return db.session.execute(q.order_by(Reminder.recipient_id, Reminder.offset_days)).scalars().all()


def _move_stage(campaign, kind, day: date):
    st = stage(campaign, kind)
    structure.update_stage(st, {"starts_on": st.starts_on, "deadline_date": day, "deadline_time": None,
                                "in_person": st.in_person, "scored": st.scored, "score_weight": st.score_weight},
                           actor=_user("staff@x.ru"), expected_version=campaign.version)
    return st


def _later_stages_in_summer(c):
    """Room to move the submission and defence dates without overtaking the stages after them."""
    for s in c.stages:
        if s.kind not in (StageKind.registration, StageKind.submission):
            s.deadline = datetime(2026, 6, 1, tzinfo=UTC) + timedelta(days=10 * s.position)
    db.session.flush()


def _submission_world():
    """Two drafts made by applicants (org A: two applicants, org B: one); submission deadline 31.03."""
    w = make_world()
    c = db.session.get(Campaign, w.campaign_id)
    _later_stages_in_summer(c)
    _move_stage(c, StageKind.submission, date(2026, 3, 31))
    a = db.session.get(Entry, w.entry_id)
    hooks.plan_submission(a)  # the factory's draft was not made through create_entry
    b = dossier_svc.create_entry(_user("appb@x.ru"), db.session.get(Organization, w.org_b), c, a.track)
    return c, a, b


@time_machine.travel(T0, tick=False)
def test_a_new_draft_is_reminded_of_the_submission_deadline_and_submitting_cancels(ctx):
    c, a, b = _submission_world()
    assert [(r.recipient.email, r.offset_days) for r in _pending("entry", b.id)] == [
        ("appb@x.ru", -14), ("appb@x.ru", -3), ("appb@x.ru", -1)]  # no «after»: a late draft cannot be sent
    first = _pending("entry", b.id)[0]
    assert first.due_at == datetime(2026, 3, 17, MSK_9, tzinfo=UTC)
    assert first.series == f"stage:{stage(c, StageKind.submission).id}"
    assert "подать заявку" in first.title and first.link == f"/entries/{b.id}"
    dossier_svc.submit(_user("appa@x.ru"), a)
    assert _pending("entry", a.id) == []
    assert len(_pending("entry", b.id)) == 3


@time_machine.travel(T0, tick=False)
def test_moving_the_stage_date_moves_every_drafts_reminders_but_not_an_extended_one(ctx):
    c, a, b = _submission_world()
    entry_check.grant_extension(_user("staff@x.ru"), b, date(2026, 4, 20), "Болезнь руководителя")
    # the extension moved only b's reminders
    assert {r.deadline_at for r in _pending("entry", b.id)} == {end_of_day(date(2026, 4, 20))}
    assert {r.deadline_at for r in _pending("entry", a.id)} == {end_of_day(date(2026, 3, 31))}
    statements = []
    from sqlalchemy import event

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("UPDATE REMINDER"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        _move_stage(c, StageKind.submission, date(2026, 4, 10))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1  # every draft's reminders in one statement
    a_rows = _pending("entry", a.id)
    assert {r.deadline_at for r in a_rows} == {end_of_day(date(2026, 4, 10))}
    assert [r.due_at for r in a_rows if r.recipient.email == "appa@x.ru"] == [
        datetime(2026, 3, 27, MSK_9, tzinfo=UTC), datetime(2026, 4, 7, MSK_9, tzinfo=UTC),
        datetime(2026, 4, 9, MSK_9, tzinfo=UTC)]
    # b's own, later date stands
    assert {r.deadline_at for r in _pending("entry", b.id)} == {end_of_day(date(2026, 4, 20))}
    # moved past the extension: b follows the stage again
    _move_stage(c, StageKind.submission, date(2026, 4, 25))
    assert {r.deadline_at for r in _pending("entry", b.id)} == {end_of_day(date(2026, 4, 25))}


@time_machine.travel(T0, tick=False)
def test_withdrawing_cancels_and_the_stage_page_lists_the_upcoming_reminders(app, client):
    from .helpers import login

    with app.app_context():
        c, a, b = _submission_world()
        dossier_svc.withdraw(_user("appb@x.ru"), b, "Передумали")
        assert _pending("entry", b.id) == []
        url = f"/campaigns/{c.id}/stages/{stage(c, StageKind.submission).id}"
        db.session.commit()
    login(client, "staff@x.ru")
    page = client.get(url).get_data(as_text=True)
    assert "Напоминания о сроке этапа" in page and "17.03.2026 09:00" in page and "Заявитель А2" in page
    assert "Заявитель Б" not in page  # withdrawn
    applicant = app.test_client()
    login(applicant, "appa@x.ru")
    assert applicant.get(url).status_code == 403


@time_machine.travel(T0, tick=False)
def test_shortlisted_entries_are_reminded_of_the_defence_until_it_is_done(ctx):
    w = make_world()
    c = db.session.get(Campaign, w.campaign_id)
    _later_stages_in_summer(c)
    stage(c, StageKind.decision).deadline = datetime(2026, 9, 1, tzinfo=UTC)
    e = make_entry(c, db.session.get(Organization, w.org_b), "ОО", EntryStatus.shortlisted)
    _move_stage(c, StageKind.defence, date(2026, 8, 15))
    rows = _pending("entry", e.id, hooks.DEFENCE)
    assert [(r.recipient.email, r.offset_days) for r in rows] == [("appb@x.ru", -14), ("appb@x.ru", -3),
                                                                  ("appb@x.ru", -1)]
    fire(entry_lifecycle, e, "complete_defence", actor=SystemActor("все оценки очного этапа получены"))
    assert _pending("entry", e.id) == []
    # the commission's decision (fired in bulk) ends every reminder of the campaign's entries at once
    other = make_entry(c, db.session.get(Organization, w.org_a), "ОО", EntryStatus.shortlisted)
    hooks.plan_defences(c)
    assert len(_pending("entry", other.id)) == 6  # two applicants × 14, 3, 1
    assert hooks.campaign_decided(c) == 6
    assert _pending("entry", other.id) == []


def _order_people():
    staff = make_user("staff@x.ru", Role.staff, name="Сотрудник")
    approver = make_user("prorector@x.ru", Role.staff, name="Проректор")
    rector = make_user("rector@x.ru", Role.signatory, name="Ректор")
    rector.position = "Ректор"
    settings.update_institution({"approver_ids": [approver.id]}, staff)
    return staff, approver, rector


def test_order_visas_and_signature_are_due_in_working_days_and_stop_when_given(ctx):
    from workflow_app.machines.order import order_lifecycle

    with time_machine.travel(datetime(2026, 3, 6, 10, 0, tzinfo=UTC), tick=False):  # Friday
        staff, approver, rector = _order_people()
        o = orders.create_draft(OrderKind.other, staff)
        o.title, o.items = "Об утверждении положения", [{"text": "Утвердить положение.", "subitems": []}]
        o.designated_signatory_id = rector.id
        fire(order_lifecycle, o, "send_for_approval", actor=staff)
        visa = _pending("order_doc", o.id, hooks.VISA)
        # 2 working days after Friday: Tuesday 10.03, end of day; the approver before and after, the author after
        assert {r.deadline_at for r in visa} == {end_of_day(date(2026, 3, 10))}
        assert [(r.recipient.email, r.offset_days) for r in visa] == [
            ("staff@x.ru", 1), ("staff@x.ru", 3),
            ("prorector@x.ru", -1), ("prorector@x.ru", 1), ("prorector@x.ru", 3)]
        orders.decide_visa(o, approver, approve=True)
        assert [r.recipient.email for r in _pending("order_doc", o.id, hooks.VISA)] == []
        sign = _pending("order_doc", o.id, hooks.SIGNATURE)
        assert {r.recipient.email for r in sign if not r.escalation} == {"rector@x.ru"}
        assert {r.deadline_at for r in sign} == {end_of_day(date(2026, 3, 11))}  # 3 working days
        orders.sign(o, rector)
        assert _pending("order_doc", o.id) == []


def test_staff_see_an_orders_upcoming_reminders_on_its_page(app, client):
    from workflow_app.machines.order import order_lifecycle

    from .helpers import login

    with app.app_context(), time_machine.travel(datetime(2026, 3, 6, 10, 0, tzinfo=UTC), tick=False):
        staff, approver, rector = _order_people()
        o = orders.create_draft(OrderKind.other, staff)
        o.title, o.items = "О рабочей группе", [{"text": "Создать группу.", "subitems": []}]
        o.designated_signatory_id = rector.id
        fire(order_lifecycle, o, "send_for_approval", actor=staff)
        db.session.commit()
        oid = o.id
    with time_machine.travel(datetime(2026, 3, 6, 10, 0, tzinfo=UTC), tick=False):
        login(client, "staff@x.ru")
        page = client.get(f"/orders/{oid}").get_data(as_text=True)
    assert "Напоминания" in page and "Проректор" in page and "09.03.2026 09:00" in page  # Monday, 1 day before


# --- overdue ----------------------------------------------------------------------------------------

def test_overdue_reviews_and_corrections_are_marked_once_and_unmarked_when_done(ctx):
    from workflow_app.services.competition import assignment

    from .factories import admitted_entry, make_expert, review_stage

    with time_machine.travel(T0, tick=False):
        c = make_campaign()
        st = review_stage(c)
        st.deadline = datetime(2026, 3, 10, 20, 59, tzinfo=UTC)
        e = admitted_entry(c)
        x = make_expert("x@x.ru", "sochi")
        staff = make_user("staff@x.ru", Role.staff)
        a = assignment.manual_assign(e, st, x.id, staff, reason="профиль")
        r = make_entry(c, make_org("МБОУ СОШ № 5", "sochi"), "ОО", EntryStatus.returned,
                       correction_due=end_of_day(date(2026, 3, 5)),
                       extension_until=end_of_day(date(2026, 3, 12)))
        assert reminders.mark_overdue() == {"assignment.review": {"marked": 0, "cleared": 0},
                                            "entry.correction": {"marked": 0, "cleared": 0}}
    with time_machine.travel(datetime(2026, 3, 11, 6, 0, tzinfo=UTC), tick=False):
        # the review is late; the correction's extension runs until 12.03
        assert reminders.mark_overdue()["assignment.review"] == {"marked": 1, "cleared": 0}
        assert reminders.mark_overdue()["assignment.review"] == {"marked": 0, "cleared": 0}
    with time_machine.travel(datetime(2026, 3, 13, 6, 0, tzinfo=UTC), tick=False):
        assert reminders.mark_overdue()["entry.correction"] == {"marked": 1, "cleared": 0}
        marks = db.session.execute(select(AuditEvent).where(AuditEvent.event == "overdue.marked")
                                   .order_by(AuditEvent.id)).scalars().all()
        assert [(m.object_type, m.object_id) for m in marks] == [("review_assignment", a.id), ("entry", r.id)]
        a.due_at = datetime(2026, 3, 20, 20, 59, tzinfo=UTC)  # more time given: no longer late
        r.status = EntryStatus.withdrawn
        db.session.flush()
        done = reminders.mark_overdue()
        assert done["assignment.review"]["cleared"] == 1 and done["entry.correction"]["cleared"] == 1
        assert db.session.execute(select(func.count(OverdueMark.id))).scalar_one() == 0


def test_the_expert_sees_late_reviews_marked_in_the_list(app, client):
    from workflow_app.services.competition import assignment

    from .factories import admitted_entry, make_expert, review_stage
    from .helpers import login

    with app.app_context(), time_machine.travel(T0, tick=False):
        c = make_campaign()
        st = review_stage(c)
        st.deadline = datetime(2026, 3, 10, 20, 59, tzinfo=UTC)
        x = make_expert("x@x.ru", "sochi")
        staff = make_user("staff@x.ru", Role.staff)
        entry = admitted_entry(c)
        assignment.manual_assign(entry, st, x.id, staff, reason="профиль")
        db.session.commit()
        entry_id = entry.id
    with time_machine.travel(datetime(2026, 3, 11, 6, 0, tzinfo=UTC), tick=False):
        login(client, "x@x.ru")
        assert "Просрочено" not in client.get("/expert/").get_data(as_text=True)  # not marked before the job
        with app.app_context():
            reminders.mark_overdue()
            db.session.commit()
        assert "Просрочено" in client.get("/expert/").get_data(as_text=True)
        staff_client = app.test_client()
        login(staff_client, "staff@x.ru")
        assert "Оценка эксперта не отправлена в срок" in staff_client.get("/").get_data(as_text=True)
        assert "Просрочено" in staff_client.get(f"/expert/entries/{entry_id}/assignments").get_data(as_text=True)


# --- a crash between queuing and marking ------------------------------------------------------------

class Crash(Exception):
    pass


@pytest.mark.commits
def test_a_crash_after_queuing_before_marking_sends_nothing_and_the_next_sweep_sends_once(app, monkeypatch):
    with app.app_context():
        with time_machine.travel(T0, tick=False):
            w = make_world()
            e = db.session.get(Entry, w.entry_id)
            dossier_svc.submit(_user("appa@x.ru"), e)
            entry_check.return_for_correction(_user("staff@x.ru"), e, "Приложите договоры", date(2026, 3, 20))
            db.session.commit()
        now = datetime(2026, 3, 21, 6, 0, tzinfo=UTC)  # +1 day: the two applicants and the coordinator
        on_pg = db.session.get_bind().dialect.name == "postgresql"

        def crash(*a, **kw):
            raise Crash

        # SQLite: the outbox rows are inserted, the reminders not yet marked. PostgreSQL: the one statement
        # queued and marked, the transaction not yet committed.
        if on_pg:
            monkeypatch.setattr(sweep_mod.audit, "record", crash)
        else:
            monkeypatch.setattr(sweep_mod, "_mark", crash)
        with pytest.raises(Crash):
            sweep_mod.sweep(now=now)
        db.session.rollback()
        monkeypatch.undo()
        assert db.session.execute(select(func.count(OutboxMessage.id))
                                  .where(OutboxMessage.dedup_key.like("%:reminder:%"))).scalar_one() == 0
        assert sweep_mod.sweep(now=now)["sent"] == 3
        db.session.commit()
        assert sweep_mod.sweep(now=now) == {"sent": 0, "skipped": 0}
        db.session.commit()
        keys = db.session.execute(select(OutboxMessage.dedup_key)
                                  .where(OutboxMessage.dedup_key.like("email:reminder:%"))).scalars().all()
        assert len(keys) == len(set(keys)) == 3


@time_machine.travel(T0, tick=False)
def test_a_report_deadline_follows_its_status_types_rule(ctx):
    """Reports and roadmaps plan through the same entry point; the status type's rule decides."""
    from workflow_app.models import Municipality
    from workflow_app.services.reminders import rules

    staff = make_user("staff@x.ru", Role.staff)
    head = make_user("head@x.ru", Role.applicant)
    coord = make_user("coord@x.ru", (Role.coordinator, db.session.execute(
        select(Municipality).where(Municipality.code == "sochi")).scalar_one()))
    rules.save_rule(staff, "report", status_type="КИП", before=(5,), after=(2,), escalate_coordinator=True,
                    escalate_staff=False)
    mun = coord.grants[0].municipality_id
    hooks.plan_status_deadline("report", "report", 7, end_of_day(date(2026, 4, 1)), [head.id], status_type="КИП",
                               municipality_id=mun, title="Ежегодный отчёт КИП", link="/reports/7")
    hooks.plan_status_deadline("report", "report", 8, end_of_day(date(2026, 4, 1)), [head.id], status_type="ФИП",
                               municipality_id=mun, title="Ежегодный отчёт ФИП", link="/reports/8")
    assert [(r.recipient.email, r.offset_days) for r in _pending("report", 7)] == [
        ("head@x.ru", -5), ("head@x.ru", 2), ("coord@x.ru", 2)]
    # no rule of its own: the default (14, 3, 1 / 1, 7; staff and the coordinator on escalation)
    assert sorted((r.recipient.email, r.offset_days) for r in _pending("report", 8)) == sorted([
        ("head@x.ru", -14), ("head@x.ru", -3), ("head@x.ru", -1), ("head@x.ru", 1), ("head@x.ru", 7),
        ("coord@x.ru", 1), ("coord@x.ru", 7), ("staff@x.ru", 1), ("staff@x.ru", 7)])
    reminders.cancel("report", "report", 7)  # handed in
    assert _pending("report", 7) == []
