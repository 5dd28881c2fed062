"""Dashboard per role and the user's in-app notices."""
from flask import Blueprint, render_template, url_for
from flask_login import current_user, login_required

from ..listing import paginate, parse_args
from ..models import OutboxMessage
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
    return render_template("main/notices.html", page=page, args=args, new_ids=new_ids,
                           link=notice_link, todo=notice_service.todo_count(current_user))


# What a notice is about → the page it opens (services store the object, never a URL).
NOTICE_LINKS = {
    "order_doc": lambda i: url_for("orders.view", order_id=i),
    "review_assignment": lambda i: url_for("review.reader", aid=i),
    "expert_offers": lambda i: url_for("review.dashboard"),
    "entry": lambda i: url_for("dossier.show", entry_id=i),
    "appeal": lambda i: url_for("appeals.view", appeal_id=i),
}


def notice_link(row: OutboxMessage) -> str | None:
    build = NOTICE_LINKS.get(row.object_type)
    return build(row.object_id) if build is not None and row.object_id is not None else None
