"""Review: the expert pool and assignment (staff), the expert's dashboard, reader and score sheet."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import formatting, policy
from ..downloads import send_bytes
from ..errors import ValidationFailed
from ..export import build_xlsx, xlsx_response
from ..extensions import db
from ..formatting import plural
from ..forms import version_of
from ..forms.review import ApplyPlanForm, ExpertProfileForm, ManualAssignForm, ReasonForm, SheetForm
from ..ints import db_int, query_int
from ..listing import Page, apply_sort, paginate, parse_args
from ..machines.review import assignment_lifecycle
from ..models import Role
from ..models.competition import (
    AssignmentStatus,
    Campaign,
    Entry,
    ReviewAssignment,
    Stage,
    StageKind,
)
from ..services.competition import assignment as assignment_service
from ..services.competition import assignment_plan as planning
from ..services.competition import expert_pool, queries, review_reader
from ..services.competition import review as review_service
from ..services.platform import queries as platform_queries
from . import authorize, get_or_404, refusal
from .dashboard import Panel, panel
from .nav import NavItem, register_nav

bp = Blueprint("review", __name__, url_prefix="/expert")

register_nav(NavItem("Моя экспертиза", "review.dashboard", "expert.dashboard", "clipboard-check"))
register_nav(NavItem("Эксперты", "review.pool", "expert.list", "people"))
register_nav(NavItem("Назначение экспертов", "review.assign_index", "assignment.plan", "diagram-3"))


@panel(Role.expert)
def _expert_panel(user) -> Panel:
    counts = review_reader.expert_counts(user)
    stats = [(s.value, counts.get(s.name, 0), url_for("review.dashboard", status=s.name))
             for s in review_reader.READABLE if counts.get(s.name)]
    # Say what to do next: answer the offers, then fill in and send the sheets.
    lines = []
    if counts.get("offered"):
        lines.append(f"Ответьте на предложения экспертизы: {counts['offered']} (принять или отказаться).")
    to_score = counts.get("accepted", 0) + counts.get("reopened", 0)
    if to_score:
        lines.append(f"Заполните и отправьте листы оценки: {to_score}.")
    if stats and not lines:
        lines.append("Все листы оценки отправлены. Новые назначения придут уведомлением.")
    return Panel(
        title="Экспертиза", stats=stats, lines=lines,
        links=[("Мои заявки на экспертизу", url_for("review.dashboard"))] if stats else [],
        empty="Назначенных вам заявок пока нет. Вы получите уведомление, когда они появятся.")


def _get_assignment(aid: int, action: str = "assignment.read") -> ReviewAssignment:
    return get_or_404(ReviewAssignment, aid, action)


def _scored_stages(campaign: Campaign) -> list[Stage]:
    return [s for s in campaign.stages if s.scored]


def _stage_from_args(campaign: Campaign) -> Stage:
    stages = _scored_stages(campaign)
    if not stages:
        abort(404)
    sid = query_int("stage")
    for s in stages:
        if s.id == sid:
            return s
    return next((s for s in stages if s.kind == StageKind.expert_review), stages[0])


# --- the expert pool (staff) --------------------------------------------------------------------

@bp.route("/pool")
@login_required
def pool():
    authorize("expert.list")
    args = parse_args(("competence", "municipality", "active", "campaign"), expert_pool.SORTABLE,
                      default_sort="name")
    campaigns = expert_pool.campaigns_for_select()
    campaign = None
    if args.int_filter("campaign") is not None:
        campaign = db.session.get(Campaign, args.int_filter("campaign"))
    campaign = campaign or expert_pool.default_campaign()
    stmt, columns = expert_pool.pool_query(
        campaign.id if campaign else None, args.q, args.filters["competence"],
        args.filters["municipality"], args.filters["active"])
    from ..models import User

    stmt = apply_sort(stmt, args, columns, User.id)
    if request.args.get("export") == "xlsx":
        authorize("expert.export")
        rows = db.session.execute(stmt).all()
        conflicts = expert_pool.conflicts_of([r.id for r in rows])
        data = build_xlsx(
            "Эксперты",
            ["ФИО", "Эл. почта", "Организация", "Муниципалитет", "Компетенции", "Макс. нагрузка",
             "Активен", f"Нагрузка ({campaign.name if campaign else '—'})", "Конфликты интересов"],
            ([r.full_name, r.email, r.organization or "", r.municipality or "", ", ".join(r.competences or []),
              r.max_load if r.max_load is not None else "", "да" if r.active else "нет", r.load,
              "; ".join(conflicts[r.id])] for r in rows))
        return xlsx_response("Эксперты", data)
    page = paginate(stmt, args, scalars=False)
    conflicts = expert_pool.conflicts_of([r.id for r in page.items])
    munis = platform_queries.municipalities()
    return render_template("review/pool.html", page=page, args=args, conflicts=conflicts,
                           campaigns=campaigns, campaign=campaign, munis=munis,
                           competences=expert_pool.competence_choices())


@bp.route("/pool/<int:user_id>/edit", methods=["GET", "POST"])
@login_required
def edit_profile(user_id: int):
    authorize("expert.edit")
    user = expert_pool.get_expert(user_id)
    if user is None:
        abort(404)
    profile = expert_pool.profile_of(user)
    form = ExpertProfileForm(obj=profile)
    form.competences.choices = expert_pool.competence_choices()
    if request.method == "GET" and profile is None:
        form.active.data = True
    if form.validate_on_submit():
        expert_pool.save_profile(user, current_user, competences=form.competences.data or [],
                                 max_load=form.max_load.data, active=form.active.data, note=form.note.data)
        flash(f"Анкета эксперта {user.full_name} сохранена.", "success")
        return redirect(url_for("review.pool"))
    status = 422 if form.errors else 200
    return render_template("review/profile_edit.html", form=form, user=user, profile=profile), status


# --- automatic assignment (staff) ---------------------------------------------------------------

@bp.route("/assign")
@login_required
def assign_index():
    authorize("assignment.plan")
    rows = queries.campaigns_with_admitted_counts()
    return render_template("review/assign_index.html", rows=rows)


@bp.route("/campaigns/<int:campaign_id>/assign")
@login_required
def assign_preview(campaign_id: int):
    campaign = get_or_404(Campaign, campaign_id, "assignment.plan")
    stage = _stage_from_args(campaign)
    args = parse_args(("only_short",))
    per_page = args.per_page
    start = (args.page - 1) * per_page
    only_short = bool(args.filters["only_short"])
    # Exclusion details for the entries on this page only (shortfalls always carry theirs).
    plan = planning.build_plan(
        campaign, stage, detail_range=None if only_short else (start, start + per_page))
    shown = plan.shortfalls if only_short else plan.entries
    pages = max(1, -(-len(shown) // per_page))
    page_no = min(args.page, pages)
    start = (page_no - 1) * per_page
    page = Page(items=shown[start:start + per_page], total=len(shown), page=page_no, per_page=per_page)
    form = ApplyPlanForm(fingerprint=plan.fingerprint)
    return render_template("review/assign_preview.html", campaign=campaign, stage=stage, plan=plan,
                           page=page, args=args, form=form, stages=_scored_stages(campaign))


@bp.route("/campaigns/<int:campaign_id>/assign", methods=["POST"])
@login_required
def assign_apply(campaign_id: int):
    campaign = get_or_404(Campaign, campaign_id, "assignment.apply")
    stage = _stage_from_args(campaign)
    form = ApplyPlanForm()
    if not form.validate_on_submit():
        flash("Форма устарела: откройте предпросмотр заново.", "danger")
        return redirect(url_for("review.assign_preview", campaign_id=campaign.id, stage=stage.id))
    plan = assignment_service.apply_plan(campaign, stage, current_user, form.fingerprint.data)
    msg = (f"Назначено {plural(len(plan.picks), 'эксперт', 'эксперта', 'экспертов')} по "
           f"{plural(len({p.entry_id for p in plan.picks}), 'заявке', 'заявкам', 'заявкам')}.")
    if plan.shortfalls:
        msg += f" Не хватило экспертов для заявок: {len(plan.shortfalls)} — назначьте вручную."
    flash(msg, "success" if not plan.shortfalls else "warning")
    return redirect(url_for("review.assign_preview", campaign_id=campaign.id, stage=stage.id))


# --- one entry's assignments (staff) ------------------------------------------------------------

def _entry_page(entry: Entry, stage: Stage, manual_form: ManualAssignForm | None = None, status: int = 200):
    assignments = queries.entry_assignments(entry)
    info, ranked, excluded, loads = assignment_service.candidates_for(entry, stage)
    form = manual_form or ManualAssignForm()
    experts = planning.load_experts(entry.campaign)
    form.expert_id.choices = [(x.id, f"{x.name} ({x.org_name or 'без организации'})") for x in experts]
    live = [a for a in assignments if a.stage_id == stage.id and a.status in (
        AssignmentStatus.offered, AssignmentStatus.accepted)]
    form.replace_id.choices = [(0, "— не заменять, добавить —")] + [
        (a.id, f"{a.expert.full_name} ({a.status.value})") for a in live]
    return render_template("review/entry_assignments.html", entry=entry, stage=stage,
                           stages=_scored_stages(entry.campaign), assignments=assignments, ranked=ranked,
                           excluded=excluded, loads=loads, form=form, reason_form=ReasonForm(),
                           fmt=formatting.points,
                           max_total=review_service.max_total(
                               review_service.criteria_for(stage.id, entry.track_id))), status


@bp.route("/entries/<int:entry_id>/assignments")
@login_required
def entry_assignments(entry_id: int):
    entry = get_or_404(Entry, entry_id, "assignment.manage")
    return _entry_page(entry, _stage_from_args(entry.campaign))


@bp.route("/entries/<int:entry_id>/assignments", methods=["POST"])
@login_required
def entry_assign_manual(entry_id: int):
    entry = get_or_404(Entry, entry_id, "assignment.manage")
    stage = _stage_from_args(entry.campaign)
    form = ManualAssignForm()
    experts = planning.load_experts(entry.campaign)
    form.expert_id.choices = [(x.id, x.name) for x in experts]
    form.replace_id.choices = [(0, "")] + [
        (a.id, "") for a in queries.entry_assignments(entry, stage)]
    if not form.validate_on_submit():
        return _entry_page(entry, stage, form, 422)
    replace = db.session.get(ReviewAssignment, form.replace_id.data) if form.replace_id.data else None
    exception_reason = form.exception_reason.data if form.exception.data else ""
    if form.exception.data and not (exception_reason or "").strip():
        form.exception_reason.errors = ["Укажите обоснование исключения."]
        return _entry_page(entry, stage, form, 422)
    with refusal(show=False, catch=ValidationFailed) as refused:
        assignment_service.manual_assign(entry, stage, form.expert_id.data, current_user,
                                         reason=form.reason.data, exception_reason=exception_reason,
                                         replace=replace, is_extra=form.is_extra.data)
    if refused:
        form.expert_id.errors = [refused.message]
        return _entry_page(db.session.get(Entry, entry_id), stage, form, 422)
    flash("Эксперт назначен.", "success")
    return redirect(url_for("review.entry_assignments", entry_id=entry.id, stage=stage.id))


@bp.route("/assignments/<int:aid>/revoke", methods=["POST"])
@login_required
def revoke(aid: int):
    a = _get_assignment(aid, "assignment.revoke")
    form = ReasonForm()
    if not form.validate_on_submit():
        flash("Укажите причину снятия назначения.", "danger")
    else:
        assignment_service.revoke(a, current_user, form.reason.data)
        flash("Назначение снято.", "success")
    return redirect(url_for("review.entry_assignments", entry_id=a.entry_id, stage=a.stage_id))


@bp.route("/assignments/<int:aid>/reopen", methods=["POST"])
@login_required
def reopen(aid: int):
    a = _get_assignment(aid, "assignment.reopen")
    form = ReasonForm()
    if not form.validate_on_submit():
        flash("Укажите причину возврата листа на пересмотр.", "danger")
    else:
        review_service.reopen_sheet(a, current_user, form.reason.data)
        flash("Лист оценки возвращён эксперту на пересмотр.", "success")
    return redirect(url_for("review.sheet", aid=a.id))


# --- the expert's side --------------------------------------------------------------------------

@bp.route("/")
@login_required
def dashboard():
    authorize("expert.dashboard")
    args = parse_args(("status",), ("due", "campaign", "status", "code"), default_sort="due")
    stmt = review_reader.dashboard_query(current_user, args.q, args.filters["status"])
    RA = ReviewAssignment
    if args.sort == "due" or not args.sort:
        # Due date first (undated last), whatever the direction of the other columns.
        order = [RA.due_at.is_(None), RA.due_at.desc() if args.desc else RA.due_at.asc()]
        stmt = stmt.order_by(*order, RA.id)
    else:
        stmt = apply_sort(stmt, args, {"campaign": Campaign.name, "status": RA.status, "code": Entry.code}, RA.id)
    page = paginate(stmt, args, scalars=False)
    return render_template("review/dashboard.html", page=page, args=args,
                           statuses=review_reader.READABLE)


@bp.route("/assignments/<int:aid>")
@login_required
def reader(aid: int):
    a = _get_assignment(aid)
    r = review_reader.build_reader(a)
    return render_template("review/reader.html", a=a, r=r, reason_form=ReasonForm(),
                           transitions=assignment_lifecycle.available(a, current_user))


@bp.route("/assignments/<int:aid>/respond/<trigger>", methods=["POST"])
@login_required
def respond(aid: int, trigger: str):
    if trigger not in ("accept", "decline", "declare_conflict"):
        abort(404)
    a = _get_assignment(aid, f"assignment.{trigger}")
    form = ReasonForm()
    reason = ""
    if trigger != "accept":
        if not form.validate_on_submit():
            flash("Укажите причину.", "danger")
            return redirect(url_for("review.reader", aid=a.id))
        reason = form.reason.data
    assignment_service.respond(a, trigger, current_user, reason)
    if trigger == "accept":
        flash("Назначение принято. Заполните лист оценки.", "success")
        return redirect(url_for("review.sheet", aid=a.id))
    flash("Ваш ответ записан. Заявка будет передана другому эксперту.", "info")
    return redirect(url_for("review.dashboard"))


@bp.route("/assignments/<int:aid>/attachments/<int:n>")
@login_required
def attachment(aid: int, n: int):
    a = _get_assignment(aid)
    f, name = review_reader.attachment_for_download(a, n)
    if f is None:
        abort(404)
    if a.entry.campaign.blind_review and not policy.is_staff(current_user):
        # The expert of a blind review gets a copy without the author/organisation metadata.
        data = review_reader.blind_copy(f)
        if data is None:
            abort(404)
        return send_bytes(data, name, f.content_type or "application/octet-stream")
    return _send(f, name)


@bp.route("/assignments/<int:aid>/pdf")
@login_required
def dossier_pdf(aid: int):
    a = _get_assignment(aid)
    if a.entry.campaign.blind_review:
        abort(404)  # the PDF carries the applicant's identity
    v = review_reader.latest_version(a.entry)
    if v is None or v.pdf_file is None:
        abort(404)
    return _send(v.pdf_file, f"{a.entry.code}.pdf")


def _send(f, name: str) -> Response:
    path = Path(current_app.config["UPLOAD_DIR"]) / f.storage_name
    if not path.is_file():
        abort(404)
    resp = Response(path.read_bytes(), mimetype=f.content_type or "application/octet-stream")
    ascii_name = "file" + (("." + name.rsplit(".", 1)[-1]) if "." in name else "")
    resp.headers["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return resp


def _sheet_values() -> dict[int, tuple[str, str]]:
    values: dict[int, tuple[str, str]] = {}
    for key in request.form:
        if key.startswith("points_") and (cid := db_int(key[7:])) is not None:
            values[cid] = (request.form.get(key, ""), request.form.get(f"comment_{cid}", ""))
    for key in request.form:
        if key.startswith("comment_") and (cid := db_int(key[8:])) is not None and cid not in values:
            values[cid] = ("", request.form.get(key, ""))
    return values


@bp.route("/assignments/<int:aid>/sheet", methods=["GET", "POST"])
@login_required
def sheet(aid: int):
    a = _get_assignment(aid, "score.view")
    editable = policy.can(current_user, "score.edit", a)
    form = SheetForm()
    rows = None  # read only to render the page: a successful POST redirects
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        submit = bool(form.send.data)
        values = _sheet_values()
        try:
            expected = version_of(form)
            review_service.save_sheet(a, current_user, values, form.overall_comment.data or "",
                                      submit=submit, expected_version=expected)
        except review_service.SheetInvalid as exc:
            rows = review_service.sheet_rows(a)
            for row in rows:
                raw, comment = values.get(row.criterion.id, ("", ""))
                row.points, row.comment = raw, comment
                row.error = exc.errors.get(row.criterion.id, "")
            flash(exc.message, "danger")
            status = 422
        else:
            flash("Оценка отправлена. Спасибо!" if submit else "Черновик сохранён.", "success")
            return redirect(url_for("review.sheet", aid=a.id))
    else:
        form.overall_comment.data = a.comment
    form.version.data = str(a.version)
    if rows is None:
        rows = review_service.sheet_rows(a)
    criteria = [r.criterion for r in rows]
    return render_template(
        "review/sheet.html", a=a, rows=rows, form=form, editable=editable,
        max_total=review_service.max_total(criteria), fmt=formatting.points,
        reason_form=ReasonForm(), comment_required=a.entry.campaign.comment_required,
        progress=sum(1 for r in rows if r.points), can_reopen=policy.can(current_user, "assignment.reopen", a)
        and a.status == AssignmentStatus.submitted), status
