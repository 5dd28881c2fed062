"""Results: ranking per track, shortlist, in-person panel, commission decision, exports, applicant's result."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import listing
from ..errors import ValidationFailed
from ..export import xlsx_response
from ..extensions import db
from ..ints import db_int, query_int
from ..models import Role
from ..models.competition import (
    Campaign,
    Decision,
    Entry,
    ReviewAssignment,
)
from ..services.competition import queries
from ..services.competition import results as svc
from ..services.competition import review as review_service
from ..services.competition.ranking import Outcome, ranking_query, scored_stages
from ..services.competition.results_export import ranking_xlsx
from ..services.competition.standings import (
    first_ranked_track,
    outcome_of,
    review_progress,
    standings,
    strictness_query,
    track_summary,
)
from . import authorize, dashboard, get_or_404, refusal
from .nav import NavItem, register_nav

bp = Blueprint("results", __name__, url_prefix="/results")
register_nav(NavItem("Результаты", "results.index", "results.view", "bar-chart"))
register_nav(NavItem("Очный этап", "results.defence_list", "results.defence_list", "easel"))

@bp.route("/")
@login_required
def index():
    authorize("results.view")
    campaigns = queries.results_campaigns()
    return render_template("results/index.html", campaigns=campaigns)


@bp.route("/campaigns/<int:campaign_id>")
@login_required
def ranking(campaign_id: int):
    c = get_or_404(Campaign, campaign_id, "results.view")
    tracks = list(c.tracks)
    if not tracks:
        abort(404)
    code = request.args.get("track") or first_ranked_track(c, tracks).code
    track = next((t for t in tracks if t.code == code), None)
    if track is None:
        abort(404)
    args = listing.parse_args(filter_names=("track",))
    args.filters["track"] = track.code
    page = listing.paginate(ranking_query(c, track.id), args, scalars=False)
    return render_template("results/ranking.html", campaign=c, tracks=tracks, track=track, page=page,
                           args=args, stages=scored_stages(c), decision=svc.decision_record(c),
                           outcome_of=outcome_of, review_progress=review_progress)


@bp.route("/campaigns/<int:campaign_id>/export.xlsx")
@login_required
def export(campaign_id: int):
    c = get_or_404(Campaign, campaign_id, "results.export")
    return xlsx_response(f"Рейтинг — {c.name}", ranking_xlsx(c))


@bp.route("/campaigns/<int:campaign_id>/strictness")
@login_required
def strictness(campaign_id: int):
    c = get_or_404(Campaign, campaign_id, "results.strictness")
    stages = scored_stages(c)
    sid = query_int("stage")
    stage = next((s for s in stages if s.id == sid), stages[0] if stages else None)
    rows = db.session.execute(strictness_query(c, stage)).all() if stage else []
    return render_template("results/strictness.html", campaign=c, stages=stages, stage=stage, rows=rows)


@bp.route("/campaigns/<int:campaign_id>/shortlist", methods=["GET", "POST"])
@login_required
def shortlist(campaign_id: int):
    c = get_or_404(Campaign, campaign_id, "results.shortlist")
    if request.method == "POST":
        plan = svc.apply_shortlist(c, actor=current_user, token=request.form.get("token", ""))
        flash(f"Список очного этапа сформирован: прошли {len(plan.shortlist)}, "
              f"не прошли {len(plan.not_selected)}.", "success")
        return redirect(url_for("results.ranking", campaign_id=c.id))
    return render_template("results/shortlist.html", campaign=c, plan=svc.shortlist_plan(c))


@bp.route("/campaigns/<int:campaign_id>/panel", methods=["GET", "POST"])
@login_required
def panel(campaign_id: int):
    c = get_or_404(Campaign, campaign_id, "results.panel")
    if request.method == "POST":
        ids = [i for i in map(db_int, request.form.getlist("expert")) if i is not None]
        counts = svc.assign_panel(c, ids, actor=current_user)
        flash(f"Комиссия назначена: листов оценки создано {counts['created']}, "
              f"пропущено из-за конфликта интересов {counts['skipped']}.", "success")
        return redirect(url_for("results.panel", campaign_id=c.id))
    return render_template("results/panel.html", campaign=c, stage=svc.defence_stage(c),
                           experts=svc.expert_pool(), progress=svc.panel_progress(c))


@bp.route("/campaigns/<int:campaign_id>/decision", methods=["GET"])
@login_required
def decision(campaign_id: int):
    c = get_or_404(Campaign, campaign_id, "results.decide")
    rows = standings(c)
    return render_template("results/decision.html", campaign=c, summary=track_summary(rows),
                           blockers=svc.decision_blockers(c, rows), record=svc.decision_record(c),
                           winners=[r for r in rows if outcome_of(r) == Outcome.winner])


@bp.route("/campaigns/<int:campaign_id>/decision", methods=["POST"])
@login_required
def approve(campaign_id: int):
    c = get_or_404(Campaign, campaign_id, "results.decide")
    rec = svc.approve_decision(c, actor=current_user)
    flash(f"Решение комиссии утверждено: победителей {rec.winners}, не прошли отбор {rec.not_selected}. "
          "Результаты закрыты для изменений.", "success")
    return redirect(url_for("results.decision", campaign_id=c.id))


@bp.route("/entries/<int:entry_id>/proposal", methods=["GET", "POST"])
@login_required
def proposal(entry_id: int):
    entry = get_or_404(Entry, entry_id, "results.change_proposal")
    error = None
    if request.method == "POST":
        if request.form.get("restore"):
            svc.clear_proposal_change(entry, actor=current_user)
            flash(f"Для заявки {entry.code} восстановлено предложение по рейтингу.", "success")
            return redirect(url_for("results.ranking", campaign_id=entry.campaign_id, track=entry.track.code))
        try:
            choice = Decision[request.form.get("decision", "")]
        except KeyError:
            choice = None
        with refusal(show=False, catch=ValidationFailed) as refused:
            if choice is None:
                raise ValidationFailed("Выберите решение.")
            svc.change_proposal(entry, choice, reason=request.form.get("reason", ""), actor=current_user)
        if not refused:
            flash(f"Предложение по заявке {entry.code} изменено.", "success")
            return redirect(url_for("results.ranking", campaign_id=entry.campaign_id, track=entry.track.code))
        error = refused.message
    return render_template("results/proposal.html", entry=entry, decisions=list(Decision), error=error,
                           form=request.form), (422 if error else 200)


@bp.route("/entries/<int:entry_id>")
@login_required
def entry_result(entry_id: int):
    entry = get_or_404(Entry, entry_id, "results.entry")
    return render_template("results/entry.html", entry=entry, stages=svc.entry_result(entry))


@bp.route("/defence")
@login_required
def defence_list():
    authorize("results.defence_list")
    rows = queries.defence_rows(current_user)
    return render_template("results/defence_list.html", rows=rows)


@bp.route("/defence/<int:aid>", methods=["GET", "POST"])
@login_required
def defence_sheet(aid: int):
    a = get_or_404(ReviewAssignment, aid, "results.defence_score", belongs=lambda a: a.stage.in_person)
    criteria = review_service.criteria_for(a.stage_id, a.entry.track_id)
    error = None
    if request.method == "POST":
        values = {c.id: (request.form.get(f"points-{c.id}", ""), request.form.get(f"comment-{c.id}", ""))
                  for c in criteria}
        with refusal(show=False, catch=ValidationFailed) as refused:
            review_service.save_sheet(a, current_user, values, request.form.get("comment", ""), submit=True)
        if not refused:
            flash(f"Оценка защиты проекта {a.entry.code} отправлена.", "success")
            return redirect(url_for("results.defence_list"))
        error = refused.message
        if isinstance(refused.error, review_service.SheetInvalid):
            names = {c.id: c.name for c in criteria}
            error = " ".join(f"«{names[cid]}»: {msg}" for cid, msg in refused.error.errors.items()) or error
    return render_template("results/defence_sheet.html", a=a, criteria=criteria, error=error,
                           form=request.form), (422 if error else 200)


@dashboard.panel(Role.applicant)
def _applicant_results(user):
    org_ids = user.applicant_org_ids()
    if not org_ids:
        return None
    rows = queries.decided_entries(org_ids, 10)
    if not rows:
        return None
    return dashboard.Panel(
        title="Результаты конкурсов",
        lines=[f"{r.code} «{r.title}»: {r.decision.value}" for r in rows],
        links=[(f"Результат {r.code}", url_for("results.entry_result", entry_id=r.id)) for r in rows])


@dashboard.panel(Role.expert)
def _expert_defence(user):
    if not queries.has_defence_to_score(user):
        return None
    return dashboard.Panel(title="Очный этап", lines=["Есть защиты проектов, ожидающие вашей оценки."],
                                   links=[("Оценить защиты", url_for("results.defence_list"))])
