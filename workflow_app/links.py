"""Absolute links for mail and documents, built from BASE_URL and never from the request.

A request's Host header is chosen by whoever sends it: a reset link built from it could point to an
attacker's site. BASE_URL is the site's configured public address.
"""
from __future__ import annotations

from flask import current_app, url_for


def external_url(endpoint: str, **values) -> str:
    base = current_app.config["BASE_URL"].rstrip("/")
    return base + url_for(endpoint, _external=False, **values)
