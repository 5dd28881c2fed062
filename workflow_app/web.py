"""Request-level plumbing: one transaction per request, security headers, error pages, Jinja helpers."""
from __future__ import annotations

from datetime import datetime

from flask import Flask, abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.routing import IntegerConverter

from . import formatting, policy, timeutil
from .errors import DomainError
from .extensions import db, login_manager
from .ints import MAX_DB_INT

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
COMMIT_CONFLICT = ("Изменения не сохранены: эти данные одновременно изменил другой пользователь "
                   "или такая запись уже существует. Обновите страницу и повторите действие.")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


# Integer ids in URLs are bounded by the database column (PostgreSQL INTEGER): a larger number can name
# no row, so it is a 404 here instead of an «integer out of range» error in the database.
NUL_REFUSED = "Запрос содержит недопустимый символ (NUL, код 0). Уберите его и повторите."


class BoundedIntConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_DB_INT)
        super().__init__(map, *args, **kwargs)


def _has_nul(md) -> bool:
    """Any NUL in any value of a MultiDict (every value of a repeated field, not only the first) or key."""
    return any("\x00" in k or any("\x00" in v for v in vs) for k, vs in md.lists())


def install(app: Flask) -> None:
    from .views import register_blueprints

    app.url_map.converters["int"] = BoundedIntConverter

    login_manager.login_view = "auth.login"
    login_manager.login_message = "Войдите, чтобы продолжить."
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(ident: str):
        from .models import User

        try:
            uid, epoch = (int(x) for x in ident.split(":", 1))
        except ValueError:
            return None
        user = db.session.get(User, uid)
        if user is None or user.session_epoch != epoch or not user.is_active:
            return None
        return user

    register_blueprints(app)

    def refuse_nul_bytes():
        # No text in this product contains NUL; PostgreSQL refuses it in any string, so one check here
        # answers every form and query in Russian instead of failing deep inside a request.
        if "\x00" in request.path or _has_nul(request.args) or (
                request.method != "GET" and request.mimetype in FORM_TYPES
                and _has_nul(request.form)):
            abort(400, description=NUL_REFUSED)

    # First of all before-request hooks, ahead of the CSRF check, so a NUL in a form is named as such.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_nul_bytes)

    @app.after_request
    def commit_and_harden(response):
        # The one place a request's work is committed; a 4xx/5xx response keeps nothing.
        if response.status_code < 400 and not g.get("rollback_only"):
            try:
                db.session.commit()
            except (IntegrityError, StaleDataError):
                # A race the request could not see (someone else saved the same thing first):
                # nothing of this request is kept, and the user is told so in plain words.
                db.session.rollback()
                response = make_response(render_template("errors/domain.html", message=COMMIT_CONFLICT), 409)
        else:
            db.session.rollback()
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("HSTS_SECONDS"):
            h.setdefault("Strict-Transport-Security", f"max-age={app.config['HSTS_SECONDS']}; includeSubDomains")
        if request.endpoint != "static":
            h.setdefault("Cache-Control", "no-store")
        return response

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        db.session.rollback()
        g.rollback_only = True
        if request.method == "GET" or request.accept_mimetypes.best == "application/json":
            return render_template("errors/domain.html", message=exc.message), exc.http_status
        flash(exc.message, "danger")
        return redirect(_safe_back())

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        db.session.rollback()
        return render_template(
            "errors/error.html", code=400, title="Форма устарела",
            text="Страница была открыта слишком давно или отправлена повторно. "
                 "Вернитесь назад, обновите страницу и отправьте форму ещё раз.",
        ), 400

    for code, title, text in (
        (400, "Неверный запрос", "Запрос не удалось разобрать. Вернитесь назад и проверьте введённые данные."),
        (403, "Доступ запрещён", "У вас нет прав на эту страницу или действие."),
        (404, "Страница не найдена", "Такой страницы нет или она была удалена."),
        (405, "Действие недоступно", "Этот адрес не принимает такой запрос."),
        (413, "Файл слишком большой", "Размер загружаемого файла превышает допустимый."),
        (500, "Внутренняя ошибка", "Что-то пошло не так. Изменения не сохранены. "
                                   "Попробуйте ещё раз или обратитесь к администратору."),
    ):
        app.register_error_handler(code, _error_page(code, title, text))

    @app.template_filter("dt")
    def format_datetime(value: datetime | None, fmt: str = "%d.%m.%Y %H:%M") -> str:
        return timeutil.format_datetime(value, fmt)

    @app.template_filter("d")
    def format_date(value) -> str:
        return timeutil.format_date(value)

    formatting.register(app)  # |num |points |pct |signed |filesize |plural: Russian numbers and counts

    @app.context_processor
    def inject_helpers():
        from .services.platform.notices import unread_count
        from .views.nav import navigation

        signed_in = current_user.is_authenticated
        unread = 0
        if signed_in:
            try:
                unread = unread_count(current_user)  # one query per page
            except SQLAlchemyError:
                db.session.rollback()  # an error page must still render when the database fails
        return {
            "can": lambda action, obj=None: policy.can(current_user, action, obj),
            "nav_items": navigation(current_user) if signed_in else [],
            "unread_notices": unread,
        }

    from .api import init_app as install_api

    install_api(app)  # last: it makes the error handlers above answer JSON under /api/


def _error_page(code: int, title: str, text: str):
    def handler(exc):
        db.session.rollback()
        # Our own abort(400, description="…") carries a Russian explanation; Werkzeug's English one doesn't.
        own = getattr(exc, "description", None)
        text_ = own if code == 400 and own and own != type(exc).description else text
        return render_template("errors/error.html", code=code, title=title, text=text_), code

    return handler


def _safe_back() -> str:
    ref = request.referrer or ""
    host = request.host_url
    if ref.startswith(host):
        return ref
    return url_for("main.dashboard")
