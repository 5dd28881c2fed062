"""The API's plumbing: the flask-smorest `Api` (OpenAPI generated from the code), the blueprint every
resource module makes with `resource_blueprint`, bearer-token authentication, object loading through
policy, and pages of lists.

The API authenticates by `Authorization: Bearer <token>` only. The web's session cookie is never
looked at here (the handlers use `actor()`, never `current_user`), so a browser signed in to the site
cannot be made to call the API from another site: that is why CSRF does not apply to it.
"""
from __future__ import annotations

import marshmallow as ma
from flask import abort, g, request
from flask_smorest import Api, Blueprint

from .. import policy
from ..errors import ValidationFailed
from ..extensions import db
from ..ints import MAX_DB_INT
from ..listing import ListArgs, paginate
from .errors import MESSAGES, ErrorSchema

VERSION = "1"
PREFIX = "/api/v1"
MAX_PER_PAGE = 100
SECURITY_SCHEME = "bearerAuth"
DESCRIPTION = (
    "JSON API, версия 1. Каждый запрос передаёт токен: `Authorization: Bearer <токен>` (выпуск токена — "
    "в профиле пользователя или командой `flask api-token create`). Ошибки — `{\"error\": \"…\", "
    "\"fields\": {…}}` с кодами 4xx. Списки — `{\"items\": […], \"total\": N}`, параметры `page` и "
    f"`per_page` (не больше {MAX_PER_PAGE})."
)


PDF, DOCX = "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class FieldsError(ValidationFailed):
    """A 422 naming the request's fields: `{"error": message, "fields": fields}`. (A service's own
    FieldErrors, and any DomainError with a `fields` dict, answer the same way.)"""

    def __init__(self, message: str, fields: dict):
        super().__init__(message)
        self.fields = fields


class ApiV1(Api):
    """flask-smorest's Api with our JSON errors: its own app-wide HTTPException handler (which would
    turn the web's HTML error pages into JSON too) is not installed; `errors.install` does the work."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        pass


def make_api(app) -> ApiV1:
    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    api = ApiV1(spec_kwargs={
        "title": "workflow_app API", "version": VERSION, "openapi_version": "3.0.3",
        "info": {"description": DESCRIPTION},
        "security": [{SECURITY_SCHEME: []}],
        "servers": [{"url": "/"}],
    })
    from ..web import BoundedIntConverter

    api.register_converter(BoundedIntConverter,
                           lambda conv: {"type": "integer", "minimum": 0, "maximum": MAX_DB_INT})
    api.init_app(app)
    api.spec.components.security_scheme(SECURITY_SCHEME, {
        "type": "http", "scheme": "bearer",
        "description": "Токен API пользователя; действует с правами этого пользователя."})
    return api


def resource_blueprint(name: str, description: str) -> Blueprint:
    """The blueprint of one API resource module: under /api/v1, every request authenticated."""
    bp = Blueprint(f"api_v1_{name}", __name__, url_prefix=PREFIX, description=description)
    bp.before_request(authenticate)
    bp.before_request(refuse_nul_in_json)
    return bp


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def refuse_nul_in_json() -> None:
    """The web refuses NUL in forms and query strings before any handler (web.refuse_nul_bytes); a JSON
    body gets the same answer here, so no text with NUL reaches a service (PostgreSQL refuses it)."""
    if request.is_json and _has_nul(request.get_json(silent=True)):
        from ..web import NUL_REFUSED

        abort(400, description=NUL_REFUSED)


def authenticate() -> None:
    """The bearer token's user becomes the request's actor; anything else is a 401."""
    from ..services.platform import api_tokens

    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    user = api_tokens.authenticate(secret.strip()) if scheme.lower() == "bearer" and secret else None
    if user is None:
        abort(401)
    g.api_user = user


def actor():
    """The user the request's token belongs to."""
    return g.api_user


def can(action: str, obj=None) -> bool:
    return policy.can(actor(), action, obj)


def authorize(action: str, obj=None) -> None:
    if not can(action, obj):
        abort(403)


def get_or_404(model, ident: int, action: str | None = None):
    """Like the web's `views.get_or_404`: 404 for a missing object, then 403 unless policy allows."""
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    if action is not None:
        authorize(action, obj)
    return obj


# --- lists ---------------------------------------------------------------------------------------

class PageArgs(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(
        min=1, max=MAX_DB_INT, error="Номер страницы — целое число от 1."),
        metadata={"description": "Номер страницы, с 1"})
    per_page = ma.fields.Integer(load_default=25, validate=ma.validate.Range(
        min=1, max=MAX_PER_PAGE, error=f"На странице — от 1 до {MAX_PER_PAGE} записей."),
        metadata={"description": f"Записей на странице (1–{MAX_PER_PAGE})"})


def page_of(stmt, args: dict) -> dict:
    """`{"items": [...], "total": N}` for one page of an ordered query. A page past the end is empty
    (the web's lists show the last page instead; a client looping until an empty page must stop)."""
    page = paginate(stmt, ListArgs(page=args["page"], per_page=args["per_page"]))
    items = page.items if page.page == args["page"] else []
    return {"items": items, "total": page.total}


def list_schema(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    return type(name, (ma.Schema,), {
        "items": ma.fields.List(ma.fields.Nested(item), required=True),
        "total": ma.fields.Integer(required=True, metadata={"description": "Всего записей"}),
    })


def errors(bp: Blueprint, *codes: int):
    """Document the error codes an operation answers with (every one has ErrorSchema's shape; any other
    code is the spec's `default` error response)."""

    def decorate(fn):
        for code in codes:
            fn = bp.alt_response(code, schema=ErrorSchema, description=MESSAGES.get(code, ""))(fn)
        return fn

    return decorate


def file_response(content_type: str) -> dict:
    """OpenAPI for a 200 that is a file (PDF, DOCX): `@bp.doc(responses=file_response(PDF))`."""
    return {200: {"description": "Файл", "content": {content_type: {"schema": {"type": "string",
                                                                               "format": "binary"}}}}}
