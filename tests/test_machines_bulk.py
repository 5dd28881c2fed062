"""fire_many: the set-based twin of fire — same states, versions and audit rows, all or nothing."""
import pytest
from sqlalchemy import func, select

from workflow_app.actors import SystemActor
from workflow_app.errors import PermissionDenied, TransitionNotAllowed
from workflow_app.extensions import db
from workflow_app.machines import base, fire, organization_lifecycle
from workflow_app.machines.base import LifecycleConfigError, fire_many
from workflow_app.machines.entry import entry_lifecycle
from workflow_app.models import AuditEvent, Organization, OrgStatus, Role

from .factories import make_org, make_user


def _orgs(prefix: str, n: int) -> list[Organization]:
    return [make_org(f"{prefix} {i}") for i in range(n)]


def _audit(ids) -> list[tuple]:
    rows = db.session.execute(select(AuditEvent).where(AuditEvent.object_id.in_(ids))
                              .order_by(AuditEvent.id)).scalars()
    return [(r.event, r.object_type, r.from_state, r.to_state, r.reason, r.payload, r.actor_id, r.subject)
            for r in rows]


def _db_state(ids) -> list[tuple]:
    return [tuple(r) for r in db.session.execute(
        select(Organization.status, Organization.version).where(Organization.id.in_(ids))
        .order_by(Organization.id))]


@pytest.mark.parametrize("system", [False, True], ids=["staff", "system"])
def test_fire_many_matches_firing_one_by_one(ctx, monkeypatch, system):
    monkeypatch.setattr(base, "BULK_CHUNK", 2)  # several chunks on a small batch
    staff = make_user("s@x.ru", Role.staff)
    actor = SystemActor("ликвидация по приказу № 3") if system else staff
    one, many = _orgs("Один", 5), _orgs("Много", 5)
    reasons = {o.id: f"Причина {k}" for k, o in enumerate(many)}
    for k, o in enumerate(one):
        fire(organization_lifecycle, o, "deactivate", actor=actor, reason=f"Причина {k}",
             payload={"order": "№ 3", "k": k})
    n = fire_many(organization_lifecycle, Organization, [o.id for o in many], "deactivate", actor=actor,
                  reasons=reasons, payload={"order": "№ 3"},
                  payloads={o.id: {"k": k} for k, o in enumerate(many)})
    assert n == 5
    # the session's copies follow without a reload, and the rows agree
    assert [(o.status, o.version) for o in many] == [(o.status, o.version) for o in one]
    assert _db_state([o.id for o in many]) == _db_state([o.id for o in one])
    assert _audit([o.id for o in many]) == _audit([o.id for o in one])
    if system:
        assert {r[6] for r in _audit([o.id for o in many])} == {None}
        assert {r[7] for r in _audit([o.id for o in many])} == {"Система: ликвидация по приказу № 3"}
    # an object changed in bulk is still written through the ORM with the right version
    many[0].short_name = "Переименована"
    db.session.flush()
    assert many[0].version == one[0].version + 1


def test_one_illegal_row_refuses_the_whole_batch(ctx, monkeypatch):
    monkeypatch.setattr(base, "BULK_CHUNK", 2)
    staff = make_user("s@x.ru", Role.staff)
    orgs = _orgs("Орг", 5)
    fire(organization_lifecycle, orgs[3], "deactivate", actor=staff, reason="Раньше")
    ids = [o.id for o in orgs]
    before, audit_before = _db_state(ids), _audit(ids)
    with pytest.raises(TransitionNotAllowed) as err:
        fire_many(organization_lifecycle, Organization, ids, "deactivate", actor=staff, reason="Все")
    assert "недоступно для 1 из 5" in str(err.value) and "«Деактивирована» — 1" in str(err.value)
    assert _db_state(ids) == before and _audit(ids) == audit_before
    assert [o.status for o in orgs] == [OrgStatus.active] * 3 + [OrgStatus.deactivated, OrgStatus.active]


def test_policy_reason_and_declared_code_are_respected(ctx):
    orgs = _orgs("Орг", 3)
    ids = [o.id for o in orgs]
    applicant = make_user("a@x.ru", (Role.applicant, orgs[0]))
    count = db.session.execute(select(func.count(AuditEvent.id))).scalar_one()
    with pytest.raises(PermissionDenied):
        fire_many(organization_lifecycle, Organization, ids, "deactivate", actor=applicant, reason="x")
    with pytest.raises(TransitionNotAllowed, match="укажите причину"):
        fire_many(organization_lifecycle, Organization, ids, "deactivate", actor=SystemActor("тест"))
    assert db.session.execute(select(func.count(AuditEvent.id))).scalar_one() == count
    assert _db_state(ids) == [(OrgStatus.active, 1)] * 3
    # transitions with guards or effects run per object through fire
    with pytest.raises(LifecycleConfigError, match="entry.submit"):
        fire_many(entry_lifecycle, Organization, ids, "submit", actor=SystemActor("тест"))
    assert fire_many(organization_lifecycle, Organization, [], "deactivate", actor=SystemActor("тест")) == 0
