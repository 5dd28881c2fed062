"""Dashboard per role and the user's in-app notices."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required

from ..listing import paginate, parse_args
from ..services.platform import notices as notice_service
from . import authorize
from .dashboard import panels_for

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def dashboard():
    authorize("dashboard.view")
    panels = panels_for(current_user)
    return render_template("main/dashboard.html", panels=panels)


@bp.route("/notices")
@login_required
def notices():
    authorize("notice.view")
    args = parse_args()
    page = paginate(notice_service.inbox_query(current_user), args)
    # Seen on this page = read; the badge in the navbar (rendered below) already counts them out.
    new_ids = notice_service.mark_read(current_user, page.items)
    return render_template("main/notices.html", page=page, args=args, new_ids=new_ids)
