"""Dashboard per role and the user's in-app notices."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required

from ..services import dashboard as dashboard_service
from . import authorize

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def dashboard():
    authorize("dashboard.view")
    panels = dashboard_service.panels_for(current_user)
    return render_template("main/dashboard.html", panels=panels)


@bp.route("/notices")
@login_required
def notices():
    authorize("notice.view")
    rows = dashboard_service.notices_for(current_user)
    return render_template("main/notices.html", rows=rows)
