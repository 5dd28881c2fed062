"""Staff (development): the mail the local catcher received — subject, recipient, time, the text."""
from flask import Blueprint, abort, current_app, render_template
from flask_login import login_required

from ..listing import Page, parse_args
from ..notifications import catcher
from . import authorize
from .nav import NavItem, register_nav

bp = Blueprint("mail_catcher", __name__, url_prefix="/staff/caught-mail")
register_nav(NavItem("Перехваченная почта", "mail_catcher.index", "mail_catcher.view", "inbox"))


def _directory() -> str:
    return current_app.config.get("MAIL_CATCHER_DIR") or ""


@bp.route("/")
@login_required
def index():
    authorize("mail_catcher.view")
    args = parse_args()
    rows = catcher.caught(_directory(), args.q)
    pages = max(1, -(-len(rows) // args.per_page))
    n = min(args.page, pages)
    page = Page(items=rows[(n - 1) * args.per_page:n * args.per_page], total=len(rows), page=n,
                per_page=args.per_page)
    return render_template("mail_catcher/index.html", page=page, args=args, directory=_directory())


@bp.route("/<key>")
@login_required
def show(key: str):
    authorize("mail_catcher.view")
    mail = catcher.one(_directory(), key)
    if mail is None:
        abort(404)
    return render_template("mail_catcher/show.html", mail=mail)
