"""Entry pages: the applicant's campaigns, entries and dossier editor; staff lists and the technical
check; the coordinator's read-only list. Handlers stay thin: services do the work."""
from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import policy
from ..export import build_xlsx, xlsx_response
from ..extensions import db
from ..forms.dossier import (
    AdmitForm,
    AttachmentForm,
    BulkConfirmForm,
    ExtendForm,
    NewEntryForm,
    RejectForm,
    ReturnForm,
    SubmitEntryForm,
    WithdrawForm,
)
from ..ints import db_int, query_int
from ..listing import apply_sort, paginate, parse_args
from ..machines.entry import entry_lifecycle
from ..models import Organization, Role
from ..models.base import utcnow
from ..models.competition import Campaign, Entry, EntryStatus, Track
from ..services import reminders
from ..services.competition import dossier as svc
from ..services.competition import dossier_content, dossier_versions, entry_check, queries, richtext
from ..services.platform import audit_journal as audit
from ..services.platform import queries as platform_queries
from ..timeutil import format_datetime
from . import authorize, dashboard, get_or_404, refusal
from .nav import NavItem, register_nav

bp = Blueprint("dossier", __name__, url_prefix="/entries")

register_nav(NavItem("Мои заявки", "dossier.home", "entry.apply", "file-earmark-text"))
register_nav(NavItem("Заявки на конкурсы", "dossier.staff_index", "entry.list", "inboxes"))
register_nav(NavItem("Заявки муниципалитета", "dossier.municipal", "entry.municipal_list", "inboxes"))


@bp.app_template_filter("richtext")
def _richtext(value):
    return richtext.safe(value)


def _int(name: str) -> int | None:
    return db_int(request.form.get(name, ""))


# --- applicant -----------------------------------------------------------------------------------

@bp.route("/")
@login_required
def home():
    authorize("entry.apply")
    orgs = svc.applicant_orgs(current_user)
    offers = [(o, svc.open_campaigns_for(o)) for o in orgs if policy.can(current_user, "entry.create", o)]
    form = NewEntryForm()
    entries = svc.org_entries({o.id for o in orgs}, current_user.id)
    return render_template("dossier/home.html", offers=offers, entries=entries, form=form, orgs=orgs)


@bp.route("/new", methods=["POST"])
@login_required
def create():
    authorize("entry.apply")
    form = NewEntryForm()
    org = db.session.get(Organization, form.org_id.data or 0) if form.validate_on_submit() else None
    try:
        cid, tid = (int(x) for x in (form.target.data or "").split(":", 1))
    except ValueError:
        cid = tid = 0
    campaign, track = db.session.get(Campaign, cid), db.session.get(Track, tid)
    if org is None or campaign is None or track is None:
        flash("Выберите организацию, конкурс и направление.", "danger")
        return redirect(url_for(".home"))
    with refusal() as refused:
        entry = svc.create_entry(current_user, org, campaign, track)
    if refused:
        return redirect(url_for(".home"))
    flash(f"Заявка {entry.code} создана. Заполните разделы и сохраните черновик.", "success")
    return redirect(url_for(".edit", entry_id=entry.id))


@bp.route("/<int:entry_id>")
@login_required
def show(entry_id: int):
    entry = get_or_404(Entry, entry_id, "entry.view")
    staff = policy.can(current_user, "entry.admit", entry)
    vs = dossier_versions.versions(entry)
    can_edit = policy.can(current_user, "entry.edit", entry)
    # Readers see what was submitted (a frozen version); the applicant editing a draft sees the draft.
    wanted = query_int("version")
    shown = next((v for v in vs if v.number == wanted), None) if wanted else None
    if shown is None and vs and not can_edit:
        shown = vs[0]
    ctx = dict(entry=entry, versions=vs, shown=shown, staff=staff, missing=svc.missing(entry),
               sections=dossier_content.view_sections(entry.campaign.dossier_schema or [], entry.dossier),
               deadline=svc.effective_deadline(entry),
               can_edit=can_edit,
               withdraw_form=WithdrawForm(expected_version=entry.version),
               can_withdraw=policy.can(current_user, "entry.withdraw", entry) and entry.status in svc.WITHDRAWABLE)
    if staff:
        ctx.update(
            admit_form=AdmitForm(expected_version=entry.version),
            return_form=ReturnForm(expected_version=entry.version),
            reject_form=RejectForm(expected_version=entry.version),
            extend_form=ExtendForm(expected_version=entry.version),
            triggers=[t.trigger for t in entry_lifecycle.available(entry, current_user)],
            history=audit.object_history(entry), describe=audit.describe,
            extension_reason=entry_check.last_extension_reason(entry),
            reminders=reminders.pending_for("entry", entry.id),
        )
    return render_template("dossier/entry.html", **ctx)


def _editor_context(entry: Entry, posted=None) -> dict:
    schema = entry.campaign.dossier_schema or []
    return dict(entry=entry, schema=schema, missing=svc.missing(entry),
                filled=svc.filled_sections(entry), deadline=svc.effective_deadline(entry),
                attachment_form=AttachmentForm(), max_attachments=svc.MAX_ATTACHMENTS,
                fields=dossier_content.editor_fields(schema, entry, posted))


@bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit(entry_id: int):
    entry = get_or_404(Entry, entry_id, "entry.view")
    authorize("entry.edit", entry)
    if request.method == "GET":
        return render_template("dossier/editor.html", **_editor_context(entry))
    is_fetch = request.headers.get("X-Requested-With") == "fetch"
    with refusal(show=not is_fetch) as refused:
        entry = svc.save_draft(current_user, entry, svc.parse_form(entry.campaign, request.form),
                               expected_version=_int("expected_version"))
    if refused:
        if is_fetch:
            return jsonify(ok=False, error=refused.message), refused.status
        if isinstance(refused.error, dossier_content.DossierInvalid):
            # Bad input: the editor again with what was typed (the message is flashed above it).
            return render_template("dossier/editor.html", **_editor_context(entry, request.form)), refused.status
        return redirect(url_for(".edit", entry_id=entry_id))
    saved_at = utcnow()
    if is_fetch:
        return jsonify(ok=True, version=entry.version, saved_at=_hhmm(saved_at), missing=svc.missing(entry),
                       filled=sorted(svc.filled_sections(entry)))
    if request.form.get("go") == "submit":
        return redirect(url_for(".submit", entry_id=entry.id))
    flash(f"Черновик сохранён в {_hhmm(saved_at)}.", "success")
    return redirect(url_for(".edit", entry_id=entry.id))


def _hhmm(dt) -> str:
    return format_datetime(dt, "%H:%M")


@bp.route("/<int:entry_id>/submit", methods=["GET", "POST"])
@login_required
def submit(entry_id: int):
    entry = get_or_404(Entry, entry_id, "entry.view")
    trigger = "resubmit" if entry.status == EntryStatus.returned else "submit"
    authorize(f"entry.{trigger}", entry)
    form = SubmitEntryForm(expected_version=entry.version)
    if request.method == "POST" and form.validate_on_submit():
        with refusal() as refused:
            entry = svc.submit(current_user, entry, expected_version=form.expected_version.data)
        if refused:
            return redirect(url_for(".submit", entry_id=entry_id))
        flash(f"Заявка {entry.code} подана. Зафиксирована версия № {entry.current_version}.", "success")
        return redirect(url_for(".show", entry_id=entry.id))
    return render_template("dossier/submit.html", entry=entry, form=form, missing=svc.missing(entry),
                           deadline=svc.effective_deadline(entry), trigger=trigger,
                           late=svc.deadline_problem(entry))


@bp.route("/<int:entry_id>/withdraw", methods=["POST"])
@login_required
def withdraw(entry_id: int):
    entry = get_or_404(Entry, entry_id, "entry.view")
    authorize("entry.withdraw", entry)
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash("Укажите причину отзыва заявки.", "danger")
        return redirect(url_for(".show", entry_id=entry_id))
    with refusal() as refused:
        svc.withdraw(current_user, entry, form.reason.data, expected_version=form.expected_version.data)
    if refused:
        return redirect(url_for(".show", entry_id=entry_id))
    flash(f"Заявка {entry.code} отозвана.", "success")
    return redirect(url_for(".show", entry_id=entry_id))


@bp.route("/<int:entry_id>/attachments", methods=["POST"])
@login_required
def attach(entry_id: int):
    entry = get_or_404(Entry, entry_id, "entry.view")
    authorize("entry.edit", entry)
    form = AttachmentForm()
    target = url_for(".edit", entry_id=entry_id) + "#attachments"
    if not form.validate_on_submit():
        flash(" ".join(e for errs in form.errors.values() for e in errs), "danger")
        return redirect(target)
    with refusal() as refused:
        svc.add_attachment(current_user, entry, form.file.data, form.title.data or "")
    if refused:
        return redirect(target)
    flash("Файл приложен к заявке.", "success")
    return redirect(target)


@bp.route("/<int:entry_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
@login_required
def detach(entry_id: int, attachment_id: int):
    entry = get_or_404(Entry, entry_id, "entry.view")
    authorize("entry.edit", entry)
    target = url_for(".edit", entry_id=entry_id) + "#attachments"
    with refusal() as refused:
        svc.remove_attachment(current_user, entry, attachment_id)
    if refused:
        return redirect(target)
    flash("Приложение удалено.", "success")
    return redirect(target)


# --- staff: technical check ------------------------------------------------------------------------

def _staff_action(entry_id: int, action: str, form_cls, apply):
    entry = get_or_404(Entry, entry_id, "entry.view")
    authorize(action, entry)
    form = form_cls()
    back = url_for(".show", entry_id=entry_id)
    if not form.validate_on_submit():
        flash(" ".join(e for errs in form.errors.values() for e in errs) or "Проверьте форму.", "danger")
        return redirect(back)
    with refusal() as refused:
        message = apply(entry, form)
    if refused:
        return redirect(back)
    flash(message, "success")
    return redirect(back)


@bp.route("/<int:entry_id>/admit", methods=["POST"])
@login_required
def admit(entry_id: int):
    def apply(entry, form):
        entry_check.admit(current_user, entry, expected_version=form.expected_version.data)
        return f"Заявка {entry.code} допущена к экспертизе."
    return _staff_action(entry_id, "entry.admit", AdmitForm, apply)


@bp.route("/<int:entry_id>/return", methods=["POST"])
@login_required
def return_entry(entry_id: int):
    def apply(entry, form):
        entry_check.return_for_correction(current_user, entry, form.reason.data, form.due.data,
                                          expected_version=form.expected_version.data)
        return f"Заявка {entry.code} возвращена на доработку; заявитель уведомлён."
    return _staff_action(entry_id, "entry.return_for_correction", ReturnForm, apply)


@bp.route("/<int:entry_id>/reject", methods=["POST"])
@login_required
def reject(entry_id: int):
    def apply(entry, form):
        entry_check.reject(current_user, entry, form.reason.data, expected_version=form.expected_version.data)
        return f"Заявка {entry.code} отклонена; заявитель уведомлён."
    return _staff_action(entry_id, "entry.reject", RejectForm, apply)


@bp.route("/<int:entry_id>/extend", methods=["POST"])
@login_required
def extend(entry_id: int):
    def apply(entry, form):
        entry_check.grant_extension(current_user, entry, form.until.data, form.reason.data,
                                    expected_version=form.expected_version.data)
        return f"Срок подачи заявки {entry.code} продлён до {form.until.data:%d.%m.%Y}."
    return _staff_action(entry_id, "entry.extend", ExtendForm, apply)


# --- staff: lists ----------------------------------------------------------------------------------

@bp.route("/staff")
@login_required
def staff_index():
    authorize("entry.list")
    rows = queries.campaigns_with_entry_counts()
    return render_template("dossier/staff_index.html", rows=rows)


def _list_args():
    return parse_args(entry_check.FILTERS, tuple(entry_check.SORTABLE), default_sort="code")


@bp.route("/campaign/<int:campaign_id>")
@login_required
def staff_list(campaign_id: int):
    authorize("entry.list")
    campaign = get_or_404(Campaign, campaign_id)
    args = _list_args()
    stmt = entry_check.entry_query(campaign.id, args)
    stmt = apply_sort(stmt, args, entry_check.SORTABLE, Entry.id)
    if request.args.get("export") == "xlsx":
        authorize("entry.export")
        data = build_xlsx("Заявки", entry_check.EXPORT_HEADERS, entry_check.export_rows(stmt),
                          widths=[16, 50, 30, 26, 30, 22, 18, 18, 11, 8, 50])
        return xlsx_response(f"Заявки — {campaign.name}", data)
    page = paginate(stmt, args)
    municipalities = platform_queries.municipalities()
    return render_template("dossier/staff_list.html", campaign=campaign, page=page, args=args,
                           municipalities=municipalities, statuses=list(EntryStatus),
                           bulk_actions=entry_check.BULK_ACTIONS, now=utcnow())


def _bulk_selection() -> tuple[str, dict[int, int]]:
    action = request.form.get("action", "")
    versions: dict[int, int] = {}
    for raw in request.form.getlist("ids"):
        if (eid := db_int(raw)) is not None:
            versions[eid] = db_int(request.form.get(f"v-{raw}"), 0) or 0
    return action, versions


@bp.route("/campaign/<int:campaign_id>/bulk", methods=["POST"])
@login_required
def bulk_confirm(campaign_id: int):
    authorize("entry.bulk")
    campaign = get_or_404(Campaign, campaign_id)
    action, versions = _bulk_selection()
    back = url_for(".staff_list", campaign_id=campaign_id)
    if action not in entry_check.BULK_ACTIONS:
        flash("Выберите действие.", "danger")
        return redirect(back)
    entries = entry_check.bulk_entries(campaign.id, list(versions))
    if not entries:
        flash("Отметьте заявки, к которым применить действие.", "warning")
        return redirect(back)
    form = BulkConfirmForm(action=action)
    return render_template("dossier/bulk_confirm.html", campaign=campaign, entries=entries, action=action,
                           label=entry_check.BULK_ACTIONS[action], form=form)


@bp.route("/campaign/<int:campaign_id>/bulk/apply", methods=["POST"])
@login_required
def bulk_apply(campaign_id: int):
    authorize("entry.bulk")
    campaign = get_or_404(Campaign, campaign_id)
    form = BulkConfirmForm()
    back = url_for(".staff_list", campaign_id=campaign_id)
    if not form.validate_on_submit():
        flash(" ".join(e for errs in form.errors.values() for e in errs) or "Проверьте форму.", "danger")
        return redirect(back)
    _, versions = _bulk_selection()
    with refusal() as refused:
        result = entry_check.bulk_apply(current_user, campaign.id, versions, form.action.data,
                                        reason=form.reason.data or "", due=form.due.data)
    if refused:
        return redirect(back)
    flash(f"{entry_check.BULK_ACTIONS[form.action.data]}: {result.count} заявок ({', '.join(result.codes)}).",
          "success")
    return redirect(back)


# --- coordinator -------------------------------------------------------------------------------------

@bp.route("/municipal")
@login_required
def municipal():
    authorize("entry.municipal_list")
    campaigns = queries.announced_campaigns()
    args = parse_args(("campaign", "status"), tuple(entry_check.SORTABLE), default_sort="code")
    cid = args.int_filter("campaign")
    stmt = entry_check.entry_query(cid, args, municipality_ids=current_user.coordinator_municipality_ids())
    stmt = apply_sort(stmt, args, entry_check.SORTABLE, Entry.id)
    page = paginate(stmt, args)
    return render_template("dossier/municipal.html", page=page, args=args, campaigns=campaigns,
                           statuses=list(EntryStatus))


# --- dashboard panels ----------------------------------------------------------------------------------

@dashboard.panel(Role.applicant)
def _applicant_panel(user):
    orgs = svc.applicant_orgs(user)
    entries = svc.org_entries({o.id for o in orgs}, user.id)[:5]
    offers = sum(len(svc.open_campaigns_for(o)) for o in orgs)

    lines, todo = [], []
    for e in entries:
        line = f"{e.code} · {e.title or 'без темы'} — {e.status.value}"
        if e.status in (EntryStatus.draft, EntryStatus.returned):
            due = svc.effective_deadline(e)
            if due is not None:
                line += f"; подать до {format_datetime(due)} (МСК)"
            todo.append((f"Продолжить заполнение {e.code}", url_for("dossier.edit", entry_id=e.id)))
        lines.append(line)
    return dashboard.Panel(
        title="Заявки на конкурсы",
        lines=lines,
        links=todo + [("Мои заявки", url_for("dossier.home"))],
        stats=[("Открытых конкурсов", offers)] if offers else [],
        empty="Открытых конкурсов сейчас нет.",
    )


@dashboard.panel(Role.staff)
def _staff_panel(user):
    waiting, overdue, per_campaign = queries.entry_check_counts()
    # What to do next: one button per campaign with entries waiting for the check.
    links = [(f"Проверить: {name} ({n})", url_for("dossier.staff_list", campaign_id=cid, status="submitted"))
             for cid, name, n in per_campaign]
    return dashboard.Panel(title="Техническая экспертиза заявок",
                           stats=[("Ждут проверки", waiting), ("Просрочена доработка", overdue)],
                           links=links + [("Заявки на конкурсы", url_for("dossier.staff_index"))])
