"""The shared way to declare a lifecycle and to fire its transitions.

One module-level `transitions.Machine` per lifecycle, built with `model=None`: persistent objects are
never added to a machine (that leaks memory and slows loads). `fire()` runs an event on any object
whose `status` column holds a member of the lifecycle's state Enum.

Guards and effects are declared on the transition by dotted name (`"package.module:function"`), so the
machine module reads as the whole rule while the functions stay next to their queries in services. Names
are imported lazily on first use; `check_lifecycles()` (called by `create_app`) resolves every one at
start-up, so a typo fails the start, not the first user who clicks the button.
"""
from __future__ import annotations

import enum
import importlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, inspect, select, update
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm.util import identity_key
from transitions import Machine

from .. import audit, policy
from ..actors import is_system
from ..errors import ConcurrentChange, PermissionDenied, TransitionNotAllowed
from ..extensions import db
from ..models import AuditEvent
from ..models.base import utcnow

# A guard returns None when the transition may go ahead, else a reason the user can read.
Guard = Callable[[Any, "FireContext"], str | None]
Effect = Callable[[Any, "FireContext"], None]


@dataclass
class FireContext:
    actor: Any
    event: str
    reason: str = ""
    payload: dict = field(default_factory=dict)
    source: enum.Enum | None = None
    dest: enum.Enum | None = None


class LifecycleConfigError(RuntimeError):
    """A programming error in a lifecycle declaration (e.g. a guard name that does not resolve)."""


@dataclass(frozen=True)
class T:
    """One transition: trigger name, Russian label, sources, destination.

    `guards` and `effects` are dotted names "package.module:function" (see the module docstring); guards
    run in order before the state changes, effects in order after it, inside the same transaction.
    """

    trigger: str
    label: str
    source: Any  # a state, a list of states, or "*"
    dest: enum.Enum
    guards: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    needs_reason: bool = False

    def __post_init__(self):
        for kind in ("guards", "effects"):
            names = getattr(self, kind)
            if isinstance(names, str):
                names = (names,)
            names = tuple(names)
            for name in names:
                if not isinstance(name, str) or name.count(":") != 1 or not all(name.split(":")):
                    raise LifecycleConfigError(
                        f"transition {self.trigger!r}: {kind} must be names like 'package.module:function', "
                        f"got {name!r}")
            object.__setattr__(self, kind, names)


_resolved: dict[str, Callable] = {}


def resolve(name: str) -> Callable:
    """Import "package.module:function" (cached); raises ImportError/AttributeError/TypeError."""
    fn = _resolved.get(name)
    if fn is None:
        module, _, attr = name.partition(":")
        fn = getattr(importlib.import_module(module), attr)
        if not callable(fn):
            raise TypeError(f"{name} is not callable")
        _resolved[name] = fn
    return fn


class Lifecycle:
    """A lifecycle: states from an Enum (its values are the Russian labels) and transitions."""

    registry: dict[str, Lifecycle] = {}

    def __init__(self, name: str, title: str, states: type[enum.Enum], initial: enum.Enum,
                 transitions: list[T], object_type: str | None = None):
        self.name = name
        self.title = title
        self.states = states
        self.initial = initial
        self.object_type = object_type or name
        self.transitions = {t.trigger: t for t in transitions}
        if len(self.transitions) != len(transitions):
            raise ValueError(f"{name}: duplicate trigger names")
        self.machine = Machine(
            model=None,
            states=states,
            transitions=[
                {"trigger": t.trigger, "source": t.source, "dest": t.dest} for t in transitions
            ],
            initial=initial,
            auto_transitions=False,
            send_event=True,
            model_attribute="status",
        )
        Lifecycle.registry[name] = self

    def guards(self, trigger: str) -> list[Guard]:
        return [resolve(n) for n in self.transitions[trigger].guards]

    def effects(self, trigger: str) -> list[Effect]:
        return [resolve(n) for n in self.transitions[trigger].effects]

    def check(self) -> None:
        """Resolve every declared guard and effect; the first failure names lifecycle, trigger and name."""
        for t in self.transitions.values():
            for kind, names in (("guard", t.guards), ("effect", t.effects)):
                for name in names:
                    try:
                        resolve(name)
                    except Exception as exc:  # reported with where it was declared
                        raise LifecycleConfigError(
                            f"Lifecycle {self.name!r}, trigger {t.trigger!r}: {kind} {name!r} does not "
                            f"resolve ({type(exc).__name__}: {exc})") from exc

    def action(self, trigger: str) -> str:
        """The policy action for a trigger, e.g. "entry.admit"."""
        return f"{self.name}.{trigger}"

    def triggers_from(self, state: enum.Enum) -> list[str]:
        return [t for t in self.machine.get_triggers(state.name) if t in self.transitions]

    def available(self, obj: Any, user: Any) -> list[T]:
        """Transitions the user may fire now (for buttons); guards are checked at fire time."""
        return [
            self.transitions[t]
            for t in self.triggers_from(obj.status)
            if policy.can(user, self.action(t), obj)
        ]

    def mermaid(self) -> str:
        lines = ["stateDiagram-v2", f"    [*] --> {self.initial.name}"]
        for state in self.states:
            lines.append(f'    state "{state.value}" as {state.name}')
        seen = set()
        for t in self.transitions.values():
            for src in self.machine.events[t.trigger].transitions:
                key = (src, t.dest.name, t.trigger)
                if key in seen:
                    continue
                seen.add(key)
                lines.append(f"    {src} --> {t.dest.name}: {t.label}")
        return "\n".join(lines) + "\n"


def check_lifecycles() -> None:
    """Resolve the guards and effects of every registered lifecycle (at start-up)."""
    for lc in list(Lifecycle.registry.values()):
        lc.check()


def lock(obj: Any) -> Any:
    """Re-read the row under `SELECT … FOR UPDATE` (a no-op lock on SQLite) and return it fresh."""
    mapper = inspect(type(obj))
    pk_col = mapper.primary_key[0]
    stmt = (
        select(type(obj))
        .where(pk_col == getattr(obj, pk_col.key))
        .options(lazyload("*"))  # no eager joins: PostgreSQL refuses FOR UPDATE on outer joins
        .with_for_update(of=type(obj))
        .execution_options(populate_existing=True)
    )
    return db.session.execute(stmt).scalar_one()


def authorised(actor: Any, lifecycle: Lifecycle, trigger: str, obj: Any) -> bool:
    """The system (`actors.SystemActor`, made only by code) is authorised by construction; anyone
    else needs the policy's yes for "<lifecycle>.<trigger>" on this object."""
    return is_system(actor) or policy.can(actor, lifecycle.action(trigger), obj)


def fire(lifecycle: Lifecycle, obj: Any, trigger: str, *, actor: Any, reason: str = "",
         payload: dict | None = None, expected_version: int | None = None) -> Any:
    """Run one transition: lock, version check, policy, guards, state change, effects, audit.

    A transition that follows from another authorised action passes `actor=SystemActor("<cause>")`;
    its audit row then reads «Система: <cause>».

    Raises a DomainError subclass with a Russian message; the caller's transaction is then rolled
    back by the request handler, so nothing is half-applied.
    """
    t = lifecycle.transitions.get(trigger)
    if t is None:
        raise TransitionNotAllowed(f"Неизвестное действие: {trigger}.")
    obj = lock(obj)
    if expected_version is not None and getattr(obj, "version", None) != expected_version:
        raise ConcurrentChange()
    if not authorised(actor, lifecycle, trigger, obj):
        raise PermissionDenied()
    current = obj.status
    if trigger not in lifecycle.triggers_from(current):
        raise TransitionNotAllowed(
            f"Действие «{t.label}» недоступно: текущее состояние — «{current.value}»."
        )
    reason = (reason or "").strip()
    if t.needs_reason and not reason:
        raise TransitionNotAllowed(f"Для действия «{t.label}» укажите причину.")
    ctx = FireContext(actor=actor, event=trigger, reason=reason, payload=dict(payload or {}),
                      source=current, dest=t.dest)
    for guard in lifecycle.guards(trigger):
        why = guard(obj, ctx)
        if why:
            raise TransitionNotAllowed(why)
    lifecycle.machine.events[trigger].trigger(obj)
    for effect in lifecycle.effects(trigger):
        effect(obj, ctx)
    audit.record(
        f"{lifecycle.name}.{trigger}", actor=actor, obj=obj, from_state=current.name,
        to_state=obj.status.name, reason=reason, payload=ctx.payload,
    )
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise ConcurrentChange() from exc
    return obj


# Ids per statement in fire_many: under SQLite's bound-variable limit even in builds older than 3.32 (999).
BULK_CHUNK = 900


def _chunks(ids: list):
    size = BULK_CHUNK
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def fire_many(lifecycle: Lifecycle, model: Any, ids: Iterable[int], trigger: str, *, actor: Any,
              reason: str = "", payload: dict | None = None, reasons: Mapping[int, str] | None = None,
              payloads: Mapping[int, dict] | None = None) -> int:
    """Fire one trigger on many rows of `model`, set-based, all or nothing; returns how many changed.

    Same outcome as `fire` on each id in turn (state, `version` + 1, one audit row each, in the order given)
    with a constant number of statements per 900 ids: one `SELECT … FOR UPDATE` (rows locked, states
    read), one `UPDATE … SET status, version = version + 1 WHERE id IN (…) AND status IN (legal
    sources)`, and one executemany INSERT of the audit rows. If any row is missing or in a state the
    trigger does not leave from, nothing is changed and `TransitionNotAllowed` says how many and which
    states. The policy is asked per object (objects are then loaded), unless the actor is the system.

    Only for transitions without guards or effects: those are per-object code (queries, files, mail)
    and go through `fire` one by one; asking for them here is a programming error. `reasons`/`payloads`
    give per-id values over the common `reason`/`payload`. Objects of `model` already in the session
    get the new status, version and updated_at (no reload); nothing else of theirs is touched.
    """
    t = lifecycle.transitions.get(trigger)
    if t is None:
        raise TransitionNotAllowed(f"Неизвестное действие: {trigger}.")
    if t.guards or t.effects:
        raise LifecycleConfigError(
            f"fire_many: {lifecycle.name}.{trigger} has guards or effects; fire it object by object")
    ids = list(dict.fromkeys(ids))
    if not ids:
        return 0
    reasons, payloads = reasons or {}, payloads or {}
    reason_of = {i: (reasons.get(i) or reason or "").strip() for i in ids}
    if t.needs_reason and not all(reason_of.values()):
        raise TransitionNotAllowed(f"Для действия «{t.label}» укажите причину.")
    mapper: Any = inspect(model)
    pk = mapper.primary_key[0]
    table_cols = model.__table__.c
    versioned = "version" in table_cols
    sources = [lifecycle.states[name] for name in lifecycle.machine.events[trigger].transitions]
    system = is_system(actor)

    # 1. lock and read: the rows' states (and, to ask the policy, the objects)
    found: dict[int, Any] = {}
    version_of: dict[int, int] = {}
    for chunk in _chunks(ids):
        if system:
            cols = [pk, model.status] + ([model.version] if versioned else [])
            for row in db.session.execute(select(*cols).where(pk.in_(chunk)).with_for_update(of=model)):
                found[row[0]] = row[1]
                if versioned:
                    version_of[row[0]] = row[2]
        else:
            stmt: Any = (select(model).where(pk.in_(chunk)).options(lazyload("*")).with_for_update(of=model)
                    .execution_options(populate_existing=True))
            found.update((getattr(o, pk.key), o) for o in db.session.execute(stmt).scalars())
    missing = len(ids) - len(found)
    if missing:
        raise TransitionNotAllowed(f"Действие «{t.label}»: не найдено объектов — {missing}.")
    status_of = found if system else {i: o.status for i, o in found.items()}
    if versioned and not system:
        version_of = {i: o.version for i, o in found.items()}
    wrong = Counter(s for s in status_of.values() if s not in sources)
    if wrong:
        detail = ", ".join(f"«{s.value}» — {n}" for s, n in sorted(wrong.items(), key=lambda x: x[0].name))
        raise TransitionNotAllowed(
            f"Действие «{t.label}» недоступно для {sum(wrong.values())} из {len(ids)}: текущее состояние "
            f"{detail}. Ничего не изменено.")
    if not system:
        action = lifecycle.action(trigger)
        if not all(policy.can(actor, action, o) for o in found.values()):
            raise PermissionDenied()

    # 2. one UPDATE per chunk; the state is checked again in SQL, under the lock
    now = utcnow()
    values: dict[str, Any] = {"status": t.dest}
    if versioned:
        values["version"] = table_cols.version + 1
    if "updated_at" in table_cols:
        values["updated_at"] = now
    for chunk in _chunks(ids):
        result: Any = db.session.execute(
            update(model.__table__).where(table_cols[pk.key].in_(chunk), table_cols.status.in_(sources))
            .values(**values))
        if result.rowcount != len(chunk):
            raise ConcurrentChange()

    # 3. the session's copies follow the rows (no reload); attributes not loaded stay unloaded
    new = {"status": lambda i: t.dest, "updated_at": lambda i: now, "version": lambda i: version_of[i] + 1}
    for i in ids:
        obj = db.session.identity_map.get(identity_key(model, i))
        if obj is None:
            continue
        loaded = inspect(obj).dict
        for key in values:
            if key in loaded:
                set_committed_value(obj, key, new[key](i))

    # 4. one audit row per object, inserted in one executemany
    actor_id, subject = audit.actor_fields(actor)
    object_type = getattr(model, "__tablename__", model.__name__.lower())
    ip = audit.client_ip()
    event = f"{lifecycle.name}.{trigger}"
    # RETURNING makes SQLAlchemy send multi-row INSERTs ("insertmanyvalues", 1,000 rows each) instead of
    # one statement per row.
    db.session.execute(insert(AuditEvent).returning(AuditEvent.id), [
        {"at": now, "actor_id": actor_id, "event": event, "object_type": object_type, "object_id": i,
         "from_state": status_of[i].name, "to_state": t.dest.name, "reason": reason_of[i],
         "payload": {**(payload or {}), **payloads.get(i, {})}, "ip": ip, "subject": subject}
        for i in ids
    ])
    return len(ids)
