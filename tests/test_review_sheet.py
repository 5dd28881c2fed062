"""The score sheet: validation per row, weighted total, read-only after submission, staff reopen;
divergence → extra expert → completion; privacy of other experts' scores."""
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from workflow_app.errors import TransitionNotAllowed
from workflow_app.extensions import db
from workflow_app.models import AuditEvent, OutboxMessage, Role
from workflow_app.models.competition import (
    AssignmentStatus,
    Criterion,
    Entry,
    EntryStatus,
    ReviewAssignment,
    Score,
)
from workflow_app.services.competition import review as svc

from .factories import (
    D,
    accepted,
    admitted_entry,
    assignments_of,
    criteria,
    make_campaign,
    make_expert,
    make_user,
    review_stage,
)
from .helpers import login, post_form

_VERSION = re.compile(r'name="version"[^>]*? value="(\d+)"|value="(\d+)"[^>]*? name="version"')


def _post_sheet(client, url: str, data: dict):
    """Send the sheet as the browser does: with the version the page was opened at."""
    page = client.get(url).get_data(as_text=True)
    m = _VERSION.search(page)
    return post_form(client, url, {"version": m.group(1) or m.group(2), **data} if m else data)


def _sheet_data(crits, points, comment="обосновано"):
    data = {}
    for c, p in zip(crits, points, strict=False):
        data[f"points_{c.id}"] = p
        data[f"comment_{c.id}"] = comment
    return data


def _one_sheet(app, **settings):
    with app.app_context():
        c = make_campaign(experts_per_entry=1, **settings)
        e = admitted_entry(c)
        e.status = EntryStatus.under_review
        x = make_expert("x@x.ru")
        a = accepted(e, review_stage(c), x)
        make_user("staff@x.ru", Role.staff)
        db.session.commit()
        crits = criteria(c, e)
        return a.id, e.id, [(cr.id, cr.max_points, cr.weight) for cr in crits], crits


def test_rows_are_validated_in_russian_and_nothing_is_saved_on_error(app, client):
    aid, _, info, crits = _one_sheet(app, comment_required=True)
    login(client, "x@x.ru")
    url = f"/expert/assignments/{aid}/sheet"
    points = ["11", "7,555", "abc", ""] + ["5"] * (len(crits) - 4)
    data = _sheet_data(crits, points)
    data[f"comment_{crits[4].id}"] = ""
    data["send"] = "Отправить"
    resp = _post_sheet(client, url, data)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Балл должен быть от 0 до 10." in html
    assert "Допускается не более двух знаков после запятой." in html
    assert svc.NOT_A_NUMBER in html
    assert "Укажите балл." in html
    assert "Комментарий к критерию обязателен." in html
    assert 'value="11"' in html  # what the expert typed stays on the page
    with app.app_context():
        assert db.session.execute(select(func.count(Score.id))).scalar_one() == 0
        assert db.session.get(ReviewAssignment, aid).status == AssignmentStatus.accepted


NOT_PLAIN_DECIMALS = ["1e1", "７", "٥", "1_0", "inf", "nan", "1e30", "1E+1", "0x1"]


@pytest.mark.parametrize("action", [{"save": "Сохранить черновик"}, {"send": "Отправить"}])
def test_only_plain_decimals_are_scores_and_a_refusal_saves_nothing(app, client, action):
    aid, _, info, crits = _one_sheet(app)
    assert len(crits) >= len(NOT_PLAIN_DECIMALS) + 1
    login(client, "x@x.ru")
    url = f"/expert/assignments/{aid}/sheet"
    points = NOT_PLAIN_DECIMALS + ["99999999999999999999"] + ["5"] * (len(crits) - len(NOT_PLAIN_DECIMALS) - 1)
    resp = _post_sheet(client, url, _sheet_data(crits, points) | action)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422  # never a 500, whatever was typed
    for c, typed in zip(crits, NOT_PLAIN_DECIMALS, strict=False):
        assert f'<div class="invalid-feedback" id="err_{c.id}">{svc.NOT_A_NUMBER}</div>' in html, typed
    huge = crits[len(NOT_PLAIN_DECIMALS)]
    assert f'id="err_{huge.id}">Балл должен быть от 0 до 10.</div>' in html
    with app.app_context():
        assert db.session.execute(select(func.count(Score.id))).scalar_one() == 0
        a = db.session.get(ReviewAssignment, aid)
        assert a.status == AssignmentStatus.accepted and a.total is None


@pytest.mark.parametrize("typed, expected", [
    ("7,5", Decimal("7.5")), ("7.25", Decimal("7.25")), (" 10 ", Decimal("10")), (",5", Decimal("0.5")),
    ("0", Decimal("0")), ("7,500", Decimal("7.5")),
])
def test_comma_or_point_decimals_within_two_places_are_accepted(typed, expected):
    assert svc.parse_points(typed, Decimal("10")) == (expected, "")


@pytest.mark.parametrize("typed", ["1e1", "７", "٥", "1_0", "inf", "-inf", "nan", "1e30", "1,2,3", ",", "-"])
def test_parse_points_refuses_what_is_not_a_plain_decimal(typed):
    assert svc.parse_points(typed, Decimal("10")) == (None, svc.NOT_A_NUMBER)


def test_draft_keeps_points_then_submit_stores_the_weighted_total_and_locks(app, client):
    aid, eid, info, crits = _one_sheet(app)
    login(client, "x@x.ru")
    url = f"/expert/assignments/{aid}/sheet"
    resp = _post_sheet(client, url, _sheet_data(crits[:2], ["7,5", "8"]) | {"save": "Сохранить черновик"})
    assert resp.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert 'value="7,5"' in page and "оценено 2/" in page
    assert "1/1" not in client.get("/expert/").get_data(as_text=True)

    points = [Decimal("7.5"), Decimal("8"), Decimal("10"), Decimal("0"), Decimal("3.25")] + \
             [Decimal("6")] * (len(crits) - 5)
    resp = _post_sheet(client, url, _sheet_data(crits, [str(p).replace(".", ",") for p in points])
                     | {"send": "Отправить", "overall_comment": "Сильная заявка"})
    assert resp.status_code == 302
    expected = sum(p * w for p, (_, _, w) in zip(points, info, strict=False))
    with app.app_context():
        a = db.session.get(ReviewAssignment, aid)
        assert a.status == AssignmentStatus.submitted and a.total == expected and a.submitted_at
        assert a.comment == "Сильная заявка"
        # one expert per entry and no divergence possible → the entry's review is complete
        assert db.session.get(Entry, eid).status == EntryStatus.scored
        ev = db.session.execute(select(AuditEvent).where(AuditEvent.event == "assignment.submit")).scalar_one()
        assert Decimal(ev.payload["total"]) == expected

    page = client.get(url).get_data(as_text=True)
    assert "только для просмотра" in page and 'data-testid="send"' not in page
    resp = _post_sheet(client, url, _sheet_data(crits, ["1"] * len(crits)) | {"send": "Отправить"})
    assert resp.status_code in (302, 409)
    with app.app_context():
        assert db.session.get(ReviewAssignment, aid).total == expected


def test_staff_reopen_with_reason_lets_the_expert_edit_again(app, client):
    aid, eid, info, crits = _one_sheet(app)
    login(client, "x@x.ru")
    url = f"/expert/assignments/{aid}/sheet"
    _post_sheet(client, url, _sheet_data(crits, ["5"] * len(crits)) | {"send": "Отправить"})
    client.post("/logout", data={"csrf_token": _token(client)})

    login(client, "staff@x.ru")
    page = client.get(url).get_data(as_text=True)
    assert "Вернуть на пересмотр" in page
    resp = post_form(client, f"/expert/assignments/{aid}/reopen", {"reason": "опечатка в критерии 3"}, form_url=url)
    assert resp.status_code == 302
    with app.app_context():
        a = db.session.get(ReviewAssignment, aid)
        assert a.status == AssignmentStatus.reopened and a.total is None
        assert db.session.get(Entry, eid).status == EntryStatus.under_review
        ev = db.session.execute(select(AuditEvent).where(AuditEvent.event == "assignment.reopen")).scalar_one()
        assert ev.reason == "опечатка в критерии 3"
        assert db.session.execute(select(OutboxMessage).where(
            OutboxMessage.recipient_email == "x@x.ru", OutboxMessage.subject.contains("на пересмотр"))).first()
    client.post("/logout", data={"csrf_token": _token(client)})

    login(client, "x@x.ru")
    resp = _post_sheet(client, url, _sheet_data(crits, ["6"] * len(crits)) | {"send": "Отправить"})
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.get(ReviewAssignment, aid).total == sum(Decimal(6) * w for _, _, w in info)
        assert db.session.get(Entry, eid).status == EntryStatus.scored


def _token(client) -> str:
    import re

    m = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True))
    return m.group(1) if m else ""


def _submit(a, actor, points):
    crits = svc.criteria_for(a.stage_id, a.entry.track_id)
    svc.save_sheet(a, actor, {c.id: (str(points), "") for c in crits}, "", submit=True)


def test_divergence_adds_one_extra_expert_then_completes(ctx):
    c = make_campaign(experts_per_entry=3, divergence_pct=Decimal("30"))
    s = review_stage(c)
    e = admitted_entry(c)
    e.status = EntryStatus.under_review
    xs = [make_expert(f"x{i}@x.ru") for i in range(3)]
    extra_expert = make_expert("extra@x.ru", "anapa")
    a = [accepted(e, s, x) for x in xs]
    max_total = svc.max_total(criteria(c, e))  # 10 criteria × 10 points × weights = 110
    _submit(a[0], xs[0], 9)
    _submit(a[1], xs[1], 8)
    assert e.status == EntryStatus.under_review and not e.divergent
    _submit(a[2], xs[2], 2)  # spread 7 points × Σweights = 77 > 30 % of 110

    assert e.divergent
    extra = [r for r in assignments_of(e.id) if r.is_extra]
    assert len(extra) == 1 and extra[0].expert_id == extra_expert.id
    assert extra[0].status == AssignmentStatus.offered and extra[0].explanation["mode"] == "extra"
    assert Decimal(extra[0].explanation["divergence"]["max_total"]) == max_total
    assert e.status == EntryStatus.under_review
    events = db.session.execute(select(AuditEvent.event)).scalars().all()
    assert events.count("entry.divergent") == 1

    # idempotent: running the rule again adds no second extra expert and no second flag
    assert svc.review_progress(e, s, xs[2]) == "waiting"
    assert len([r for r in assignments_of(e.id) if r.is_extra]) == 1

    from workflow_app.services.competition import assignment as asvc

    asvc.respond(extra[0], "accept", extra_expert)
    _submit(extra[0], extra_expert, 5)
    assert e.status == EntryStatus.scored
    assert db.session.execute(select(AuditEvent.event)).scalars().all().count("entry.complete_review") == 1
    assert svc.review_progress(e, s, extra_expert) == "complete"
    assert len(assignments_of(e.id)) == 4


def test_close_totals_complete_without_an_extra_expert(ctx):
    c = make_campaign(experts_per_entry=2, divergence_pct=Decimal("30"))
    s = review_stage(c)
    e = admitted_entry(c)
    e.status = EntryStatus.under_review
    xs = [make_expert(f"x{i}@x.ru") for i in range(3)]
    a = [accepted(e, s, x) for x in xs[:2]]
    _submit(a[0], xs[0], 8)
    _submit(a[1], xs[1], 6)  # spread 22 of 110 = 20 % ≤ 30 %
    assert e.status == EntryStatus.scored and not e.divergent
    assert len(assignments_of(e.id)) == 2


def test_submitting_twice_is_refused(ctx):
    c = make_campaign(experts_per_entry=1)
    e = admitted_entry(c)
    e.status = EntryStatus.under_review
    x = make_expert("x@x.ru")
    a = accepted(e, review_stage(c), x)
    _submit(a, x, 4)
    with pytest.raises(TransitionNotAllowed):
        _submit(a, x, 9)
    assert a.total == svc.weighted_total(criteria(c, e), {cr.id: D(4) for cr in criteria(c, e)})


def test_track_specific_criteria_join_the_common_ones(ctx):
    c = make_campaign(experts_per_entry=1)
    s = review_stage(c)
    e = admitted_entry(c, track_code="ДОО")
    other = admitted_entry(c, track_code="ОО")
    from .factories import track

    db.session.add(Criterion(campaign=c, stage=s, track=track(c, "ДОО"), position=99, name="Только ДОО",
                             max_points=D(5), weight=D(2)))
    db.session.flush()
    assert [cr.name for cr in criteria(c, e)][-1] == "Только ДОО"
    assert "Только ДОО" not in [cr.name for cr in criteria(c, other)]


def test_experts_never_see_each_others_scores(app, client):
    with app.app_context():
        c = make_campaign(experts_per_entry=2)
        e = admitted_entry(c)
        e.status = EntryStatus.under_review
        s = review_stage(c)
        x1, x2 = make_expert("x1@x.ru"), make_expert("x2@x.ru")
        a1, a2 = accepted(e, s, x1), accepted(e, s, x2)
        other_entry = admitted_entry(c, title="Чужая заявка")
        crits = criteria(c, e)
        svc.save_sheet(a1, x1, {cr.id: ("9", "секретный-комментарий-первого") for cr in crits},
                       "общий-вывод-первого", submit=True)
        db.session.commit()
        a1_id, a2_id, other_id = a1.id, a2.id, other_entry.id
    login(client, "x2@x.ru")
    for url in (f"/expert/assignments/{a1_id}", f"/expert/assignments/{a1_id}/sheet",
                f"/expert/assignments/{a1_id}/attachments/1"):
        assert client.get(url).status_code == 403, url
    own = client.get(f"/expert/assignments/{a2_id}/sheet").get_data(as_text=True)
    reader = client.get(f"/expert/assignments/{a2_id}").get_data(as_text=True)
    dash = client.get("/expert/").get_data(as_text=True)
    for html in (own, reader, dash):
        assert "секретный-комментарий-первого" not in html and "общий-вывод-первого" not in html
    assert 'value="9"' not in own
    assert "Чужая заявка" not in dash
    # there is no route to an entry without an assignment
    assert client.get(f"/expert/entries/{other_id}/assignments").status_code == 403
    assert client.get("/expert/assignments/999999").status_code == 404
