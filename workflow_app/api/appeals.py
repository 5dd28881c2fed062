"""Appeals against published results: list and read them (whoever sees the organisation), file one
(the entry's applicant), decide one (staff) — the same services and policy as the web's appeal pages."""
from __future__ import annotations

import marshmallow as ma

from ..models.appeal import Appeal, AppealStatus
from ..models.competition import Decision, Entry
from ..services.appeals import decisions, filing, queries
from .core import PageArgs, actor, errors, get_or_404, list_schema, page_of, resource_blueprint
from .fields import db_int, enum_field

bp = resource_blueprint("appeals", "Апелляции по результатам конкурсов")


# --- schemas -------------------------------------------------------------------------------------

class ScoreChangeSchema(ma.Schema):
    assignment_id = db_int("Лист оценки (`sheets[].assignment_id`)", required=True)
    criterion_id = db_int("Критерий (`sheets[].scores[].criterion_id`)", required=True)
    points = ma.fields.Decimal(required=True, as_string=True, allow_nan=False, places=2,
                               metadata={"description": "Новый балл (от 0 до максимума критерия)"})


class ChangedScoreSchema(ma.Schema):
    assignment_id = ma.fields.Integer(required=True)
    criterion_id = ma.fields.Integer(required=True)
    criterion = ma.fields.String(required=True)
    before = ma.fields.String(allow_none=True)
    after = ma.fields.String(required=True)


class StandingSchema(ma.Schema):
    final_score = ma.fields.String(allow_none=True, metadata={"description": "Итоговый балл, % от максимума"})
    place = ma.fields.Integer(allow_none=True)
    decision = ma.fields.String(allow_none=True, metadata={"description": "`winner` или `not_selected`"})


class StandingChangeSchema(ma.Schema):
    entry_id = ma.fields.Integer(required=True)
    code = ma.fields.String(required=True)
    organization = ma.fields.String(required=True)
    before = ma.fields.Nested(StandingSchema, allow_none=True)
    after = ma.fields.Nested(StandingSchema, allow_none=True)


class ChangesSchema(ma.Schema):
    scores = ma.fields.List(ma.fields.Nested(ChangedScoreSchema))
    decision = ma.fields.String(allow_none=True)
    standings = ma.fields.List(ma.fields.Nested(StandingChangeSchema))


class AttachmentSchema(ma.Schema):
    file_id = ma.fields.Integer(required=True)
    name = ma.fields.String(attribute="file.original_name", required=True)
    size = ma.fields.Integer(attribute="file.size", required=True)


class AppealSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    campaign_id = ma.fields.Integer(required=True)
    entry_id = ma.fields.Integer(required=True)
    entry_code = ma.fields.String(attribute="entry.code", required=True)
    state = ma.fields.Enum(AppealStatus, attribute="status", required=True)
    state_label = ma.fields.String(attribute="status.value", required=True)
    grounds = ma.fields.String(required=True)
    submitted_at = ma.fields.AwareDateTime(required=True)
    decision_due_at = ma.fields.AwareDateTime(required=True, metadata={
        "description": "Срок решения (рабочие дни по региональному календарю)"})
    decided_at = ma.fields.AwareDateTime(allow_none=True)
    decision_reason = ma.fields.String(required=True, metadata={"description": "Обоснование решения"})
    changes = ma.fields.Nested(ChangesSchema, required=True, metadata={
        "description": "Что изменила удовлетворённая апелляция (оценки, решение, места)"})
    amending_order_id = ma.fields.Integer(allow_none=True, metadata={
        "description": "Проект приказа о внесении изменений в подписанный приказ об итогах"})
    attachments = ma.fields.List(ma.fields.Nested(AttachmentSchema), required=True)
    version = ma.fields.Integer(required=True)


AppealList = list_schema(AppealSchema, "AppealList")


class AppealQuery(PageArgs):
    campaign = db_int("Только апелляции этого конкурса (его `id`)", strict=False)
    state = enum_field(AppealStatus, "Состояние апелляции")
    q = ma.fields.String(load_default="", validate=ma.validate.Length(max=200),
                         metadata={"description": "Поиск: номер заявки, тема, организация"})


class AppealCreate(ma.Schema):
    grounds = ma.fields.String(required=True, validate=ma.validate.Length(max=filing.GROUNDS_MAX),
                               metadata={"description": "Основания апелляции"})


class DecisionBody(ma.Schema):
    outcome = ma.fields.String(required=True, validate=ma.validate.OneOf(
        ["upheld", "rejected"], error="Допустимые значения: upheld, rejected."),
        metadata={"description": "`upheld` — удовлетворить, `rejected` — отклонить"})
    reason = ma.fields.String(required=True, validate=ma.validate.Length(max=20000),
                              metadata={"description": "Обоснование решения (обязательно)"})
    scores = ma.fields.List(ma.fields.Nested(ScoreChangeSchema), load_default=list,
                            metadata={"description": "Изменённые оценки (только для `upheld`)"})
    decision = enum_field(Decision, "Новое решение по заявке (только для `upheld`; не указано — не меняется)",
                          allow_none=True, load_default=None)
    expected_version = db_int("Поле `version` апелляции, которую видел клиент: если её успели изменить — 409")


# --- operations ------------------------------------------------------------------------------------

@bp.route("/appeals")
@bp.arguments(AppealQuery, location="query")
@bp.response(200, AppealList)
@errors(bp, 401, 422)
def appeals(args):
    """Апелляции, которые видит пользователь: сотрудник ИРО — все, заявитель — своих организаций,
    координатор — своего муниципалитета; по конкурсу, состоянию и поиску."""
    from ..listing import ListArgs

    listing = ListArgs(q=args["q"], filters={"status": args["state"].name if args.get("state") else ""})
    return page_of(queries.appeal_list(actor(), args.get("campaign"), listing), args)


@bp.route("/appeals/<int:appeal_id>")
@bp.response(200, AppealSchema)
@errors(bp, 401, 403, 404)
def appeal(appeal_id: int):
    """Одна апелляция: состояние, основания, срок и обоснование решения, изменения."""
    return get_or_404(Appeal, appeal_id, "appeal.view")


@bp.route("/entries/<int:entry_id>/appeals", methods=["POST"])
@bp.arguments(AppealCreate)
@bp.response(201, AppealSchema)
@errors(bp, 400, 401, 403, 404, 409, 422)
def create(data, entry_id: int):
    """Подать апелляцию по заявке (заявитель организации) в срок после публикации результатов; если срок
    истёк или по заявке уже есть апелляция — 409 с объяснением."""
    entry = get_or_404(Entry, entry_id, "appeal.create")
    return filing.submit_appeal(actor(), entry, grounds=data["grounds"])


@bp.route("/appeals/<int:appeal_id>/decision", methods=["POST"])
@bp.arguments(DecisionBody)
@bp.response(200, AppealSchema)
@errors(bp, 400, 401, 403, 404, 409, 422)
def decide(data, appeal_id: int):
    """Решение по апелляции (сотрудник ИРО): удовлетворить с изменёнными оценками и/или решением или
    отклонить; обоснование обязательно. Решение окончательное."""
    appeal_obj = get_or_404(Appeal, appeal_id, "appeal.list")
    decision = data.get("decision")
    return decisions.decide(
        appeal_obj, actor(), outcome=data["outcome"], reason=data["reason"],
        scores=[{**s, "points": str(s["points"])} for s in data.get("scores") or []],
        decision=decision.name if decision else None, expected_version=data.get("expected_version"))
