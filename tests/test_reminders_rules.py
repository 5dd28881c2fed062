"""Reminder rules per campaign change who is reminded and when; saving them re-plans the campaign's pending
reminders; bad input is refused in Russian with nothing changed; only staff edit them."""
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from workflow_app.errors import PermissionDenied, ValidationFailed
from workflow_app.extensions import db
from workflow_app.models import AuditEvent, User
from workflow_app.models.competition import Campaign, Entry
from workflow_app.models.reminder import Reminder, ReminderRule, ReminderStatus
from workflow_app.services.competition import dossier as dossier_svc
from workflow_app.services.competition import entry_check
from workflow_app.services.reminders import configure, rules

from .factories import make_world
from .helpers import login, post_form

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
KIND = "entry.correction"


def _user(email):
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def _returned(due: date) -> Entry:
    w = make_world()
    e = db.session.get(Entry, w.entry_id)
    dossier_svc.submit(_user("appa@x.ru"), e)
    entry_check.return_for_correction(_user("staff@x.ru"), e, "Приложите договоры", due)
    return e


def _slots(entry):
    return sorted((r.recipient.email, r.offset_days) for r in db.session.execute(
        select(Reminder).where(Reminder.object_id == entry.id, Reminder.kind == KIND,
                               Reminder.status == ReminderStatus.pending)).scalars())


def _rows(**over):
    """The form's rows for every campaign kind: the built-in defaults, `over` for the correction."""
    out = []
    for k in rules.CAMPAIGN_KINDS:
        d = k.default
        row = {"kind": k.kind, "before": ", ".join(map(str, d.before)), "after": ", ".join(map(str, d.after)),
               "coordinator": d.escalate_coordinator, "staff": d.escalate_staff, "working_days": None}
        if k.kind == KIND:
            row.update(over)
        out.append(row)
    return out


@time_machine.travel(T0, tick=False)
def test_a_campaigns_rule_changes_who_and_when_and_replans_pending_reminders(ctx):
    e = _returned(date(2026, 3, 25))
    assert ("coord-krd@x.ru", 7) in _slots(e) and ("appa@x.ru", -14) in _slots(e)
    saved = configure.save_campaign_rules(_user("staff@x.ru"), e.campaign,
                                          _rows(before="5, 2", after="3", coordinator=False, staff=True))
    assert saved.changed == 1
    assert _slots(e) == [("appa2@x.ru", -5), ("appa2@x.ru", -2), ("appa2@x.ru", 3),
                         ("appa@x.ru", -5), ("appa@x.ru", -2), ("appa@x.ru", 3),
                         ("staff2@x.ru", 3), ("staff@x.ru", 3)]  # the coordinator no more; staff on escalation
    due = {r.offset_days: r.due_at for r in db.session.execute(select(Reminder).where(
        Reminder.object_id == e.id, Reminder.status == ReminderStatus.pending)).scalars()}
    assert due[-5] == datetime(2026, 3, 20, 6, 0, tzinfo=UTC)  # 09:00 Moscow, 5 days before 25.03
    row = db.session.execute(select(AuditEvent).where(AuditEvent.event == "reminder.rule_saved")).scalar_one()
    assert row.object_id == e.campaign_id and row.payload["after"]["before_days"] == [5, 2]
    # the same again changes nothing
    assert configure.save_campaign_rules(_user("staff@x.ru"), e.campaign,
                                         _rows(before="5, 2", after="3", coordinator=False, staff=True)).changed == 0
    # another campaign keeps the defaults
    assert rules.rule_for(KIND, campaign_id=e.campaign_id + 1000) == rules.KINDS[KIND].default


@time_machine.travel(T0, tick=False)
def test_bad_rules_are_refused_in_russian_and_change_nothing(ctx):
    e = _returned(date(2026, 3, 25))
    before = _slots(e)
    staff = _user("staff@x.ru")
    for over, field, words in [
        ({"before": "14, три"}, "entry_correction-before", "«три» — нужно целое число дней"),
        ({"before": "0"}, "entry_correction-before", "от 1 до 365"),
        ({"after": "7, 7"}, "entry_correction-after", "дни повторяются"),
        ({"before": "", "after": ""}, "entry_correction-before", "хотя бы одно напоминание"),
    ]:
        with pytest.raises(ValidationFailed) as err:
            configure.save_campaign_rules(staff, e.campaign, _rows(**over))
        assert words in err.value.errors[field]
    assert _slots(e) == before
    assert db.session.execute(select(func.count(ReminderRule.id))).scalar_one() == 0
    with pytest.raises(PermissionDenied):
        configure.save_campaign_rules(_user("appa@x.ru"), e.campaign, _rows(before="2"))


def _form(**over):
    data = {}
    for row in _rows(**over):
        k = row["kind"].replace(".", "_")
        data[f"{k}-before"], data[f"{k}-after"] = row["before"], row["after"]
        for part in ("coordinator", "staff"):
            if row[part]:
                data[f"{k}-{part}"] = "y"
    return data


def test_staff_edit_a_campaigns_rules_on_its_page(app, client):
    with app.app_context(), time_machine.travel(T0, tick=False):
        e = _returned(date(2026, 3, 25))
        db.session.commit()
        cid, eid = e.campaign_id, e.id
    with time_machine.travel(T0, tick=False):
        login(client, "staff@x.ru")
        url = f"/reminders/campaign/{cid}"
        page = client.get(url).get_data(as_text=True)
        assert "Доработка заявки" in page and 'value="14, 3, 1"' in page
        assert "Правила напоминаний о сроках" in client.get(f"/campaigns/{cid}").get_data(as_text=True)
        bad = post_form(client, url, _form(before="abc"))
        assert bad.status_code == 422 and "«abc» — нужно целое число дней" in bad.get_data(as_text=True)
        ok = post_form(client, url, _form(before="2", after="1", coordinator=False), follow_redirects=True)
        assert "Правила напоминаний сохранены" in ok.get_data(as_text=True)
        assert 'value="2"' in client.get(url).get_data(as_text=True)
        entry_page = client.get(f"/entries/{eid}").get_data(as_text=True)
        assert "за 2 дн. до срока" in entry_page and "за 14 дн. до срока" not in entry_page
        listing = client.get("/reminders/?kind=entry.correction").get_data(as_text=True)
        assert "за 2 дн. до срока" in listing and "Заявитель А2" in listing
        assert client.get("/reminders/?export=xlsx").status_code == 200
    applicant = app.test_client()
    with time_machine.travel(T0, tick=False):
        login(applicant, "appa@x.ru")
        assert applicant.get(url).status_code == 403
        assert applicant.get("/reminders/").status_code == 403
    with app.app_context():
        assert db.session.get(Campaign, cid) is not None
        assert rules.rule_for(KIND, campaign_id=cid).before == (2,)


def test_default_and_status_type_rules_apply_where_no_campaign_rule_is(app, client):
    with app.app_context():
        make_world()
    login(client, "staff@x.ru")
    rows = {}
    for k in rules.KINDS.values():
        n = k.kind.replace(".", "_")
        rows[f"{n}-before"] = ", ".join(map(str, k.default.before))
        rows[f"{n}-after"] = ", ".join(map(str, k.default.after))
        if k.default.due_working_days is not None:
            rows[f"{n}-working_days"] = str(k.default.due_working_days)
    rows["order_visa-working_days"] = "0"
    bad = post_form(client, "/reminders/rules", rows)
    assert bad.status_code == 422 and "от 1 до 30" in bad.get_data(as_text=True)
    rows["order_visa-working_days"] = "4"
    assert post_form(client, "/reminders/rules", rows).status_code == 302
    st = {"status_type": "КИП", "report-before": "30, 7", "report-after": "1", "roadmap-before": "10",
          "roadmap-after": ""}
    assert post_form(client, "/reminders/rules/status-type", st).status_code == 302
    assert "КИП" in client.get("/reminders/rules").get_data(as_text=True)
    with app.app_context():
        assert rules.rule_for("order.visa").due_working_days == 4
        assert rules.rule_for("report", status_type="КИП").before == (30, 7)
        assert rules.rule_for("report", status_type="ФИП").before == (14, 3, 1)


@pytest.mark.demo
def test_the_demo_has_upcoming_reminders_and_reseeding_adds_none(app):
    from workflow_app.demo import seed_demo

    with app.app_context():
        before = db.session.execute(select(func.count(Reminder.id))).scalar_one()
        assert app.demo_counts["pending_reminders"] > 0 and before > 0
        seed_demo()
        db.session.flush()
        assert db.session.execute(select(func.count(Reminder.id))).scalar_one() == before
        db.session.rollback()
