"""Blueprints by audience; handlers stay thin and call services."""
from flask import Flask, abort
from flask_login import current_user

from .. import policy


def authorize(action: str, obj=None) -> None:
    """Abort with 403 unless policy.can allows it (404 for a missing object is the caller's job)."""
    if not policy.can(current_user, action, obj):
        abort(403)


def register_blueprints(app: Flask) -> None:
    """Register the `bp` of every module in this package (one blueprint per audience/area)."""
    import sys

    from ..discovery import import_submodules

    for module in import_submodules(sys.modules[__name__]):
        bp = getattr(module, "bp", None)
        if bp is not None:
            app.register_blueprint(bp)
