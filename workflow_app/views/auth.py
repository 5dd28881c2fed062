"""Sign in and out, password change and reset."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..errors import DomainError
from ..extensions import db
from ..forms.auth import ChangePasswordForm, LoginForm, NewPasswordForm, ResetRequestForm
from ..links import external_url
from ..services.platform import accounts
from . import refusal

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: no scheme, no host, no `//` or `/\\` (browsers read both as a host)."""
    default = url_for("main.dashboard")
    if not target or not target.startswith("/") or "\\" in target:
        return default
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return default  # browsers drop tabs/newlines, so "/\t/evil" would become "//evil"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return default
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    device_cookie = current_app.config["LOGIN_DEVICE_COOKIE"]
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data, request.remote_addr or "",
                                         device=request.cookies.get(device_cookie))
        except DomainError as exc:
            # Not `refusal()`, which keeps nothing: a refused login must still leave its audit row,
            # so it is committed, then the form is shown again.
            db.session.commit()
            form.password.errors = list(form.password.errors) + [exc.message]
            return render_template("auth/login.html", form=form), exc.http_status
        login_user(user, remember=form.remember.data)
        response = redirect(_safe_next(request.args.get("next")))
        # This browser is now known for this account: the per-address sign-in limit no longer applies to it.
        response.set_cookie(device_cookie, accounts.device_token(user, request.cookies.get(device_cookie)),
                            max_age=accounts.DEVICE_MAX_AGE, httponly=True, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
        return response
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    accounts.sign_out(current_user._get_current_object())
    logout_user()
    flash("Вы вышли из системы.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with refusal(form, "current") as refused:
            accounts.change_password(current_user, form.current.data, form.password.data,
                                     form.repeat.data)
        if refused:
            return render_template("auth/change_password.html", form=form), 422
        # Keep this session (and its remember-me cookie, if any) on the new epoch; others are out.
        remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
        login_user(current_user._get_current_object(), remember=remembered)
        flash("Пароль изменён. На других устройствах потребуется войти заново.", "success")
        return redirect(url_for("main.dashboard"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/password/reset", methods=["GET", "POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.request_reset(
            form.email.data,
            lambda token: external_url("auth.reset_password", token=token),
        )
        flash("Если такой адрес зарегистрирован, на него отправлено письмо со ссылкой "
              "для восстановления пароля.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    accounts.find_reset_token(token)  # a dead link shows the error page, not a form
    form = NewPasswordForm()
    if form.validate_on_submit():
        with refusal(form, "password") as refused:
            accounts.reset_password(token, form.password.data, form.repeat.data)
        if refused:
            return render_template("auth/reset_password.html", form=form), 422
        flash("Пароль сохранён. Войдите с новым паролем.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)
