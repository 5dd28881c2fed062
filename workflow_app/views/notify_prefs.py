"""The user's notification settings: immediate mail or a daily digest, and the calendar feed address."""
from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required

from ..forms.notify import MailModeForm
from ..links import external_url
from ..models.notification import MailMode
from ..notifications import calendar, kinds, preferences
from . import authorize

bp = Blueprint("notify_prefs", __name__, url_prefix="/profile/notifications")
_NEW_TOKEN = "calendar_token_once"


@bp.route("/", methods=["GET", "POST"])
@login_required
def settings():
    authorize("profile.edit")
    form = MailModeForm(mail_mode=preferences.mail_mode(current_user).name)
    if form.validate_on_submit():
        changed = preferences.set_mail_mode(current_user, MailMode[form.mail_mode.data], actor=current_user)
        flash("Настройки уведомлений сохранены." if changed else "Настройки не изменились.", "success")
        return redirect(url_for(".settings"))
    token = session.pop(_NEW_TOKEN, None)  # shown once, right after it was made
    return render_template(
        "notify/settings.html", form=form, mandatory=kinds.MANDATORY_LABELS, digestible=kinds.DIGESTIBLE_LABELS,
        hour=int(current_app.config.get("DIGEST_HOUR", 8)),
        live=calendar.live_token(current_user),
        feed_url=external_url("calendar.feed", token=token) if token else None), 422 if form.errors else 200


@bp.route("/calendar/new", methods=["POST"])
@login_required
def new_calendar_token():
    authorize("profile.edit")
    session[_NEW_TOKEN] = calendar.issue_token(current_user, actor=current_user)
    flash("Создан новый адрес календаря. Прежний адрес больше не работает.", "success")
    return redirect(url_for(".settings") + "#calendar")


@bp.route("/calendar/revoke", methods=["POST"])
@login_required
def revoke_calendar_token():
    authorize("profile.edit")
    if calendar.revoke_token(current_user, actor=current_user):
        flash("Адрес календаря отозван: подписки на него перестали получать события.", "success")
    return redirect(url_for(".settings") + "#calendar")
