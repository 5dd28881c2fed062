"""Staff: reminder rules (a campaign's, the defaults, a status type's) and the upcoming reminders.

The upcoming reminders of one deadline are shown on its own page (entry, campaign stage, order) through
the template globals below, so those pages need no code of their own for it.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import policy
from ..export import build_xlsx, xlsx_response
from ..forms.reminders import rules_form
from ..listing import apply_sort, paginate, parse_args
from ..models import Role
from ..models.competition import Campaign, Stage
from ..services.reminders import configure, overdue, pending_for
from ..services.reminders import queries as rq
from ..services.reminders.configure import field_name
from ..services.reminders.rules import CAMPAIGN_KINDS, KINDS, Kind, Rule, rule_for, status_types
from . import authorize, get_or_404, refusal
from .dashboard import Panel, panel
from .nav import NavItem, register_nav

bp = Blueprint("reminders", __name__, url_prefix="/reminders")
register_nav(NavItem("Напоминания", "reminders.index", "reminder.view", "alarm"))

STATUS_KINDS = [k for k in KINDS.values() if k.scope == "status_type"]


# --- on the pages of deadlines ----------------------------------------------------------------------

@bp.app_template_global()
def upcoming_reminders(object_type: str, object_id: int):
    """The pending reminders of an object's deadlines, or None for someone who may not see them."""
    if not policy.can(current_user, "reminder.view"):
        return None
    return pending_for(object_type, object_id)


@bp.app_template_global()
def stage_reminders(stage: Stage):
    if not policy.can(current_user, "reminder.view"):
        return None
    return rq.pending_of_stage(stage)


@bp.app_template_global()
def overdue_ids(kind: str, object_ids) -> set[int]:
    return overdue.marked_ids(kind, object_ids)


@panel(Role.staff)
def _deadlines_panel(user) -> Panel | None:
    counts = overdue.counts()
    stats = [(s.label.capitalize(), counts[k], None) for k, s in overdue.SOURCES.items() if counts.get(k)]
    return Panel(title="Сроки", stats=stats, links=[("Запланированные напоминания", url_for("reminders.index"))],
                 lines=[] if stats else ["Просроченных заданий нет."])


# --- the list ---------------------------------------------------------------------------------------

@bp.route("/")
@login_required
def index():
    authorize("reminder.view")
    args = parse_args(("kind",), tuple(rq.SORTABLE), default_sort="due")
    stmt = apply_sort(rq.upcoming_query(args.filters["kind"], args.q), args, rq.SORTABLE, rq.Reminder.id)
    if request.args.get("export") == "xlsx":
        data = build_xlsx("Напоминания", rq.EXPORT_HEADERS, rq.export_rows(stmt.limit(100_000)),
                          widths=[17, 30, 10, 30, 60, 17, 10])
        return xlsx_response("Запланированные напоминания", data)
    page = paginate(stmt, args)
    return render_template("reminders/index.html", page=page, args=args, kinds=KINDS)


# --- rules ------------------------------------------------------------------------------------------

def _fill(form, kinds: list[Kind], rule_of) -> None:
    for k in kinds:
        r: Rule = rule_of(k.kind)
        getattr(form, field_name(k.kind, "before")).data = ", ".join(map(str, r.before))
        getattr(form, field_name(k.kind, "after")).data = ", ".join(map(str, r.after))
        getattr(form, field_name(k.kind, "coordinator")).data = r.escalate_coordinator
        getattr(form, field_name(k.kind, "staff")).data = r.escalate_staff
        if k.default.due_working_days is not None:
            getattr(form, field_name(k.kind, "working_days")).data = r.due_working_days


def _rows(form, kinds: list[Kind]) -> list[dict]:
    def value(k: Kind, part: str):
        f = getattr(form, field_name(k.kind, part), None)
        return f.data if f is not None else None

    return [{"kind": k.kind, "before": value(k, "before") or "", "after": value(k, "after") or "",
             "coordinator": value(k, "coordinator"), "staff": value(k, "staff"),
             "working_days": value(k, "working_days")} for k in kinds]


def _rules_page(template: str, form, kinds: list[Kind], status: int = 200, **ctx):
    return render_template(template, form=form, kinds=kinds, field_name=field_name, **ctx), status


@bp.route("/campaign/<int:campaign_id>", methods=["GET", "POST"])
@login_required
def campaign_rules(campaign_id: int):
    c = get_or_404(Campaign, campaign_id, "reminder.rules")
    form = rules_form(CAMPAIGN_KINDS)()
    if request.method == "GET":
        _fill(form, CAMPAIGN_KINDS, lambda kind: rule_for(kind, campaign_id=c.id))
    elif form.validate_on_submit():
        with refusal(form) as refused:
            saved = configure.save_campaign_rules(current_user, c, _rows(form, CAMPAIGN_KINDS))
        if not refused:
            flash("Правила напоминаний сохранены." + (
                f" Запланированные напоминания пересчитаны: {saved.pending}." if saved.changed else
                " Изменений нет."), "success")
            return redirect(url_for(".campaign_rules", campaign_id=c.id))
        return _rules_page("reminders/campaign_rules.html", form, CAMPAIGN_KINDS, refused.status, c=c)
    return _rules_page("reminders/campaign_rules.html", form, CAMPAIGN_KINDS, 422 if form.errors else 200, c=c)


@bp.route("/rules", methods=["GET", "POST"])
@login_required
def default_rules():
    authorize("reminder.defaults")
    kinds = list(KINDS.values())
    form = rules_form(kinds)()
    if request.method == "GET":
        _fill(form, kinds, rule_for)
    elif form.validate_on_submit():
        with refusal(form) as refused:
            saved = configure.save_default_rules(current_user, _rows(form, kinds))
        if not refused:
            flash("Правила по умолчанию сохранены." if saved.changed else "Изменений нет.", "success")
            return redirect(url_for(".default_rules"))
        return _rules_page("reminders/default_rules.html", form, kinds, refused.status, status_types=status_types())
    return _rules_page("reminders/default_rules.html", form, kinds, 422 if form.errors else 200,
                       status_types=status_types())


@bp.route("/rules/status-type", methods=["GET", "POST"])
@login_required
def status_type_rules():
    authorize("reminder.defaults")
    form = rules_form(STATUS_KINDS, status_type=True)()
    name = (request.args.get("status_type") or "").strip()[:20]
    if request.method == "GET":
        form.status_type.data = name
        _fill(form, STATUS_KINDS, lambda kind: rule_for(kind, status_type=name or None))
    elif form.validate_on_submit():
        with refusal(form) as refused:
            saved = configure.save_status_type_rules(current_user, form.status_type.data or "",
                                                     _rows(form, STATUS_KINDS))
        if not refused:
            flash("Правила статуса сохранены." if saved.changed else "Изменений нет.", "success")
            return redirect(url_for(".default_rules"))
        return _rules_page("reminders/status_type_rules.html", form, STATUS_KINDS, refused.status)
    return _rules_page("reminders/status_type_rules.html", form, STATUS_KINDS, 422 if form.errors else 200)
