"""Organisations: list, export, card, create/edit, deactivate/reactivate."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import policy
from ..export import build_xlsx, xlsx_response
from ..forms.staff import OrgForm, ReasonForm, choices
from ..listing import paginate, parse_args
from ..machines import organization_lifecycle
from ..models import Organization, OrgStatus, OrgType, Role, User
from ..services.platform import audit_journal
from ..services.platform import orgs as service
from ..services.platform.validation import FieldErrors
from . import authorize, get_or_404, refusal
from .dashboard import Panel, panel
from .nav import NavItem, register_nav
from .staff_common import int_or_none

bp = Blueprint("orgs", __name__, url_prefix="/orgs")
register_nav(NavItem("Организации", "orgs.index", "org.list", "building"))


def _list_args():
    return parse_args(service.FILTERS, service.SORTABLE, default_sort="name")


@bp.route("/")
@login_required
def index():
    authorize("org.list")
    args = _list_args()
    page = paginate(service.list_query(current_user, args), args)
    return render_template(
        "orgs/index.html", page=page, args=args, types=list(OrgType), statuses=list(OrgStatus),
        municipalities=service.visible_municipalities(current_user),
    )


@bp.route("/export.xlsx")
@login_required
def export():
    authorize("org.export")
    stmt = service.list_query(current_user, _list_args())
    data = build_xlsx("Организации", service.EXPORT_HEADERS, service.export_rows(stmt),
                      widths=[10, 60, 30, 28, 40, 30, 28, 18, 14, 16])
    return xlsx_response("Организации", data)


def _form_choices(form: OrgForm) -> None:
    form.municipality_id.choices = choices([(None, "— выберите —")] + [
        (m.id, m.name) for m in service.visible_municipalities(current_user)])


def _data(form: OrgForm) -> service.OrgData:
    return service.OrgData(
        org_type=OrgType[form.org_type.data], full_name=form.full_name.data or "",
        short_name=form.short_name.data or "", municipality_id=form.municipality_id.data,
        address=form.address.data or "", head_name=form.head_name.data or "",
        email=form.email.data or "", phone=form.phone.data or "", inn=form.inn.data or None,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    authorize("org.create")
    form = OrgForm()
    _form_choices(form)
    if form.validate_on_submit():
        with refusal(form, catch=FieldErrors) as refused:
            org = service.create_org(current_user, _data(form))
        if refused:
            _form_choices(form)
            return render_template("orgs/form.html", form=form, org=None), 422
        flash(f"Организация «{org.short_name}» добавлена.", "success")
        return redirect(url_for("orgs.view", org_id=org.id))
    status = 422 if form.is_submitted() else 200
    return render_template("orgs/form.html", form=form, org=None), status


@bp.route("/<int:org_id>")
@login_required
def view(org_id: int):
    org = get_or_404(Organization, org_id, "org.view")
    return render_template(
        "orgs/view.html", org=org, users=service.org_users(org),
        history=audit_journal.object_history(org) if policy.can(current_user, "audit.view") else None,
        transitions=organization_lifecycle.available(org, current_user),
        reason_form=ReasonForm(), labels=service.FIELD_LABELS, describe=audit_journal.describe,
    )


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
@login_required
def edit(org_id: int):
    org = get_or_404(Organization, org_id, "org.edit")
    form = OrgForm(obj=org) if request.method == "GET" else OrgForm()
    if request.method == "GET":
        form.org_type.data = org.org_type.name
        form.version.data = str(org.version)
    _form_choices(form)
    if form.validate_on_submit():
        # A stale form is said on the form itself, keeping what was typed.
        with refusal(form, on_form=True) as refused:
            changes = service.update_org(current_user, org, _data(form), int_or_none(form.version.data))
        if refused:
            _form_choices(form)
            return render_template("orgs/form.html", form=form, org=org), refused.status
        flash("Изменения сохранены." if changes else "Изменений нет.", "success" if changes else "info")
        return redirect(url_for("orgs.view", org_id=org_id))
    status = 422 if form.is_submitted() else 200
    return render_template("orgs/form.html", form=form, org=org), status


@bp.route("/<int:org_id>/<any(deactivate, reactivate):trigger>", methods=["POST"])
@login_required
def change_status(org_id: int, trigger: str):
    org = get_or_404(Organization, org_id)
    authorize(organization_lifecycle.action(trigger), org)
    form = ReasonForm()
    if not form.validate_on_submit() or form.version.data is None:
        abort(400)
    # DomainError (no reason, stale version) → the handler rolls back and flashes the message.
    service.change_status(current_user, org, trigger, reason=form.reason.data or "",
                          expected_version=form.version.data)
    label = organization_lifecycle.transitions[trigger].label
    flash(f"Выполнено: {label.lower()} — «{org.short_name}».", "success")
    return redirect(url_for("orgs.view", org_id=org_id))


# --- dashboard shortcuts to the organisation and user screens ----------------------------------

@panel(Role.staff)
def _staff_directory(user: User) -> Panel:
    return Panel(title="Организации и пользователи", links=[
        ("Организации", url_for("orgs.index")), ("Пользователи", url_for("users.index")),
        ("Импорт организаций", url_for("imports.upload", kind="orgs")),
        ("Импорт пользователей", url_for("imports.upload", kind="users")),
    ])


@panel(Role.coordinator)
def _coordinator_orgs(user: User) -> Panel:
    return Panel(title="Организации муниципалитета", links=[("Открыть список", url_for("orgs.index"))])


@panel(Role.admin)
def _admin_directory(user: User) -> Panel | None:
    return None if user.has_role(Role.staff) else _staff_directory(user)  # shown once per person
