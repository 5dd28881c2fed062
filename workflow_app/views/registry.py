"""The public registry of statuses (no login): the list with filters, XLSX/CSV, a page per holder; and the
JSON endpoints `GET /api/v1/registry` and `GET /api/v1/stats/awards` (plain JSON views for now)."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, jsonify, render_template, request
from flask_login import current_user

from .. import policy
from ..downloads import send_bytes
from ..errors import ValidationFailed
from ..export import build_xlsx, xlsx_response
from ..extensions import db
from ..ints import db_int
from ..listing import Page
from ..models import Organization
from ..services.statuses import registry, stats
from ..services.statuses import types as status_types
from ..services.statuses.grounding import issuer_of
from ..timeutil import today_local

bp = Blueprint("registry", __name__)
API_PER_PAGE = 50


class BadQuery(Exception):
    def __init__(self, fields: dict[str, str]):
        super().__init__("; ".join(fields.values()))
        self.fields = fields


def parse_filter(args, *, strict: bool = False) -> registry.Filter:
    """The registry filter from query arguments. `strict` (JSON): an unreadable value is a 400 naming the
    field; on a page it is ignored like any hand-edited link."""
    errors: dict[str, str] = {}
    year = None
    if (raw := (args.get("year") or "").strip()):
        year = db_int(raw)
        if year is None or not 1990 <= year <= 2100:
            errors["year"] = "Год — число от 1990 до 2100."
            year = None
    on = None
    if (raw := (args.get("on") or "").strip()):
        try:
            on = date.fromisoformat(raw)
        except ValueError:
            errors["on"] = "Дата — в виде ГГГГ-ММ-ДД."
    if strict and errors:
        raise BadQuery(errors)
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


# --- JSON ------------------------------------------------------------------------------------------

def json_error(message: str, fields: dict | None = None, status: int = 400):
    return jsonify({"error": message, "fields": fields or {}}), status


@bp.route("/api/v1/registry")
def api_registry():
    """{"items": [...], "total": n, "page": p, "per_page": k}: the public registry with the page's filters."""
    fields: dict[str, str] = {}
    try:
        f = parse_filter(request.args, strict=True)
    except BadQuery as exc:
        fields.update(exc.fields)
    raw_page = request.args.get("page")
    page_no = db_int(raw_page, 1) if raw_page not in (None, "") else 1
    if not page_no or page_no < 1:
        fields["page"] = "Номер страницы — целое число от 1."
    if fields:
        return json_error("Неверные параметры запроса.", fields)
    f = registry.Filter(**{**f.__dict__, "status": ""})
    today = today_local()
    rows, total = registry.page(f, today, page_no, API_PER_PAGE)
    day = f.on or (date(f.year, 12, 31) if f.year and f.year < today.year else today)
    return jsonify({"items": [registry.as_json(r, day) for r in rows], "total": total, "page": page_no,
                    "per_page": API_PER_PAGE})


@bp.route("/api/v1/stats/awards")
def api_stats():
    """{"on", "groups": [{"key", "count"}], "total"}: awards in force on a date (staff and signatories)."""
    if not current_user.is_authenticated:
        return json_error("Требуется вход в систему.", status=401)
    if not policy.can(current_user, "stats.awards"):
        return json_error("Недостаточно прав.", status=403)
    fields: dict[str, str] = {}
    on = today_local()
    if (raw := (request.args.get("on") or "").strip()):
        try:
            on = date.fromisoformat(raw)
        except ValueError:
            fields["on"] = "Дата — в виде ГГГГ-ММ-ДД."
    group_by = request.args.get("group_by") or "org_type"
    if group_by not in stats.GROUPS:
        fields["group_by"] = "Допустимо: org_type, municipality, type."
    type_short = (request.args.get("type") or "").strip() or None
    if type_short and status_types.by_short(type_short) is None:
        fields["type"] = f"Неизвестный статус «{type_short[:30]}»."
    if fields:
        return json_error("Неверные параметры запроса.", fields)
    try:
        return jsonify(stats.awards_stats(on, type_short, group_by))
    except ValidationFailed as exc:
        return json_error(exc.message)
