"""Award lifecycle: every change grounded in an order and audited; suspension only where the type allows;
termination names a configured ground; the daily refresh starts and completes terms once."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from workflow_app.errors import TransitionNotAllowed, ValidationFailed
from workflow_app.extensions import db
from workflow_app.models import AuditEvent, OrgType, Role
from workflow_app.models.status_award import AwardStatus
from workflow_app.services.statuses import awards, grounding
from workflow_app.services.statuses import types as status_types

from .factories import make_org, make_user, status_type


def _order(staff, number="15", day=date(2025, 1, 10), issuer="МОНиМП КК"):
    return grounding.register_external(staff, issuer, number, day)


def _award(staff, code="KIP", org_type=OrgType.OO, term=(date(2025, 1, 1), date(2027, 12, 31)), today=date(2025, 6, 1)):
    org = make_org(f"Организация {code} {term[0]:%Y}", "krasnodar", org_type=org_type)
    return awards.grant(_order(staff), staff, org.id, status_type(code), "Тема", *term, today=today)


def _events(award):
    return list(db.session.execute(select(AuditEvent.event).where(
        AuditEvent.object_type == "status_award", AuditEvent.object_id == award.id)
        .order_by(AuditEvent.id)).scalars())


def test_grant_is_scheduled_before_its_term_and_active_within_it(ctx):
    staff = make_user("s@x.ru", Role.staff)
    later = _award(staff, term=(date(2026, 1, 1), date(2028, 12, 31)), today=date(2025, 6, 1))
    now = _award(staff, code="KRC", org_type=OrgType.TMS, today=date(2025, 6, 1))
    assert later.status == AwardStatus.scheduled and now.status == AwardStatus.active
    assert _events(later) == ["award.schedule"] and _events(now) == ["award.activate"]


def test_a_type_refuses_organisations_it_does_not_admit(ctx):
    staff = make_user("s@x.ru", Role.staff)
    school = make_org("Школа", "sochi", org_type=OrgType.OO)
    with pytest.raises(ValidationFailed, match="КРЦ.*ТМС"):
        awards.grant(_order(staff), staff, school.id, status_type("KRC"), "Тема", date(2025, 1, 1),
                     date(2027, 12, 31))


def test_changes_need_a_signed_or_registered_order(ctx):
    from workflow_app.models.orders import Order, OrderKind

    staff = make_user("s@x.ru", Role.staff)
    award = _award(staff)
    draft = Order(kind=OrderKind.other, title="Проект приказа")
    db.session.add(draft)
    db.session.flush()
    with pytest.raises(TransitionNotAllowed, match="оформляется приказом"):
        awards.change(award, "suspend", staff, draft, reason="проверка")
    assert award.status == AwardStatus.active


def test_suspension_only_where_the_type_allows_it(ctx):
    staff = make_user("s@x.ru", Role.staff)
    fip = _award(staff, code="FIP")
    with pytest.raises(TransitionNotAllowed, match="не приостанавливается"):
        awards.change(fip, "suspend", staff, _order(staff, "2"), reason="проверка")
    kip = _award(staff)
    awards.change(kip, "suspend", staff, _order(staff, "3"), reason="проверка")
    assert kip.status == AwardStatus.suspended
    awards.change(kip, "resume", staff, _order(staff, "4"))
    assert kip.status == AwardStatus.active
    assert _events(kip) == ["award.activate", "award.suspend", "award.resume"]


def test_termination_names_a_configured_ground_and_records_the_order(ctx):
    staff = make_user("s@x.ru", Role.staff)
    award = _award(staff)
    order = _order(staff, "77", date(2026, 3, 1))
    with pytest.raises(ValidationFailed, match="основание"):
        awards.change(award, "terminate", staff, order)
    ground = next(g for g in status_types.grounds() if g.name == "По заявлению организации")
    awards.change(award, "terminate", staff, order, ground_id=ground.id, reason="письмо от 20.02.2026")
    assert award.status == AwardStatus.terminated and award.ended_by_order_id == order.id
    assert award.end_reason == "По заявлению организации. письмо от 20.02.2026"
    assert award.is_current_on(date(2026, 2, 28)) and not award.is_current_on(date(2026, 3, 1))


def test_extension_moves_the_term_forward_only(ctx):
    staff = make_user("s@x.ru", Role.staff)
    award = _award(staff)
    with pytest.raises(ValidationFailed, match="позже"):
        awards.change(award, "extend", staff, _order(staff, "5"), new_term_to=date(2027, 1, 1))
    awards.change(award, "extend", staff, _order(staff, "6"), new_term_to=date(2029, 12, 31))
    assert award.term_to == date(2029, 12, 31) and award.status == AwardStatus.active
    payload = db.session.execute(select(AuditEvent.payload).where(
        AuditEvent.event == "award.extend", AuditEvent.object_id == award.id)).scalar_one()
    assert payload["old_term_to"] == "2027-12-31" and payload["new_term_to"] == "2029-12-31"


def test_refresh_starts_and_completes_terms_once(ctx):
    staff = make_user("s@x.ru", Role.staff)
    starting = _award(staff, term=(date(2026, 1, 1), date(2028, 12, 31)), today=date(2025, 6, 1))
    ending = _award(staff, code="MIP", term=(date(2023, 1, 1), date(2025, 12, 31)), today=date(2025, 6, 1))
    untouched = _award(staff, code="KRC", org_type=OrgType.TMS, term=(date(2025, 1, 1), date(2027, 12, 31)))
    assert awards.refresh_awards(date(2025, 12, 31)) == {"started": 0, "completed": 0}  # last day: still held
    assert awards.refresh_awards(date(2026, 1, 1)) == {"started": 1, "completed": 1}
    assert awards.refresh_awards(date(2026, 1, 1)) == {"started": 0, "completed": 0}  # the same day again
    db.session.expire_all()
    assert (starting.status, ending.status, untouched.status) == (
        AwardStatus.active, AwardStatus.completed, AwardStatus.active)
    assert _events(ending)[-1] == "award.expire"
    n = db.session.execute(select(func.count()).where(AuditEvent.event.in_(["award.start", "award.expire"]))).scalar()
    assert n == 2
    assert ending.is_current_on(date(2025, 12, 31)) and not ending.is_current_on(date(2026, 1, 1))


def test_the_refresh_job_is_registered_with_the_scheduler():
    from workflow_app.scheduler.runner import JOBS

    assert "refresh_awards" in JOBS


def test_staff_change_an_award_on_its_page(app, client):
    with app.app_context():
        staff = make_user("s@x.ru", Role.staff)
        award = _award(staff)
        order = _order(staff, "88", date(2026, 2, 1))
        db.session.commit()
        award_id, order_id, version = award.id, order.id, award.version
    from .helpers import login, post_form

    login(client, "s@x.ru")
    url = f"/statuses/{award_id}"
    resp = post_form(client, url, {"trigger": "suspend", "order_id": 0, "reason": "проверка", "version": version})
    assert resp.status_code == 422 and "Выберите приказ-основание" in resp.get_data(as_text=True)
    resp = post_form(client, url, {"trigger": "suspend", "order_id": order_id, "reason": "проверка",
                                   "version": version})
    assert resp.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Приостановлен" in page and "Причина: проверка" in page and "Основание: приказ" in page
    assert "№ 88" in page
