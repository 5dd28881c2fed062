"""Who takes part, beyond one organisation per entry: a team entry's co-applicants (the lead organisation
manages them) and an expert pool drawn from status holders (staff, for presets that name them)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import policy
from ..extensions import db
from ..formatting import plural
from ..ints import db_int
from ..models import Organization
from ..models.competition import Campaign, Entry
from ..services.competition import holder_experts, teams
from ..services.competition.presets.validate import OUTPUT_DOCUMENTS
from . import authorize, get_or_404, refusal

bp = Blueprint("participants", __name__)


@bp.app_context_processor
def _labels() -> dict:
    return {"output_labels": OUTPUT_DOCUMENTS}


@bp.route("/entries/<int:entry_id>/team")
@login_required
def team(entry_id: int):
    entry = get_or_404(Entry, entry_id, "entry.view")
    can_edit = policy.can(current_user, "entry.edit", entry)
    return render_template("presets/team.html", entry=entry, can_edit=can_edit,
                           candidates=teams.candidate_orgs(entry) if can_edit else [])


@bp.route("/entries/<int:entry_id>/team/add", methods=["POST"])
@login_required
def add_coapplicant(entry_id: int):
    entry = get_or_404(Entry, entry_id, "entry.view")
    authorize("entry.edit", entry)
    org = db.session.get(Organization, db_int(request.form.get("organization_id")) or 0)
    if org is None:
        flash("Выберите организацию-соучастника из списка.", "danger")
        return redirect(url_for(".team", entry_id=entry.id))
    with refusal() as refused:
        teams.add_coapplicant(entry, org, actor=current_user)
    if not refused:
        flash(f"«{org.short_name}» добавлена в команду: она сможет просматривать заявку.", "success")
    return redirect(url_for(".team", entry_id=entry.id))


@bp.route("/entries/<int:entry_id>/team/<int:org_id>/remove", methods=["POST"])
@login_required
def remove_coapplicant(entry_id: int, org_id: int):
    entry = get_or_404(Entry, entry_id, "entry.view")
    authorize("entry.edit", entry)
    with refusal() as refused:
        teams.remove_coapplicant(entry, org_id, actor=current_user)
    if not refused:
        flash("Организация исключена из команды.", "success")
    return redirect(url_for(".team", entry_id=entry.id))


@bp.route("/campaigns/<int:campaign_id>/holder-experts", methods=["POST"])
@login_required
def holder_experts_fill(campaign_id: int):
    c = get_or_404(Campaign, campaign_id, "campaign.edit")
    with refusal() as refused:
        users = holder_experts.fill_pool_from_holders(c, actor=current_user)
    if not refused:
        people = plural(len(users), "сотрудник", "сотрудника", "сотрудников")
        flash(f"Экспертами конкурса стали {people} организаций с действующим статусом "
              f"{', '.join(holder_experts.holder_status_codes(c))}.", "success")
    return redirect(url_for("campaigns.show", campaign_id=c.id))
