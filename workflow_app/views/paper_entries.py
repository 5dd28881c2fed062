"""Staff register an entry received on paper for an organisation (/campaigns/<id>/paper-entries/new); the
dossier is then filled in and submitted in the ordinary editor."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..forms.paper_entries import PaperEntryForm
from ..models import Organization
from ..models.competition import Campaign, CampaignStatus, Track
from ..services.competition import paper_entry, queries
from . import get_or_404, refusal

bp = Blueprint("paper_entries", __name__)


@bp.route("/campaigns/<int:campaign_id>/paper-entries/new", methods=["GET", "POST"])
@login_required
def new(campaign_id: int):
    c = get_or_404(Campaign, campaign_id, "entry.register_paper")
    q = (request.values.get("q") or "").strip()[:200]
    orgs, more = queries.paper_entry_orgs(c, q)
    form = PaperEntryForm()
    form.org_id.choices = [(o.id, f"{o.short_name} — {o.municipality.name} ({o.org_type.value})") for o in orgs]
    form.track_id.choices = [(t.id, t.name) for t in c.tracks]
    status = 200
    if form.validate_on_submit():
        org = db.session.get(Organization, form.org_id.data)
        track = db.session.get(Track, form.track_id.data)
        if org is None or track is None:
            form.org_id.errors = ["Выберите организацию и направление из списков."]
        else:
            with refusal(form, "org_id") as refused:
                entry = paper_entry.register_paper_entry(current_user, c, org, track)
            if not refused:
                flash(f"Заявка {entry.code} зарегистрирована по бумажной заявке организации «{org.short_name}». "
                      "Заполните разделы по бумажному экземпляру и подайте заявку.", "success")
                return redirect(url_for("dossier.edit", entry_id=entry.id))
    if form.errors:
        status = 422
    return render_template("paper_entries/new.html", c=c, form=form, q=q, orgs=orgs, more=more,
                           accepting=c.status == CampaignStatus.open), status
