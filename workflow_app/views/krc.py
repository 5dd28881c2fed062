"""Applications of ТМС for network statuses (КРЦ/РЦОО, ЛСВ): the staff list, the holder's form with its
figures against the type's minimum requirements, staff review, the council's decision, the granting order;
the holder's own page of applications and roadmaps; the cycle's deadlines."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import policy
from ..errors import ConcurrentChange, ValidationFailed
from ..export import build_xlsx, xlsx_response
from ..extensions import db
from ..forms import version_of
from ..forms.krc import ActionForm, ApplicationForm, CouncilForm, DeadlinesForm, TermForm
from ..ints import db_int
from ..listing import paginate, parse_args
from ..machines.base import fire
from ..machines.status_application import application_lifecycle
from ..models import Organization
from ..models.status_application import ApplicationStatus, StatusApplication
from ..models.status_type import StatusType
from ..services.krc import applications as service
from ..services.krc import queries, requirements
from ..services.krc import roadmaps as roadmap_service
from ..services.krc.deadlines import deadlines, set_deadlines
from ..services.statuses import types as status_types
from ..timeutil import today_local
from . import authorize, get_or_404, refusal
from .nav import NavItem, register_nav

bp = Blueprint("krc", __name__)
register_nav(NavItem("Заявки КРЦ/ЛСВ", "krc.applications", "status_application.list", "diagram-3"))
register_nav(NavItem("КРЦ/ЛСВ: заявки и дорожные карты", "krc.mine", "krc.mine", "diagram-3"))
STAFF_TRIGGERS = ("return", "accept")


@bp.route("/krc/applications")
@login_required
def applications():
    authorize("status_application.list")
    args = parse_args(queries.APPLICATION_FILTERS, tuple(queries.APPLICATION_SORTS), "year", True)
    stmt = queries.applications(args)
    if request.args.get("export") == "xlsx":
        rows = ((a.year, a.organization.short_name, a.organization.municipality.name, a.status_type.short_name,
                 a.theme, a.status, a.shortfalls, "; ".join(requirements.describe(f)
                                                            for f in requirements.shortfalls(a.figures)))
                for a in db.session.execute(stmt).unique().scalars())
        data = build_xlsx("Заявки", ["Год", "Организация", "Муниципалитет", "Статус", "Тема", "Состояние",
                                     "Ниже минимума", "Показатели ниже минимума"], rows)
        return xlsx_response("Заявки на статус", data)
    return render_template("krc/applications.html", page=paginate(stmt, args), args=args,
                           types=status_types.all_types(), states=ApplicationStatus,
                           municipalities=queries.municipalities())


def _own_orgs() -> list[Organization]:
    return queries.organizations(current_user.applicant_org_ids())


def _figure_values(app: StatusApplication | None) -> dict[str, str]:
    if request.method == "POST":
        return {k: v for k, v in request.form.items() if k.startswith("fig_")}
    return {requirements.field_name(f["code"]): "" if f["value"] is None else str(f["value"]).replace(".", ",")
            for f in (app.figures if app else [])}


def _data(form: ApplicationForm) -> service.ApplicationData:
    return service.ApplicationData(theme=form.theme.data or "", summary=form.summary.data or "",
                                   figures=_figure_values(None))


@bp.route("/krc/applications/new", methods=["GET", "POST"])
@login_required
def new_application():
    org_id = request.values.get("org", type=int)
    orgs = _own_orgs() if org_id is None else [get_or_404(Organization, org_id)]
    if not orgs:
        abort(403)
    for org in orgs:
        authorize("status_application.create", org)
    form = ApplicationForm(data=None if request.method == "POST" else {"year": today_local().year})
    form.organization_id.choices = [(o.id, o.short_name) for o in orgs]
    org = next((o for o in orgs if o.id == form.organization_id.data), orgs[0])
    allowed = service.types_for(org)
    form.status_type.choices = [(t.code, t.label) for t in allowed]
    st = next((t for t in allowed if t.code == form.status_type.data), allowed[0] if allowed else None)
    status = 200
    if request.method == "POST" and request.form.get("step") != "type" and form.validate_on_submit():
        with refusal(form) as refused:
            if st is None:
                raise ValidationFailed("Для этой организации нет статусов, на которые подаётся заявка.")
            app = service.create(current_user, org, st, int(form.year.data or 0), _data(form),
                                 request.files.get("file"))
        if not refused:
            flash("Заявка сохранена как черновик. Проверьте показатели и подайте её.", "success")
            return redirect(url_for("krc.application", app_id=app.id))
        status = refused.status
    elif form.is_submitted() and request.form.get("step") != "type":
        status = 422
    figures = _preview(st, _figure_values(None)) if st else []
    return render_template("krc/application_form.html", form=form, app=None, figures=figures, st=st), status


def _preview(st: StatusType, values: dict[str, str]) -> list[dict]:
    """The requirements with what was typed and whether it falls short (shown before saving)."""
    out = []
    for f in requirements.blank(st):
        raw = values.get(requirements.field_name(f["code"]), "")
        f["value"], f["raw"] = requirements.read(raw), raw
        out.append(f)
    return out


@bp.route("/krc/applications/<int:app_id>", methods=["GET", "POST"])
@login_required
def application(app_id: int):
    app = get_or_404(StatusApplication, app_id, "status_application.view")
    form = ApplicationForm(obj=app if request.method == "GET" else None)
    del form.year  # fixed when the application was created
    form.organization_id.choices = [(app.organization_id, app.organization.short_name)]
    form.status_type.choices = [(app.status_type.code, app.status_type.label)]
    status = 200
    editable = app.status in service.EDITABLE and policy.can(current_user, "status_application.edit", app)
    if request.method == "POST":
        if not editable:
            abort(403)
        if form.validate_on_submit():
            with refusal(form) as refused:
                if version_of(form) != app.version:
                    raise ConcurrentChange()
                service.update(app, current_user, _data(form), request.files.get("file"))
                if request.form.get("then") == "submit":
                    service.submit(app, current_user)
            if not refused:
                flash("Заявка подана." if request.form.get("then") == "submit" else "Изменения сохранены.",
                      "success")
                return redirect(url_for("krc.application", app_id=app.id))
            status = refused.status
            app = db.session.get(StatusApplication, app_id)
        else:
            status = 422
    figures = _preview(app.status_type, _figure_values(app)) if editable else [
        {**f, "raw": ""} for f in app.figures]
    start, end = service.default_term(app)
    return render_template(
        "krc/application.html", app=app, form=form, editable=editable, figures=figures,
        short=requirements.shortfalls(app.figures), describe=requirements.describe, is_short=requirements.is_short,
        action_form=ActionForm(), council_form=CouncilForm(), term_form=TermForm(data={"term_from": start,
                                                                                      "term_to": end}),
        staff_triggers=[t for t in application_lifecycle.available(app, current_user)
                        if t.trigger in STAFF_TRIGGERS]), status


@bp.route("/krc/applications/<int:app_id>/act", methods=["POST"])
@login_required
def application_act(app_id: int):
    app = get_or_404(StatusApplication, app_id, "status_application.view")
    fire_staff_trigger(application_lifecycle, app, {"return": "Заявка возвращена на доработку.",
                                                    "accept": "Заявка передана на методический совет."})
    return redirect(url_for("krc.application", app_id=app_id))


def fire_staff_trigger(lifecycle, obj, done: dict[str, str]) -> None:
    """A staff review step posted with ActionForm (an application's or a roadmap's): only the triggers of
    `done` are accepted (anything else is a 400), each flashed with its message when it went through."""
    form = ActionForm()
    if not form.validate_on_submit() or form.trigger.data not in done:
        abort(400)
    with refusal() as refused:
        fire(lifecycle, obj, form.trigger.data, actor=current_user, reason=form.reason.data or "",
             expected_version=version_of(form))
    if not refused:
        flash(done[form.trigger.data], "success")


@bp.route("/krc/applications/<int:app_id>/council", methods=["POST"])
@login_required
def application_council(app_id: int):
    app = get_or_404(StatusApplication, app_id, "status_application.view")
    form = CouncilForm()
    if form.validate_on_submit():
        with refusal(form, "council_number"):
            service.decide(app, current_user, approve=form.outcome.data == "approve",
                           council_date=form.council_date.data, number=form.council_number.data or "",
                           decision=form.decision.data or "", file_storage=request.files.get("file"),
                           expected_version=version_of(form))
            flash("Решение методического совета записано.", "success")
    else:
        flash("Решение не записано: " + "; ".join(e for errs in form.errors.values() for e in errs), "danger")
    return redirect(url_for("krc.application", app_id=app_id))


@bp.route("/krc/applications/<int:app_id>/order", methods=["POST"])
@login_required
def application_order(app_id: int):
    app = get_or_404(StatusApplication, app_id, "status_application.prepare_order")
    form = TermForm()
    if not form.validate_on_submit():
        flash("Проект приказа не подготовлен: " + "; ".join(e for errs in form.errors.values() for e in errs),
              "danger")
        return redirect(url_for("krc.application", app_id=app_id))
    with refusal() as refused:
        order = service.prepare_order(app, current_user, form.term_from.data, form.term_to.data)
    if refused:
        return redirect(url_for("krc.application", app_id=app_id))
    flash("Проект приказа о присвоении статуса подготовлен. Статус будет присвоен при подписании приказа.",
          "success")
    return redirect(url_for("orders.view", order_id=order.id))


@bp.route("/krc/my")
@login_required
def mine():
    """The holder's own page: its applications and roadmaps, with the year's deadlines."""
    authorize("krc.mine")
    orgs = _own_orgs()
    apps, maps = queries.of_organizations({o.id for o in orgs})
    return render_template("krc/mine.html", orgs=orgs, apps=apps, maps=maps, overdue=roadmap_service.overdue,
                           due=deadlines(today_local().year))


@bp.route("/krc/deadlines", methods=["GET", "POST"])
@login_required
def cycle_deadlines():
    authorize("krc.deadlines")
    year = db_int(request.values.get("year"))
    if year is None or not 2000 <= year <= 2100:  # the form's range; any other value shows this year
        year = today_local().year
    due = deadlines(year)
    form = DeadlinesForm(data={"year": year, "roadmap_approval": due.roadmap_approval,
                               "completion_report": due.completion_report})
    status = 200
    if request.method == "POST":
        form = DeadlinesForm()
        if form.validate_on_submit():
            with refusal(form, "completion_report") as refused:
                set_deadlines(current_user, int(form.year.data or 0), form.roadmap_approval.data,
                              form.completion_report.data)
            if not refused:
                flash(f"Сроки {form.year.data} года сохранены.", "success")
                return redirect(url_for("krc.cycle_deadlines", year=form.year.data))
            status = refused.status
        else:
            status = 422
    return render_template("krc/deadlines.html", form=form), status
