"""Guards and effects are declared by name on the transition and resolved at start-up."""
import enum

import pytest

from workflow_app import create_app
from workflow_app.machines.base import Lifecycle, LifecycleConfigError, T, check_lifecycles
from workflow_app.machines.entry import entry_lifecycle
from workflow_app.services.competition import dossier
from workflow_app.services.reminders import hooks as reminder_hooks


class _S(enum.Enum):
    a = "А"
    b = "Б"


def test_every_real_lifecycle_resolves():
    from workflow_app import machines  # noqa: F401  (registers every lifecycle)

    check_lifecycles()
    assert {"campaign", "entry", "order", "assignment"} <= set(Lifecycle.registry)
    # The machine module tells what submitting does: completeness, deadline, a frozen version, and the
    # submission deadline's reminders stop.
    assert entry_lifecycle.guards("submit") == [dossier.check_complete, dossier.check_deadline]
    assert entry_lifecycle.effects("submit") == [dossier.freeze_version, reminder_hooks.cancel_submission]


def test_an_unresolvable_name_stops_start_up(tmp_path):
    bad = "workflow_app.services.competition.dossier:no_such_guard"
    Lifecycle("test_broken", "Сломанный", _S, _S.a, [T("go", "Перейти", _S.a, _S.b, guards=(bad,))])
    try:
        with pytest.raises(LifecycleConfigError) as err:
            create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(tmp_path))
        message = str(err.value)
        assert "'test_broken'" in message and "'go'" in message and bad in message
    finally:
        del Lifecycle.registry["test_broken"]


def test_a_missing_module_is_reported_too():
    Lifecycle("test_broken", "Сломанный", _S, _S.a,
              [T("go", "Перейти", _S.a, _S.b, effects=("workflow_app.no_such_module:effect",))])
    try:
        with pytest.raises(LifecycleConfigError, match="effect 'workflow_app.no_such_module:effect'"):
            check_lifecycles()
    finally:
        del Lifecycle.registry["test_broken"]


def test_names_must_be_dotted_module_colon_function():
    with pytest.raises(LifecycleConfigError, match="package.module:function"):
        T("go", "Перейти", _S.a, _S.b, guards=(lambda obj, ctx: None,))
