"""Appeals: the applicant files and follows them; staff list, export and decide them; admins keep the
regional calendar of non-working days the terms are counted by."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import policy
from ..export import build_xlsx, xlsx_response
from ..extensions import db
from ..forms import version_of
from ..forms.appeals import AppealForm, CalendarDayForm, DecisionForm, TermsForm, VersionForm, WithdrawForm
from ..ints import query_int
from ..listing import paginate, parse_args
from ..models.appeal import OPEN, Appeal, AppealStatus
from ..models.competition import Campaign, Entry
from ..models.files import StoredFile
from ..services.appeals import decisions, filing, queries, terms
from ..services.appeals.amending import describe
from ..services.platform import audit_journal, work_calendar
from ..timeutil import today_local
from . import authorize, get_or_404, refusal
from .nav import NavItem, register_nav

bp = Blueprint("appeals", __name__)
register_nav(NavItem("Апелляции", "appeals.index", "appeal.list", "megaphone"))
register_nav(NavItem("Календарь", "appeals.calendar", "calendar.edit", "calendar3"))


@bp.app_context_processor
def _entry_page_helpers():
    """For the applicant's result page (results/entry.html includes appeals/_entry_block.html)."""
    return {"entry_appeals": queries.entry_appeals, "appeal_refusal": filing.why_not,
            "appeal_window": terms.window_closes_at, "appeal_change": describe}


# --- staff: campaigns, the list, export, terms ------------------------------------------------------

@bp.route("/appeals")
@login_required
def index():
    authorize("appeal.list")
    return render_template("appeals/index.html", campaigns=queries.campaigns_with_results())


@bp.route("/appeals/list")
@login_required
def campaign_list():
    """One campaign's appeals (`?campaign=<id>`, kept by the sort and page links like any filter)."""
    args = parse_args(("campaign", "status"), tuple(queries.SORTS), "submitted", True)
    c = get_or_404(Campaign, args.int_filter("campaign"), "appeal.list")
    stmt = queries.appeal_list(current_user, c.id, args)
    if request.args.get("export") == "xlsx":
        authorize("appeal.export", c)
        data = build_xlsx("Апелляции", queries.EXPORT_HEADERS, queries.export_rows(stmt),
                          widths=[8, 16, 36, 18, 18, 16, 60, 18, 60])
        return xlsx_response(f"Апелляции — {c.name}", data)
    s = terms.settings_of(c)
    form = TermsForm(formdata=None, window_days=s.window_days, decision_days=s.decision_days)
    return render_template("appeals/list.html", campaign=c, page=paginate(stmt, args), args=args,
                           statuses=AppealStatus, form=form, closes=terms.window_closes_at(c),
                           published=terms.published_at(c), now_open=OPEN)


@bp.route("/appeals/campaigns/<int:campaign_id>/terms", methods=["POST"])
@login_required
def save_terms(campaign_id: int):
    c = get_or_404(Campaign, campaign_id, "appeal.settings")
    form = TermsForm()
    if form.validate_on_submit():
        with refusal() as refused:
            terms.save_settings(c, window_days=int(form.window_days.data or 0),
                                decision_days=int(form.decision_days.data or 0), actor=current_user)
        if not refused:
            flash("Сроки апелляций сохранены.", "success")
    else:
        for errors in form.errors.values():
            flash(" ".join(errors), "danger")
    return redirect(url_for("appeals.campaign_list", campaign=c.id))


# --- one appeal ---------------------------------------------------------------------------------------

def _page(appeal: Appeal, decision_form: DecisionForm | None = None, status: int = 200):
    """The appeal's page: status, grounds, attachments, outcome; for staff the entry's score sheets and
    the decision form."""
    staff = policy.can(current_user, "appeal.list", appeal)
    return render_template(
        "appeals/view.html", appeal=appeal, entry=appeal.entry,
        form=decision_form or DecisionForm(formdata=None, version=appeal.version),
        version_form=VersionForm(formdata=None, version=appeal.version),
        withdraw_form=WithdrawForm(formdata=None, version=appeal.version),
        sheets=queries.sheets(appeal.entry) if staff else None,
        history=audit_journal.object_history(appeal) if staff else None, describe_event=audit_journal.describe,
        can_decide=staff and appeal.status in OPEN, describe=describe), status


@bp.route("/appeals/<int:appeal_id>")
@login_required
def view(appeal_id: int):
    return _page(get_or_404(Appeal, appeal_id, "appeal.view"))


@bp.route("/appeals/<int:appeal_id>/take", methods=["POST"])
@login_required
def take(appeal_id: int):
    appeal = get_or_404(Appeal, appeal_id, "appeal.take")
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    with refusal():
        decisions.take(appeal, current_user, expected_version=version_of(form))
        flash(f"Апелляция № {appeal.id} принята к рассмотрению.", "success")
    return redirect(url_for("appeals.view", appeal_id=appeal_id))


def _score_changes(appeal: Appeal) -> list[dict]:
    """The score fields of the decision form («points-<sheet>-<criterion>») as the service expects them."""
    out = []
    for sh in queries.sheets(appeal.entry):
        for cid, _name, _mx, _pts in sh.rows:
            raw = request.form.get(f"points-{sh.assignment_id}-{cid}")
            if raw is not None and raw.strip():
                out.append({"assignment_id": sh.assignment_id, "criterion_id": cid, "points": raw})
    return out


@bp.route("/appeals/<int:appeal_id>/decision", methods=["POST"])
@login_required
def decide(appeal_id: int):
    appeal = get_or_404(Appeal, appeal_id, "appeal.list")
    form = DecisionForm()
    if form.validate_on_submit():
        with refusal(form, on_form=True) as refused:
            decisions.decide(appeal, current_user, outcome=form.outcome.data, reason=form.reason.data,
                             scores=_score_changes(appeal) if form.outcome.data == "upheld" else [],
                             decision=form.decision.data or None, expected_version=version_of(form))
        if not refused:
            flash(f"Решение по апелляции № {appeal.id} сохранено: «{appeal.status.value}».", "success")
            return redirect(url_for("appeals.view", appeal_id=appeal.id))
        return _page(get_or_404(Appeal, appeal_id), form, refused.status)
    return _page(appeal, form, 422)


@bp.route("/appeals/<int:appeal_id>/withdraw", methods=["POST"])
@login_required
def withdraw(appeal_id: int):
    appeal = get_or_404(Appeal, appeal_id, "appeal.withdraw")
    form = WithdrawForm()
    if not form.validate_on_submit():
        abort(400)
    with refusal():
        filing.withdraw(current_user, appeal, reason=form.reason.data or "", expected_version=version_of(form))
        flash(f"Апелляция № {appeal.id} отозвана.", "success")
    return redirect(url_for("appeals.view", appeal_id=appeal_id))


@bp.route("/appeals/<int:appeal_id>/files/<int:file_id>")
@login_required
def attachment(appeal_id: int, file_id: int):
    from ..downloads import send_stored

    appeal = get_or_404(Appeal, appeal_id, "appeal.view")
    if file_id not in {a.file_id for a in appeal.attachments}:
        abort(404)
    return send_stored(get_or_404(StoredFile, file_id, "file.download"))


# --- the applicant files an appeal ----------------------------------------------------------------------

@bp.route("/entries/<int:entry_id>/appeal", methods=["GET", "POST"])
@login_required
def new(entry_id: int):
    entry = get_or_404(Entry, entry_id, "appeal.create")
    form = AppealForm()
    if form.validate_on_submit():
        with refusal(form, "grounds") as refused:
            appeal = filing.submit_appeal(current_user, entry, grounds=form.grounds.data,
                                          uploads=request.files.getlist(form.files.name))
        if not refused:
            flash(f"Апелляция № {appeal.id} подана. Решение — не позднее срока, указанного на её странице.",
                  "success")
            return redirect(url_for("appeals.view", appeal_id=appeal.id))
        return render_template("appeals/new.html", entry=entry, form=form, why=None), refused.status
    status = 422 if form.errors else 200
    return render_template("appeals/new.html", entry=entry, form=form, why=filing.why_not(entry),
                           closes=terms.window_closes_at(entry.campaign)), status


# --- the calendar (admins) ----------------------------------------------------------------------------------

@bp.route("/admin/calendar", methods=["GET", "POST"])
@login_required
def calendar():
    authorize("calendar.edit")
    year = query_int("year", today_local().year) or today_local().year
    form = CalendarDayForm()
    if form.validate_on_submit():
        with refusal(form, "day") as refused:
            work_calendar.set_day(form.day.data, working=form.working.data == "1", title=form.title.data,
                                  actor=current_user)
        if not refused:
            flash(f"{form.day.data:%d.%m.%Y} сохранён в календаре.", "success")
            return redirect(url_for("appeals.calendar", year=form.day.data.year))
    days = list(db.session.execute(work_calendar.days_query(year)).scalars())
    return render_template("appeals/calendar.html", form=form, days=days, year=year), (422 if form.errors else 200)


@bp.route("/admin/calendar/<day>/delete", methods=["POST"])
@login_required
def calendar_delete(day: str):
    authorize("calendar.edit")
    if not VersionForm().validate_on_submit():
        abort(400)
    try:
        when = date.fromisoformat(day)
    except ValueError:
        abort(404)
    with refusal():
        work_calendar.remove_day(when, actor=current_user)
        flash(f"{when:%d.%m.%Y} удалён из календаря.", "success")
    return redirect(url_for("appeals.calendar", year=when.year))
