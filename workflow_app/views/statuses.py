"""Staff pages of the statuses area: the list of awards, an award with its changes by order, status types
and termination grounds (admins), import of the registry, the figures, an organisation's profile."""
from __future__ import annotations

import json
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import policy
from ..errors import ConcurrentChange, ValidationFailed
from ..export import xlsx_response
from ..extensions import db
from ..forms import version_of
from ..forms.staff import ConfirmForm, ImportForm
from ..forms.statuses import (
    AwardChangeForm,
    ExternalOrderForm,
    GroundsForm,
    NewStatusTypeForm,
    StatusTypeForm,
)
from ..machines.status_award import award_lifecycle
from ..models import Organization
from ..models.orders import Order
from ..models.status_award import AwardStatus, StatusAward
from ..models.status_type import StatusType
from ..services.orders import queries as order_queries
from ..services.platform import audit_journal
from ..services.platform import imports as upload_store
from ..services.platform.import_table import MAX_BYTES, MalformedFile
from ..services.statuses import awards as award_service
from ..services.statuses import grounding, importer, profile, stats
from ..services.statuses import types as status_types
from ..timeutil import today_local
from . import authorize, get_or_404, refusal
from .nav import NavItem, register_nav
from .registry import registry_page

bp = Blueprint("statuses", __name__)
register_nav(NavItem("Статусы", "statuses.awards", "award.list", "award"))
register_nav(NavItem("Показатели", "statuses.figures", "stats.awards", "bar-chart"))
register_nav(NavItem("Типы статусов", "statuses.types", "status_type.edit", "list-check"))
IMPORT_KIND = "statuses"


@bp.route("/statuses")
@login_required
def awards():
    """Every award (any state) until a date or a year is asked; then those in force."""
    authorize("award.list")
    return registry_page("statuses/index.html", everything=True, statuses=AwardStatus)


def _change_form(award: StatusAward) -> AwardChangeForm:
    form = AwardChangeForm()
    form.trigger.choices = [(t.trigger, t.label) for t in award_lifecycle.available(award, current_user)]
    form.order_id.choices = [(0, "— выберите приказ —")] + [
        (o.id, f"№ {o.number} от {o.order_date:%d.%m.%Y} — {o.title}") for o in order_queries.signed_orders()]
    form.ground_id.choices = [(0, "— выберите —")] + [(g.id, g.name) for g in status_types.grounds()]
    return form


@bp.route("/statuses/<int:award_id>", methods=["GET", "POST"])
@login_required
def award(award_id: int):
    award = get_or_404(StatusAward, award_id, "award.view")
    form = _change_form(award)
    status = 200
    if form.validate_on_submit():
        order = db.session.get(Order, form.order_id.data or 0)
        with refusal(form, "order_id") as refused:
            if order is None:
                raise ValidationFailed("Выберите приказ-основание.")
            if version_of(form) != award.version:
                raise ConcurrentChange()
            award_service.change(award, form.trigger.data, current_user, order, reason=form.reason.data or "",
                                 ground_id=form.ground_id.data or None, new_term_to=form.new_term_to.data)
        if not refused:
            flash("Изменение статуса записано.", "success")
            return redirect(url_for("statuses.award", award_id=award.id))
        status = refused.status
        award = db.session.get(StatusAward, award_id)
    elif form.is_submitted():
        status = 422
    history = audit_journal.object_history(award)
    return render_template("statuses/award.html", award=award, form=form, history=history,
                           describe=audit_journal.describe, external_form=ExternalOrderForm(),
                           issuer_of=grounding.issuer_of, today=today_local()), status


@bp.route("/statuses/orders/external", methods=["POST"])
@login_required
def register_order():
    """Register an order issued outside the system (a ministry's, a municipality's, a past paper order)."""
    authorize("order.register")
    form = ExternalOrderForm()
    back = request.form.get("back_award_id", type=int)
    if form.validate_on_submit():
        with refusal():
            order = grounding.register_external(current_user, form.issuer.data, form.number.data,
                                                form.order_date.data)
            flash(f"Приказ зарегистрирован: {order.title}. Выберите его как основание.", "success")
    else:
        flash("Приказ не зарегистрирован: " + "; ".join(e for errs in form.errors.values() for e in errs), "danger")
    return redirect(url_for("statuses.award", award_id=back) if back else url_for("statuses.awards"))


# --- status types and grounds (administrators) ------------------------------------------------------

@bp.route("/statuses/types")
@login_required
def types():
    authorize("status_type.edit")
    grounds = status_types.grounds()
    form = GroundsForm(data={"grounds": "\n".join(g.name for g in grounds)})
    return render_template("statuses/types.html", types=status_types.all_types(), grounds_form=form)


def _type_data(form: StatusTypeForm) -> status_types.TypeData:
    return status_types.TypeData(
        name=form.name.data or "", short_name=form.short_name.data or "",
        default_term_years=form.default_term_years.data, holder_org_types=form.holder_org_types.data or [],
        report_due_month=form.report_due_month.data, report_due_day=form.report_due_day.data,
        final_report=form.final_report.data, requirements=form.requirements.data or "",
        granting_body=form.granting_body.data, suspension_allowed=form.suspension_allowed.data)


@bp.route("/statuses/types/new", methods=["GET", "POST"])
@login_required
def new_type():
    authorize("status_type.edit")
    form = NewStatusTypeForm(data=None if request.method == "POST" else {
        "default_term_years": 3, "report_due_day": 1, "report_due_month": 12, "final_report": True,
        "requirements": "[]", "suspension_allowed": True})
    if form.validate_on_submit():
        with refusal(form) as refused:
            st = status_types.create_type(current_user, form.code.data, _type_data(form))
        if not refused:
            flash(f"Тип статуса «{st.short_name}» добавлен.", "success")
            return redirect(url_for("statuses.types"))
        return render_template("statuses/type_form.html", form=form, st=None), refused.status
    return render_template("statuses/type_form.html", form=form, st=None), 422 if form.is_submitted() else 200


@bp.route("/statuses/types/<int:type_id>", methods=["GET", "POST"])
@login_required
def edit_type(type_id: int):
    st = get_or_404(StatusType, type_id, "status_type.edit")
    data = None if request.method == "POST" else {
        "version": st.version, "name": st.name, "short_name": st.short_name,
        "default_term_years": st.default_term_years, "holder_org_types": st.holder_org_types,
        "report_due_day": st.report_due_day, "report_due_month": st.report_due_month,
        "final_report": st.final_report, "granting_body": st.granting_body.name,
        "suspension_allowed": st.suspension_allowed,
        "requirements": json.dumps(st.requirements, ensure_ascii=False, indent=1)}
    form = StatusTypeForm(data=data)
    if form.validate_on_submit():
        with refusal(form) as refused:
            if version_of(form) != st.version:
                raise ConcurrentChange()
            status_types.update_type(current_user, st, _type_data(form))
        if not refused:
            flash(f"Тип статуса «{st.short_name}» сохранён.", "success")
            return redirect(url_for("statuses.types"))
        return render_template("statuses/type_form.html", form=form, st=st), refused.status
    return render_template("statuses/type_form.html", form=form, st=st), 422 if form.is_submitted() else 200


@bp.route("/statuses/grounds", methods=["POST"])
@login_required
def save_grounds():
    authorize("status_type.edit")
    form = GroundsForm()
    if form.validate_on_submit():
        with refusal(form, "grounds") as refused:
            status_types.save_grounds(current_user, form.grounds.data)
        if not refused:
            flash("Основания досрочного прекращения сохранены.", "success")
            return redirect(url_for("statuses.types"))
    return render_template("statuses/types.html", types=status_types.all_types(), grounds_form=form), 422


# --- import of the registry -------------------------------------------------------------------------

@bp.route("/statuses/import", methods=["GET", "POST"])
@login_required
def import_upload():
    authorize("award.import")
    form = ImportForm()
    if form.validate_on_submit():
        data = form.file.data.read(MAX_BYTES + 1)
        try:
            importer.check(data)  # a file that cannot be read is not kept
        except MalformedFile as exc:
            form.file.errors = list(form.file.errors) + [exc.message]
            return render_template("statuses/import_upload.html", form=form), 422
        token = upload_store.store(IMPORT_KIND, data, form.file.data.filename or "", current_user)
        return redirect(url_for("statuses.import_preview", token=token))
    return render_template("statuses/import_upload.html", form=form), 422 if form.is_submitted() else 200


@bp.route("/statuses/import/template.xlsx")
@login_required
def import_template():
    authorize("award.import")
    return xlsx_response("shablon-reestr-statusov", importer.template())


def _stored(token: str) -> tuple[bytes, str]:
    stored = upload_store.load(IMPORT_KIND, token, current_user)
    if stored is None:
        abort(404)
    return stored


def _preview(token, filename, report, status=200, message=""):
    return render_template("statuses/import_preview.html", token=token, filename=filename, report=report,
                           form=ConfirmForm(), message=message), status


@bp.route("/statuses/import/<token>", methods=["GET"])
@login_required
def import_preview(token: str):
    authorize("award.import")
    data, filename = _stored(token)
    try:
        return _preview(token, filename, importer.check(data))
    except MalformedFile as exc:
        return _preview(token, filename, None, 422, exc.message)


@bp.route("/statuses/import/<token>", methods=["POST"])
@login_required
def import_confirm(token: str):
    authorize("award.import")
    data, filename = _stored(token)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        report, created = importer.apply(data, filename, current_user)
    except MalformedFile as exc:
        return _preview(token, filename, None, 422, exc.message)
    if not report.ok:
        return _preview(token, filename, report, 409, upload_store.STALE)
    upload_store.discard(token)
    flash(f"Импортировано статусов: {len(created)}; уже были в реестре: {report.skipped}.", "success")
    return redirect(url_for("statuses.awards"))


# --- figures ------------------------------------------------------------------------------------------

@bp.route("/statuses/figures")
@login_required
def figures():
    authorize("stats.awards")
    today = today_local()
    try:
        on = date.fromisoformat(request.args.get("on", "").strip())
    except ValueError:
        on = today
    if request.args.get("export") == "xlsx":
        return xlsx_response(f"Статусы на {on:%d.%m.%Y}", stats.xlsx(on))
    type_short = (request.args.get("type") or "").strip() or None
    if type_short and status_types.by_short(type_short) is None:
        type_short = None
    first = max(2000, min(on.year, today.year) - 9)
    return render_template(
        "statuses/figures.html", on=on, type_short=type_short, types=status_types.all_types(),
        by_org_type=stats.awards_stats(on, type_short, "org_type"),
        by_type=stats.awards_stats(on, None, "type"),
        by_municipality=stats.awards_stats(on, type_short, "municipality"),
        cross=stats.type_by_org_type(on), years=stats.by_year(first, max(on.year, today.year), type_short))


# --- organisation profile ---------------------------------------------------------------------------

@bp.route("/orgs/<int:org_id>/profile")
@login_required
def org_profile(org_id: int):
    org = get_or_404(Organization, org_id, "organization.profile")
    return render_template("statuses/profile.html", org=org, timeline=profile.timeline(org, current_user),
                           can_history=policy.can(current_user, "audit.view"))
