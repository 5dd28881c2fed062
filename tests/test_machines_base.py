"""The shared lifecycle helper: policy, guards, version check, audit, rollback."""
import pytest
from sqlalchemy import func, select

from workflow_app.errors import ConcurrentChange, PermissionDenied, TransitionNotAllowed
from workflow_app.extensions import db
from workflow_app.machines import fire, organization_lifecycle
from workflow_app.models import AuditEvent, OrgStatus, Role


def _audit_count():
    return db.session.execute(select(func.count(AuditEvent.id))).scalar_one()


def test_fire_changes_state_and_writes_one_audit_row(make):
    staff = make.user("s@x.ru", Role.staff)
    org = make.org()
    v = org.version
    fire(organization_lifecycle, org, "deactivate", actor=staff, reason="Реорганизация",
         expected_version=v)
    assert org.status == OrgStatus.deactivated
    assert org.version == v + 1
    row = db.session.execute(select(AuditEvent)).scalar_one()
    assert (row.event, row.object_type, row.object_id, row.from_state, row.to_state, row.reason,
            row.actor_id) == ("organization.deactivate", "organization", org.id, "active",
                              "deactivated", "Реорганизация", staff.id)


def test_reason_required_and_illegal_transition_refused_in_russian(make):
    staff = make.user("s@x.ru", Role.staff)
    org = make.org()
    with pytest.raises(TransitionNotAllowed, match="укажите причину"):
        fire(organization_lifecycle, org, "deactivate", actor=staff, reason="  ")
    with pytest.raises(TransitionNotAllowed, match="недоступно: текущее состояние — «Действует»"):
        fire(organization_lifecycle, org, "reactivate", actor=staff)
    assert org.status == OrgStatus.active and _audit_count() == 0


def test_policy_is_checked(make):
    org = make.org()
    applicant = make.user("a@x.ru", (Role.applicant, org))
    with pytest.raises(PermissionDenied):
        fire(organization_lifecycle, org, "deactivate", actor=applicant, reason="x")
    assert org.status == OrgStatus.active


def test_stale_version_is_refused(make):
    staff = make.user("s@x.ru", Role.staff)
    org = make.org()
    with pytest.raises(ConcurrentChange, match="изменена другим пользователем"):
        fire(organization_lifecycle, org, "deactivate", actor=staff, reason="x",
             expected_version=org.version - 1)
    assert org.status == OrgStatus.active


def test_a_system_transition_is_authorised_and_audited_as_the_system(make):
    from workflow_app.actors import SystemActor
    from workflow_app.services.platform.audit_journal import describe

    org = make.org()
    fire(organization_lifecycle, org, "deactivate", actor=SystemActor("ликвидация по приказу № 5"),
         reason="Ликвидация")
    assert org.status == OrgStatus.deactivated
    row = db.session.execute(select(AuditEvent)).scalar_one()
    assert row.actor_id is None and row.subject == "Система: ликвидация по приказу № 5"
    assert describe(row)["system"] == "Система: ликвидация по приказу № 5"


def test_fire_without_a_permitted_actor_is_refused(make):
    org = make.org()
    for nobody in (None, make.user("e@x.ru", Role.expert)):
        with pytest.raises(PermissionDenied):
            fire(organization_lifecycle, org, "deactivate", actor=nobody, reason="x")
    assert org.status == OrgStatus.active and _audit_count() == 0
