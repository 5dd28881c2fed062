"""Files of an entry: attachments, frozen versions as PDF, DOCX and JSON, the draft as JSON (download and
upload), and the difference between two versions. Handlers stay thin: services do the work."""
from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..downloads import send_bytes, send_stored
from ..ints import db_int, query_int
from ..models.competition import Entry
from ..services.competition import dossier as svc
from ..services.competition import dossier_json, dossier_versions
from . import authorize, get_or_404, refusal

bp = Blueprint("dossier_files", __name__, url_prefix="/entries")


@bp.route("/<int:entry_id>/files/<int:file_id>")
@login_required
def download(entry_id: int, file_id: int):
    entry = get_or_404(Entry, entry_id, "entry.versions")
    stored = svc.file_of_entry(entry, file_id)
    if stored is None:
        abort(404)
    return send_stored(stored)


@bp.route("/<int:entry_id>/versions/<int:number>.pdf")
@login_required
def version_pdf(entry_id: int, number: int):
    entry = get_or_404(Entry, entry_id, "entry.versions")
    v = dossier_versions.version(entry, number)
    if v is None or v.pdf_file is None:
        abort(404)
    return send_stored(v.pdf_file)


@bp.route("/<int:entry_id>/versions/<int:number>.docx")
@login_required
def version_docx(entry_id: int, number: int):
    entry = get_or_404(Entry, entry_id, "entry.versions")
    v = dossier_versions.version(entry, number)
    if v is None:
        abort(404)
    return send_bytes(dossier_versions.version_docx(v), f"{entry.code}-v{v.number}.docx",
                      "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def _json_download(data: dict, filename: str):
    body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    return send_bytes(body, filename, "application/json; charset=utf-8")


@bp.route("/<int:entry_id>/versions/<int:number>.json")
@login_required
def version_json(entry_id: int, number: int):
    entry = get_or_404(Entry, entry_id, "entry.versions")
    v = dossier_versions.version(entry, number)
    if v is None:
        abort(404)
    return _json_download(dossier_json.dossier_to_json(v), f"{entry.code}-v{v.number}.json")


@bp.route("/<int:entry_id>/dossier.json")
@login_required
def dossier_json_download(entry_id: int):
    """The applicant gets the draft; a reader gets what the show page shows (the last version, if any)."""
    entry = get_or_404(Entry, entry_id, "entry.view")
    return _json_download(dossier_json.shown_to(current_user, entry), f"{entry.code}.json")


JSON_MAX_BYTES = 20 * 1024 * 1024


@bp.route("/<int:entry_id>/dossier.json", methods=["POST"])
@login_required
def upload_json(entry_id: int):
    entry = get_or_404(Entry, entry_id, "entry.view")
    authorize("entry.edit", entry)
    back = url_for("dossier.edit", entry_id=entry_id) + "#json"
    upload = request.files.get("file")
    raw = upload.stream.read(JSON_MAX_BYTES + 1) if upload else b""
    try:
        data = json.loads(raw.decode("utf-8-sig")) if raw and len(raw) <= JSON_MAX_BYTES else None
    except (UnicodeDecodeError, ValueError):
        data = None
    if data is None:
        flash("Выберите файл JSON заявки (UTF-8, не больше 20 МБ), выгруженный кнопкой «Скачать JSON» "
              "или составленный по её образцу.", "danger")
        return redirect(back)
    with refusal() as refused:
        dossier_json.apply_dossier_json(current_user, entry, data, partial=True,
                                        expected_version=db_int(request.form.get("expected_version", "")))
    if refused:
        return redirect(back)
    flash("Разделы заявки загружены из файла JSON.", "success")
    return redirect(url_for("dossier.edit", entry_id=entry_id))


@bp.route("/<int:entry_id>/diff")
@login_required
def diff(entry_id: int):
    entry = get_or_404(Entry, entry_id, "entry.view")
    authorize("entry.diff", entry)
    vs = dossier_versions.versions(entry)
    numbers = [v.number for v in vs]
    a = query_int("a") or (numbers[1] if len(numbers) > 1 else None)
    b = query_int("b") or (numbers[0] if numbers else None)
    va, vb = (dossier_versions.version(entry, a) if a else None), (dossier_versions.version(entry, b) if b else None)
    parts = dossier_versions.diff_contents(va.content, vb.content) if va and vb else []
    return render_template("dossier/diff.html", entry=entry, numbers=numbers, a=a, b=b, parts=parts,
                           va=va, vb=vb)
