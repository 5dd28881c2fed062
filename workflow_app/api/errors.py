"""Errors of the JSON API: always `{"error": "<Russian message>", "fields": {...}}`, never an HTML page.

Every error the app can raise under /api/ ends here: a service's DomainError (its Russian message and
code; FieldErrors name their fields), an HTTP error (abort, routing, the NUL check), a request body or
query string the schemas refuse (webargs: 400 for a body that is not JSON, 422 naming the fields), and
any other exception (500, with nothing of its internals).
"""
from __future__ import annotations

import re

import marshmallow as ma
from flask import current_app, request
from werkzeug.exceptions import HTTPException, InternalServerError

from ..errors import DomainError
from ..extensions import db

PREFIX = "/api/"

MESSAGES = {
    400: "Запрос не удалось разобрать: тело запроса должно быть JSON в кодировке UTF-8.",
    401: "Нужен действующий токен API: заголовок «Authorization: Bearer <токен>».",
    403: "Недостаточно прав для этого действия.",
    404: "Не найдено: такого объекта нет или он недоступен.",
    405: "Этот адрес не принимает такой метод запроса.",
    409: "Изменения не сохранены: данные одновременно изменил кто-то другой. Повторите запрос.",
    413: "Запрос слишком большой.",
    415: "Тело запроса должно быть JSON (Content-Type: application/json).",
    422: "Данные не прошли проверку: исправьте поля, перечисленные в «fields».",
    429: "Слишком много запросов: повторите позже.",
    500: "Внутренняя ошибка сервера. Изменения не сохранены.",
}

# marshmallow/webargs speak English; the API answers in Russian (a message we do not know becomes a
# generic one rather than leaking English).
_FIELD_MESSAGES = {
    "Missing data for required field.": "Обязательное поле.",
    "Field may not be null.": "Поле не может быть null.",
    "Unknown field.": "Неизвестное поле.",
    "Not a valid integer.": "Нужно целое число.",
    "Not a valid string.": "Нужна строка.",
    "Not a valid boolean.": "Нужно логическое значение (true/false).",
    "Not a valid list.": "Нужен список.",
    "Invalid input type.": "Тело запроса должно быть объектом JSON.",
    "Invalid value.": "Недопустимое значение.",
    "Invalid JSON body.": MESSAGES[400],
}


class ErrorSchema(ma.Schema):
    error = ma.fields.String(required=True, metadata={"description": "Что случилось, по-русски"})
    fields = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Raw(),
        metadata={"description": "Ошибки по полям запроса: имя поля → сообщение (или список сообщений)"})


def is_api_request() -> bool:
    return request.path.startswith(PREFIX)


def payload(message: str, status: int, fields: dict | None = None):
    return {"error": message, "fields": fields or {}}, status


def _russian(message) -> str:
    if isinstance(message, list | tuple):
        message = message[0] if message else ""
    if isinstance(message, dict):
        return _russian(next(iter(message.values()), ""))
    text = str(message)
    if text in _FIELD_MESSAGES:
        return _FIELD_MESSAGES[text]
    # Our own validators' messages are Russian already; anything else from the libraries is not.
    return text if re.search("[А-Яа-яЁё]", text) else "Недопустимое значение."


def _flatten(messages: dict) -> dict[str, str]:
    """webargs' {location: {field: [messages]}} → {field: message}; a list body's errors by index."""
    out: dict[str, str] = {}
    for location, errors in messages.items():
        if isinstance(errors, dict):
            for name, msg in errors.items():
                key = "body" if name == "_schema" else str(name)
                out[key] = _russian(msg)
        else:
            out[location] = _russian(errors)
    return out


def http_error(exc: HTTPException):
    db.session.rollback()
    code = exc.code or 500
    data = getattr(exc, "data", None) or {}
    if "messages" in data or "errors" in data:  # webargs/flask-smorest: the schema refused the input
        fields = _flatten(data.get("messages") or data.get("errors") or {})
        if code == 400:
            return payload(MESSAGES[400], 400, fields)
        return payload(data.get("message") or MESSAGES.get(code, MESSAGES[422]), code, fields)
    if code == 401:
        body, status = payload(MESSAGES[401], 401)
        return body, status, {"WWW-Authenticate": 'Bearer realm="api"'}
    own = data.get("message")
    if own is None and code == 400 and exc.description and exc.description != type(exc).description:
        own = exc.description  # our own abort(400, description="…"), e.g. the NUL refusal
    return payload(own or MESSAGES.get(code) or MESSAGES[500 if code >= 500 else 400], code)


def domain_error(exc: DomainError):
    db.session.rollback()
    from ..services.platform.validation import FieldErrors

    fields = dict(exc.errors) if isinstance(exc, FieldErrors) else getattr(exc, "fields", None)
    return payload(exc.message, exc.http_status, fields)


def server_error(exc: Exception):
    db.session.rollback()
    original = getattr(exc, "original_exception", None) or exc
    if not isinstance(original, HTTPException):
        current_app.logger.exception("API request failed", exc_info=original)
    return payload(MESSAGES[500], 500)


def api_aware(handler):
    """Wrap an app-wide error handler (an HTML page): under /api/ the JSON error answers instead."""

    def handle(exc):
        if not is_api_request():
            return handler(exc)
        if isinstance(exc, DomainError):
            return domain_error(exc)
        if isinstance(exc, InternalServerError):
            return server_error(exc)
        if isinstance(exc, HTTPException):
            return http_error(exc)
        return server_error(exc)

    handle.__wrapped__ = handler  # type: ignore[attr-defined]
    return handle


def install(app) -> None:
    """Make every error under /api/ JSON: wrap the HTML handlers the web registered (codes, DomainError,
    CSRF) and catch any HTTP error that has no handler of its own."""
    for handlers in app.error_handler_spec[None].values():
        for cls, handler in list(handlers.items()):
            handlers[cls] = api_aware(handler)

    def fallback(exc: HTTPException):
        return api_aware(lambda e: e)(exc)

    app.register_error_handler(HTTPException, fallback)
    if DomainError not in app.error_handler_spec[None][None]:
        app.register_error_handler(DomainError, api_aware(lambda e: e))
