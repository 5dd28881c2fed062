"""An order as a file: «Скачать JSON» / «Загрузить из JSON», and orders issued outside the system registered
with their scan. The work is in services/orders (order_json, external)."""
from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import ValidationFailed
from ..forms import version_of
from ..forms.orders import ExternalOrderForm, JsonUploadForm, RegisterDraftForm
from ..models.orders import Order
from ..services import orders
from ..services.orders import queries as order_queries
from ..services.platform import files, settings
from ..services.platform.validation import FieldErrors
from . import authorize, get_or_404, refusal

bp = Blueprint("order_files", __name__)
JSON_MAX_BYTES = 10 * files.MB


@bp.route("/orders/<int:order_id>/order.json")
@login_required
def download_json(order_id: int):
    order = get_or_404(Order, order_id, "order.view")
    from ..downloads import send_bytes

    data = json.dumps(orders.order_to_json(order), ensure_ascii=False, indent=2).encode("utf-8")
    name = orders.file_name(order, "json")
    return send_bytes(data, name, "application/json")


@bp.route("/orders/<int:order_id>/json", methods=["POST"])
@login_required
def upload_json(order_id: int):
    order = get_or_404(Order, order_id, "order.edit")
    form = JsonUploadForm()
    if not form.validate_on_submit():
        abort(400)
    upload = request.files.get("file")
    raw = upload.read(JSON_MAX_BYTES + 1) if upload is not None and upload.filename else b""
    if not raw:
        flash("Выберите файл JSON приказа.", "danger")
        return redirect(url_for("orders.view", order_id=order.id))
    if len(raw) > JSON_MAX_BYTES:
        flash(f"Файл JSON больше {JSON_MAX_BYTES // files.MB} МБ.", "danger")
        return redirect(url_for("orders.view", order_id=order.id))
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        flash("Файл не читается как JSON в кодировке UTF-8.", "danger")
        return redirect(url_for("orders.view", order_id=order.id))
    with refusal(catch=ValidationFailed) as refused:
        orders.order_from_json(current_user, data, order, expected_version=version_of(form))
    if not refused:
        flash("Проект приказа заменён содержимым файла JSON.", "success")
    return redirect(url_for("orders.view", order_id=order.id))


@bp.route("/orders/external", methods=["GET", "POST"])
@login_required
def external_new():
    authorize("order.register")
    form = ExternalOrderForm()
    if form.validate_on_submit():
        upload = request.files.get("scan")
        with refusal(form, catch=ValidationFailed) as refused:
            if upload is None or not upload.filename:
                raise FieldErrors({"scan": "Приложите скан приказа."})
            stored = files.store_upload(upload, allowed=files.DOCUMENTS_SCAN, max_bytes=20 * files.MB,
                                        user=current_user)
            order = orders.register_external(current_user, {
                "issuer": form.issuer.data, "kind": form.kind.data, "date": form.date.data,
                "number": form.number.data, "title": form.title.data}, stored)
        if refused:
            return render_template("orders/external.html", form=form,
                                   issuers=_issuer_suggestions()), refused.status
        flash(f"Приказ зарегистрирован: {order.issuer}, № {order.number} от {order.order_date:%d.%m.%Y}.",
              "success")
        return redirect(url_for("orders.view", order_id=order.id))
    return render_template("orders/external.html", form=form, issuers=_issuer_suggestions())


def _issuer_suggestions() -> list[str]:
    inst = settings.institution()
    return list(dict.fromkeys([inst["ministry_name"], inst["short_name"], *order_queries.known_issuers()]))


@bp.route("/orders/<int:order_id>/register", methods=["POST"])
@login_required
def register_draft(order_id: int):
    """A draft entered with its issuer (e.g. loaded from JSON) is registered with its own date and number."""
    order = get_or_404(Order, order_id, "order.register")
    form = RegisterDraftForm()
    if not form.validate_on_submit():
        flash("Укажите дату и номер приказа.", "danger")
        return redirect(url_for("orders.view", order_id=order.id))
    upload = request.files.get("scan")
    with refusal(catch=ValidationFailed) as refused:
        stored = None
        if upload is not None and upload.filename:
            stored = files.store_upload(upload, allowed=files.DOCUMENTS_SCAN, max_bytes=20 * files.MB,
                                        user=current_user)
        orders.register(order, current_user, date=form.date.data, number=form.number.data, scan=stored,
                        expected_version=version_of(form))
    if not refused:
        flash(f"Приказ зарегистрирован: № {order.number} от {order.order_date:%d.%m.%Y}.", "success")
    return redirect(url_for("orders.view", order_id=order.id))
