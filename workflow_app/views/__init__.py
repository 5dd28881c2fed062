"""Blueprints by audience; handlers stay thin and call services.

Three helpers every view uses:
- `authorize(action, obj)`: 403 unless `policy.can` allows it;
- `get_or_404(model, id, action)`: the object or 404, then `authorize` (an optional `belongs` check
  makes a child of the wrong parent a 404 too);
- `refusal(...)`: the one way a view turns a service's refusal (a DomainError, its Russian message and
  HTTP code) into what the user sees, keeping nothing of the request.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, abort, flash, g
from flask_login import current_user

from .. import policy
from ..errors import ConcurrentChange, DomainError
from ..extensions import db
from ..services.platform.validation import FieldErrors


def authorize(action: str, obj=None) -> None:
    """Abort with 403 unless policy.can allows it (404 for a missing object is `get_or_404`'s job)."""
    if not policy.can(current_user, action, obj):
        abort(403)


def get_or_404(model, ident, action: str | None = None, *, belongs: Callable[[object], bool] | None = None):
    """The row with this primary key, else 404 (also when `belongs(obj)` is false); then, given an
    action, `authorize(action, obj)`."""
    obj = db.session.get(model, ident) if ident is not None else None
    if obj is None or (belongs is not None and not belongs(obj)):
        abort(404)
    if action is not None:
        authorize(action, obj)
    return obj


class Refusal:
    """What a `refusal()` block caught: false while nothing was refused."""

    def __init__(self) -> None:
        self.error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.error is not None

    @property
    def message(self) -> str:
        return self.error.message if self.error is not None else ""

    @property
    def status(self) -> int:
        """The HTTP code of the page that shows the refusal again (the error's own)."""
        return self.error.http_status if self.error is not None else 200


@contextmanager
def refusal(form=None, field: str | Callable[[DomainError], str | None] | None = None, *,
            on_form: bool = False, show: bool = True,
            catch: type[DomainError] | tuple[type[DomainError], ...] = DomainError) -> Iterator[Refusal]:
    """Run service calls; if one refuses (raises `catch`), nothing of the request is kept and the
    user is told why, in the error's Russian words:

    - a service's field errors (`FieldErrors.errors`) go next to the fields of `form`;
    - with `field` (a name, or a function of the error giving one or None), the message goes under
      that field of `form` (a ConcurrentChange is flashed: it concerns the whole page);
    - with `on_form=True`, it goes to the form's own errors;
    - otherwise it is flashed (`show=False`: not shown at all; the caller uses `.message`).

    The block's `Refusal` is then true; the caller re-renders the form with `refused.status` or
    redirects:

        with refusal(form, "name") as refused:
            c = svc.create_campaign(...)
        if refused:
            return render_template(...), refused.status
    """
    refused = Refusal()
    try:
        yield refused
    except catch as exc:
        db.session.rollback()
        g.rollback_only = True
        refused.error = exc
        if show:
            _show(exc, form, field, on_form)


def _show(exc: DomainError, form, field, on_form: bool) -> None:
    if callable(field):
        field = field(exc)
    if form is not None and isinstance(exc, FieldErrors):
        for name, message in exc.errors.items():
            _add_error(form, name, message)
    elif form is not None and field and not isinstance(exc, ConcurrentChange) and hasattr(form, field):
        _add_error(form, field, exc.message)
    elif form is not None and on_form:
        form.form_errors.append(exc.message)
    else:
        flash(exc.message, "danger")


def _add_error(form, name: str, message: str) -> None:
    target = getattr(form, name, None)
    if target is not None:
        target.errors = list(target.errors) + [message]
    else:
        form.form_errors.append(message)


def register_blueprints(app: Flask) -> None:
    """Register the `bp` of every module in this package (one blueprint per audience/area)."""
    import sys

    from ..discovery import import_submodules

    for module in import_submodules(sys.modules[__name__]):
        bp = getattr(module, "bp", None)
        if bp is not None:
            app.register_blueprint(bp)
