"""workflow_app: case management for the regional innovation infrastructure of education."""
from __future__ import annotations

import os
from pathlib import Path

import email_validator
from flask import Flask

from .config import DEFAULT_SECRET_KEY, config_from_env

# Institutional mail inside closed networks (and the demo accounts, admin@iro.local …) uses ".local";
# email_validator rejects it as a special-use name, which would lock those users out of every form.
if "local" in email_validator.SPECIAL_USE_DOMAIN_NAMES:
    email_validator.SPECIAL_USE_DOMAIN_NAMES.remove("local")


def create_app(config: type | dict | None = None, instance_path: str | None = None) -> Flask:
    app = Flask(__name__, instance_path=instance_path or os.environ.get("INSTANCE_DIR") or None,
                instance_relative_config=True)
    app.config.from_object(config_from_env())
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    key = app.config.get("SECRET_KEY") or ""
    if app.config.get("PRODUCTION") and (key == DEFAULT_SECRET_KEY or len(key) < 32):
        # Sessions, remember-me cookies and CSRF tokens are signed with it: a known key forges logins.
        raise RuntimeError(
            "SECRET_KEY is not set (or shorter than 32 characters): refusing to start in production. "
            "Generate one with: python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    if app.config.get("PRODUCTION") and not (app.config.get("BASE_URL") or "").startswith(("https://", "http://")):
        # Every link in mail (password reset, invitations) is built from it, never from the request's Host.
        raise RuntimeError("BASE_URL is not set: refusing to start in production. "
                           "Set it to the site's public address, e.g. BASE_URL=https://iro.example.ru")
    from .services.platform import passwords

    passwords.configure(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    Path(app.config["UPLOAD_DIR"]).mkdir(parents=True, exist_ok=True)

    from . import models  # noqa: F401  (register every table on the metadata)
    from .extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    from .models.search import include_object

    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"),
                     render_as_batch=True, compare_type=True, include_object=include_object)
    csrf.init_app(app)
    login_manager.init_app(app)

    from .web import install

    install(app)
    if app.config.get("TRUSTED_PROXIES"):
        # Behind nginx: the client's address (audit, login limits) and https:// links come from the proxy.
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    from .cli import register_cli

    register_cli(app)
    from . import machines  # noqa: F401  (registers every lifecycle)
    from .machines.base import check_lifecycles

    # Every guard and effect is declared by name: resolve them all now, so a wrong name stops the start.
    check_lifecycles()
    if app.config.get("GC_FREEZE"):
        import gc

        # One app per process in production (gunicorn worker, CLI): its start-up objects live as long
        # as the process, so the collector never needs to scan them again. See Config.GC_FREEZE.
        gc.collect()
        gc.freeze()
    return app
