"""ФИП preparation pages: the list of cases, opening one, the case (readiness, the federal form, review
rounds, the council's and the ministry's outcomes, history), the difference between rounds, the export
in the federal layout, and the staff settings (federal deadline per year, manual readiness items)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import policy
from ..documents import fip as fip_doc
from ..downloads import send_bytes, send_stored
from ..export import build_xlsx, xlsx_response
from ..forms import version_of
from ..forms.fip import (
    CaseForm,
    ChecksForm,
    InfographicForm,
    ManualItemsForm,
    OpenCaseForm,
    RemarksForm,
    SettingsForm,
    TransitionForm,
)
from ..listing import apply_sort, paginate, parse_args
from ..machines.fip_case import fip_lifecycle
from ..models import Organization
from ..models.fip_case import FipCase, FipStatus
from ..services.fip import cases, queries, readiness, rounds, settings
from ..services.fip import form as fip_form
from ..services.platform import audit_journal
from ..timeutil import today_local
from . import authorize, get_or_404, refusal
from .nav import NavItem, register_nav

bp = Blueprint("fip", __name__)
register_nav(NavItem("ФИП", "fip.index", "fip.list", "flag"))
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.route("/fip")
@login_required
def index():
    authorize("fip.list")
    args = parse_args(("status", "year"), tuple(queries.SORTS), default_sort="updated", default_desc=True)
    status = FipStatus.__members__.get(args.filters["status"])
    stmt = queries.case_query(current_user, args.q, status, args.int_filter("year"))
    stmt = apply_sort(stmt, args, queries.SORTS, FipCase.id.desc())
    if request.args.get("export") == "xlsx":
        rows = [(c.organization.short_name, c.project, c.year, c.status.value, c.council_date, c.submitted_on)
                for c in queries.all_of(stmt)]
        return xlsx_response("fip-cases.xlsx", build_xlsx(
            "ФИП", ["Организация", "Проект", "Год", "Состояние", "Совет", "Подана"], rows))
    return render_template("fip/index.html", page=paginate(stmt, args), args=args, statuses=FipStatus,
                           deadlines=settings.deadlines())


@bp.route("/fip/new", methods=["GET", "POST"])
@login_required
def new():
    authorize("fip.list")
    form = OpenCaseForm()
    form.organization_id.choices = queries.org_choices(current_user)
    org_ids = [i for i, _ in form.organization_id.choices]
    kips = [a for oid in org_ids for a in readiness.kip_awards(oid)]
    form.kip_award_id.choices = [(0, "— без статуса КИП —")] + [
        (a.id, f"{a.organization.short_name}: «{a.theme}» ({a.term_from:%Y}–{a.term_to:%Y})") for a in kips]
    if request.method == "GET":
        form.year.data = today_local().year + (1 if today_local().month > 9 else 0)
        if kips:
            form.kip_award_id.data, form.project.data = kips[0].id, kips[0].theme
            form.organization_id.data = kips[0].organization_id
    status = 200
    if form.validate_on_submit() and form.organization_id.data not in org_ids:
        form.organization_id.errors = ["Выберите организацию из списка."]
        status = 422
    elif form.validate_on_submit():
        org = get_or_404(Organization, form.organization_id.data, "fip.create")
        with refusal(form) as refused:
            case = cases.open_case(current_user, org, form.project.data, form.year.data,
                                   kip_award_id=form.kip_award_id.data or None)
        if not refused:
            flash("Подготовка заявки открыта; форма заполнена из досье КИП там, где есть данные.", "success")
            return redirect(url_for("fip.view", case_id=case.id))
        status = refused.status
    elif form.is_submitted():
        status = 422
    return render_template("fip/new.html", form=form), status


def _fix_url(check: readiness.Check) -> str | None:
    if check.fix is None:
        return None
    endpoint, values = check.fix
    return url_for(endpoint, **values)


def _case_page(case: FipCase, *, transition_form=None, remarks_form=None, status: int = 200):
    if remarks_form is None:
        r = case.current_round
        given = (r.comments or {}) if r is not None else {}
        remarks_form = RemarksForm(formdata=None, data={f"remark_{k}": v for k, v in given.items()})
    ready = readiness.evaluate(case)
    checks_form = ChecksForm(formdata=None)
    checks_form.items.choices = [(c.title, c.title) for c in ready.checks if c.manual]
    checks_form.items.data = [c.title for c in ready.checks if c.manual and c.state == readiness.OK]
    return render_template(
        "fip/case.html", case=case, ready=ready, fix_url=_fix_url, items=fip_form.ITEMS, value=fip_form.value,
        available=fip_lifecycle.available(case, current_user), tform=transition_form or TransitionForm(formdata=None),
        remarks_form=remarks_form, checks_form=checks_form, deadline=settings.federal_deadline(case.year),
        missing=fip_form.missing(case), history=audit_journal.object_history(case),
        describe=audit_journal.describe, half_page=fip_doc.half_page_pt(),
        item8_height=fip_doc.description_height_pt(fip_form.value(case, "8"))), status


@bp.route("/fip/<int:case_id>")
@login_required
def view(case_id: int):
    return _case_page(get_or_404(FipCase, case_id, "fip.view"))


@bp.route("/fip/<int:case_id>/form", methods=["GET", "POST"])
@login_required
def edit_form(case_id: int):
    case = get_or_404(FipCase, case_id, "fip.view")
    if request.method == "POST":
        authorize("fip.edit", case)
    form = CaseForm(data=None if request.method == "POST" else {
        "version": case.version, **{f"item_{i.number}": fip_form.value(case, i.number)
                                    for i in fip_form.ITEMS if i.kind == fip_form.TEXT}})
    status = 200
    if form.validate_on_submit():
        given = {i.number: request.form.get(f"item_{i.number}", "") for i in fip_form.ITEMS
                 if i.kind != fip_form.FILE and f"item_{i.number}" in request.form}
        with refusal(form) as refused:
            cases.save_form(current_user, case, given, expected_version=version_of(form))
        if not refused:
            flash("Пункты заявки сохранены.", "success")
            return redirect(url_for("fip.edit_form", case_id=case.id))
        status = refused.status
        case = get_or_404(FipCase, case_id, "fip.view")
    elif form.is_submitted():
        status = 422
    grids = {i.number: _posted_grid(i, case) for i in fip_form.GRIDS}
    return render_template("fip/form.html", case=case, form=form, items=fip_form.ITEMS, grids=grids,
                           upload=InfographicForm(formdata=None),
                           can_edit=policy.can(current_user, "fip.edit", case)), status


def _posted_grid(item, case: FipCase):
    """What the grid editor shows: the table just posted (kept on a refusal), else the stored one."""
    raw = request.form.get(f"item_{item.number}") if request.method == "POST" else None
    if raw:
        import json

        try:
            return json.loads(raw)
        except ValueError:
            pass
    return fip_form.value(case, item.number)


@bp.route("/fip/<int:case_id>/infographic", methods=["GET", "POST"])
@login_required
def infographic(case_id: int):
    case = get_or_404(FipCase, case_id, "fip.view")
    if request.method == "GET":
        if case.infographic is None:
            return redirect(url_for("fip.view", case_id=case.id))
        return send_stored(case.infographic)
    authorize("fip.edit", case)
    form = InfographicForm()
    if form.validate_on_submit():
        with refusal():
            cases.upload_infographic(current_user, case, request.files.get("file"))
            flash("Инфографика загружена.", "success")
    return redirect(url_for("fip.edit_form", case_id=case.id, _anchor="item-10"))


@bp.route("/fip/<int:case_id>/remarks", methods=["POST"])
@login_required
def remarks(case_id: int):
    case = get_or_404(FipCase, case_id, "fip.comment")
    form = RemarksForm()
    if form.validate_on_submit():
        given = {i.number: getattr(form, f"remark_{i.number}").data or "" for i in fip_form.ITEMS}
        with refusal(form) as refused:
            rounds.save_remarks(current_user, case, given)
        if not refused:
            flash("Замечания сохранены.", "success")
            return redirect(url_for("fip.view", case_id=case.id, _anchor="review"))
        return _case_page(get_or_404(FipCase, case_id, "fip.view"), remarks_form=form, status=refused.status)
    return _case_page(case, remarks_form=form, status=422)


@bp.route("/fip/<int:case_id>/checks", methods=["POST"])
@login_required
def checks(case_id: int):
    case = get_or_404(FipCase, case_id, "fip.check")
    form = ChecksForm()
    if form.validate_on_submit():
        with refusal():
            readiness.tick(current_user, case, form.items.data or [])
            flash("Отметки готовности сохранены.", "success")
    return redirect(url_for("fip.view", case_id=case.id, _anchor="readiness"))


@bp.route("/fip/<int:case_id>/transitions/<name>", methods=["POST"])
@login_required
def transition(case_id: int, name: str):
    case = get_or_404(FipCase, case_id, "fip.view")
    form = TransitionForm()
    if not form.validate_on_submit():
        return _case_page(case, transition_form=form, status=422)
    data = {k: getattr(form, k).data for k in ("council_date", "council_protocol", "council_decision",
                                               "submitted_on", "issuer", "number", "order_date", "term_from")}
    with refusal(form) as refused:
        cases.transition(current_user, case, name, reason=form.reason.data or "", data=data,
                         expected_version=version_of(form))
    if refused:
        return _case_page(get_or_404(FipCase, case_id, "fip.view"), transition_form=form, status=refused.status)
    label = fip_lifecycle.transitions[name].label
    flash(f"Выполнено: «{label}».", "success")
    return redirect(url_for("fip.view", case_id=case.id))


@bp.route("/fip/<int:case_id>/rounds/<int:number>")
@login_required
def round_diff(case_id: int, number: int):
    case = get_or_404(FipCase, case_id, "fip.view")
    new = rounds.round_of(case, number)
    if new is None:
        return redirect(url_for("fip.view", case_id=case.id))
    old = rounds.round_of(case, number - 1)
    return render_template("fip/round.html", case=case, new=new, old=old, parts=rounds.diff_rounds(old, new))


@bp.route("/fip/<int:case_id>/export.<fmt>")
@login_required
def export(case_id: int, fmt: str):
    case = get_or_404(FipCase, case_id, "fip.view")
    if fmt not in ("pdf", "docx"):
        return redirect(url_for("fip.view", case_id=case.id))
    doc = fip_form.document(case, draft=case.status not in (FipStatus.recommended, FipStatus.submitted,
                                                            FipStatus.recognised, FipStatus.not_recognised))
    name = f"fip-{case.year}-{case.id}.{fmt}"
    if fmt == "pdf":
        return send_bytes(fip_doc.build_fip_pdf(doc), name, "application/pdf")
    return send_bytes(fip_doc.build_fip_docx(doc), name, DOCX)


@bp.route("/fip/settings", methods=["GET", "POST"])
@login_required
def settings_page():
    authorize("fip.deadline")
    form = SettingsForm(prefix="d")
    items_form = ManualItemsForm(prefix="m", data=None if request.method == "POST" else {
        "manual_items": "\n".join(settings.manual_items())})
    status = 200
    if request.method == "POST" and "d-year" in request.form:
        if form.validate_on_submit():
            with refusal(form, "deadline") as refused:
                settings.set_deadline(current_user, form.year.data, form.deadline.data)
            if not refused:
                flash("Срок подачи заявок сохранён; напоминания пересчитаны.", "success")
                return redirect(url_for("fip.settings_page"))
            status = refused.status
        else:
            status = 422
    elif request.method == "POST":
        if items_form.validate_on_submit():
            with refusal(items_form, "manual_items") as refused:
                settings.set_manual_items(current_user, items_form.manual_items.data or "")
            if not refused:
                flash("Пункты ручной проверки сохранены.", "success")
                return redirect(url_for("fip.settings_page"))
            status = refused.status
        else:
            status = 422
    return render_template("fip/settings.html", form=form, items_form=items_form,
                           deadlines=settings.deadlines()), status
