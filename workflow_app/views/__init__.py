"""Blueprints by audience; handlers stay thin and call services."""
from flask import Flask, abort
from flask_login import current_user

from .. import policy


def authorize(action: str, obj=None) -> None:
    """Abort with 403 unless policy.can allows it (404 for a missing object is the caller's job)."""
    if not policy.can(current_user, action, obj):
        abort(403)


def register_blueprints(app: Flask) -> None:
    from .auth import bp as auth_bp
    from .main import bp as main_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(main_bp)
