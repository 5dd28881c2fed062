"""Staff: the audit journal (read-only), with filters and Excel export."""
from datetime import date

from flask import Blueprint, render_template, request
from flask_login import login_required

from ..export import build_xlsx, xlsx_response
from ..ints import db_int
from ..listing import paginate, parse_args
from ..services.platform import audit_journal as audit
from . import authorize
from .nav import NavItem, register_nav

bp = Blueprint("audit", __name__, url_prefix="/staff/audit")
register_nav(NavItem("Журнал аудита", "audit.index", "audit.view", "journal-text"))


def _journal_filter() -> audit.JournalFilter:
    """The journal's filter from the query string; a bad value is reported in Russian and ignored."""
    args = request.args
    f = audit.JournalFilter(
        object_type=(args.get("object_type") or "").strip()[:64],
        actor=(args.get("actor") or "").strip()[:200],
        event=(args.get("event") or "").strip()[:64],
    )
    raw_id = (args.get("object_id") or "").strip()
    if raw_id:
        if db_int(raw_id) is not None:
            f.object_id = db_int(raw_id)
        else:
            f.errors.append("Номер объекта должен быть целым числом.")
    for name, label in (("date_from", "Дата «с»"), ("date_to", "Дата «по»")):
        raw = (args.get(name) or "").strip()
        if not raw:
            continue
        try:
            setattr(f, name, date.fromisoformat(raw))
        except ValueError:
            f.errors.append(f"{label}: укажите дату в формате ДД.ММ.ГГГГ.")
    if f.date_from and f.date_to and f.date_from > f.date_to:
        f.errors.append("Дата «с» позже даты «по»: период пуст.")
    return f


@bp.route("/")
@login_required
def index():
    authorize("audit.view")
    flt = _journal_filter()
    args = parse_args(audit.JournalFilter.NAMES)
    page = paginate(audit.journal_query(flt), args)
    audit.prefetch(page.items)
    return render_template(
        "audit/index.html", page=page, args=args, flt=flt, describe=audit.describe,
        object_types=audit.object_type_options(), events=audit.event_options(),
    )


@bp.route("/export.xlsx")
@login_required
def export():
    authorize("audit.view")
    flt = _journal_filter()
    data = build_xlsx("Журнал аудита", audit.EXPORT_HEADERS, audit.journal_rows(flt),
                      widths=[17, 30, 24, 28, 28, 20, 10, 18, 18, 40, 50, 16])
    return xlsx_response("Журнал действий", data)
