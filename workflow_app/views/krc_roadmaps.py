"""Roadmaps (ДК) of network-status holders: the staff list, the holder's plan (grid editor), staff approval,
«Подготовить приказ», notes on the content, and the completion report against the plan."""
from __future__ import annotations

import json
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import policy
from ..errors import ConcurrentChange
from ..export import build_xlsx, xlsx_response
from ..extensions import db
from ..forms import version_of
from ..forms.krc import ActionForm, ConfirmForm, NoteForm, RoadmapForm
from ..listing import paginate, parse_args
from ..machines.roadmap import roadmap_lifecycle
from ..models import Organization
from ..models.roadmap import Roadmap, RoadmapStatus
from ..services.krc import queries
from ..services.krc import roadmaps as service
from ..services.krc.deadlines import deadlines
from ..timeutil import today_local
from . import authorize, get_or_404, refusal
from .krc import fire_staff_trigger
from .nav import NavItem, register_nav

bp = Blueprint("krc_roadmaps", __name__)
register_nav(NavItem("Дорожные карты", "krc_roadmaps.roadmaps", "roadmap.list", "map"))
STAFF_TRIGGERS = ("return", "approve")


@bp.route("/krc/roadmaps")
@login_required
def roadmaps():
    authorize("roadmap.list")
    args = parse_args(queries.ROADMAP_FILTERS, tuple(queries.ROADMAP_SORTS), "year", True)
    stmt = queries.roadmaps(args)
    today = today_local()
    if request.args.get("export") == "xlsx":
        rows = ((r.year, r.organization.short_name, r.organization.municipality.name, r.title, r.status,
                 r.approved_at, service.overdue(r, today))
                for r in db.session.execute(stmt).unique().scalars())
        data = build_xlsx("Дорожные карты", ["Год", "Организация", "Муниципалитет", "Название", "Состояние",
                                             "Утверждена", "Просрочка"], rows)
        return xlsx_response("Дорожные карты", data)
    year = args.int_filter("year") or today.year
    return render_template("krc/roadmaps.html", page=paginate(stmt, args), args=args, states=RoadmapStatus,
                           municipalities=queries.municipalities(), overdue=service.overdue, today=today,
                           due=deadlines(year))


def _posted_plan(raw: str | None, fallback: dict) -> dict:
    """The table as posted (shown again after a refusal), or `fallback` when it is not a JSON object."""
    try:
        value = json.loads(raw or "")
    except ValueError:
        return fallback
    return value if isinstance(value, dict) else fallback


@bp.route("/krc/roadmaps/new", methods=["GET", "POST"])
@login_required
def new_roadmap():
    org_id = request.values.get("org", type=int)
    orgs = queries.organizations(current_user.applicant_org_ids()) if org_id is None else [
        get_or_404(Organization, org_id)]
    if not orgs:
        abort(403)
    for org in orgs:
        authorize("roadmap.create", org)
    form = RoadmapForm(data=None if request.method == "POST" else {"year": today_local().year})
    form.organization_id.choices = [(o.id, o.short_name) for o in orgs]
    status = 200
    if form.validate_on_submit():
        org = next((o for o in orgs if o.id == form.organization_id.data), None)
        with refusal(form) as refused:
            if org is None:
                abort(400)
            roadmap = service.create(current_user, org, int(form.year.data or 0), form.title.data or "", form.plan.data)
        if not refused:
            flash("Дорожная карта сохранена как черновик.", "success")
            return redirect(url_for("krc_roadmaps.roadmap", roadmap_id=roadmap.id))
        status = refused.status
    elif form.is_submitted():
        status = 422
    plan = _posted_plan(form.plan.data, service.blank_plan()) if request.method == "POST" else service.blank_plan()
    return render_template("krc/roadmap_form.html", form=form, plan=plan, columns=service.COLUMNS), status


@bp.route("/krc/roadmaps/<int:roadmap_id>", methods=["GET", "POST"])
@login_required
def roadmap(roadmap_id: int):
    roadmap = get_or_404(Roadmap, roadmap_id, "roadmap.view")
    editable = roadmap.status in service.EDITABLE and policy.can(current_user, "roadmap.edit", roadmap)
    form = RoadmapForm(data=None if request.method == "POST" else {"title": roadmap.title})
    del form.year  # fixed when the roadmap was created
    form.organization_id.choices = [(roadmap.organization_id, roadmap.organization.short_name)]
    status = 200
    if request.method == "POST":
        if not editable:
            abort(403)
        if form.validate_on_submit():
            with refusal(form) as refused:
                if version_of(form) != roadmap.version:
                    raise ConcurrentChange()
                service.update(roadmap, current_user, form.title.data or "", form.plan.data)
                if request.form.get("then") == "submit":
                    service.submit(roadmap, current_user)
            if not refused:
                flash("Дорожная карта представлена на утверждение." if request.form.get("then") == "submit"
                      else "Изменения сохранены.", "success")
                return redirect(url_for("krc_roadmaps.roadmap", roadmap_id=roadmap.id))
            status = refused.status
            roadmap = db.session.get(Roadmap, roadmap_id)
        else:
            status = 422
    plan = _posted_plan(form.plan.data, roadmap.plan) if request.method == "POST" else roadmap.plan
    return render_template(
        "krc/roadmap.html", roadmap=roadmap, form=form, plan=plan, editable=editable, columns=service.COLUMNS,
        rows=service.plan_vs_fact(roadmap), facts=service.FACTS, action_form=ActionForm(), note_form=NoteForm(),
        confirm_form=ConfirmForm(), overdue=service.overdue(roadmap), due=deadlines(roadmap.year),
        staff_triggers=[t for t in roadmap_lifecycle.available(roadmap, current_user)
                        if t.trigger in STAFF_TRIGGERS]), status


@bp.route("/krc/roadmaps/<int:roadmap_id>/act", methods=["POST"])
@login_required
def roadmap_act(roadmap_id: int):
    roadmap = get_or_404(Roadmap, roadmap_id, "roadmap.view")
    fire_staff_trigger(roadmap_lifecycle, roadmap, {"return": "Дорожная карта возвращена на доработку.",
                                                    "approve": "Дорожная карта утверждена."})
    return redirect(url_for("krc_roadmaps.roadmap", roadmap_id=roadmap_id))


@bp.route("/krc/roadmaps/<int:roadmap_id>/order", methods=["POST"])
@login_required
def roadmap_order(roadmap_id: int):
    roadmap = get_or_404(Roadmap, roadmap_id, "roadmap.prepare_order")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with refusal() as refused:
        order = service.prepare_order(roadmap, current_user)
    if refused:
        return redirect(url_for("krc_roadmaps.roadmap", roadmap_id=roadmap_id))
    flash("Проект приказа об утверждении дорожной карты подготовлен.", "success")
    return redirect(url_for("orders.view", order_id=order.id))


@bp.route("/krc/roadmaps/<int:roadmap_id>/notes", methods=["POST"])
@login_required
def roadmap_note(roadmap_id: int):
    roadmap = get_or_404(Roadmap, roadmap_id, "roadmap.note")
    form = NoteForm()
    if form.validate_on_submit():
        with refusal(form) as refused:
            service.add_note(roadmap, current_user, form.noted_on.data, form.text.data or "")
        if not refused:
            flash("Замечание по содержанию записано.", "success")
        else:
            flash(refused.message, "danger")
    else:
        flash("Замечание не записано: " + "; ".join(e for errs in form.errors.values() for e in errs), "danger")
    return redirect(url_for("krc_roadmaps.roadmap", roadmap_id=roadmap_id) + "#notes")


def _facts(roadmap: Roadmap) -> dict[int, service.Fact]:
    out = {}
    for r in service.reportable(service.plan_rows(roadmap)):
        i = r["index"]
        raw_date = (request.form.get(f"new_date_{i}") or "").strip()
        try:
            new_date = date.fromisoformat(raw_date) if raw_date else None
        except ValueError:
            new_date = None
        out[i] = service.Fact(fact=request.form.get(f"fact_{i}") or "", new_date=new_date,
                              comment=request.form.get(f"comment_{i}") or "")
    return out


@bp.route("/krc/roadmaps/<int:roadmap_id>/report", methods=["GET", "POST"])
@login_required
def roadmap_report(roadmap_id: int):
    roadmap = get_or_404(Roadmap, roadmap_id, "roadmap.view")
    form = ConfirmForm()
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        authorize("roadmap.edit_report", roadmap)
        if not form.validate_on_submit():
            abort(400)
        with refusal(show=False) as refused:
            if version_of(form) != roadmap.version:
                raise ConcurrentChange()
            service.save_completion(roadmap, current_user, _facts(roadmap))
            if request.form.get("then") == "submit":
                service.report(roadmap, current_user)
        if not refused:
            flash("Отчёт о выполнении представлен." if request.form.get("then") == "submit"
                  else "Отчёт сохранён.", "success")
            return redirect(url_for("krc_roadmaps.roadmap_report", roadmap_id=roadmap_id))
        errors = getattr(refused.error, "errors", None) or {"_": refused.message}
        status = refused.status
        roadmap = db.session.get(Roadmap, roadmap_id)
    return render_template("krc/roadmap_report.html", roadmap=roadmap, rows=service.plan_vs_fact(roadmap),
                           facts=service.FACTS, form=form, errors=errors, posted=request.form,
                           editable=roadmap.status == RoadmapStatus.approved
                           and policy.can(current_user, "roadmap.edit_report", roadmap)), status
