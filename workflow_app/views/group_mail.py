"""Staff: write to a filtered group — preview the recipients, confirm, send; the sent group mail."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..forms.notify import GroupMailForm
from ..listing import paginate, parse_args
from ..models.competition import EntryStatus
from ..notifications import group_mail as svc
from . import authorize, refusal
from .nav import NavItem, register_nav

bp = Blueprint("group_mail", __name__, url_prefix="/staff/group-mail")
register_nav(NavItem("Письма группам", "group_mail.index", "group_mail.view", "envelope-paper"))


@bp.route("/")
@login_required
def index():
    authorize("group_mail.view")
    args = parse_args()
    page = paginate(svc.sent_query(args.q), args)
    return render_template("group_mail/index.html", page=page, args=args,
                           delivery=svc.delivery([m.id for m in page.items]))


def _form() -> GroupMailForm:
    form = GroupMailForm()
    form.campaign_id.choices = [("", "— выберите —"), *svc.campaign_choices()]
    form.track_id.choices = [("", "Все направления"), *svc.track_choices()]
    form.entry_status.choices = [("", "Любое"), *((s.name, s.value) for s in EntryStatus)]
    form.sheets.choices = list(svc.SHEETS.items())
    return form


def _audience(form: GroupMailForm) -> svc.Audience:
    return svc.Audience(kind=form.kind.data, campaign_id=form.campaign_id.data, track_id=form.track_id.data,
                        entry_status=form.entry_status.data or "", sheets=form.sheets.data or "not_sent")


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    authorize("group_mail.send")
    form = _form()
    preview = None
    if form.validate_on_submit():
        if request.form.get("action") == "send":
            with refusal(form, on_form=True) as refused:
                mail = svc.send(_audience(form), subject=form.subject.data, body=form.body.data,
                                fingerprint=form.fingerprint.data or "", actor=current_user)
            if not refused:
                flash(f"Письмо «{mail.subject}» поставлено в очередь: получателей {mail.recipients}.", "success")
                return redirect(url_for(".index"))
        with refusal(form, on_form=True) as refused:
            preview = svc.preview(_audience(form), actor=current_user)
        if preview is not None:
            form.fingerprint.data = preview.fingerprint
    status = 422 if form.errors or form.form_errors else 200
    return render_template("group_mail/new.html", form=form, preview=preview, limit=svc.PREVIEW_LIMIT), status
