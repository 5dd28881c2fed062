"""Entries: create one for a campaign (the organisation's applicant; staff for an entry received on
paper), list and search, read one, submit it, download a submitted version as PDF or DOCX.

Every object goes through policy like the web: a missing entry is 404, one the token's user may not
see is 403 (`core.get_or_404`).
"""
from __future__ import annotations

import marshmallow as ma
from flask import abort
from flask_smorest import abort as api_abort

from .. import policy
from ..downloads import send_bytes, send_stored
from ..errors import PermissionDenied, TransitionNotAllowed
from ..extensions import db
from ..models import Organization
from ..models.competition import Campaign, Entry, EntryStatus
from ..services.competition import catalogue, dossier_versions
from ..services.competition import dossier as svc
from ..timeutil import format_datetime
from .core import (
    DOCX,
    PDF,
    FieldsError,
    PageArgs,
    actor,
    errors,
    file_response,
    get_or_404,
    list_schema,
    page_of,
    resource_blueprint,
)
from .fields import db_int

bp = resource_blueprint("entries", "Заявки на конкурсы")


# --- schemas -------------------------------------------------------------------------------------

class EntryOrgSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    short_name = ma.fields.String(required=True)


class EntrySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    code = ma.fields.String(required=True, metadata={"description": "Номер заявки (ИП-2026-0001)"})
    title = ma.fields.String(required=True, metadata={"description": "Тема проекта"})
    campaign_id = ma.fields.Integer(required=True)
    track = ma.fields.String(attribute="track.code", required=True, metadata={"description": "Код направления"})
    organization = ma.fields.Nested(EntryOrgSchema, required=True)
    state = ma.fields.Enum(EntryStatus, attribute="status", required=True)
    state_label = ma.fields.String(attribute="status.value", required=True)
    submitted_at = ma.fields.AwareDateTime(allow_none=True)
    current_version = ma.fields.Integer(required=True, metadata={
        "description": "Номер последней поданной версии (0 — заявка не подавалась)"})
    version = ma.fields.Integer(required=True, metadata={
        "description": "Версия записи для `expected_version` (защита от одновременных изменений)"})


EntryList = list_schema(EntrySchema, "EntryList")


class EntryQuery(PageArgs):
    campaign = db_int("Только заявки этого конкурса (его `id`)", strict=False)
    q = ma.fields.String(load_default="", metadata={"description": "Поиск: номер, тема, организация"})


class EntryCreate(ma.Schema):
    organization_id = db_int("Организация (`id` из /organizations)", required=True)
    track = ma.fields.String(required=True, metadata={"description": "Код направления (`tracks[].code`)"})


class Created(ma.Schema):
    id = ma.fields.Integer(required=True)


class SubmitBody(ma.Schema):
    expected_version = db_int("Поле `version` заявки, которую видел клиент: если её успели изменить — 409")


# --- create --------------------------------------------------------------------------------------

def _register_paper(user, campaign: Campaign, org: Organization, track) -> Entry:
    """Staff register an entry received on paper (its service lands with the paper-entry feature)."""
    try:
        from ..services.competition.paper_entry import register_paper_entry  # type: ignore[import-not-found]
    except ImportError:
        raise PermissionDenied("Регистрировать заявки, поступившие на бумаге, в этой версии "
                               "можно только заявителю организации.") from None
    return register_paper_entry(user, campaign, org, track)


@bp.route("/campaigns/<int:campaign_id>/entries", methods=["POST"])
@bp.arguments(EntryCreate)
@bp.response(201, Created)
@errors(bp, 400, 401, 403, 404, 422)
def create_entry(data, campaign_id: int):
    """Создать заявку: заявитель — от своей организации; сотрудник ИРО — заявку, поступившую на бумаге."""
    user = actor()
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or not catalogue.campaign_visible(user, campaign):
        abort(404)
    org = db.session.get(Organization, data["organization_id"])
    if org is None or not policy.sees_organization(user, org):
        raise FieldsError("Организация не найдена.", {"organization_id": "Нет такой организации среди доступных вам."})
    track = next((t for t in campaign.tracks if t.code == data["track"]), None)
    if track is None:
        codes = ", ".join(t.code for t in campaign.tracks)
        raise FieldsError("Направление не найдено.",
                          {"track": f"В конкурсе нет направления с кодом «{data['track']}». Коды: {codes}."})
    if org.id in user.applicant_org_ids():
        entry = svc.create_entry(user, org, campaign, track)
    elif policy.is_staff(user):
        entry = _register_paper(user, campaign, org, track)
    else:
        raise PermissionDenied("Создавать заявки может заявитель организации или сотрудник ИРО.")
    return {"id": entry.id}


# --- read ------------------------------------------------------------------------------------------

@bp.route("/entries")
@bp.arguments(EntryQuery, location="query")
@bp.response(200, EntryList)
@errors(bp, 401, 422)
def entries(args):
    """Заявки, которые пользователь может видеть: по конкурсу, с поиском; по конкурсу и номеру."""
    return page_of(catalogue.entry_query(actor(), args.get("campaign"), args["q"]), args)


@bp.route("/entries/<int:entry_id>")
@bp.response(200, EntrySchema)
@errors(bp, 401, 403, 404)
def entry(entry_id: int):
    """Одна заявка."""
    return get_or_404(Entry, entry_id, "entry.view")


# --- submit ----------------------------------------------------------------------------------------

@bp.route("/entries/<int:entry_id>/submit", methods=["POST"])
@bp.arguments(SubmitBody, required=False)
@bp.response(200, EntrySchema)
@errors(bp, 400, 401, 403, 404, 409, 422)
def submit(data, entry_id: int):
    """Подать заявку (или подать повторно после доработки): те же проверки, что в веб-интерфейсе; если
    заявка заполнена не полностью — 422, и в `fields.missing` перечислено, чего не хватает."""
    e = get_or_404(Entry, entry_id, "entry.view")
    try:
        return svc.submit(actor(), e, expected_version=(data or {}).get("expected_version"))
    except TransitionNotAllowed as exc:
        missing = svc.missing(e)
        if e.status in svc.EDITABLE and missing:
            raise FieldsError(exc.message, {"missing": missing}) from exc
        raise


# --- frozen versions -------------------------------------------------------------------------------

def _version(entry_id: int, number: int):
    e = get_or_404(Entry, entry_id, "entry.versions")
    v = dossier_versions.version(e, number)
    if v is None:
        abort(404)
    return e, v


@bp.route("/entries/<int:entry_id>/versions/<int:number>.pdf")
@bp.doc(responses=file_response(PDF))
@errors(bp, 401, 403, 404)
def version_pdf(entry_id: int, number: int):
    """Поданная версия заявки в PDF (тот самый файл, что зафиксирован при подаче)."""
    _, v = _version(entry_id, number)
    if v.pdf_file is None:
        abort(404)
    return send_stored(v.pdf_file)


@bp.route("/entries/<int:entry_id>/versions/<int:number>.docx")
@bp.doc(responses=file_response(DOCX))
@errors(bp, 401, 403, 404)
def version_docx(entry_id: int, number: int):
    """Поданная версия заявки в DOCX (то же содержание, для правки)."""
    e, v = _version(entry_id, number)
    try:
        from ..documents.dossier import build_dossier_docx  # type: ignore[attr-defined]
    except ImportError:
        api_abort(404, message="DOCX поданных версий заявок пока не формируется; скачайте PDF.")
    data = build_dossier_docx(v.content, number=v.number, created=format_datetime(v.created_at),
                              sha256=v.sha256)
    return send_bytes(data, f"{e.code}-v{v.number}.docx", DOCX)
