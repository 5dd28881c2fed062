"""Calendar feeds: a user's own on a secret token (no sign-in), and a published campaign's stages."""
from flask import Blueprint, Response, abort

from ..extensions import db
from ..models.competition import Campaign, CampaignStatus
from ..notifications import calendar

bp = Blueprint("calendar", __name__, url_prefix="/calendar")


def _ics(data: bytes, name: str) -> Response:
    resp = Response(data, mimetype="text/calendar")
    resp.headers["Content-Disposition"] = f'inline; filename="{name}.ics"'
    resp.headers["Cache-Control"] = "private, max-age=300"
    return resp


@bp.route("/feed/<token>.ics")
def feed(token: str):
    user = calendar.user_by_token(token)
    if user is None:
        abort(404)  # unknown and revoked tokens look the same
    return _ics(calendar.build_ics(f"Сроки: {user.full_name}", calendar.personal_items(user)), "my-deadlines")


@bp.route("/campaign/<int:campaign_id>.ics")
def campaign(campaign_id: int):
    c = db.session.get(Campaign, campaign_id)
    if c is None or c.status == CampaignStatus.draft:
        abort(404)
    return _ics(calendar.build_ics(f"Конкурс «{c.name}»", calendar.campaign_items(c)), f"campaign-{c.id}")
