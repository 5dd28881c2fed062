"""The public registry of statuses (no login): the list with filters, XLSX/CSV, a page per holder. Its JSON
(`GET /api/v1/registry`) and the figures' JSON (`GET /api/v1/stats/awards`) are in the API package
(api/registry.py, api/stats.py)."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, render_template, request

from ..downloads import send_bytes
from ..export import build_xlsx, xlsx_response
from ..extensions import db
from ..ints import db_int
from ..listing import Page
from ..models import Organization
from ..services.statuses import registry
from ..services.statuses import types as status_types
from ..services.statuses.grounding import issuer_of
from ..timeutil import today_local

bp = Blueprint("registry", __name__)


def parse_filter(args) -> registry.Filter:
    """The registry filter from query arguments; an unreadable value is ignored like any hand-edited link."""
    year = None
    if (raw := (args.get("year") or "").strip()):
        year = db_int(raw)
        if year is None or not 1990 <= year <= 2100:
            year = None
    on = None
    if (raw := (args.get("on") or "").strip()):
        try:
            on = date.fromisoformat(raw)
        except ValueError:
            on = None
    return registry.Filter(type=(args.get("type") or "").strip()[:16],
                           municipality=(args.get("municipality") or "").strip()[:200], year=year, on=on,
                           q=(args.get("q") or "").strip()[:200], status=(args.get("status") or "").strip()[:16])


def asked_date() -> date | None:
    """The «на дату» argument of a registry view (?on=YYYY-MM-DD); None when absent or unreadable."""
    try:
        return date.fromisoformat(request.args.get("on", "").strip())
    except ValueError:
        return None


def page_args() -> tuple[int, int]:
    page = max(1, db_int(request.args.get("page"), 1) or 1)
    per_page = current_app.config.get("PAGE_SIZE", 25)
    return page, per_page


def registry_page(template: str, *, everything: bool, **extra):
    """The registry list for a page (public or staff): filters, sort, pagination, XLSX/CSV."""
    f = parse_filter(request.args)
    today = today_local()
    if not everything:
        f = registry.Filter(**{**f.__dict__, "status": ""})
    export = request.args.get("export")
    day = f.on or today
    title = f"Реестр статусов {f'за {f.year} год' if f.year else f'на {day:%d.%m.%Y}'}"
    if export == "xlsx":
        return xlsx_response(title, build_xlsx("Реестр", registry.HEADERS,
                                               registry.export_rows(f, today, everything=everything)))
    if export == "csv":
        return send_bytes(registry.csv_bytes(registry.export_rows(f, today, everything=everything)),
                          f"{title}.csv", "text/csv; charset=utf-8")
    page_no, per_page = page_args()
    sort, desc = request.args.get("sort", ""), request.args.get("dir") == "desc"
    rows, total = registry.page(f, today, page_no, per_page, sort=sort, desc=desc, everything=everything)
    args = {k: v for k, v in (("type", f.type), ("municipality", f.municipality), ("q", f.q),
                              ("year", f.year), ("on", f.on.isoformat() if f.on else ""),
                              ("status", f.status), ("sort", sort), ("dir", "desc" if desc else "")) if v}
    return render_template(template, page=Page(rows, total, page_no, per_page), f=f, args=args, day=day,
                           types=status_types.all_types(), municipalities=registry.municipality_options(),
                           selected_municipality=db_int(f.municipality),
                           sort=sort, desc=desc, state_of=registry.state_of, **extra)


@bp.route("/registry")
def index():
    """The public registry: statuses in force today (or on a date, or during a year)."""
    return registry_page("registry/index.html", everything=False)


@bp.route("/registry/<int:org_id>")
def holder(org_id: int):
    """One holder: its statuses (current and past), projects and grounding orders. Public."""
    org = db.session.get(Organization, org_id)
    awards = registry.holder_awards(org_id) if org is not None else []
    if org is None or not awards:
        abort(404)
    return render_template("registry/holder.html", org=org, awards=awards, today=today_local(),
                           issuer_of=issuer_of)
