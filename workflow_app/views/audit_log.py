"""Staff: the audit journal (read-only), with filters and Excel export."""
from flask import Blueprint, render_template, request
from flask_login import login_required

from ..export import build_xlsx, xlsx_response
from ..listing import paginate, parse_args
from ..services.platform import audit_journal as audit
from . import authorize
from .nav import NavItem, register_nav

bp = Blueprint("audit", __name__, url_prefix="/staff/audit")
register_nav(NavItem("Журнал аудита", "audit.index", "audit.view", "journal-text"))


@bp.route("/")
@login_required
def index():
    authorize("audit.view")
    flt = audit.parse_journal_filter(request.args)
    args = parse_args(audit.JournalFilter.NAMES)
    page = paginate(audit.journal_query(flt), args)
    return render_template(
        "audit/index.html", page=page, args=args, flt=flt, describe=audit.describe,
        object_types=audit.object_type_options(), events=audit.event_options(),
    )


@bp.route("/export.xlsx")
@login_required
def export():
    authorize("audit.view")
    flt = audit.parse_journal_filter(request.args)
    data = build_xlsx("Журнал аудита", audit.EXPORT_HEADERS, audit.journal_rows(flt),
                      widths=[17, 30, 24, 28, 28, 20, 10, 18, 18, 40, 50, 16])
    return xlsx_response("audit", data)
