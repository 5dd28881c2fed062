"""API tokens in the web: a user lists, issues (shown once) and revokes their own tokens; an
administrator lists everyone's and revokes any."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..forms.api_tokens import NewTokenForm, RevokeTokenForm
from ..listing import paginate, parse_args
from ..models.api_token import ApiToken
from ..services.platform import api_tokens as service
from . import authorize, get_or_404, refusal
from .nav import NavItem, register_nav

bp = Blueprint("api_tokens", __name__)
register_nav(NavItem("Токены API", "api_tokens.all_tokens", "api_token.list_all", "key"))


def _own_page(form: NewTokenForm, secret: str | None = None, status: int = 200):
    args = parse_args()
    page = paginate(service.list_query(current_user.id), args)
    return render_template("account/api_tokens.html", form=form, page=page, args=args, secret=secret,
                           revoke_form=RevokeTokenForm()), status


@bp.route("/account/api-tokens")
@login_required
def own_tokens():
    return _own_page(NewTokenForm())


@bp.route("/account/api-tokens", methods=["POST"])
@login_required
def create():
    authorize("api_token.create", current_user._get_current_object())
    form = NewTokenForm()
    if not form.validate_on_submit():
        return _own_page(form, status=422)
    with refusal(form, "name") as refused:
        issued = service.issue(current_user, current_user._get_current_object(), form.name.data)
    if refused:
        return _own_page(form, status=refused.status)
    # Shown on this response only (never stored, never in a redirect's flash): the page is no-store.
    return _own_page(NewTokenForm(formdata=None), secret=issued.secret)


@bp.route("/api-tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    token = get_or_404(ApiToken, token_id, "api_token.revoke")
    form = RevokeTokenForm()
    back = url_for(".all_tokens") if request.form.get("back") == "all" else url_for(".own_tokens")
    if not form.validate_on_submit():
        flash("Форма устарела: обновите страницу и повторите.", "danger")
        return redirect(back)
    with refusal() as refused:
        service.revoke(current_user, token)
    if not refused:
        flash(f"Токен «{token.name}» отозван: запросы с ним больше не принимаются.", "success")
    return redirect(back)


@bp.route("/admin/api-tokens")
@login_required
def all_tokens():
    authorize("api_token.list_all")
    args = parse_args()
    page = paginate(service.list_query(q=args.q), args)
    return render_template("account/api_tokens_all.html", page=page, args=args, revoke_form=RevokeTokenForm())
