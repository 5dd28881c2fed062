"""Campaign configuration services: presets, validation, lifecycle guards, criteria lock, copy."""
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from workflow_app.errors import ConcurrentChange, TransitionNotAllowed, ValidationFailed
from workflow_app.extensions import db
from workflow_app.models import AuditEvent, Role
from workflow_app.models.base import utcnow
from workflow_app.models.competition import (
    AssignmentStatus,
    Campaign,
    CampaignKind,
    CampaignStatus,
    Entry,
    EntryStatus,
    ReviewAssignment,
    Score,
    StageKind,
)
from workflow_app.services.competition import campaigns as svc
from workflow_app.timeutil import deadline_parts, deadline_utc

from .factories import make_campaign, make_entry, make_org, make_user, stage, track


def _events(campaign_id: int) -> list[AuditEvent]:
    return list(db.session.execute(
        select(AuditEvent).where(AuditEvent.object_type == "campaign", AuditEvent.object_id == campaign_id)
        .order_by(AuditEvent.id)).scalars())


def _settings(c: Campaign, **over) -> dict:
    data = {k: getattr(c, k) for k in svc.SETTINGS_FIELDS}
    data.update(over)
    return data


def _staff():
    return make_user("staff@x.ru", Role.staff)


def _dates(c: Campaign, start: date) -> None:
    """Give every stage a deadline, in calendar order, starting at `start`."""
    for i, kind in enumerate(svc.STAGE_ORDER):
        s = svc.stage_of(c, kind)
        if s:
            s.deadline = deadline_utc(start + timedelta(days=10 * (i + 1)))


def test_create_from_preset(ctx):
    staff = _staff()
    c = svc.create_campaign(name="Инновационный поиск 2027", year=2027, kind=CampaignKind.innovation_search,
                            actor=staff)
    assert c.status == CampaignStatus.draft
    assert [t.code for t in c.tracks] == ["ДОО", "ОО", "ОДОД", "СОО_ПОО", "МОУО_ТМС"]
    assert track(c, "СОО_ПОО").org_types == ["SOO", "POO"]
    assert [s.kind for s in c.stages] == svc.STAGE_ORDER
    assert stage(c, StageKind.defence).in_person and stage(c, StageKind.defence).scored
    assert len([cr for cr in c.criteria if cr.stage.kind == StageKind.expert_review]) == 10
    assert len([cr for cr in c.criteria if cr.stage.kind == StageKind.defence]) == 3
    assert c.dossier_schema[0]["key"] == "1.1" and c.code_prefix == "ИП" and c.experts_per_entry == 3
    assert [e.event for e in _events(c.id)] == ["campaign.created"]
    with pytest.raises(ValidationFailed, match="Укажите название конкурса"):
        svc.create_campaign(name=" ", year=2027, kind=CampaignKind.innovation_search, actor=staff)


INVALID_SETTINGS = [
    ("experts_per_entry", 0, "«Экспертов на заявку»: от 1 до 10."),
    ("experts_per_entry", 11, "«Экспертов на заявку»: от 1 до 10."),
    ("divergence_pct", Decimal("130"), "процент от 0 до 100"),
    ("shortlist_pct", Decimal("-1"), "процент от 0 до 100"),
    ("code_prefix", "И П!", "Префикс кода заявки"),
    ("year", 1990, "Год проведения — от 2000 до 2100."),
]


def test_invalid_settings_are_refused_and_nothing_changes(ctx):
    staff = _staff()
    c = make_campaign(status=CampaignStatus.draft)
    db.session.flush()
    version = c.version
    for field, value, message in INVALID_SETTINGS:
        before = getattr(c, field)
        with pytest.raises(ValidationFailed) as err:
            svc.update_settings(c, _settings(c, **{field: value}, name="Новое имя"), actor=staff,
                                expected_version=version)
        assert message in err.value.message, field
        assert c.version == version and getattr(c, field) == before and c.name == "Инновационный поиск 2026"
    # Several errors at once are all reported.
    with pytest.raises(ValidationFailed) as err:
        svc.update_settings(c, _settings(c, experts_per_entry=0, shortlist_pct=Decimal(101)), actor=staff,
                            expected_version=version)
    assert "от 1 до 10" in err.value.message and "от 0 до 100" in err.value.message
    assert _events(c.id) == []


def test_settings_change_is_audited_with_changed_fields_and_stale_form_refused(ctx):
    staff = _staff()
    c = make_campaign(status=CampaignStatus.open)
    v = c.version
    changed = svc.update_settings(c, _settings(c, experts_per_entry=4, blind_review=True), actor=staff,
                                  expected_version=v)
    assert set(changed) == {"experts_per_entry", "blind_review"}
    ev = _events(c.id)[-1]
    assert ev.event == "campaign.settings_changed"
    assert ev.payload["changed"] == {"experts_per_entry": [3, 4], "blind_review": [False, True]}
    assert c.version == v + 1
    with pytest.raises(ConcurrentChange, match="изменены другим пользователем"):
        svc.update_settings(c, _settings(c, experts_per_entry=5), actor=staff, expected_version=v)
    assert c.experts_per_entry == 4


def test_stage_deadline_is_moscow_end_of_day_and_order_is_checked(ctx):
    staff = _staff()
    c = svc.create_campaign(name="К 2027", year=2027, kind=CampaignKind.innovation_search, actor=staff)
    sub, rev = stage(c, StageKind.submission), stage(c, StageKind.expert_review)
    svc.update_stage(sub, {"deadline_date": date(2027, 9, 30), "scored": False, "score_weight": 1},
                     actor=staff, expected_version=c.version)
    # End of 30 September in Moscow (UTC+3) is 20:59:59 UTC.
    assert sub.deadline == datetime(2027, 9, 30, 20, 59, 59, tzinfo=UTC)
    svc.update_stage(sub, {"deadline_date": date(2027, 9, 30), "deadline_time": time(12, 0), "scored": False,
                           "score_weight": 1}, actor=staff, expected_version=c.version)
    assert sub.deadline == datetime(2027, 9, 30, 9, 0, tzinfo=UTC)
    assert deadline_parts(sub.deadline) == (date(2027, 9, 30), time(12, 0))
    v = c.version
    with pytest.raises(ValidationFailed) as err:
        svc.update_stage(rev, {"deadline_date": date(2027, 9, 1), "scored": True, "score_weight": 1},
                         actor=staff, expected_version=v)
    assert ("Срок этапа «Экспертиза» (01.09.2027 23:59) должен быть позже срока этапа "
            "«Приём заявок (заочный этап)» (30.09.2027 12:00)") in err.value.message
    assert rev.deadline is None and c.version == v
    with pytest.raises(ValidationFailed, match="Вес этапа в итоговой оценке должен быть больше 0"):
        svc.update_stage(rev, {"deadline_date": date(2027, 11, 1), "scored": True, "score_weight": 0},
                         actor=staff, expected_version=v)
    assert rev.deadline is None


def test_invalid_criterion_is_refused(ctx):
    staff = _staff()
    c = make_campaign(status=CampaignStatus.draft)
    n, v = len(c.criteria), c.version
    for over, message in [
        ({"max_points": 0}, "Максимальный балл должен быть больше 0"),
        ({"weight": -1}, "Вес критерия должен быть больше 0"),
        ({"name": ""}, "Название критерия"),
        ({"max_points": "abc"}, "«Максимальный балл»: введите число."),
        ({"stage_id": stage(c, StageKind.submission).id}, "не оценивается"),
    ]:
        data = {"stage_id": stage(c, StageKind.expert_review).id, "track_id": None, "name": "Новый",
                "max_points": 5, "weight": 1, **over}
        with pytest.raises(ValidationFailed, match=message):
            svc.add_criterion(c, data, actor=staff, expected_version=v)
        assert len(c.criteria) == n and c.version == v
    assert _events(c.id) == []


def test_open_guard_says_exactly_what_is_missing(ctx):
    staff = _staff()
    c = svc.create_campaign(name="К 2027", year=2027, kind=CampaignKind.innovation_search, actor=staff)
    # Remove the review criteria, then give ДОО only one of its own.
    review = stage(c, StageKind.expert_review)
    for cr in [cr for cr in c.criteria if cr.stage_id == review.id]:
        c.criteria.remove(cr)
    db.session.flush()
    svc.add_criterion(c, {"stage_id": review.id, "track_id": track(c, "ДОО").id, "name": "Для ДОО",
                          "max_points": 10, "weight": 1}, actor=staff, expected_version=c.version)
    with pytest.raises(TransitionNotAllowed) as err:
        svc.transition(c, "open", actor=staff)
    msg = err.value.message
    assert msg.startswith("Нельзя объявить приём заявок: ")
    assert "не указан срок приёма заявок" in msg and "не указан срок экспертизы" in msg
    assert "нет критериев оценки для направления «Общеобразовательные организации» на этапе «Экспертиза»" in msg
    assert "«Дошкольные образовательные организации» на этапе «Экспертиза»" not in msg
    assert "на этапе «Очный этап (защита)»" not in msg  # the preset's defence criteria cover every track
    assert c.status == CampaignStatus.draft

    svc.add_criterion(c, {"stage_id": review.id, "track_id": None, "name": "Общий", "max_points": 10,
                          "weight": 1}, actor=staff, expected_version=c.version)
    _dates(c, date.today())
    svc.transition(c, "open", actor=staff)
    assert c.status == CampaignStatus.open
    ev = _events(c.id)[-1]
    assert (ev.event, ev.from_state, ev.to_state) == ("campaign.open", "draft", "open")

    empty = svc.create_campaign(name="Пустой", year=2027, kind=CampaignKind.other, actor=staff)
    for t in list(empty.tracks):
        svc.remove_track(t, actor=staff, expected_version=empty.version)
    with pytest.raises(TransitionNotAllowed, match="не задано ни одного направления"):
        svc.transition(empty, "open", actor=staff)


def test_defence_and_close_guards(ctx):
    staff = _staff()
    c = make_campaign(status=CampaignStatus.review)
    c.stages.remove(stage(c, StageKind.defence))
    db.session.flush()
    with pytest.raises(TransitionNotAllowed, match="Очного этапа в этом конкурсе нет"):
        svc.transition(c, "start_defence", actor=staff)
    svc.transition(c, "start_decision", actor=staff)
    org = make_org()
    make_entry(c, org, status=EntryStatus.scored)
    make_entry(c, org, status=EntryStatus.under_review)
    make_entry(c, org, status=EntryStatus.winner)
    make_entry(c, org, status=EntryStatus.withdrawn)
    make_entry(c, org, status=EntryStatus.draft)  # never submitted: takes no part
    with pytest.raises(TransitionNotAllowed) as err:
        svc.transition(c, "close", actor=staff)
    assert "Нельзя завершить конкурс: 2 заявки без решения" in err.value.message
    assert "«Оценена» — 1" in err.value.message and "«На экспертизе» — 1" in err.value.message
    for e in db.session.execute(select(Entry).where(Entry.status.in_(
            [EntryStatus.scored, EntryStatus.under_review]))).scalars():
        e.status = EntryStatus.not_selected
    db.session.flush()
    svc.transition(c, "close", actor=staff)
    assert c.status == CampaignStatus.closed
    with pytest.raises(TransitionNotAllowed, match="Конкурс завершён"):
        svc.update_settings(c, _settings(c, experts_per_entry=4), actor=staff, expected_version=c.version)


def test_criteria_locked_at_review_and_change_needs_reason(ctx):
    staff = _staff()
    c = make_campaign(status=CampaignStatus.open)
    cr = c.criteria[0]
    svc.update_criterion(cr, {"stage_id": cr.stage_id, "track_id": None, "name": "Актуальность",
                              "max_points": 10, "weight": 1}, actor=staff, expected_version=c.version)
    assert c.criteria_locked_at is None
    svc.transition(c, "start_review", actor=staff)
    assert c.criteria_locked_at is not None and svc.criteria_locked(c)
    v = c.version
    data = {"stage_id": cr.stage_id, "track_id": None, "name": "Актуальность", "max_points": 20, "weight": 2}
    with pytest.raises(ValidationFailed, match="укажите причину изменения"):
        svc.update_criterion(cr, data, actor=staff, expected_version=v)
    assert cr.max_points == 10 and c.version == v
    with pytest.raises(ValidationFailed, match="укажите причину изменения"):
        svc.remove_criterion(cr, actor=staff, expected_version=v)
    svc.update_criterion(cr, data, actor=staff, expected_version=v, reason="Решение оргкомитета от 01.12")
    assert cr.max_points == 20
    ev = _events(c.id)[-1]
    assert ev.event == "campaign.criteria_changed" and ev.reason == "Решение оргкомитета от 01.12"
    assert ev.payload["locked"] is True and ev.payload["action"] == "edit"
    assert (ev.payload["before"]["max_points"], ev.payload["after"]["max_points"]) == ("10", "20")
    assert (ev.payload["before"]["weight"], ev.payload["after"]["weight"]) == ("1", "2")
    # A scoring setting too needs a reason now.
    with pytest.raises(ValidationFailed, match="«Порог прохода на очный этап, %»"):
        svc.update_settings(c, _settings(c, shortlist_pct=Decimal(70)), actor=staff, expected_version=c.version)


def test_any_score_locks_criteria_even_before_review(ctx):
    staff = _staff()
    expert = make_user("e@x.ru", Role.expert)
    c = make_campaign(status=CampaignStatus.open)
    entry = make_entry(c, make_org(), status=EntryStatus.under_review)
    review = stage(c, StageKind.expert_review)
    a = ReviewAssignment(entry=entry, stage=review, expert=expert, status=AssignmentStatus.accepted)
    db.session.add(a)
    db.session.flush()
    cr = next(x for x in c.criteria if x.stage_id == review.id)
    db.session.add(Score(assignment_id=a.id, criterion_id=cr.id, points=Decimal(7)))
    db.session.flush()
    assert c.criteria_locked_at is None
    assert svc.criteria_locked(c) and c.criteria_locked_at is not None
    with pytest.raises(TransitionNotAllowed, match="уже выставлены баллы"):
        svc.remove_criterion(cr, actor=staff, expected_version=c.version, reason="ошибка")


def test_copy_from_previous_year(ctx):
    staff = _staff()
    src = make_campaign(name="Инновационный поиск 2025", year=2025, status=CampaignStatus.closed,
                        experts_per_entry=4, blind_review=True)
    sub = stage(src, StageKind.submission)
    sub.deadline = deadline_utc(date(2025, 12, 1), time(18, 0))
    sub.starts_on = date(2024, 2, 29)
    src.criteria_locked_at = utcnow()
    own = track(src, "ОО")
    src.criteria[0].track = own
    make_entry(src, make_org(), status=EntryStatus.winner)
    db.session.flush()

    c = svc.copy_campaign(src, year=2026, actor=staff)
    assert c.name == "Инновационный поиск 2026" and c.year == 2026
    assert c.status == CampaignStatus.draft and c.copied_from_id == src.id and c.criteria_locked_at is None
    assert c.experts_per_entry == 4 and c.blind_review is True and c.dossier_schema == src.dossier_schema
    assert [(t.code, t.org_types) for t in c.tracks] == [(t.code, t.org_types) for t in src.tracks]
    assert len(c.criteria) == len(src.criteria)
    assert c.criteria[0].track.campaign_id == c.id and c.criteria[0].track.code == "ОО"
    assert {cr.stage.campaign_id for cr in c.criteria} == {c.id}
    new_sub = stage(c, StageKind.submission)
    assert deadline_parts(new_sub.deadline) == (date(2026, 12, 1), time(18, 0))
    assert new_sub.starts_on == date(2025, 2, 28)
    assert db.session.execute(select(Entry).where(Entry.campaign_id == c.id)).first() is None
    ev = _events(c.id)[-1]
    assert ev.event == "campaign.copied" and ev.payload["source_id"] == src.id
    assert ev.payload["years_shifted"] == 1
    # The copy is independent: editing it leaves the source alone.
    svc.update_settings(c, _settings(c, experts_per_entry=2), actor=staff, expected_version=c.version)
    assert src.experts_per_entry == 4


def test_track_and_stage_structure_is_frozen_after_review_starts(ctx):
    staff = _staff()
    c = make_campaign(status=CampaignStatus.review)
    with pytest.raises(TransitionNotAllowed, match="только до начала экспертизы"):
        svc.add_track(c, {"code": "НОВ", "name": "Новое", "org_types": ["OO"]}, actor=staff,
                      expected_version=c.version)
    t = track(c, "ОО")
    svc.update_track(t, {"code": "ОО", "name": t.name, "org_types": ["OO"], "winners_quota": 5}, actor=staff,
                     expected_version=c.version)
    assert t.winners_quota == 5
    c2 = make_campaign(name="Другой", status=CampaignStatus.open)
    make_entry(c2, make_org(), track_code="ДОО")
    with pytest.raises(TransitionNotAllowed, match="уже есть заявки"):
        svc.remove_track(track(c2, "ДОО"), actor=staff, expected_version=c2.version)
    with pytest.raises(ValidationFailed, match="Отметьте хотя бы один тип"):
        svc.add_track(c2, {"code": "X", "name": "Икс", "org_types": []}, actor=staff, expected_version=c2.version)
