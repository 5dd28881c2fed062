"""Users (staff): list, export, card, create with invitation, edit roles, block/unblock."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import policy
from ..errors import DomainError
from ..export import build_xlsx, xlsx_response
from ..extensions import db
from ..forms import RuForm
from ..forms.staff import ReasonForm, UserForm, choices
from ..listing import paginate, parse_args
from ..machines import user_lifecycle
from ..models import Organization, OrgStatus, Role, User, UserStatus
from ..services.platform import audit_journal
from ..services.platform import queries as platform_queries
from ..services.platform import users as service
from ..services.platform.orgs import visible_municipalities
from ..services.platform.validation import FieldErrors
from . import authorize, get_or_404, refusal
from .nav import NavItem, register_nav
from .staff_common import int_or_none, set_password_link

bp = Blueprint("users", __name__, url_prefix="/users")
register_nav(NavItem("Пользователи", "users.index", "user.list", "people"))


def _list_args():
    return parse_args(service.FILTERS, service.SORTABLE, default_sort="name")


def _org_options(include_id: int | None = None) -> list[tuple[int, str]]:
    rows = platform_queries.org_options_rows()
    return [(oid, f"{short} ({muni})") for oid, short, muni, status in rows
            if status == OrgStatus.active or oid == include_id]


@bp.route("/")
@login_required
def index():
    authorize("user.list")
    args = _list_args()
    page = paginate(service.list_query(args), args)
    return render_template("users/index.html", page=page, args=args, roles=list(Role),
                           statuses=list(UserStatus), orgs=_org_options(),
                           municipalities=visible_municipalities(current_user))


@bp.route("/export.xlsx")
@login_required
def export():
    authorize("user.export")
    stmt = service.list_query(_list_args())
    data = build_xlsx("Пользователи", service.EXPORT_HEADERS, service.export_rows(stmt),
                      widths=[30, 36, 28, 18, 30, 26, 50, 14, 18])
    return xlsx_response("Пользователи", data)


def _form_choices(form: UserForm, user: User | None = None) -> None:
    keep = user.organization_id if user else None
    options = _org_options(keep)
    granted = {g.organization_id for g in user.grants if g.organization_id} if user else set()
    form.organization_id.choices = choices([(None, "— не указана —")] + options)
    extra = [(o.id, o.short_name) for o in (db.session.get(Organization, i) for i in granted)
             if o is not None and o.id not in {i for i, _ in options}]
    form.applicant_org_ids.choices = choices(options + extra)
    form.coordinator_municipality_ids.choices = choices(
        (m.id, m.name) for m in visible_municipalities(current_user))


def _data(form: UserForm) -> service.UserData:
    return service.UserData(
        email=form.email.data or "", full_name=form.full_name.data or "",
        position=form.position.data or "", phone=form.phone.data or "",
        organization_id=form.organization_id.data,
        roles=[Role[r] for r in (form.roles.data or []) if r in Role.__members__],
        applicant_org_ids=list(form.applicant_org_ids.data or []),
        coordinator_municipality_ids=list(form.coordinator_municipality_ids.data or []),
    )


def _render_form(form, user, status=200):
    return render_template("users/form.html", form=form, user=user,
                           may_grant_admin=policy.can(current_user, "user.grant_admin")), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    authorize("user.create")
    form = UserForm()
    _form_choices(form)
    if request.method == "GET" and (oid := int_or_none(request.args.get("organization"))):
        form.organization_id.data = oid
    if form.validate_on_submit():
        with refusal(form, catch=FieldErrors) as refused:
            user = service.create_user(current_user, _data(form), set_password_link)
        if refused:
            _form_choices(form)
            return _render_form(form, None, 422)
        flash(f"Пользователь {user.email} создан; ему отправлено письмо со ссылкой для установки пароля.",
              "success")
        return redirect(url_for("users.view", user_id=user.id))
    return _render_form(form, None, 422 if form.is_submitted() else 200)


@bp.route("/<int:user_id>")
@login_required
def view(user_id: int):
    user = get_or_404(User, user_id, "user.view")
    history = audit_journal.object_history(user) if policy.can(current_user, "audit.view") else None
    return render_template("users/view.html", user=user, history=history,
                           transitions=user_lifecycle.available(user, current_user),
                           labels=service.FIELD_LABELS, describe=audit_journal.describe)


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@login_required
def edit(user_id: int):
    user = get_or_404(User, user_id, "user.edit")
    if request.method == "GET":
        form = UserForm(obj=user)
        form.roles.data = [r.name for r in user.roles]
        form.applicant_org_ids.data = sorted(user.applicant_org_ids())
        form.coordinator_municipality_ids.data = sorted(user.coordinator_municipality_ids())
        form.version.data = str(user.version)
    else:
        form = UserForm()
    _form_choices(form, user)
    if form.validate_on_submit():
        with refusal(form, on_form=True) as refused:
            result = service.update_user(current_user, user, _data(form), int_or_none(form.version.data))
        if refused:
            user = get_or_404(User, user_id)
            _form_choices(form, user)
            return _render_form(form, user, refused.status)
        changed = result["changes"] or result["added"] or result["removed"]
        flash("Изменения сохранены." if changed else "Изменений нет.", "success" if changed else "info")
        return redirect(url_for("users.view", user_id=user_id))
    return _render_form(form, user, 422 if form.is_submitted() else 200)


@bp.route("/<int:user_id>/<any(deactivate, reactivate):trigger>", methods=["POST"])
@login_required
def change_status(user_id: int, trigger: str):
    user = get_or_404(User, user_id)
    if trigger == "deactivate" and user.id == current_user.id:
        raise DomainError("Нельзя заблокировать собственную учётную запись.")
    authorize(user_lifecycle.action(trigger), user)
    form = ReasonForm()
    if not form.validate_on_submit() or form.version.data is None:
        abort(400)
    service.change_status(current_user, user, trigger, reason=form.reason.data or "",
                          expected_version=form.version.data)
    label = user_lifecycle.transitions[trigger].label
    flash(f"Выполнено: {label.lower()} — {user.email}.", "success")
    return redirect(url_for("users.view", user_id=user_id))


@bp.route("/<int:user_id>/invite", methods=["POST"])
@login_required
def invite(user_id: int):
    user = get_or_404(User, user_id, "user.edit")
    if not RuForm().validate_on_submit():  # CSRF only
        abort(400)
    service.resend_invite(current_user, user, set_password_link)
    flash(f"Письмо со ссылкой для установки пароля отправлено на {user.email}.", "success")
    return redirect(url_for("users.view", user_id=user_id))
