"""Downloads of generated documents (PDF and DOCX) and the commission meeting's protocol page."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..downloads import send_bytes
from ..errors import ValidationFailed
from ..forms.commission import MeetingForm
from ..models import Organization
from ..models.commission import CommissionMeeting
from ..models.competition import Campaign, Entry, ReviewAssignment
from ..models.status_award import StatusAward
from ..services.competition import commission, queries
from ..services.documents import data as document_data
from ..services.orders import DOCX, PDF
from ..timeutil import today_local
from . import authorize, get_or_404, refusal

bp = Blueprint("documents", __name__, url_prefix="/documents")


def _send(doc, name: str, fmt: str):
    from ..documents import render

    if fmt not in ("pdf", "docx"):
        abort(404)
    return send_bytes(render.build(doc, fmt), f"{name}.{fmt}", PDF if fmt == "pdf" else DOCX)


@bp.route("/award/<int:award_id>/certificate.<fmt>")
@login_required
def certificate(award_id: int, fmt: str):
    award = get_or_404(StatusAward, award_id, "document.certificate")
    return _send(document_data.certificate(award), f"Свидетельство {award.id}", fmt)


@bp.route("/organization/<int:org_id>/extract.<fmt>")
@login_required
def extract(org_id: int, fmt: str):
    org = get_or_404(Organization, org_id, "org.view")
    from .registry import asked_date

    return _send(document_data.registry_extract(org, asked_date() or today_local()),
                 f"Выписка из реестра — {org.short_name}", fmt)


@bp.route("/assignment/<int:assignment_id>/sheet.<fmt>")
@login_required
def score_sheet(assignment_id: int, fmt: str):
    a = get_or_404(ReviewAssignment, assignment_id, "document.score_sheet")
    return _send(document_data.score_sheet(a), f"Экспертный лист {a.entry.code}", fmt)


@bp.route("/entry/<int:entry_id>/letter.<fmt>")
@login_required
def letter(entry_id: int, fmt: str):
    entry = get_or_404(Entry, entry_id, "document.letter")
    return _send(document_data.letter(entry), f"Уведомление {entry.code}", fmt)


@bp.route("/campaign/<int:campaign_id>/rating/<int:track_id>.<fmt>")
@login_required
def rating(campaign_id: int, track_id: int, fmt: str):
    campaign = get_or_404(Campaign, campaign_id, "document.rating")
    track = next((t for t in campaign.tracks if t.id == track_id), None)
    if track is None:
        abort(404)
    return _send(document_data.rating_sheet(campaign, track),
                 f"Сводная ведомость — {track.code}", fmt)


@bp.route("/campaign/<int:campaign_id>/protocol", methods=["GET", "POST"])
@login_required
def protocol_page(campaign_id: int):
    campaign = get_or_404(Campaign, campaign_id, "commission.view")
    meeting = queries.latest_meeting(campaign)
    form = MeetingForm(obj=None)
    if request.method == "GET":
        for name, value in commission.form_values(meeting, campaign).items():
            getattr(form, name).data = value
    elif form.validate_on_submit():
        authorize("commission.edit", campaign)
        with refusal(catch=ValidationFailed) as refused:
            meeting = commission.save_meeting(campaign, meeting, form.data, current_user)
        if refused:
            return render_template("documents/protocol.html", form=form, campaign=campaign,
                                   meeting=meeting), 422
        flash("Сведения о заседании сохранены.", "success")
        return redirect(url_for("documents.protocol_page", campaign_id=campaign.id))
    results = document_data.winners_by_track(campaign)
    return render_template("documents/protocol.html", form=form, campaign=campaign, meeting=meeting,
                           results=results)


@bp.route("/meeting/<int:meeting_id>/protocol.<fmt>")
@login_required
def protocol(meeting_id: int, fmt: str):
    meeting = get_or_404(CommissionMeeting, meeting_id, "document.protocol")
    return _send(document_data.protocol(meeting),
                 f"Протокол {meeting.number or meeting.id} от {meeting.held_on:%d.%m.%Y}", fmt)
