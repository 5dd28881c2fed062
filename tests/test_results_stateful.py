"""Property-based: random sequences of actions through the entry and assignment lifecycles (via
machines.base.fire and the score service) keep the engine's invariants:

- no illegal state: every object is in the state a model of the lifecycle predicts, and a refused
  action changes nothing;
- every state change has exactly one audit row;
- a frozen EntryVersion never changes (content and its SHA-256), whatever happens to the draft;
- scores only from assigned experts without a conflict of interest (declared, or their own organisation).

Each example works in one transaction that is rolled back at the end; every action runs in a savepoint,
so a refused action is rolled back like a refused request.
"""
from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from workflow_app.actors import SystemActor
from workflow_app.errors import DomainError
from workflow_app.extensions import db
from workflow_app.machines.base import fire
from workflow_app.machines.entry import entry_lifecycle
from workflow_app.machines.review import assignment_lifecycle
from workflow_app.models import AuditEvent, Role, User
from workflow_app.models.competition import (
    AssignmentStatus,
    Entry,
    EntryVersion,
    ExpertConflict,
    ReviewAssignment,
    Score,
    StageKind,
)
from workflow_app.services.competition import review

from .factories import make_campaign, make_entry, make_expert, make_user, org, score, stage

ENTRY_TRIGGERS = sorted(entry_lifecycle.transitions)
ASSIGNMENT_TRIGGERS = sorted(assignment_lifecycle.transitions)


def sha(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def legal(lifecycle, state, trigger) -> bool:
    return trigger in lifecycle.triggers_from(state)


class Lifecycles(RuleBasedStateMachine):
    @initialize()
    def setup(self):
        db.session.rollback()
        c = make_campaign()
        self.stage = stage(c, StageKind.expert_review)
        self.staff = make_user("hyp-staff@example.org", Role.staff, name="Сотрудник")
        orgs = [org(n=1), org(n=2)]
        self.entries = [make_entry(c, o, title=f"Проект {i}") for i, o in enumerate(orgs)]
        self.experts = [make_expert(name="Эксперт с конфликтом"), make_expert(name="Эксперт чистый"),
                        make_expert(name="Эксперт из организации 2", organization=orgs[1])]
        db.session.add(ExpertConflict(expert_id=self.experts[0].id, organization_id=orgs[0].id))
        self.assignments = []
        for e in self.entries:
            for x in self.experts:
                a = ReviewAssignment(entry_id=e.id, stage_id=self.stage.id, expert_id=x.id)
                db.session.add(a)
                self.assignments.append(a)
        db.session.flush()
        self.entry_ids = [e.id for e in self.entries]
        self.assignment_ids = [a.id for a in self.assignments]
        self.expected = {("entry", e.id): e.status for e in self.entries}
        self.expected.update({("review_assignment", a.id): a.status for a in self.assignments})
        self.changes = {key: 0 for key in self.expected}
        self.frozen: dict[int, tuple[dict, str]] = {}

    def teardown(self):
        db.session.rollback()

    def _attempt(self, fn) -> bool:
        try:
            with db.session.begin_nested():
                fn()
            return True
        except DomainError:
            return False

    def _fire(self, lifecycle, model, obj_id, trigger, key):
        obj = db.session.get(model, obj_id)
        before = self.expected[key]
        ok = self._attempt(lambda: fire(lifecycle, obj, trigger, actor=SystemActor("тест: переход"),
                                        reason="Проверка"))
        obj = db.session.get(model, obj_id)
        db.session.refresh(obj)
        if ok:
            assert legal(lifecycle, before, trigger), f"{trigger} fired from {before}"
            assert obj.status == lifecycle.transitions[trigger].dest
            self.expected[key] = obj.status
            self.changes[key] += 1
        else:
            assert obj.status == before
        return ok, obj

    @rule(i=st.integers(0, 1), trigger=st.sampled_from(ENTRY_TRIGGERS))
    def fire_entry(self, i, trigger):
        ok, entry = self._fire(entry_lifecycle, Entry, self.entry_ids[i], trigger, ("entry", self.entry_ids[i]))
        if ok and trigger in ("submit", "resubmit"):  # the submitted dossier is frozen as a version
            entry.current_version += 1
            content = {"dossier": dict(entry.dossier or {}), "title": entry.title}
            v = EntryVersion(entry_id=entry.id, number=entry.current_version, content=content, sha256=sha(content))
            db.session.add(v)
            db.session.flush()
            self.frozen[v.id] = (json.loads(json.dumps(content)), v.sha256)

    @rule(i=st.integers(0, 1), text=st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20))
    def edit_draft(self, i, text):
        entry = db.session.get(Entry, self.entry_ids[i])
        entry.dossier = {**(entry.dossier or {}), "1.1": f"<p>{text}</p>"}
        entry.title = f"Проект {text}"
        db.session.flush()

    @rule(j=st.integers(0, 5), trigger=st.sampled_from(ASSIGNMENT_TRIGGERS))
    def fire_assignment(self, j, trigger):
        aid = self.assignment_ids[j]
        if trigger == "submit":  # submitting means sending a score sheet
            return self.submit_sheet(j, 5)
        self._fire(assignment_lifecycle, ReviewAssignment, aid, trigger, ("review_assignment", aid))

    @rule(j=st.integers(0, 5), points=st.integers(0, 10))
    def submit_sheet(self, j, points):
        aid = self.assignment_ids[j]
        key = ("review_assignment", aid)
        before = self.expected[key]
        a = db.session.get(ReviewAssignment, aid)
        crit = review.criteria_for(a.stage_id, a.entry.track_id)
        expert = db.session.get(User, a.expert_id)
        entry_key = ("entry", a.entry_id)
        ok = self._attempt(lambda: score(a, points, expert))
        a = db.session.get(ReviewAssignment, aid)
        db.session.refresh(a)
        if ok:
            assert legal(assignment_lifecycle, before, "submit")
            assert a.status == AssignmentStatus.submitted and a.total == sum(Decimal(points) * c.weight for c in crit)
            self.expected[key] = a.status
            self.changes[key] += 1
            # The last sheet of a panel completes the entry's review (one more legal, audited change).
            entry_now = db.session.execute(select(Entry.status).where(Entry.id == a.entry_id)).scalar_one()
            if entry_now != self.expected[entry_key]:
                assert legal(entry_lifecycle, self.expected[entry_key], "complete_review")
                assert entry_now == entry_lifecycle.transitions["complete_review"].dest
                self.expected[entry_key] = entry_now
                self.changes[entry_key] += 1
        else:
            assert a.status == before

    @rule(j=st.integers(0, 5), points=st.integers(0, 10))
    def accept_and_score(self, j, points):
        """The usual path, so that random runs reach scoring often: accept, then send the sheet."""
        aid = self.assignment_ids[j]
        self._fire(assignment_lifecycle, ReviewAssignment, aid, "accept", ("review_assignment", aid))
        self.submit_sheet(j, points)

    @invariant()
    def states_match_the_model(self):
        for (kind, oid), state in self.expected.items():
            model = Entry if kind == "entry" else ReviewAssignment
            assert db.session.execute(select(model.status).where(model.id == oid)).scalar_one() == state

    @invariant()
    def one_audit_row_per_change(self):
        rows = dict(db.session.execute(
            select(AuditEvent.object_id, func.count(AuditEvent.id))
            .where(AuditEvent.object_type == "entry", AuditEvent.event.like("entry.%"),
                   AuditEvent.object_id.in_(self.entry_ids))
            .group_by(AuditEvent.object_id)).all())
        rows_a = dict(db.session.execute(
            select(AuditEvent.object_id, func.count(AuditEvent.id))
            .where(AuditEvent.object_type == "review_assignment", AuditEvent.event.like("assignment.%"),
                   AuditEvent.object_id.in_(self.assignment_ids))
            .group_by(AuditEvent.object_id)).all())
        for (kind, oid), n in self.changes.items():
            got = (rows if kind == "entry" else rows_a).get(oid, 0)
            assert got == n, f"{kind} {oid}: {n} changes, {got} audit rows"

    @invariant()
    def frozen_versions_never_change(self):
        for vid, (content, digest) in self.frozen.items():
            v = db.session.execute(select(EntryVersion.content, EntryVersion.sha256)
                                   .where(EntryVersion.id == vid)).one()
            assert v.content == content and v.sha256 == digest == sha(v.content)

    @invariant()
    def scores_only_from_assigned_unconflicted_experts(self):
        a = ReviewAssignment
        rows = db.session.execute(
            select(a.status, a.expert_id, Entry.organization_id, User.organization_id)
            .join(Score, Score.assignment_id == a.id).join(Entry, Entry.id == a.entry_id)
            .join(User, User.id == a.expert_id).distinct()).all()
        conflicts = set(db.session.execute(select(ExpertConflict.expert_id, ExpertConflict.organization_id)).all())
        for status, expert_id, entry_org, expert_org in rows:
            assert status in (AssignmentStatus.submitted, AssignmentStatus.reopened)
            assert (expert_id, entry_org) not in conflicts
            assert expert_org != entry_org


@pytest.mark.slow
def test_random_lifecycle_sequences_keep_invariants(app):
    with app.app_context():
        run_state_machine_as_test(
            Lifecycles,
            settings=settings(max_examples=30, stateful_step_count=20, deadline=None,
                              suppress_health_check=list(HealthCheck)),
        )
        db.session.rollback()
