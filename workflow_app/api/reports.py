"""Reports of status holders: list and read them (whoever sees the organisation), save the content and
submit (the holder's applicant), accept or return with remarks and a new due date (staff), the report as
PDF/DOCX — the same services and policy as the web's report pages."""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import abort
from werkzeug.datastructures import MultiDict

from ..downloads import send_bytes
from ..errors import TransitionNotAllowed
from ..listing import ListArgs
from ..machines.status_report import report_lifecycle
from ..models.status_report import EDITABLE, ReportKind, ReportStatus, StatusReport
from ..services.reports import content, export, filing, queries, review
from ..services.statuses import types
from ..timeutil import today_local
from .core import (
    DOCX,
    PDF,
    FieldsError,
    PageArgs,
    actor,
    can,
    errors,
    file_response,
    get_or_404,
    list_schema,
    page_of,
    resource_blueprint,
)
from .errors import MESSAGES
from .fields import db_int, enum_field, iso_date, status_type_field

# As the web's return form: a correction due within a year (9999-12-31 is a typo, not a plan).

bp = resource_blueprint("reports", "Отчёты площадок (держателей статусов)")


# --- schemas -------------------------------------------------------------------------------------

class ReportOrg(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(attribute="short_name", required=True)


class ReportAward(ma.Schema):
    id = ma.fields.Integer(required=True)
    status_type = ma.fields.String(attribute="status_type.short_name", required=True,
                                   metadata={"description": "Краткое название статуса (КИП, КРЦ, …)"})
    organization = ma.fields.Nested(ReportOrg, required=True)


class ReportSummary(ma.Schema):
    id = ma.fields.Integer(required=True)
    award = ma.fields.Nested(ReportAward, required=True, metadata={"description": "Статус, по которому отчёт"})
    kind = ma.fields.Enum(ReportKind, required=True, metadata={"description": "`yearly` или `final`"})
    period_year = ma.fields.Integer(required=True)
    due_date = ma.fields.Date(required=True, metadata={"description": "Срок представления"})
    state = ma.fields.Enum(ReportStatus, attribute="status", required=True)
    state_label = ma.fields.String(attribute="status.value", required=True)
    overdue = ma.fields.Boolean(required=True, metadata={"description": "Срок истёк, отчёт не представлен"})
    submitted_at = ma.fields.AwareDateTime(allow_none=True)
    version = ma.fields.Integer(required=True, metadata={
        "description": "Версия записи для `expected_version` (защита от одновременных изменений)"})


class RequirementSchema(ma.Schema):
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    minimum = ma.fields.String(required=True)
    unit = ma.fields.String(required=True)
    stated = ma.fields.String(allow_none=True, metadata={"description": "Указано в отчёте; null — не указано"})
    verdict = ma.fields.String(required=True, metadata={
        "description": "«выполнено», «не выполнено» или «нужна оценка специалиста»"})


class EvidenceSchema(ma.Schema):
    file_id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    name = ma.fields.String(attribute="file.original_name", required=True)


class ReportSchema(ReportSummary):
    remarks = ma.fields.String(required=True, metadata={"description": "Последние замечания сотрудника ИРО"})
    content = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(), required=True, metadata={
        "description": "Содержание: таблицы activities, products, events, publications, network (и results "
                       "в итоговом) — {columns, rows, row_kinds, widths}; teachers_trained — доля педагогов "
                       "текстом («41,5»); summary, problems, plans — тексты"})
    prefilled = ma.fields.Boolean(required=True, metadata={
        "description": "true — отчёт ещё не сохранялся: content заполнен из плана-графика площадки"})
    missing = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "Чего не хватает, чтобы представить отчёт (пусто — можно представлять)"})
    requirements = ma.fields.List(ma.fields.Nested(RequirementSchema), required=True, metadata={
        "description": "Минимальные требования статуса по данным отчёта"})
    files = ma.fields.List(ma.fields.Nested(EvidenceSchema), required=True)
    transitions = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "Действия, доступные пользователю токена сейчас: start, submit, resubmit, accept, "
                       "return_for_revision"})


ReportList = list_schema(ReportSummary, "ReportList")


class ReportQuery(PageArgs):
    status_type = status_type_field("Статус по краткому названию (КИП, КРЦ, …)")
    state = enum_field(ReportStatus, "Состояние отчёта")
    year = db_int("Год, за который отчёт", strict=False)
    overdue = ma.fields.Boolean(metadata={"description": "true — только просроченные"})
    q = ma.fields.String(load_default="", validate=ma.validate.Length(max=200),
                         metadata={"description": "Поиск: организация, тема проекта"})


_GRID = "Таблица {columns, rows, row_kinds, widths}; столбцы формы менять нельзя"


class ContentBody(ma.Schema):
    activities = ma.fields.Raw(metadata={"description": f"Выполнение плана-графика. {_GRID}"})
    products = ma.fields.Raw(metadata={"description": f"Продукты. {_GRID}"})
    events = ma.fields.Raw(metadata={"description": f"Проведённые мероприятия. {_GRID}"})
    publications = ma.fields.Raw(metadata={"description": f"Публикации. {_GRID}"})
    network = ma.fields.Raw(metadata={"description": f"Участники сети. {_GRID}"})
    results = ma.fields.Raw(metadata={"description": f"Только итоговый отчёт: достижение результатов. {_GRID}"})
    teachers_trained = ma.fields.Raw(metadata={"description": "Доля педагогов, %: число или текст («41,5»)"})
    summary = ma.fields.String(metadata={"description": "Основные итоги периода"})
    problems = ma.fields.String(metadata={"description": "Трудности и пути их решения"})
    plans = ma.fields.String(metadata={"description": "Планы на следующий период"})
    expected_version = db_int("Поле `version`, которое видел клиент: если отчёт успели изменить — 409")


class ReportVersionBody(ma.Schema):
    expected_version = db_int("Поле `version`, которое видел клиент: если отчёт успели изменить — 409")


class ReturnBody(ReportVersionBody):
    remarks = ma.fields.String(required=True, validate=ma.validate.Length(max=4000),
                               metadata={"description": "Замечания: что нужно исправить"})
    due_date = iso_date("Новый срок представления исправленного отчёта: позже сегодняшнего дня, не позже чем через год",
                        required=True)


# --- answers -------------------------------------------------------------------------------------

def _summary(report: StatusReport) -> dict[str, Any]:
    return {"id": report.id, "award": report.award, "kind": report.kind, "period_year": report.period_year,
            "due_date": report.due_date, "status": report.status, "submitted_at": report.submitted_at,
            "overdue": queries.is_overdue(report, today_local()), "version": report.version}


def _full(report: StatusReport) -> dict[str, Any]:
    data = filing.form_content(report)
    return {
        **_summary(report), "remarks": report.remarks, "content": data, "prefilled": not report.content,
        "missing": content.missing(data, filing.is_final(report)),
        "requirements": [{"code": r.code, "name": r.name, "minimum": str(r.minimum), "unit": r.unit,
                          "stated": None if r.stated is None else str(r.stated), "verdict": r.verdict}
                         for r in review.requirement_checks(report)],
        "files": list(report.files),
        "transitions": [t.trigger for t in report_lifecycle.available(report, actor())],
    }


def _as_form(report: StatusReport, changes: dict) -> MultiDict:
    """The content the web form would post: what the report holds (or its prefill), with the request's
    keys over it — `content.parse` then checks it exactly as it checks the web form."""
    final = filing.is_final(report)
    if "results" in changes and not final:
        raise FieldsError(MESSAGES[422],
                          {"results": "Таблица достижения результатов есть только в итоговом отчёте."})
    share = changes.get(content.TEACHERS)
    if share is not None and (isinstance(share, bool) or not isinstance(share, str | int | float)):
        raise FieldsError(MESSAGES[422],
                          {content.TEACHERS: "Доля педагогов: укажите число от 0 до 100, например 41 или 41,5."})
    merged = {**filing.form_content(report), **changes}
    form: dict[str, Any] = {}
    for spec in content.tables_for(final):
        form[spec.key] = merged.get(spec.key) or None
    form[content.TEACHERS] = "" if merged.get(content.TEACHERS) is None else str(merged[content.TEACHERS])
    for key, _title in content.TEXTS:
        form[key] = merged.get(key) or ""
    return MultiDict(form)


# --- operations ----------------------------------------------------------------------------------

@bp.route("/reports")
@bp.arguments(ReportQuery, location="query")
@bp.response(200, ReportList)
@errors(bp, 401, 422)
def reports(args):
    """Отчёты, которые видит пользователь: сотрудник ИРО — все, координатор — своего муниципалитета,
    заявитель — своей организации; по статусу, состоянию, году, просрочке и поиску; порядок — по сроку."""
    stype = types.by_short(args.get("status_type"))
    listing = ListArgs(q=args["q"].strip(), sort="due", filters={
        "type": str(stype.id) if stype else "", "state": args["state"].name if args.get("state") else "",
        "year": str(args.get("year") or ""), "overdue": "1" if args.get("overdue") else ""})
    page = page_of(queries.visible(actor(), listing, today_local()), args)
    return {"items": [_summary(r) for r in page["items"]], "total": page["total"]}


@bp.route("/reports/<int:report_id>")
@bp.response(200, ReportSchema)
@errors(bp, 401, 403, 404)
def report(report_id: int):
    """Один отчёт: статус и организация, срок, состояние, замечания, содержание, проверка минимальных
    требований, приложенные файлы, доступные действия."""
    return _full(get_or_404(StatusReport, report_id, "report.view"))


@bp.route("/reports/<int:report_id>", methods=["PUT"])
@bp.arguments(ContentBody)
@bp.response(200, ReportSchema)
@errors(bp, 400, 401, 403, 404, 409, 422)
def save(data, report_id: int):
    """Сохранить содержание отчёта (заявитель организации-площадки). Меняются только переданные ключи;
    первое сохранение ожидаемого или просроченного отчёта переводит его в черновик. Ошибка в любом поле —
    422 с полями, ничего не записано; представленный или принятый отчёт — 409."""
    report_obj = get_or_404(StatusReport, report_id, "report.view")
    if not can("report.edit", report_obj):
        if can("report.submit", report_obj) and report_obj.status not in EDITABLE:
            raise TransitionNotAllowed(f"Отчёт в состоянии «{report_obj.status.value}» изменять нельзя.")
        abort(403)
    expected = data.pop("expected_version", None)
    parsed = content.parse(_as_form(report_obj, data), filing.is_final(report_obj))
    filing.save(actor(), report_obj, parsed, expected)
    return _full(report_obj)


@bp.route("/reports/<int:report_id>/submit", methods=["POST"])
@bp.arguments(ReportVersionBody, required=False)
@bp.response(200, ReportSchema)
@errors(bp, 400, 401, 403, 404, 409, 422)
def submit(data, report_id: int):
    """Представить отчёт (заявитель организации-площадки): черновик — впервые, возвращённый — после
    исправления. Незаполненный отчёт — 409 с перечнем недостающего."""
    report_obj = get_or_404(StatusReport, report_id, "report.view")
    filing.submit(actor(), report_obj, (data or {}).get("expected_version"))
    return _full(report_obj)


@bp.route("/reports/<int:report_id>/accept", methods=["POST"])
@bp.arguments(ReportVersionBody, required=False)
@bp.response(200, ReportSchema)
@errors(bp, 400, 401, 403, 404, 409, 422)
def accept(data, report_id: int):
    """Принять представленный отчёт (сотрудник ИРО); площадке уходит уведомление."""
    report_obj = get_or_404(StatusReport, report_id, "report.accept")
    review.accept(actor(), report_obj, (data or {}).get("expected_version"))
    return _full(report_obj)


@bp.route("/reports/<int:report_id>/return", methods=["POST"])
@bp.arguments(ReturnBody)
@bp.response(200, ReportSchema)
@errors(bp, 400, 401, 403, 404, 409, 422)
def return_report(data, report_id: int):
    """Вернуть представленный отчёт на доработку (сотрудник ИРО) с замечаниями и новым сроком
    представления; площадке уходит уведомление."""
    report_obj = get_or_404(StatusReport, report_id, "report.return_for_revision")
    review.return_for_revision(actor(), report_obj, data["remarks"], data["due_date"],
                               data.get("expected_version"))
    return _full(report_obj)


def _document(report_id: int, fmt: str):
    report_obj = get_or_404(StatusReport, report_id, "report.document")
    return send_bytes(export.document_bytes(report_obj, fmt), export.file_name(report_obj, fmt),
                      PDF if fmt == "pdf" else DOCX)


@bp.route("/reports/<int:report_id>.pdf")
@bp.doc(responses=file_response(PDF))
@errors(bp, 401, 403, 404)
def report_pdf(report_id: int):
    """Отчёт в PDF (та же форма, что на странице отчёта)."""
    return _document(report_id, "pdf")


@bp.route("/reports/<int:report_id>.docx")
@bp.doc(responses=file_response(DOCX))
@errors(bp, 401, 403, 404)
def report_docx(report_id: int):
    """Отчёт в DOCX."""
    return _document(report_id, "docx")
