"""Staff campaign configuration (/campaigns…) and the public page of announced campaigns."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import listing, policy
from ..downloads import send_stored
from ..export import build_xlsx, xlsx_response
from ..extensions import db
from ..forms import version_of
from ..forms.campaigns import (
    CampaignCreateForm,
    CampaignSettingsForm,
    CopyForm,
    CriterionForm,
    DossierSchemaForm,
    ReasonForm,
    RegulationForm,
    StageAddForm,
    StageForm,
    TrackForm,
    choices,
    kind_filter_choices,
    status_choices,
)
from ..ints import query_int
from ..machines.campaign import campaign_lifecycle
from ..models import OrgType, Role
from ..models.base import utcnow
from ..models.competition import Campaign, CampaignKind, CampaignStatus, Criterion, Stage, StageKind, Track
from ..policies.campaigns import regulation_is_public
from ..services.competition import campaigns as svc
from ..services.competition import queries
from ..services.competition.presets import store as preset_store
from ..services.platform.files import describe
from ..timeutil import deadline_parts
from . import authorize, get_or_404, refusal
from .dashboard import Panel, panel
from .nav import NavItem, register_nav

bp = Blueprint("campaigns", __name__)
register_nav(NavItem("Конкурсы", "campaigns.index", "campaign.list", "trophy"))


@bp.app_template_filter("org_type_label")
def org_type_label(name: str) -> str:
    member = OrgType.__members__.get(name)
    return member.value if member else name


def _of(c: Campaign):
    """For get_or_404: a track, stage or criterion of another campaign is not found here."""
    return lambda obj: obj.campaign_id == c.id


# --- list --------------------------------------------------------------------------------------

def _list_args():
    return listing.parse_args(("year", "kind", "status"), tuple(queries.CAMPAIGN_SORTS), "year", True)


@bp.route("/campaigns")
@login_required
def index():
    authorize("campaign.list")
    args = _list_args()
    page = listing.paginate(queries.campaign_list(args), args)
    years = queries.campaign_years()
    return render_template("campaigns/index.html", page=page, args=args, years=years,
                           kinds=kind_filter_choices(), statuses=status_choices())


@bp.route("/campaigns/export.xlsx")
@login_required
def export():
    authorize("campaign.export")
    args = _list_args()
    rows = db.session.execute(queries.campaign_list(args)).scalars()
    data = build_xlsx("Конкурсы", ["Название", "Год", "Вид", "Состояние", "Направлений", "Изменён"],
                      ([c.name, c.year, c.kind, c.status, len(c.tracks), c.updated_at] for c in rows),
                      widths=[50, 8, 30, 20, 14, 18])
    return xlsx_response("Конкурсы", data)


# --- create / copy -----------------------------------------------------------------------------

@bp.route("/campaigns/new", methods=["GET", "POST"])
@login_required
def create():
    authorize("campaign.create")
    form = CampaignCreateForm()
    form.preset_id.choices = [("", "По умолчанию для выбранного вида")] + [
        (str(p.id), f"{p.kind.value}: {p.name}") for p in preset_store.all_presets()]
    if request.method == "GET":
        form.year.data = form.year.data or utcnow().year
    if form.validate_on_submit():
        with refusal(form, "preset_id") as refused:
            c = svc.create_campaign(name=form.name.data, year=form.year.data, kind=CampaignKind[form.kind.data],
                                    description=form.description.data or "", actor=current_user,
                                    preset=preset_store.get(form.preset_id.data), dated=form.dated.data)
        if refused:
            return render_template("campaigns/create.html", form=form), refused.status
        flash("Черновик конкурса создан по шаблону. Проверьте сроки, направления и критерии.", "success")
        return redirect(url_for(".show", campaign_id=c.id))
    return render_template("campaigns/create.html", form=form), (422 if form.errors else 200)


@bp.route("/campaigns/<int:campaign_id>/copy", methods=["GET", "POST"])
@login_required
def copy(campaign_id: int):
    source = get_or_404(Campaign, campaign_id, "campaign.copy")
    form = CopyForm()
    if request.method == "GET":
        form.year.data = source.year + 1
    if form.validate_on_submit():
        with refusal(form, "year") as refused:
            c = svc.copy_campaign(source, year=form.year.data, name=form.name.data or "", actor=current_user)
        if refused:
            return render_template("campaigns/copy.html", form=form, source=source), refused.status
        flash(f"Создан черновик «{c.name}»: направления, этапы (даты сдвинуты на {c.year - source.year} г.), "
              "критерии и форма заявки скопированы. Заявки не копируются.", "success")
        return redirect(url_for(".show", campaign_id=c.id))
    return render_template("campaigns/copy.html", form=form, source=source), (422 if form.errors else 200)


# --- the campaign page -------------------------------------------------------------------------

@bp.route("/campaigns/<int:campaign_id>")
@login_required
def show(campaign_id: int):
    c = get_or_404(Campaign, campaign_id, "campaign.view")
    locked = svc.criteria_locked(c)
    transitions = campaign_lifecycle.available(c, current_user)
    missing = svc.missing_for_open(c) if c.status == CampaignStatus.draft else []
    scored = [s for s in c.stages if s.scored]
    criteria_by_stage = {s.id: [cr for cr in c.criteria if cr.stage_id == s.id] for s in scored}
    max_totals = {(s.id, t.id): svc.max_total(c, s, t) for s in scored for t in c.tracks}
    missing_kinds = [k for k in StageKind if not svc.stage_of(c, k)]
    source = db.session.get(Campaign, c.copied_from_id) if c.copied_from_id else None
    return render_template(
        "campaigns/show.html", c=c, locked=locked, transitions=transitions, missing=missing, scored=scored,
        criteria_by_stage=criteria_by_stage, max_totals=max_totals, source=source,
        diagram_states=" → ".join(s.value for s in campaign_lifecycle.states),
        reason_form=ReasonForm(version=c.version),
        stage_add_form=StageAddForm(version=c.version) if missing_kinds else None, missing_kinds=missing_kinds,
        regulation_form=RegulationForm(version=c.version),
        regulation_rule=describe(svc.REGULATION_TYPES, svc.REGULATION_MAX_BYTES),
        structure_editable=c.status in svc.STRUCTURE_EDITABLE, closed=c.status == CampaignStatus.closed)


@bp.route("/campaigns/<int:campaign_id>/transition/<trigger>", methods=["POST"])
@login_required
def transition(campaign_id: int, trigger: str):
    c = get_or_404(Campaign, campaign_id)
    if trigger not in campaign_lifecycle.transitions:
        abort(404)
    authorize(campaign_lifecycle.action(trigger), c)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    svc.transition(c, trigger, actor=current_user, expected_version=version_of(form), reason=form.reason.data or "")
    flash(f"Выполнено: «{campaign_lifecycle.transitions[trigger].label}». "
          f"Состояние конкурса — «{c.status.value}».", "success")
    return redirect(url_for(".show", campaign_id=c.id))


# --- settings ----------------------------------------------------------------------------------

@bp.route("/campaigns/<int:campaign_id>/settings", methods=["GET", "POST"])
@login_required
def settings(campaign_id: int):
    c = get_or_404(Campaign, campaign_id, "campaign.edit")
    if c.status == CampaignStatus.closed:
        flash("Конкурс завершён: его настройки больше не меняются.", "warning")
        return redirect(url_for(".show", campaign_id=c.id))
    form = CampaignSettingsForm(obj=c) if request.method == "GET" else CampaignSettingsForm()
    if request.method == "GET":
        form.version.data = c.version
        form.kind.data = c.kind.name
        form.final_score_mode.data = c.final_score_mode.name
    locked = svc.criteria_locked(c)
    if form.validate_on_submit():
        data = {k: getattr(form, k).data for k in svc.SETTINGS_FIELDS}
        with refusal(form, lambda exc: "reason" if "причин" in exc.message else None) as refused:
            changed = svc.update_settings(c, data, actor=current_user, expected_version=version_of(form),
                                          reason=form.reason.data or "")
        if refused:
            return render_template("campaigns/settings.html", c=c, form=form, locked=locked), refused.status
        if changed:
            flash("Настройки сохранены: " + ", ".join(svc.FIELD_LABELS[k] for k in changed) + ".", "success")
        else:
            flash("Изменений нет.", "info")
        return redirect(url_for(".show", campaign_id=c.id))
    return render_template("campaigns/settings.html", c=c, form=form, locked=locked), (422 if form.errors else 200)


# --- regulation --------------------------------------------------------------------------------

@bp.route("/campaigns/<int:campaign_id>/regulation", methods=["POST"])
@login_required
def regulation_upload(campaign_id: int):
    c = get_or_404(Campaign, campaign_id, "campaign.regulation_upload")
    form = RegulationForm()
    if not form.validate_on_submit():
        abort(400)
    stored = svc.set_regulation(c, form.file.data, actor=current_user, expected_version=version_of(form))
    flash(f"Положение «{stored.original_name}» загружено.", "success")
    return redirect(url_for(".show", campaign_id=c.id))


@bp.route("/campaigns/<int:campaign_id>/regulation")
def regulation_download(campaign_id: int):
    """Public once announced (no login); in draft only staff, through the policy."""
    c = get_or_404(Campaign, campaign_id)
    if c.regulation_file is None:
        abort(404)
    if not regulation_is_public(c):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.path))
        authorize("file.download", c.regulation_file)
    return send_stored(c.regulation_file)


# --- tracks ------------------------------------------------------------------------------------

def _track_form_page(c: Campaign, form: TrackForm, track: Track | None, status: int = 200):
    return render_template("campaigns/track.html", c=c, form=form, track=track), status


@bp.route("/campaigns/<int:campaign_id>/tracks/new", methods=["GET", "POST"])
@bp.route("/campaigns/<int:campaign_id>/tracks/<int:track_id>", methods=["GET", "POST"])
@login_required
def track_edit(campaign_id: int, track_id: int | None = None):
    c = get_or_404(Campaign, campaign_id, "campaign.edit")
    track = get_or_404(Track, track_id, belongs=_of(c)) if track_id else None
    form = TrackForm(obj=track) if request.method == "GET" else TrackForm()
    if request.method == "GET":
        form.version.data = c.version
    if form.validate_on_submit():
        data = {"code": form.code.data, "name": form.name.data, "org_types": form.org_types.data,
                "winners_quota": form.winners_quota.data}
        with refusal(form, "org_types") as refused:
            if track:
                svc.update_track(track, data, actor=current_user, expected_version=version_of(form))
            else:
                svc.add_track(c, data, actor=current_user, expected_version=version_of(form))
        if refused:
            return _track_form_page(c, form, track, refused.status)
        flash("Направление сохранено.", "success")
        return redirect(url_for(".show", campaign_id=c.id, _anchor="tracks"))
    return _track_form_page(c, form, track, 422 if form.errors else 200)


@bp.route("/campaigns/<int:campaign_id>/tracks/<int:track_id>/delete", methods=["POST"])
@login_required
def track_delete(campaign_id: int, track_id: int):
    c = get_or_404(Campaign, campaign_id, "campaign.edit")
    track = get_or_404(Track, track_id, belongs=_of(c))
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    name = track.name
    svc.remove_track(track, actor=current_user, expected_version=version_of(form))
    flash(f"Направление «{name}» удалено.", "success")
    return redirect(url_for(".show", campaign_id=c.id, _anchor="tracks"))


# --- stages ------------------------------------------------------------------------------------

@bp.route("/campaigns/<int:campaign_id>/stages/<int:stage_id>", methods=["GET", "POST"])
@login_required
def stage_edit(campaign_id: int, stage_id: int):
    c = get_or_404(Campaign, campaign_id, "campaign.edit")
    stage = get_or_404(Stage, stage_id, belongs=_of(c))
    form = StageForm(obj=stage) if request.method == "GET" else StageForm()
    if request.method == "GET":
        form.version.data = c.version
        form.deadline_date.data, form.deadline_time.data = deadline_parts(stage.deadline)
    locked = svc.criteria_locked(c)
    if form.validate_on_submit():
        data = {"starts_on": form.starts_on.data, "deadline_date": form.deadline_date.data,
                "deadline_time": form.deadline_time.data, "in_person": form.in_person.data,
                "scored": form.scored.data, "score_weight": form.score_weight.data}
        with refusal(form, "deadline_date") as refused:
            svc.update_stage(stage, data, actor=current_user, expected_version=version_of(form),
                             reason=form.reason.data or "")
        if refused:
            return render_template("campaigns/stage.html", c=c, stage=stage, form=form, locked=locked), refused.status
        flash(f"Этап «{stage.title}» сохранён.", "success")
        return redirect(url_for(".show", campaign_id=c.id, _anchor="stages"))
    return render_template("campaigns/stage.html", c=c, stage=stage, form=form, locked=locked), \
        (422 if form.errors else 200)


@bp.route("/campaigns/<int:campaign_id>/stages/add", methods=["POST"])
@login_required
def stage_add(campaign_id: int):
    c = get_or_404(Campaign, campaign_id, "campaign.edit")
    form = StageAddForm()
    if not form.validate_on_submit():
        abort(400)
    s = svc.add_stage(c, StageKind[form.kind.data], actor=current_user, expected_version=version_of(form))
    flash(f"Этап «{s.title}» добавлен. Укажите его сроки.", "success")
    return redirect(url_for(".stage_edit", campaign_id=c.id, stage_id=s.id))


@bp.route("/campaigns/<int:campaign_id>/stages/<int:stage_id>/delete", methods=["POST"])
@login_required
def stage_delete(campaign_id: int, stage_id: int):
    c = get_or_404(Campaign, campaign_id, "campaign.edit")
    stage = get_or_404(Stage, stage_id, belongs=_of(c))
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    title = stage.title
    svc.remove_stage(stage, actor=current_user, expected_version=version_of(form))
    flash(f"Этап «{title}» удалён.", "success")
    return redirect(url_for(".show", campaign_id=c.id, _anchor="stages"))


# --- criteria ----------------------------------------------------------------------------------

def _criterion_choices(form: CriterionForm, c: Campaign) -> None:
    form.stage_id.choices = choices((s.id, s.title) for s in c.stages if s.scored)
    form.track_id.choices = choices([(0, "Все направления")] + [(t.id, t.name) for t in c.tracks])


@bp.route("/campaigns/<int:campaign_id>/criteria/new", methods=["GET", "POST"])
@bp.route("/campaigns/<int:campaign_id>/criteria/<int:criterion_id>", methods=["GET", "POST"])
@login_required
def criterion_edit(campaign_id: int, criterion_id: int | None = None):
    c = get_or_404(Campaign, campaign_id, "campaign.criteria_edit")
    criterion = get_or_404(Criterion, criterion_id, belongs=_of(c)) if criterion_id else None
    form = CriterionForm(obj=criterion) if request.method == "GET" else CriterionForm()
    _criterion_choices(form, c)
    if request.method == "GET":
        form.version.data = c.version
        if criterion:
            form.track_id.data = criterion.track_id or 0
        else:
            form.stage_id.data = query_int("stage_id")
            form.track_id.data = query_int("track_id", 0)
            form.max_points.data, form.weight.data = 10, 1
    locked = svc.criteria_locked(c)
    if form.validate_on_submit():
        data = {"stage_id": form.stage_id.data, "track_id": form.track_id.data or None, "name": form.name.data,
                "description": form.description.data, "max_points": form.max_points.data,
                "weight": form.weight.data}
        with refusal(form, "reason") as refused:
            if criterion:
                svc.update_criterion(criterion, data, actor=current_user, expected_version=version_of(form),
                                     reason=form.reason.data or "")
            else:
                svc.add_criterion(c, data, actor=current_user, expected_version=version_of(form),
                                  reason=form.reason.data or "")
        if refused:
            return render_template("campaigns/criterion.html", c=c, form=form, criterion=criterion,
                                   locked=locked), refused.status
        flash("Критерий сохранён.", "success")
        return redirect(url_for(".show", campaign_id=c.id, _anchor="criteria"))
    return render_template("campaigns/criterion.html", c=c, form=form, criterion=criterion, locked=locked), \
        (422 if form.errors else 200)


@bp.route("/campaigns/<int:campaign_id>/criteria/<int:criterion_id>/delete", methods=["POST"])
@login_required
def criterion_delete(campaign_id: int, criterion_id: int):
    c = get_or_404(Campaign, campaign_id, "campaign.criteria_edit")
    criterion = get_or_404(Criterion, criterion_id, belongs=_of(c))
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    svc.remove_criterion(criterion, actor=current_user, expected_version=version_of(form),
                         reason=form.reason.data or "")
    flash("Критерий удалён.", "success")
    return redirect(url_for(".show", campaign_id=c.id, _anchor="criteria"))


@bp.route("/campaigns/<int:campaign_id>/criteria/<int:criterion_id>/move/<direction>", methods=["POST"])
@login_required
def criterion_move(campaign_id: int, criterion_id: int, direction: str):
    c = get_or_404(Campaign, campaign_id, "campaign.criteria_edit")
    criterion = get_or_404(Criterion, criterion_id, belongs=_of(c))
    if direction not in ("up", "down"):
        abort(404)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    svc.move_criterion(criterion, -1 if direction == "up" else 1, actor=current_user,
                       expected_version=version_of(form), reason=form.reason.data or "")
    return redirect(url_for(".show", campaign_id=c.id, _anchor="criteria"))


# --- dossier form ------------------------------------------------------------------------------

def schema_to_text(schema: list[dict]) -> str:
    lines = []
    for s in schema or []:
        cols = "; ".join(s.get("columns") or [])
        lines.append(f"{s.get('key', '')} | {s.get('title', '')} | {s.get('kind', 'text')} | {cols} | "
                     f"{'да' if s.get('required') else 'нет'}" + (f" | {s['chapter']}" if s.get("chapter") else ""))
    return "\n".join(lines)


def text_to_schema(text: str) -> list[dict]:
    out = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")] + [""] * 6
        out.append({"key": parts[0], "title": parts[1], "kind": parts[2] or "text",
                    "columns": [c.strip() for c in parts[3].split(";") if c.strip()],
                    "required": parts[4].lower() in ("да", "yes", "1", "true", "+"), "chapter": parts[5]})
    return out


@bp.route("/campaigns/<int:campaign_id>/dossier-form", methods=["GET", "POST"])
@login_required
def dossier_form(campaign_id: int):
    c = get_or_404(Campaign, campaign_id, "campaign.view")
    editable = c.status in svc.STRUCTURE_EDITABLE and policy.can(current_user, "campaign.edit", c)
    form = DossierSchemaForm()
    if request.method == "GET":
        form.version.data = c.version
        form.schema.data = schema_to_text(c.dossier_schema)
    elif form.validate_on_submit():
        authorize("campaign.edit", c)
        with refusal(form, "schema") as refused:
            svc.update_dossier_schema(c, text_to_schema(form.schema.data), actor=current_user,
                                      expected_version=version_of(form))
        if refused:
            return render_template("campaigns/dossier_form.html", c=c, form=form, editable=editable), refused.status
        flash("Форма заявки сохранена.", "success")
        return redirect(url_for(".dossier_form", campaign_id=c.id))
    return render_template("campaigns/dossier_form.html", c=c, form=form, editable=editable)


# --- public ------------------------------------------------------------------------------------

@bp.route("/campaigns/public")
def public():
    """No login: the call for entries must be readable by anyone (a school's head before registering)."""
    return render_template("campaigns/public.html", campaigns=svc.public_campaigns(),
                           applications=svc.applications)


# --- the staff dashboard ----------------------------------------------------------------------

@panel(Role.staff)
def _staff_panel(user) -> Panel:
    counts = svc.status_counts()
    return Panel(
        title="Конкурсы",
        lines=[] if counts else ["Конкурсов пока нет. Создайте конкурс из шаблона или скопируйте прошлогодний."],
        stats=[(s.value, counts[s], url_for("campaigns.index", status=s.name))
               for s in CampaignStatus if counts.get(s)],
        links=[("Все конкурсы", url_for("campaigns.index")), ("Создать конкурс", url_for("campaigns.create"))],
        empty="Конкурсов пока нет. Создайте конкурс из шаблона или скопируйте прошлогодний.",
    )
