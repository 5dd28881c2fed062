"""ФИП preparation cases: list and read them, write the federal form's items by number, fire a lifecycle
transition (the council's and the ministry's data in the body). Same token auth and policy as the web."""
from __future__ import annotations

import marshmallow as ma
from flask import abort

from ..machines.fip_case import fip_lifecycle
from ..models.fip_case import FipCase, FipStatus
from ..services.fip import cases, queries, readiness
from ..services.fip import form as fip_form
from .core import PageArgs, actor, errors, get_or_404, list_schema, page_of, resource_blueprint
from .fields import db_int, enum_field

bp = resource_blueprint("fip", "Подготовка заявок на статус ФИП")


class OrgRef(ma.Schema):
    id = ma.fields.Integer(required=True)
    short_name = ma.fields.String(required=True)


class CaseSummary(ma.Schema):
    id = ma.fields.Integer(required=True)
    organization = ma.fields.Nested(OrgRef, required=True)
    project = ma.fields.String(required=True, metadata={"description": "Тема проекта"})
    year = ma.fields.Integer(required=True, metadata={"description": "Год федерального отбора"})
    state = ma.fields.Enum(FipStatus, attribute="status", required=True)
    state_label = ma.fields.String(attribute="status.value", required=True)
    version = ma.fields.Integer(required=True, metadata={
        "description": "Версия записи для `expected_version` (защита от одновременных изменений)"})


class CheckSchema(ma.Schema):
    code = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    state = ma.fields.String(required=True, metadata={"description": "ok | missing | unknown (нет данных)"})
    detail = ma.fields.String(required=True)


class RoundSchema(ma.Schema):
    number = ma.fields.Integer(required=True)
    sent_at = ma.fields.AwareDateTime(required=True)
    reviewed_at = ma.fields.AwareDateTime(allow_none=True)
    remarks = ma.fields.Dict(attribute="comments", keys=ma.fields.String(), values=ma.fields.String(),
                             required=True, metadata={"description": "Замечания методиста по номерам пунктов"})


class CaseSchema(CaseSummary):
    items = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(), required=True, metadata={
        "description": "Пункты формы по номерам «1»…«18»: текст; пункты 4, 11, 13 — таблица "
                       "{columns, rows, row_kinds, widths}; пункт 10 — имя файла инфографики или null"})
    missing = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "Номера незаполненных обязательных пунктов"})
    readiness = ma.fields.List(ma.fields.Nested(CheckSchema), required=True)
    rounds = ma.fields.List(ma.fields.Nested(RoundSchema), required=True)
    transitions = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "Действия, доступные пользователю токена сейчас"})
    council_date = ma.fields.Date(allow_none=True)
    council_protocol = ma.fields.String(required=True)
    council_decision = ma.fields.String(required=True)
    submitted_on = ma.fields.Date(allow_none=True)
    fip_award_id = ma.fields.Integer(allow_none=True, metadata={"description": "Статус ФИП в реестре"})
    outcome_note = ma.fields.String(required=True)


CaseList = list_schema(CaseSummary, "FipCaseList")


class CaseQuery(PageArgs):
    state = enum_field(FipStatus, "Состояние подготовки")
    year = db_int("Год федерального отбора", strict=False)
    q = ma.fields.String(load_default="", validate=ma.validate.Length(max=200),
                         metadata={"description": "Поиск: организация или тема проекта"})


class FormBody(ma.Schema):
    items = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True), required=True,
                           metadata={"description": "Пункты по номерам: {\"8\": \"текст\", \"11\": {\"columns\": "
                                                    "[\"Дата\", \"Мероприятие\", \"Ссылка\"], \"rows\": [[…]]}}"})
    expected_version = db_int("Поле `version`, которое видел клиент: если запись успели изменить — 409")


class TransitionBody(ma.Schema):
    reason = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000),
                              metadata={"description": "Причина (отзыв, отказ) или пояснение"})
    expected_version = db_int("Поле `version`, которое видел клиент")
    council_date = ma.fields.Date(metadata={"description": "recommend: дата заседания совета"})
    council_protocol = ma.fields.String(validate=ma.validate.Length(max=64))
    council_decision = ma.fields.String(validate=ma.validate.Length(max=2000))
    submitted_on = ma.fields.Date(metadata={"description": "submit: дата подачи в министерство"})
    issuer = ma.fields.String(validate=ma.validate.Length(max=300),
                              metadata={"description": "recognise: кем издан приказ"})
    number = ma.fields.String(validate=ma.validate.Length(max=32),
                              metadata={"description": "recognise: номер приказа"})
    order_date = ma.fields.Date(metadata={"description": "recognise: дата приказа"})
    term_from = ma.fields.Date(metadata={
        "description": "recognise: начало срока статуса (по умолчанию — дата приказа)"})


def _full(case: FipCase) -> dict:
    items = {i.number: fip_form.value(case, i.number) for i in fip_form.ITEMS if i.kind != fip_form.FILE}
    items["10"] = case.infographic.original_name if case.infographic is not None else None
    return {
        "id": case.id, "organization": case.organization, "project": case.project, "year": case.year,
        "status": case.status, "version": case.version, "items": items,
        "missing": [i.number for i in fip_form.missing(case)],
        "readiness": [{"code": c.code, "title": c.title, "state": c.state, "detail": c.detail}
                      for c in readiness.evaluate(case).checks],
        "rounds": list(case.rounds), "transitions": [t.trigger for t in fip_lifecycle.available(case, actor())],
        "council_date": case.council_date, "council_protocol": case.council_protocol,
        "council_decision": case.council_decision, "submitted_on": case.submitted_on,
        "fip_award_id": case.fip_award_id, "outcome_note": case.outcome_note,
    }


@bp.route("/fip-cases")
@bp.arguments(CaseQuery, location="query")
@bp.response(200, CaseList)
@errors(bp, 401, 422)
def fip_cases(args):
    """Подготовки заявок ФИП, которые видит пользователь (заявитель — своей организации, координатор —
    своего муниципалитета, сотрудник ИРО — все), недавно изменённые сначала."""
    stmt = queries.case_query(actor(), args["q"].strip(), args.get("state"), args.get("year"))
    return page_of(queries.ordered(stmt), args)


@bp.route("/fip-cases/<int:case_id>")
@bp.response(200, CaseSchema)
@errors(bp, 401, 403, 404)
def fip_case(case_id: int):
    """Одна подготовка: пункты формы, готовность, раунды рецензирования, решения, доступные действия."""
    return _full(get_or_404(FipCase, case_id, "fip.view"))


@bp.route("/fip-cases/<int:case_id>/form", methods=["PUT"])
@bp.arguments(FormBody)
@bp.response(200, CaseSchema)
@errors(bp, 400, 401, 403, 404, 409, 422)
def write_form(data, case_id: int):
    """Записать указанные пункты формы (остальные не меняются). Пункт 8 — не больше половины страницы A4
    в печатной форме; таблицы — с колонками формы. Ошибка в любом пункте — 422, ничего не записано."""
    case = get_or_404(FipCase, case_id, "fip.view")
    cases.save_form(actor(), case, fip_form.require_items(data["items"]),
                    expected_version=data.get("expected_version"))
    return _full(case)


@bp.route("/fip-cases/<int:case_id>/transitions/<name>", methods=["POST"])
@bp.arguments(TransitionBody, required=False)
@bp.response(200, CaseSchema)
@errors(bp, 400, 401, 403, 404, 409, 422)
def fire_transition(data, case_id: int, name: str):
    """Действие над подготовкой: `start_drafting`, `send_for_review`, `return_for_revision`, `recommend`
    (council_date, council_protocol, council_decision), `submit` (submitted_on), `recognise` (issuer,
    number, order_date[, term_from] — создаёт статус ФИП), `not_recognise`, `withdraw` (reason)."""
    case = get_or_404(FipCase, case_id, "fip.view")
    if name not in fip_lifecycle.transitions:
        abort(404)
    data = data or {}
    cases.transition(actor(), case, name, reason=data.get("reason", ""), data=data,
                     expected_version=data.get("expected_version"))
    return _full(case)
