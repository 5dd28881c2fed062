"""An entry's dossier as JSON: read it, change the sections given. The JSON is the one of «Скачать JSON» /
«Загрузить из JSON» (services/competition/dossier_json.py); the rules are the web editor's: the
organisation's applicant while the entry is editable, staff for an entry received on paper (policy
`entry.edit`); anyone who may see the entry reads what the entry page shows.
"""
from __future__ import annotations

import marshmallow as ma

from ..models.competition import Entry
from ..services.competition import dossier_json
from ..services.documents.grid import ROW_KINDS
from .core import actor, authorize, errors, get_or_404, resource_blueprint
from .fields import db_int

bp = resource_blueprint("dossier", "Содержание заявки (титульный лист и разделы) в виде JSON")


class TeamMember(ma.Schema):
    name = ma.fields.String(metadata={"description": "ФИО"})
    position = ma.fields.String(metadata={"description": "Должность"})
    role = ma.fields.String(metadata={"description": "Роль в проекте"})


class TitlePage(ma.Schema):
    theme = ma.fields.String(metadata={"description": "Тема проекта"})
    lead_name = ma.fields.String(metadata={"description": "Руководитель проекта"})
    team = ma.fields.List(ma.fields.Nested(TeamMember), metadata={"description": "Команда проекта"})
    organization = ma.fields.String(metadata={
        "description": "Организация (полное наименование; только для чтения: при записи не учитывается)"})
    municipality = ma.fields.String(metadata={
        "description": "Муниципалитет (только для чтения: при записи не учитывается)"})


class DossierSection(ma.Schema):
    code = ma.fields.String(required=True, metadata={"description": "Номер раздела по форме заявки («1.1», «6»)"})
    text = ma.fields.String(metadata={
        "description": "Текст раздела как есть: абзацы разделены пустой строкой, строки — переводом строки"})
    columns = ma.fields.List(ma.fields.String(), metadata={
        "description": "Таблица: заголовки столбцов (столбцы формы и свои)"})
    rows = ma.fields.List(ma.fields.List(ma.fields.String()), metadata={
        "description": "Таблица: строки, ячейки — текст (многострочный — через перевод строки)"})
    row_kinds = ma.fields.List(ma.fields.String(metadata={"enum": list(ROW_KINDS)}), metadata={
        "description": "Вид каждой строки: data, group (на всю ширину), continuation (продолжение)"})


class DossierSchema(ma.Schema):
    title_page = ma.fields.Nested(TitlePage, required=True)
    sections = ma.fields.List(ma.fields.Nested(DossierSection), required=True, metadata={
        "description": "Все разделы формы в её порядке, пустые тоже"})


class DossierWrite(ma.Schema):
    title_page = ma.fields.Nested(TitlePage, metadata={
        "description": "Меняются только переданные поля титульного листа"})
    sections = ma.fields.List(ma.fields.Nested(DossierSection), metadata={
        "description": "Меняются только переданные разделы; раздел — либо `text`, либо таблица"})
    expected_version = db_int("Поле `version` заявки (`GET /entries/{id}`), которую видел клиент: если её "
                              "успели изменить — 409", load_only=True)


@bp.route("/entries/<int:entry_id>/dossier")
@bp.response(200, DossierSchema)
@errors(bp, 401, 403, 404)
def read(entry_id: int):
    """Содержание заявки: черновик — тому, кто может его править; остальным — последняя поданная версия
    (пока её нет — черновик). То же, что кнопка «Скачать JSON»."""
    return dossier_json.shown_to(actor(), get_or_404(Entry, entry_id, "entry.view"))


@bp.route("/entries/<int:entry_id>/dossier", methods=["PUT"])
@bp.arguments(DossierWrite)
@bp.response(200, DossierSchema)
@errors(bp, 400, 401, 403, 404, 409, 422)
def write(data, entry_id: int):
    """Изменить переданные поля титульного листа и разделы (остальные не меняются). Править может заявитель
    организации, пока заявка — черновик или на доработке; сотрудник ИРО — заявку, поступившую на бумаге.
    Неизвестный номер раздела — 422 с этим номером в `fields`."""
    entry = get_or_404(Entry, entry_id, "entry.view")
    authorize("entry.edit", entry)
    content = {k: v for k, v in data.items() if k != "expected_version"}
    dossier_json.apply_dossier_json(actor(), entry, content, partial=True,
                                    expected_version=data.get("expected_version"))
    return dossier_json.dossier_to_json(entry)
