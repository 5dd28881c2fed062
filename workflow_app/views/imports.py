"""Import of organisations and users: upload → per-row preview → confirm (all or nothing)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..errors import ConcurrentChange
from ..export import xlsx_response
from ..extensions import db
from ..forms.staff import ConfirmForm, ImportForm
from ..services.platform import imports as service
from ..services.platform.import_table import MAX_BYTES, ORG_COLUMNS, USER_COLUMNS, MalformedFile, template_xlsx
from . import authorize
from .staff_common import set_password_link

bp = Blueprint("imports", __name__, url_prefix="/import")

KINDS = {
    "orgs": {"action": "org.import", "title": "Импорт организаций", "list": "orgs.index",
             "columns": ORG_COLUMNS, "file": "shablon-organizacii", "done": "Импортировано организаций"},
    "users": {"action": "user.import", "title": "Импорт пользователей", "list": "users.index",
              "columns": USER_COLUMNS, "file": "shablon-polzovateli", "done": "Импортировано пользователей"},
}


def _kind(kind: str) -> dict:
    meta = KINDS.get(kind)
    if meta is None:
        abort(404)
    authorize(meta["action"])
    return meta


@bp.route("/<kind>", methods=["GET", "POST"])
@login_required
def upload(kind: str):
    meta = _kind(kind)
    form = ImportForm()
    if form.validate_on_submit():
        storage = form.file.data
        data = storage.read(MAX_BYTES + 1)
        try:
            service.check(kind, data, current_user)  # a file that cannot be read is not kept
        except MalformedFile as exc:
            form.file.errors = list(form.file.errors) + [exc.message]
            return render_template("imports/upload.html", form=form, kind=kind, meta=meta), 422
        token = service.store(kind, data, storage.filename or "", current_user)
        return redirect(url_for("imports.preview", kind=kind, token=token))
    status = 422 if form.is_submitted() else 200
    return render_template("imports/upload.html", form=form, kind=kind, meta=meta), status


@bp.route("/<kind>/template.xlsx")
@login_required
def template(kind: str):
    meta = _kind(kind)
    return xlsx_response(meta["file"], template_xlsx(meta["columns"], service.reference_lists(kind)))


def _stored(kind: str, token: str) -> tuple[bytes, str]:
    stored = service.load(kind, token, current_user)
    if stored is None:
        abort(404)
    return stored


def _preview(kind, meta, token, filename, report, status=200, message=""):
    return render_template("imports/preview.html", kind=kind, meta=meta, token=token, filename=filename,
                           report=report, form=ConfirmForm(), message=message), status


@bp.route("/<kind>/<token>", methods=["GET"])
@login_required
def preview(kind: str, token: str):
    meta = _kind(kind)
    data, filename = _stored(kind, token)
    try:
        report = service.check(kind, data, current_user)
    except MalformedFile as exc:
        return _preview(kind, meta, token, filename, None, 422, exc.message)
    return _preview(kind, meta, token, filename, report)


@bp.route("/<kind>/<token>", methods=["POST"])
@login_required
def confirm(kind: str, token: str):
    meta = _kind(kind)
    data, filename = _stored(kind, token)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        report, created = service.apply(kind, data, filename, current_user, set_password_link)
    except MalformedFile as exc:
        return _preview(kind, meta, token, filename, None, 422, exc.message)
    except ConcurrentChange as exc:
        db.session.rollback()
        report = service.check(kind, data, current_user)
        return _preview(kind, meta, token, filename, report, 409, exc.message)
    if not report.ok:
        return _preview(kind, meta, token, filename, report, 409, service.STALE)
    service.discard(token)
    flash(f"{meta['done']}: {created}.", "success")
    return redirect(url_for(meta["list"]))
