"""The JSON API, version 1 (/api/v1): one module per resource, each with its own blueprint `bp`
(made by `core.resource_blueprint`), found and registered here; the OpenAPI description
(/api/v1/openapi.json) is generated from them by flask-smorest. See docs/api.md.
"""
from __future__ import annotations

import sys

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the API on the app: every resource blueprint (CSRF-exempt: bearer tokens, no cookies),
    JSON errors under /api/, commit conflicts as JSON, UTF-8 JSON, the `flask api-token` commands."""
    from ..discovery import import_submodules
    from ..extensions import csrf
    from . import cli, errors, transaction
    from .core import make_api

    api = make_api(app)
    for module in sorted(import_submodules(sys.modules[__name__]), key=lambda m: m.__name__):
        bp = getattr(module, "bp", None)
        if bp is not None:
            csrf.exempt(bp)
            api.register_blueprint(bp)
    app.extensions["api_v1"] = api
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  (Cyrillic as is, not \\u escapes)
    errors.install(app)
    transaction.install(app)
    app.cli.add_command(cli.api_token)
