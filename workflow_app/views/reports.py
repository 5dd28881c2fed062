"""Report pages: the holder's reports and form, the staff list (XLSX) and review, the municipal
coordinator's read-only page, termination proposals. Thin: the reports services do the work."""
from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import policy
from ..downloads import send_bytes
from ..export import build_xlsx, xlsx_response
from ..forms.reports import (
    AcceptForm,
    DismissForm,
    DueDateForm,
    EvidenceForm,
    OrderDraftForm,
    ReturnForm,
    SaveForm,
    SubmitForm,
)
from ..listing import parse_args
from ..machines.status_report import report_lifecycle
from ..models import Role, User
from ..models.status_report import EDITABLE, ProposalStatus, ReportStatus, StatusReport, TerminationProposal
from ..services.platform import audit_journal
from ..services.reports import content, deadlines, export, filing, queries, review
from ..services.reports import proposals as proposal_service
from ..services.reports import timeline as _timeline  # noqa: F401  (registers the timeline provider)
from ..timeutil import today_local
from . import authorize, get_or_404, refusal
from .dashboard import Panel, panel
from .main import NOTICE_LINKS
from .nav import NavItem, register_nav

bp = Blueprint("reports", __name__)
register_nav(NavItem("Отчёты площадок", "reports.staff_list", "report.list", "journal-check"))
register_nav(NavItem("Предложения о прекращении", "reports.proposals", "termination_proposal.list", "x-octagon"))
register_nav(NavItem("Отчёты организации", "reports.mine", "report.mine", "journal-text"))
register_nav(NavItem("Площадки муниципалитета", "reports.municipal", "report.municipal", "buildings"))

# Notices about a report link to its page.
NOTICE_LINKS["status_report"] = lambda i: url_for("reports.view", report_id=i)

DOC_TYPES = {"pdf": "application/pdf",
             "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


@bp.route("/reports")
@login_required
def staff_list():
    authorize("report.list")
    args = parse_args(queries.FILTERS, queries.SORTABLE, default_sort="due")
    day = today_local()
    if request.args.get("export") == "xlsx":
        authorize("report.export")
        data = build_xlsx("Отчёты площадок", queries.XLSX_HEADERS, queries.staff_rows(args, day))
        return xlsx_response("Отчёты площадок", data)
    return render_template("reports/list.html", page=queries.staff_page(args, day), args=args,
                           types=queries.types(), states=ReportStatus, years=queries.years(),
                           municipalities=queries.municipalities())


@bp.route("/reports/mine")
@login_required
def mine():
    authorize("report.mine")
    rows = queries.mine(current_user.applicant_org_ids(), today_local())
    return render_template("reports/mine.html", rows=rows)


@bp.route("/reports/municipal")
@login_required
def municipal():
    authorize("report.municipal")
    munis = current_user.coordinator_municipality_ids()
    args = parse_args(queries.FILTERS, queries.SORTABLE, default_sort="due")
    day = today_local()
    return render_template("reports/municipal.html", holders=queries.municipal_holders(munis, day),
                           page=queries.municipal_page(args, day, munis), args=args, states=ReportStatus)


def _values(data: dict, typed, final: bool) -> dict:
    """What the form fields show: the stored (or prefilled) content, or what was just typed when it
    was refused (a table whose JSON cannot be read shows the stored one)."""
    values = {spec.key: data.get(spec.key) or content.empty_grid(spec) for spec in content.tables_for(final)}
    values.update({key: data.get(key) or "" for key, _t in content.TEXTS})
    values[content.TEACHERS] = data.get(content.TEACHERS) or ""
    if typed is not None:
        for key in values:
            raw = typed.get(key)
            if raw is None:
                continue
            if isinstance(values[key], dict):
                try:
                    loaded = json.loads(raw)
                except ValueError:
                    continue
                values[key] = loaded if isinstance(loaded, dict) else values[key]
            else:
                values[key] = raw
    return values


def _page(report: StatusReport, status: int = 200, **forms):
    data = filing.form_content(report)
    forms.setdefault("save_form", SaveForm(expected_version=report.version))
    forms.setdefault("submit_form", SubmitForm(expected_version=report.version))
    forms.setdefault("accept_form", AcceptForm(expected_version=report.version))
    forms.setdefault("return_form", ReturnForm(expected_version=report.version))
    forms.setdefault("due_form", DueDateForm())
    forms.setdefault("evidence_form", EvidenceForm())
    staff = policy.can(current_user, "report.accept", report)
    typed = forms.pop("typed", None)
    forms.setdefault("errors", {})
    values = _values(data, typed, filing.is_final(report))
    return render_template(
        "reports/view.html", report=report, data=data, values=values,
        tables=content.tables_for(filing.is_final(report)),
        texts=content.TEXTS, grid_of=content.grid_of, outcomes=content.OUTCOMES, levels=content.LEVELS,
        editable=policy.can(current_user, "report.edit", report),
        triggers=[t.trigger for t in report_lifecycle.available(report, current_user)],
        side=review.side_by_side(report) if staff else None,
        checks=review.requirement_checks(report),
        history=audit_journal.object_history(report), describe=audit_journal.describe,
        overdue=report.status == ReportStatus.overdue or (
            report.status in (ReportStatus.due, ReportStatus.draft, ReportStatus.returned)
            and report.due_date < today_local()),
        **forms), status


@bp.route("/reports/<int:report_id>", methods=["GET", "POST"])
@login_required
def view(report_id: int):
    report = get_or_404(StatusReport, report_id, "report.view")
    if request.method == "GET":
        return _page(report)
    authorize("report.edit", report)
    form = SaveForm()
    if not form.validate_on_submit():
        return _page(report, 422, save_form=form)
    with refusal(show=False) as refused:
        data = content.parse(request.form, filing.is_final(report))
        filing.save(current_user, report, data, form.expected_version.data)
    if refused:
        # Show what the holder typed (nothing was saved) with the errors next to their tables.
        errors = getattr(refused.error, "errors", None) or {"": refused.message}
        return _page(get_or_404(StatusReport, report_id), refused.status, save_form=form, typed=request.form,
                     errors=errors)
    flash("Черновик отчёта сохранён.", "success")
    return redirect(url_for("reports.view", report_id=report.id))


@bp.route("/reports/<int:report_id>/submit", methods=["POST"])
@login_required
def submit(report_id: int):
    return _versioned_step(report_id, "report.view", SubmitForm(), filing.submit, "Отчёт представлен в институт.")


@bp.route("/reports/<int:report_id>/accept", methods=["POST"])
@login_required
def accept(report_id: int):
    return _versioned_step(report_id, "report.accept", AcceptForm(), review.accept, "Отчёт принят.")


def _versioned_step(report_id: int, action: str, form, step, done: str):
    """A button that only carries the report's version: `step(actor, report, expected_version)`, then back
    to the report (a refusal is flashed there)."""
    report = get_or_404(StatusReport, report_id, action)
    if form.validate_on_submit():
        with refusal() as refused:
            step(current_user, report, form.expected_version.data)
        if not refused:
            flash(done, "success")
    return redirect(url_for("reports.view", report_id=report_id))


@bp.route("/reports/<int:report_id>/return", methods=["POST"])
@login_required
def return_report(report_id: int):
    form = ReturnForm()
    return _form_step(
        report_id, "report.return_for_revision", form, "reason", "return_form", "Отчёт возвращён на доработку.",
        lambda report: review.return_for_revision(current_user, report, form.reason.data, form.due.data,
                                                  form.expected_version.data))


@bp.route("/reports/<int:report_id>/due", methods=["POST"])
@login_required
def change_due(report_id: int):
    form = DueDateForm()
    return _form_step(
        report_id, "report.change_due_date", form, "due", "due_form", "Срок представления отчёта перенесён.",
        lambda report: deadlines.change_due_date(current_user, report, form.due.data, form.reason.data))


@bp.route("/reports/<int:report_id>/files", methods=["POST"])
@login_required
def add_file(report_id: int):
    form = EvidenceForm()
    return _form_step(
        report_id, "report.edit", form, "file", "evidence_form", "Файл приложен к отчёту.",
        lambda report: filing.add_file(current_user, report, form.file.data, form.title.data or ""))


def _form_step(report_id: int, action: str, form, field: str, form_name: str, done: str, step):
    """A form on the report's page: `step(report)` on valid input, then back to the report; invalid input or
    a refusal (shown at `field`) shows the page again with the form as typed, as `form_name`."""
    report = get_or_404(StatusReport, report_id, action)
    if form.validate_on_submit():
        with refusal(form, field) as refused:
            step(report)
        if not refused:
            flash(done, "success")
            return redirect(url_for("reports.view", report_id=report_id))
        return _page(get_or_404(StatusReport, report_id), refused.status, **{form_name: form})
    return _page(report, 422, **{form_name: form})


@bp.route("/reports/<int:report_id>/files/<int:attachment_id>/delete", methods=["POST"])
@login_required
def remove_file(report_id: int, attachment_id: int):
    report = get_or_404(StatusReport, report_id, "report.edit")
    if not SaveForm().validate_on_submit():
        abort(400)
    with refusal():
        filing.remove_file(current_user, report, attachment_id)
    return redirect(url_for("reports.view", report_id=report_id))


@bp.route("/reports/<int:report_id>/file.<fmt>")
@login_required
def document(report_id: int, fmt: str):
    if fmt not in DOC_TYPES:
        abort(404)
    report = get_or_404(StatusReport, report_id, "report.document")
    return send_bytes(export.document_bytes(report, fmt), export.file_name(report, fmt), DOC_TYPES[fmt])


# --- termination proposals (staff) -------------------------------------------------------------------

@bp.route("/reports/proposals")
@login_required
def proposals():
    authorize("termination_proposal.list")
    args = parse_args(("status",))
    page = queries.proposals_page(args)
    return render_template("reports/proposals.html", page=page, args=args,
                           statuses=ProposalStatus, dismiss_form=DismissForm(), order_form=OrderDraftForm(),
                           ground_name=proposal_service.ground_name,
                           reports=queries.of_awards([p.award_id for p in page.items]))


@bp.route("/reports/proposals/<int:proposal_id>/dismiss", methods=["POST"])
@login_required
def dismiss(proposal_id: int):
    proposal = get_or_404(TerminationProposal, proposal_id, "termination_proposal.decide")
    form = DismissForm()
    if form.validate_on_submit():
        with refusal() as refused:
            proposal_service.dismiss(current_user, proposal, form.note.data, form.expected_version.data)
        if not refused:
            flash("Предложение отклонено, статус сохраняется.", "success")
    else:
        flash("Укажите, почему статус не прекращается.", "danger")
    return redirect(url_for("reports.proposals"))


@bp.route("/reports/proposals/<int:proposal_id>/order", methods=["POST"])
@login_required
def draft_order(proposal_id: int):
    proposal = get_or_404(TerminationProposal, proposal_id, "termination_proposal.decide")
    form = OrderDraftForm()
    if form.validate_on_submit():
        with refusal() as refused:
            order = proposal_service.draft_order(current_user, proposal, form.expected_version.data)
        if not refused:
            flash("Проект приказа о досрочном прекращении статуса создан. Проверьте текст и направьте его "
                  "на согласование: статус прекратится после подписания приказа.", "success")
            return redirect(url_for("orders.edit", order_id=order.id))
    return redirect(url_for("reports.proposals"))


# --- dashboard panels ---------------------------------------------------------------------------

@panel(Role.staff)
def _staff_panel(user: User) -> Panel:
    counts = queries.staff_counts(today_local())
    return Panel(
        title="Отчёты площадок",
        stats=[("Ждут проверки", counts["submitted"], url_for("reports.staff_list", state="submitted")),
               ("Просрочены", counts["overdue"], url_for("reports.staff_list", overdue="1")),
               ("Предложения о прекращении", counts["proposals"], url_for("reports.proposals", status="open"))],
        links=[("Все отчёты", url_for("reports.staff_list"))])


@panel(Role.applicant)
def _holder_panel(user: User) -> Panel | None:
    owed = [row for row in queries.mine(user.applicant_org_ids(), today_local())
            if row.report.status in EDITABLE]
    if not owed:
        return None
    return Panel(title="Отчёты по статусу",
                 items=[(f"{row.report.title} — срок {row.report.due_date:%d.%m.%Y}"
                         + (" (просрочен)" if row.overdue else ""),
                         url_for("reports.view", report_id=row.report.id)) for row in owed[:5]],
                 links=[("Все отчёты организации", url_for("reports.mine"))])
