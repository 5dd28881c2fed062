"""Automatic assignment: the rules, load balance and caps, determinism, shortfalls, explanations,
the preview → confirm flow and the manual override."""
from sqlalchemy import func, select

from workflow_app.extensions import db
from workflow_app.models import AuditEvent, Channel, OutboxMessage, Role
from workflow_app.models.competition import (
    AssignmentStatus,
    EntryStatus,
    ExpertConflict,
    ReviewAssignment,
)
from workflow_app.services.competition import assignment as svc
from workflow_app.services.competition import assignment_plan as planning

from .factories import (
    accepted,
    admitted_entry,
    assignments_of,
    make_campaign,
    make_expert,
    make_user,
    org,
    review_stage,
)
from .helpers import login, post_form


def test_each_rule_excludes_with_its_reason_and_shortfall_is_reported(ctx):
    c = make_campaign(experts_per_entry=3)
    applicant = org("krasnodar")
    admitted_entry(c, organization=applicant)
    make_expert("same-org@x.ru", organization=applicant)
    make_expert("same-muni@x.ru", "krasnodar")
    conflicted = make_expert("conflict@x.ru", "sochi")
    db.session.add(ExpertConflict(expert_id=conflicted.id, organization_id=applicant.id, reason="родственник"))
    make_expert("no-comp@x.ru", "sochi", competences=("ДОО",))
    make_expert("inactive@x.ru", "sochi", active=False)
    make_expert("full@x.ru", "sochi", max_load=0)
    good = make_expert("good@x.ru", "anapa")
    db.session.flush()

    plan = planning.build_plan(c, review_stage(c))

    [ep] = plan.entries
    assert [p.expert_id for p in ep.picks] == [good.id]
    assert ep.shortfall == 2 and plan.shortfalls == [ep]
    reasons = {x.name: x.reasons for x in ep.excluded}
    assert reasons == {
        "Эксперт same-org": [planning.SAME_ORG, planning.SAME_MUNICIPALITY],
        "Эксперт same-muni": [planning.SAME_MUNICIPALITY],
        "Эксперт conflict": [planning.CONFLICT],
        "Эксперт no-comp": [planning.NO_COMPETENCE],
        "Эксперт inactive": [planning.INACTIVE],
        "Эксперт full": [planning.LIMIT],
    }
    assert planning.SAME_ORG == "та же организация" and planning.LIMIT == "достигнут лимит"
    expl = ep.picks[0].explanation()
    assert expl["rank"] == 1 and expl["candidates"] == 1 and expl["load"] == 0
    assert "нагрузка в конкурсе до назначения — 0" in expl["text"]


def test_load_is_balanced_and_caps_hold_counting_existing_load(ctx):
    c = make_campaign(experts_per_entry=1, expert_load_cap=2)
    s = review_stage(c)
    a = make_expert("a@x.ru")
    b = make_expert("b@x.ru")
    big = make_expert("big@x.ru", max_load=10)
    # a already reviews one entry of this campaign: it counts towards balance and cap
    busy = admitted_entry(c)
    busy.status = EntryStatus.under_review
    accepted(busy, s, a)
    entries = [admitted_entry(c) for _ in range(7)]

    plan = planning.build_plan(c, s)

    got: dict[int, int] = {}
    for p in plan.picks:
        got[p.expert_id] = got.get(p.expert_id, 0) + 1
    assert len(plan.entries) == 7 and not plan.shortfalls
    assert got[a.id] == 1  # 1 existing + 1 = cap 2
    assert got[b.id] == 2  # the campaign cap
    assert got[big.id] == 4  # its own larger cap takes the rest
    # balance: the first picks go to the least loaded experts before anyone gets a second entry
    first_three = [p.expert_id for p in plan.picks[:3]]
    assert a.id not in first_three[:2] and set(first_three[:2]) == {b.id, big.id}
    assert [e.entry.id for e in plan.entries] == [e.id for e in entries]


def test_plan_is_deterministic_and_ties_are_not_by_id(ctx):
    c = make_campaign(experts_per_entry=2)
    experts = [make_expert(f"e{i}@x.ru") for i in range(6)]
    for _ in range(9):
        admitted_entry(c)
    s = review_stage(c)

    first = planning.build_plan(c, s)
    second = planning.build_plan(c, s)

    pairs = [(p.entry_id, p.expert_id) for p in first.picks]
    assert pairs == [(p.entry_id, p.expert_id) for p in second.picks]
    assert first.fingerprint == second.fingerprint
    # every expert gets exactly 3 (18 seats / 6 experts): balanced
    counts = {x.id: sum(1 for _, e in pairs if e == x.id) for x in experts}
    assert set(counts.values()) == {3}
    # equal loads are decided by the per-pair lot, so the first entry does not simply take the lowest ids
    ranked_first = sorted(experts, key=lambda x: (planning.lot(first.entries[0].entry.id, x.id), x.id))
    assert [p.expert_id for p in first.entries[0].picks] == [x.id for x in ranked_first[:2]]


def test_preview_then_confirm_assigns_in_one_go_and_notifies(app, client):
    with app.app_context():
        c = make_campaign(experts_per_entry=2)
        e1 = admitted_entry(c, title="Тема один")
        e2 = admitted_entry(c, track_code="ДОО", title="Тема два")
        x1 = make_expert("x1@x.ru", competences=("ОО", "ДОО"))
        make_expert("x2@x.ru", "anapa", competences=("ОО",))
        make_user("staff@x.ru", Role.staff)
        db.session.commit()
        cid, sid, e1_id, e2_id, x1_id = c.id, review_stage(c).id, e1.id, e2.id, x1.id
        codes = (e1.code, e2.code)
    login(client, "staff@x.ru")
    page = client.get(f"/expert/campaigns/{cid}/assign?stage={sid}").get_data(as_text=True)
    assert codes[0] in page and codes[1] in page
    # Tracks by the names people know, not by their codes
    assert "<td>Дошкольные образовательные организации</td>" in page and "<td>ДОО</td>" not in page
    assert "Не хватает экспертов: 1" in page  # e2 (ДОО) has only x1
    assert "нет компетенции по треку" in page

    resp = post_form(client, f"/expert/campaigns/{cid}/assign?stage={sid}", {
        "fingerprint": _fingerprint(page)}, form_url=f"/expert/campaigns/{cid}/assign?stage={sid}")
    assert resp.status_code == 302

    with app.app_context():
        a1 = assignments_of(e1_id)
        a2 = assignments_of(e2_id)
        assert len(a1) == 2 and [a.expert_id for a in a2] == [x1_id]
        assert all(a.status == AssignmentStatus.offered and a.explanation["mode"] == "auto" for a in a1 + a2)
        assert {db.session.get(type(a1[0].entry), i).status for i in (e1_id, e2_id)} == {EntryStatus.under_review}
        events = db.session.execute(select(AuditEvent.event)).scalars().all()
        assert events.count("assignment.create") == 3
        assert events.count("entry.start_review") == 2 and events.count("assignment.auto_apply") == 1
        notices = db.session.execute(
            select(OutboxMessage).where(OutboxMessage.channel == Channel.inapp)).scalars().all()
        assert {n.recipient_email for n in notices} >= {"x1@x.ru", "x2@x.ru", "staff@x.ru"}


def _fingerprint(page: str) -> str:
    import re

    m = re.search(r'name="fingerprint" type="hidden" value="([0-9a-f]+)"', page) or \
        re.search(r'id="fingerprint" name="fingerprint" type="hidden" value="([0-9a-f]+)"', page)
    assert m, "no fingerprint on the preview page"
    return m.group(1)


def test_confirm_refuses_a_plan_that_changed_since_preview(app, client):
    with app.app_context():
        c = make_campaign(experts_per_entry=1)
        admitted_entry(c)
        make_expert("x1@x.ru")
        make_user("staff@x.ru", Role.staff)
        db.session.commit()
        cid, sid = c.id, review_stage(c).id
    login(client, "staff@x.ru")
    url = f"/expert/campaigns/{cid}/assign?stage={sid}"
    fp = _fingerprint(client.get(url).get_data(as_text=True))
    with app.app_context():  # meanwhile another entry is admitted
        from workflow_app.models.competition import Campaign

        admitted_entry(db.session.get(Campaign, cid))
        db.session.commit()
    resp = post_form(client, url, {"fingerprint": fp})
    assert resp.status_code == 302
    assert "данные изменились" in client.get(url).get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(func.count(ReviewAssignment.id))).scalar_one() == 0


def test_manual_override_needs_an_exception_to_break_a_rule(app, client):
    with app.app_context():
        c = make_campaign(experts_per_entry=1)
        e = admitted_entry(c, muni_code="krasnodar")
        s = review_stage(c)
        first = make_expert("first@x.ru")
        local = make_expert("local@x.ru", "krasnodar")
        old = accepted(e, s, first)
        make_user("staff@x.ru", Role.staff)
        db.session.commit()
        eid, sid, local_id, old_id = e.id, s.id, local.id, old.id
    login(client, "staff@x.ru")
    url = f"/expert/entries/{eid}/assignments?stage={sid}"
    page = client.get(url).get_data(as_text=True)
    assert "Эксперт local — тот же муниципалитет" in page

    resp = post_form(client, url, {"expert_id": local_id, "replace_id": old_id, "reason": "отпуск эксперта"})
    assert resp.status_code == 422
    assert "тот же муниципалитет" in resp.get_data(as_text=True)
    with app.app_context():
        assert [a.status for a in assignments_of(eid)] == [AssignmentStatus.accepted]

    resp = post_form(client, url, {"expert_id": local_id, "replace_id": old_id, "reason": "отпуск эксперта",
                                   "exception": "y", "exception_reason": "единственный специалист по теме"})
    assert resp.status_code == 302
    with app.app_context():
        old_a, new_a = assignments_of(eid)
        assert old_a.status == AssignmentStatus.revoked
        assert new_a.expert_id == local_id and new_a.manual
        assert new_a.explanation["exception"] == "единственный специалист по теме"
        assert new_a.explanation["violations"] == [planning.SAME_MUNICIPALITY]
        assert new_a.explanation["replaces"] == old_id
        ev = db.session.execute(select(AuditEvent).where(AuditEvent.event == "assignment.manual")).scalar_one()
        assert ev.reason == "отпуск эксперта"


def test_fast_ranking_agrees_with_the_explained_rules(ctx):
    """The planner's one-line eligibility test and the explanation's reasons must never disagree."""
    c = make_campaign(experts_per_entry=2, expert_load_cap=2)
    s = review_stage(c)
    munis = ["krasnodar", "sochi", "anapa"]
    orgs = [org(m) for m in munis]
    entries = [admitted_entry(c, organization=orgs[i % 3], track_code=("ОО", "ДОО")[i % 2]) for i in range(6)]
    for i in range(9):
        x = make_expert(f"r{i}@x.ru", munis[i % 3], competences=(("ОО",), ("ДОО",), ("ОО", "ДОО"))[i % 3],
                        max_load=(None, 0, 1)[i % 3] if i % 4 else None, active=i != 5,
                        organization=orgs[i % 3] if i == 7 else None)
        if i == 2:
            db.session.add(ExpertConflict(expert_id=x.id, organization_id=orgs[1].id))
        if i == 4:
            accepted(entries[0], s, x)
    db.session.flush()
    experts = planning.load_experts(c)
    loads = planning.load_counts(c)
    conflicts = planning.load_conflicts()
    checked = 0
    for e in entries:
        info = planning.entry_info(e, s)
        fast = {x.id for _, x in planning.rank_candidates(info, experts, loads, conflicts)[0]}
        slow = {x.id for x in experts if not planning.exclusion_reasons(info, x, loads.get(x.id, 0), conflicts)}
        excluded = {x.expert_id for x in planning.explain(info, experts, loads, conflicts)}
        assert fast == slow and fast.isdisjoint(excluded) and fast | excluded == {x.id for x in experts}
        checked += len(fast)
    assert checked > 0


def test_revoking_the_last_open_sheet_completes_the_review(ctx):
    """Staff revoke an expert who never scored; the panel that remains has all submitted → scored."""
    from decimal import Decimal

    from workflow_app.services.competition import review as rsvc

    c = make_campaign(experts_per_entry=1)
    s = review_stage(c)
    e = admitted_entry(c)
    e.status = EntryStatus.under_review
    staff = make_user("staff@x.ru", Role.staff)
    done, idle = make_expert("done@x.ru"), make_expert("idle@x.ru")
    a_done = accepted(e, s, done)
    a_idle = accepted(e, s, idle, is_extra=True)
    rsvc.save_sheet(a_done, done, {cr.id: ("5", "") for cr in rsvc.criteria_for(s.id, e.track_id)}, "",
                    submit=True)
    assert e.status == EntryStatus.under_review  # the extra expert has not scored yet
    svc.revoke(a_idle, staff, "эксперт не выходит на связь")
    assert a_idle.status == AssignmentStatus.revoked and e.status == EntryStatus.scored
    assert a_done.total == sum(Decimal(5) * cr.weight for cr in rsvc.criteria_for(s.id, e.track_id))


def test_manual_assignment_refuses_an_entry_not_in_review(ctx):
    import pytest

    from workflow_app.errors import ValidationFailed

    c = make_campaign()
    e = admitted_entry(c)
    e.status = EntryStatus.draft
    x = make_expert("x@x.ru")
    staff = make_user("staff@x.ru", Role.staff)
    with pytest.raises(ValidationFailed, match="назначать экспертов"):
        svc.manual_assign(e, review_stage(c), x.id, staff, reason="надо")
    assert assignments_of(e.id) == []
