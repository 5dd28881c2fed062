"""Orders register, drafting, approval, signing and downloads; status awards; institution settings."""
from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import ValidationFailed
from ..export import build_xlsx, xlsx_response
from ..extensions import db
from ..forms import version_of
from ..forms.orders import (
    JsonUploadForm,
    NewOrderForm,
    OrderEditForm,
    RegisterDraftForm,
    ReopenForm,
    SettingsForm,
    VersionForm,
    VisaForm,
)
from ..ints import query_int
from ..listing import paginate, parse_args
from ..machines.base import fire
from ..machines.order import order_lifecycle
from ..models import Role, User
from ..models.orders import Order, OrderKind, OrderStatus
from ..services import orders
from ..services.orders import annexes as annex_rules
from ..services.orders import kinds as order_kinds
from ..services.orders import queries as order_queries
from ..services.platform import files, settings
from ..services.platform import queries as platform_queries
from ..services.statuses import types as status_types
from . import authorize, get_or_404, refusal
from .dashboard import Panel, panel
from .nav import NavItem, register_nav

bp = Blueprint("orders", __name__)
register_nav(NavItem("Приказы", "orders.register", "order.list", "file-earmark-text"))
register_nav(NavItem("Настройки", "orders.institution_settings", "settings.edit", "gear"))

@bp.route("/orders")
@login_required
def register():
    authorize("order.list")
    args = parse_args(("year", "kind", "status", "source"), tuple(order_queries.ORDER_SORTS), "created", True)
    stmt = order_queries.order_list(args)
    if request.args.get("export") == "xlsx":
        rows = ((o.number or "", o.order_date, o.issuer_name, o.kind, o.title, o.status)
                for o in db.session.execute(stmt).scalars())
        data = build_xlsx("Приказы", ["Номер", "Дата", "Издатель", "Вид", "Заголовок", "Состояние"], rows)
        return xlsx_response("Приказы", data)
    page = paginate(stmt, args)
    return render_template("orders/register.html", page=page, args=args, kinds=OrderKind,
                           statuses=OrderStatus)


def _new_form() -> NewOrderForm:
    form = NewOrderForm()
    campaigns = order_queries.campaigns_newest_first()
    form.campaign_id.choices = [(0, "— выберите —")] + [(c.id, f"{c.name} ({c.status.value})") for c in campaigns]
    signed = order_queries.signed_orders()
    form.target_order_id.choices = [(0, "— выберите —")] + [
        (o.id, f"№ {o.number} от {o.order_date:%d.%m.%Y} — {o.title}") for o in signed]
    orgs = platform_queries.org_names()
    form.organization_id.choices = [(0, "— выберите —")] + [(i, n) for i, n in orgs]
    awards = order_queries.live_awards()
    form.award_ids.choices = [(a.id, f"{a.status_type.short_name}: {a.organization.short_name} — {a.theme}")
                              for a in awards]
    form.status_type.choices = [(t.code, t.label) for t in status_types.all_types()]
    return form


@bp.route("/orders/new", methods=["GET", "POST"])
@login_required
def new():
    authorize("order.create")
    form = _new_form()
    if request.method == "GET" and request.args.get("kind") in OrderKind.__members__:
        form.kind.data = request.args["kind"]
        form.campaign_id.data = query_int("campaign_id", 0)
    if form.validate_on_submit():
        kind = OrderKind[form.kind.data]
        with refusal(catch=ValidationFailed) as refused:
            sources = order_kinds.sources_from_form(kind, form.data)
            order = orders.create_draft(kind, current_user, **sources)
        if refused:
            return render_template("orders/new.html", form=form, roadmap_grid=_roadmap_grid(form)), 422
        flash("Проект приказа создан. Проверьте текст и направьте на согласование.", "success")
        return redirect(url_for("orders.edit", order_id=order.id))
    return render_template("orders/new.html", form=form, roadmap_grid=_roadmap_grid(form))


def _roadmap_grid(form: NewOrderForm) -> dict:
    """The roadmap table for the grid editor: as posted, else the empty roadmap with its usual columns."""
    try:
        posted = json.loads(form.roadmap_rows.data or "")
    except ValueError:
        posted = None
    if isinstance(posted, dict) and isinstance(posted.get("columns"), list):
        return posted
    return {"columns": list(order_kinds.ROADMAP_COLUMNS), "rows": [], "row_kinds": [], "widths": None}


@bp.route("/orders/<int:order_id>")
@login_required
def view(order_id: int):
    order = get_or_404(Order, order_id, "order.view")
    granted = order_queries.awards_of_order(order)
    later = order_queries.orders_changing(order)
    return render_template("orders/view.html", order=order, granted=granted, later=later,
                           transitions=order_lifecycle.available(order, current_user),
                           visa=orders.pending_visa(order, current_user), visa_form=VisaForm(),
                           vform=VersionForm(), reopen_form=ReopenForm(), json_form=JsonUploadForm(),
                           register_form=RegisterDraftForm(),
                           items_text=orders.items_text(order.items), signature=orders.signature_block(order),
                           annexes=annex_rules.all_of(order))


def _grid_of(annex: dict) -> dict:
    return {"columns": annex["columns"], "rows": annex["rows"], "row_kinds": annex["row_kinds"],
            "widths": annex.get("widths")}


def _fill_edit_form(form: OrderEditForm, order: Order) -> None:
    form.version.data = order.version
    for key in ("ministry", "institute_full", "institute_short", "doc_kind", "city", "title", "preamble"):
        getattr(form, key).data = getattr(order, key)
    form.items.data = orders.items_text(order.items)
    form.control.data = order.control_clause
    form.signatory_id.data = order.designated_signatory_id or 0
    for a in annex_rules.all_of(order):
        form.annexes.append_entry({
            "heading_lines": "\n".join(a["heading_lines"]), "title": a["title"], "subtitle": a["subtitle"],
            "abbreviations": "\n".join(a["abbreviations"]), "text": a["text"],
            "table": json.dumps(_grid_of(a), ensure_ascii=False)})


def _posted_annexes(form: OrderEditForm, order: Order) -> list[dict]:
    """The annexes as posted (the table field holds the grid editor's JSON), moved as the button asked."""
    stored = annex_rules.all_of(order)
    posted = []
    for i, sub in enumerate(form.annexes):
        raw = sub.table.data or ""
        try:
            grid = json.loads(raw) if raw.strip() else {}
        except ValueError:
            grid = raw  # the service names the broken table
        annex = {"heading_lines": sub.heading_lines.data or "", "title": sub.title.data or "",
                 "subtitle": sub.subtitle.data or "", "abbreviations": sub.abbreviations.data or "",
                 "text": sub.text.data or ""}
        if i < len(stored) and stored[i].get("approved_word"):
            annex["approved_word"] = stored[i]["approved_word"]
        if isinstance(grid, dict):
            annex.update({k: grid.get(k) for k in ("columns", "rows", "row_kinds", "widths")})
        else:
            annex["rows"] = raw  # not a table: the service refuses it for this annex
        posted.append(annex)
    return annex_rules.moved(posted, form.annex_action.data or "")


def _annex_errors(refused) -> dict[int, list[str]]:
    """Field errors of the annexes by annex index, shown next to each annex."""
    out: dict[int, list[str]] = {}
    for key, message in getattr(refused.error, "fields", {}).items():
        if key.startswith("annexes["):
            out.setdefault(int(key[8:key.index("]")]), []).append(message)
    return out


@bp.route("/orders/<int:order_id>/edit", methods=["GET", "POST"])
@login_required
def edit(order_id: int):
    order = get_or_404(Order, order_id, "order.edit")
    if order.status != OrderStatus.draft:
        flash("Изменять можно только проект приказа.", "warning")
        return redirect(url_for("orders.view", order_id=order.id))
    form = OrderEditForm()
    form.signatory_id.choices = [(0, "— выберите —")] + [
        (u.id, f"{u.full_name} ({u.position})" if u.position else u.full_name)
        for u in order_queries.signatories()]
    annex_errors: dict[int, list[str]] = {}
    if request.method == "GET":
        _fill_edit_form(form, order)
    elif form.validate_on_submit():
        with refusal(form, catch=ValidationFailed) as refused:
            # A field the page did not post keeps its value (the letterhead of an older page, say).
            data = {key: getattr(form, key).data or "" for key in
                    ("ministry", "institute_full", "institute_short", "doc_kind", "city", "title", "preamble")
                    if key in request.form}
            data.update(items=orders.parse_items(form.items.data), control_clause=form.control.data or "",
                        designated_signatory_id=form.signatory_id.data, annexes=_posted_annexes(form, order))
            orders.update_content(order, current_user, data, expected_version=version_of(form))
        if refused:
            annex_errors = _annex_errors(refused)
            return render_template("orders/edit.html", form=form, order=order, grids=_form_grids(form),
                                   annex_errors=annex_errors), 422
        if form.annex_action.data:
            return redirect(url_for("orders.edit", order_id=order.id, _anchor="annexes"))
        flash("Проект приказа сохранён.", "success")
        return redirect(url_for("orders.view", order_id=order.id))
    return render_template("orders/edit.html", form=form, order=order, grids=_form_grids(form),
                           annex_errors=annex_errors)


def _form_grids(form: OrderEditForm) -> list[dict]:
    """Each annex's table for the grid editor, from the form (as posted, or as filled from the order)."""
    grids = []
    for sub in form.annexes:
        try:
            grid = json.loads(sub.table.data or "{}")
        except ValueError:
            grid = {}
        grids.append(grid if isinstance(grid, dict) else {})
    return grids


@bp.route("/orders/<int:order_id>/reopen", methods=["POST"])
@login_required
def reopen(order_id: int):
    order = get_or_404(Order, order_id, "order.reopen")
    form = ReopenForm()
    if not form.validate_on_submit():
        flash("Укажите причину возврата приказа в проект.", "danger")
        return redirect(url_for("orders.view", order_id=order.id))
    fire(order_lifecycle, order, "reopen", actor=current_user, reason=form.reason.data,
         expected_version=version_of(form))
    flash("Приказ возвращён в проект; визы сброшены, при следующем направлении откроется новый круг "
          "согласования.", "success")
    return redirect(url_for("orders.view", order_id=order.id))


@bp.route("/orders/<int:order_id>/fire/<trigger>", methods=["POST"])
@login_required
def transition(order_id: int, trigger: str):
    order = get_or_404(Order, order_id, "order.view")
    form = VersionForm()
    if not form.validate_on_submit() or trigger not in ("send_for_approval", "sign"):
        abort(400)
    version = version_of(form)
    if trigger == "sign":
        orders.sign(order, current_user, expected_version=version)
        flash(f"Приказ подписан: № {order.number} от {order.order_date:%d.%m.%Y}.", "success")
    else:
        fire(order_lifecycle, order, trigger, actor=current_user, expected_version=version)
        flash("Проект направлен на согласование.", "success")
    return redirect(url_for("orders.view", order_id=order.id))


@bp.route("/orders/<int:order_id>/visa", methods=["POST"])
@login_required
def visa(order_id: int):
    order = get_or_404(Order, order_id, "order.visa")
    form = VisaForm()
    if not form.validate_on_submit():
        abort(400)
    approve = request.form.get("decision") == "approve"
    orders.decide_visa(order, current_user, approve=approve, remark=form.remark.data or "",
                       expected_version=version_of(form))
    flash("Виза поставлена." if approve else "Проект возвращён на доработку с замечанием.", "success")
    return redirect(url_for("orders.view", order_id=order.id))


@bp.route("/orders/<int:order_id>/file.<fmt>")
@login_required
def download(order_id: int, fmt: str):
    order = get_or_404(Order, order_id, "order.download")
    if fmt not in ("pdf", "docx"):
        abort(404)
    from ..downloads import send_bytes

    return send_bytes(orders.document_bytes(order, fmt), orders.file_name(order, fmt),
                      orders.PDF if fmt == "pdf" else orders.DOCX)


@bp.route("/orders/<int:order_id>/scan", methods=["POST"])
@login_required
def attach_scan(order_id: int):
    order = get_or_404(Order, order_id, "order.attach_scan")
    form = VersionForm()
    upload = request.files.get("scan")
    if not form.validate_on_submit():
        abort(400)
    if upload is None or not upload.filename:
        flash("Выберите файл скана приказа.", "danger")
        return redirect(url_for("orders.view", order_id=order.id))
    stored = files.store_upload(upload, allowed=files.DOCUMENTS_SCAN, max_bytes=20 * files.MB,
                                user=current_user)
    scan = orders.attach_scan(order, stored, current_user)
    flash(f"Скан подписанного приказа приложен (версия {scan.version}).", "success")
    return redirect(url_for("orders.view", order_id=order.id))


# --- institution settings -----------------------------------------------------------------------

@bp.route("/admin/settings", methods=["GET", "POST"])
@login_required
def institution_settings():
    authorize("settings.edit")
    current = settings.institution()
    form = SettingsForm(data=current if request.method == "GET" else None)
    staff = platform_queries.order_staff()
    form.approver_ids.choices = [(u.id, f"{u.full_name} ({u.position})") for u in staff]
    form.signatory_user_id.choices = [(0, "— не выбран —")] + [
        (u.id, f"{u.full_name} ({u.position})" if u.position else u.full_name)
        for u in order_queries.signatories()]
    if request.method == "GET":
        form.signatory_user_id.data = current.get("signatory_user_id") or 0
    if form.validate_on_submit():
        if "{n}" not in form.order_number_format.data:
            form.order_number_format.errors.append("Формат должен содержать {n}.")
        else:
            values = {k: v for k, v in form.data.items() if k in settings.DEFAULTS}
            values["signatory_user_id"] = values.get("signatory_user_id") or None
            settings.update_institution(values, current_user)
            flash("Настройки учреждения сохранены.", "success")
            return redirect(url_for("orders.institution_settings"))
    return render_template("orders/settings.html", form=form)


# --- dashboard panels ---------------------------------------------------------------------------

@panel(Role.signatory)
def _to_sign(user: User) -> Panel:
    waiting = order_queries.to_sign(user, 5)
    return Panel(
        title="На подпись",
        items=[(o.title, url_for("orders.view", order_id=o.id)) for o in waiting],
        links=[("Все приказы на подпись", url_for("orders.register", status="approved"))] if waiting else [],
        empty="Приказов, ожидающих вашей подписи, нет.")


@panel(Role.staff)
def _to_approve(user: User) -> Panel | None:
    waiting = order_queries.to_approve(user, 5)
    if not waiting:
        return None
    return Panel(title="На согласование",
                 items=[(o.title, url_for("orders.view", order_id=o.id)) for o in waiting])


@panel(Role.staff)
def _orders(user: User) -> Panel | None:
    # One grouped query for the counts; the visa count is the user's own pending visas.
    counts = order_queries.status_counts()
    visas = order_queries.pending_visas(user)
    return Panel(
        title="Приказы",
        stats=[("Проекты", counts.get(OrderStatus.draft, 0), url_for("orders.register", status="draft")),
               ("На согласовании", counts.get(OrderStatus.approval, 0), url_for("orders.register", status="approval")),
               ("Ждут подписи", counts.get(OrderStatus.approved, 0), url_for("orders.register", status="approved")),
               ("Ждут вашей визы", visas, url_for("orders.register", status="approval") if visas else None)],
        links=[("Реестр приказов", url_for("orders.register"))])
