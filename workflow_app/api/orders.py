"""Orders: the order as JSON (create a draft, read, change a draft by the keys given), its lifecycle
(register an order issued outside the system; send for approval, visa, sign, reopen for an order issued
here) and its PDF and DOCX; the register of orders.

The JSON is the one of «Скачать JSON» / «Загрузить из JSON» (services/orders/order_json.py); every step
goes through the same services, lifecycle and policy as the web's buttons.
"""
from __future__ import annotations

import marshmallow as ma

from ..downloads import send_bytes
from ..errors import ValidationFailed
from ..listing import ListArgs
from ..machines.base import fire
from ..machines.order import order_lifecycle
from ..models.orders import Order, OrderKind, OrderStatus, VisaStatus
from ..services import orders as svc
from ..services.documents.grid import ROW_KINDS
from ..services.orders import queries
from .core import (
    DOCX,
    PDF,
    FieldsError,
    PageArgs,
    actor,
    authorize,
    errors,
    file_response,
    get_or_404,
    list_schema,
    page_of,
    resource_blueprint,
)
from .fields import db_int, enum_field

bp = resource_blueprint("orders", "Приказы: проекты, согласование, подписание, регистрация внешних приказов")

KINDS = list(OrderKind.__members__)


# --- the order JSON ------------------------------------------------------------------------------

class Signatory(ma.Schema):
    position = ma.fields.String(metadata={"description": "Должность подписанта («Ректор»)"})
    name = ma.fields.String(metadata={"description": "«И.О. Фамилия» или полное имя подписанта"})


class Annex(ma.Schema):
    heading_lines = ma.fields.List(ma.fields.String(), metadata={
        "description": "Строки грифа («Приложение № 1», «УТВЕРЖДЕНА», …); строка «от … № …» формируется сама"})
    title = ma.fields.String()
    subtitle = ma.fields.String()
    abbreviations = ma.fields.List(ma.fields.String(), metadata={"description": "Список сокращений"})
    columns = ma.fields.List(ma.fields.String(), metadata={"description": "Заголовки столбцов таблицы"})
    rows = ma.fields.List(ma.fields.List(ma.fields.String()), metadata={
        "description": "Строки таблицы: ячейки как текст, № — как его написал автор («1.1.», «1.10»)"})
    row_kinds = ma.fields.List(ma.fields.String(metadata={"enum": list(ROW_KINDS)}), metadata={
        "description": "Вид каждой строки: data, group (на всю ширину), continuation (продолжение, без №)"})
    text = ma.fields.String(metadata={"description": "Текст приложения под заголовком"})
    widths = ma.fields.List(ma.fields.Float(), allow_none=True, metadata={
        "description": "Ширины столбцов, мм (null — по содержимому)"})


class OrderFields(ma.Schema):
    """The order JSON; on input every key is optional (a PUT changes only the keys given)."""

    kind = ma.fields.String(metadata={"enum": KINDS, "description": "Вид приказа"})
    issuer = ma.fields.String(metadata={
        "description": "Кем издан: пусто — приказ института; иначе приказ, изданный вне системы"})
    ministry = ma.fields.String()
    institute_full = ma.fields.String()
    institute_short = ma.fields.String()
    doc_kind = ma.fields.String(metadata={"description": "ПРИКАЗ, РАСПОРЯЖЕНИЕ, …"})
    date = ma.fields.String(allow_none=True, metadata={
        "description": "Дата приказа (ГГГГ-ММ-ДД); ставится подписанием или регистрацией, при записи не меняется"})
    number = ma.fields.String(allow_none=True, metadata={
        "description": "Номер приказа; ставится подписанием или регистрацией, при записи не меняется"})
    city = ma.fields.String()
    title = ma.fields.String()
    preamble = ma.fields.String()
    items = ma.fields.List(ma.fields.String(), metadata={
        "description": "Пункты без номеров (нумерует документ); подпункты — строками, начинающимися с «- »"})
    signatory = ma.fields.Nested(Signatory)
    annexes = ma.fields.List(ma.fields.Nested(Annex))


class OrderWrite(OrderFields):
    expected_version = db_int("Поле `version` приказа, который видел клиент: если его успели изменить — 409",
                              load_only=True)


class VisaSchema(ma.Schema):
    round = ma.fields.Integer(required=True, metadata={"description": "Круг согласования (с 1)"})
    approver_id = ma.fields.Integer(required=True)
    approver = ma.fields.String(attribute="approver.full_name", required=True)
    status = ma.fields.Enum(VisaStatus, required=True, metadata={"description": "pending, approved, returned"})
    status_label = ma.fields.String(attribute="status.value", required=True)
    remark = ma.fields.String(required=True)
    decided_at = ma.fields.AwareDateTime(allow_none=True)


class OrderSchema(OrderFields):
    id = ma.fields.Integer(required=True)
    state = ma.fields.Enum(OrderStatus, required=True, metadata={"description": "Состояние"})
    state_label = ma.fields.String(required=True)
    version = ma.fields.Integer(required=True, metadata={
        "description": "Версия записи для `expected_version` (защита от одновременных изменений)"})
    visas = ma.fields.List(ma.fields.Nested(VisaSchema), required=True, metadata={
        "description": "Визы всех кругов согласования (только для чтения)"})


class OrderRow(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.Enum(OrderKind, required=True)
    kind_label = ma.fields.String(attribute="kind.value", required=True)
    state = ma.fields.Enum(OrderStatus, attribute="status", required=True)
    state_label = ma.fields.String(attribute="status.value", required=True)
    issuer = ma.fields.String(required=True)
    date = ma.fields.Date(attribute="order_date", allow_none=True)
    number = ma.fields.String(allow_none=True)
    title = ma.fields.String(required=True)
    version = ma.fields.Integer(required=True)


OrderList = list_schema(OrderRow, "OrderList")


class OrderQuery(PageArgs):
    state = enum_field(OrderStatus, "Состояние: draft, approval, approved, signed, registered, …")
    kind = enum_field(OrderKind, "Вид приказа")
    q = ma.fields.String(load_default="", metadata={"description": "Поиск: заголовок, номер, кем издан"})


def _answer(order: Order) -> dict:
    visas = sorted(order.approvals, key=lambda a: (a.round, a.position))
    return {**svc.order_to_json(order), "id": order.id, "state": order.status,
            "state_label": order.status.value, "version": order.version, "visas": visas}


def _order_json(data: dict) -> tuple[dict, int | None]:
    data = dict(data)
    return data, data.pop("expected_version", None)


# --- the register and the order ------------------------------------------------------------------

@bp.route("/orders")
@bp.arguments(OrderQuery, location="query")
@bp.response(200, OrderList)
@errors(bp, 401, 403, 422)
def order_list(args):
    """Реестр приказов: по состоянию и виду, с поиском; новые сначала."""
    authorize("order.list")
    filters = {"status": args["state"].name if args.get("state") else "",
               "kind": args["kind"].name if args.get("kind") else ""}
    stmt = queries.order_list(ListArgs(q=args["q"].strip(), sort="created", desc=True, filters=filters))
    return page_of(stmt, args)


@bp.route("/orders", methods=["POST"])
@bp.arguments(OrderFields)
@bp.response(201, OrderSchema)
@errors(bp, 400, 401, 403, 422)
def create(data):
    """Создать проект приказа из JSON приказа (`kind` обязателен). С непустым `issuer` — приказ, изданный
    вне системы: его затем регистрируют (`/orders/{id}/register`)."""
    authorize("order.create")
    return _answer(svc.order_from_json(actor(), data))


@bp.route("/orders/<int:order_id>")
@bp.response(200, OrderSchema)
@errors(bp, 401, 403, 404)
def read(order_id: int):
    """Приказ в виде JSON."""
    return _answer(get_or_404(Order, order_id, "order.view"))


@bp.route("/orders/<int:order_id>", methods=["PUT"])
@bp.arguments(OrderWrite)
@bp.response(200, OrderSchema)
@errors(bp, 400, 401, 403, 404, 409, 422)
def write(data, order_id: int):
    """Изменить проект приказа: меняются только переданные поля, остальные остаются. Не проект — 409."""
    order = get_or_404(Order, order_id, "order.edit")
    content, version = _order_json(data)
    return _answer(svc.order_from_json(actor(), content, order, expected_version=version))


# --- lifecycle -----------------------------------------------------------------------------------

class VersionBody(ma.Schema):
    expected_version = db_int("Поле `version` приказа, который видел клиент: если его успели изменить — 409")


class RegisterBody(VersionBody):
    date = ma.fields.String(required=True, metadata={"description": "Дата приказа, ГГГГ-ММ-ДД"})
    number = ma.fields.String(required=True, metadata={"description": "Номер приказа, как у издателя"})


class VisaBody(VersionBody):
    decision = ma.fields.String(required=True, validate=ma.validate.OneOf(
        ["approve", "return"], error="Допустимые значения: approve, return."), metadata={
        "description": "approve — согласовать; return — вернуть на доработку (нужно замечание)"})
    remark = ma.fields.String(load_default="", metadata={"description": "Замечание"})


class ReopenBody(VersionBody):
    reason = ma.fields.String(required=True, metadata={"description": "Причина возврата в проект"})


@bp.route("/orders/<int:order_id>/register", methods=["POST"])
@bp.arguments(RegisterBody)
@bp.response(200, OrderSchema)
@errors(bp, 400, 401, 403, 404, 409, 422)
def register(data, order_id: int):
    """Зарегистрировать проект приказа, изданного вне системы (`issuer` не пуст), с его датой и номером;
    (издатель, год, номер) в реестре не повторяются. Скан прикладывается в веб-интерфейсе."""
    order = get_or_404(Order, order_id, "order.register")
    svc.register(order, actor(), date=data["date"], number=data["number"],
                 expected_version=data.get("expected_version"))
    return _answer(order)


@bp.route("/orders/<int:order_id>/send-for-approval", methods=["POST"])
@bp.arguments(VersionBody, required=False)
@bp.response(200, OrderSchema)
@errors(bp, 400, 401, 403, 404, 409, 422)
def send_for_approval(data, order_id: int):
    """Направить проект на согласование: визы ставят согласующие из настроек учреждения."""
    order = get_or_404(Order, order_id, "order.view")
    fire(order_lifecycle, order, "send_for_approval", actor=actor(),
         expected_version=(data or {}).get("expected_version"))
    return _answer(order)


@bp.route("/orders/<int:order_id>/visa", methods=["POST"])
@bp.arguments(VisaBody)
@bp.response(200, OrderSchema)
@errors(bp, 400, 401, 403, 404, 409, 422)
def visa(data, order_id: int):
    """Виза согласующего: согласовать или вернуть на доработку с замечанием (только тому, чья виза ждёт)."""
    order = get_or_404(Order, order_id, "order.visa")
    try:
        svc.decide_visa(order, actor(), approve=data["decision"] == "approve", remark=data["remark"],
                        expected_version=data.get("expected_version"))
    except ValidationFailed as exc:
        raise FieldsError(exc.message, {"remark": exc.message}) from exc
    return _answer(order)


@bp.route("/orders/<int:order_id>/sign", methods=["POST"])
@bp.arguments(VersionBody, required=False)
@bp.response(200, OrderSchema)
@errors(bp, 400, 401, 403, 404, 409, 422)
def sign(data, order_id: int):
    """Подписать согласованный приказ (только назначенный подписант): приказ получает номер и дату,
    его PDF и DOCX фиксируются."""
    order = get_or_404(Order, order_id, "order.view")
    svc.sign(order, actor(), expected_version=(data or {}).get("expected_version"))
    return _answer(order)


@bp.route("/orders/<int:order_id>/reopen", methods=["POST"])
@bp.arguments(ReopenBody)
@bp.response(200, OrderSchema)
@errors(bp, 400, 401, 403, 404, 409, 422)
def reopen(data, order_id: int):
    """Вернуть приказ на согласовании или согласованный в проект с причиной; визы сбрасываются."""
    order = get_or_404(Order, order_id, "order.reopen")
    if not data["reason"].strip():
        raise FieldsError("Укажите причину возврата приказа в проект.",
                          {"reason": "Укажите причину возврата приказа в проект."})
    fire(order_lifecycle, order, "reopen", actor=actor(), reason=data["reason"],
         expected_version=data.get("expected_version"))
    return _answer(order)


# --- documents -----------------------------------------------------------------------------------

def _document(order_id: int, fmt: str):
    order = get_or_404(Order, order_id, "order.download")
    return send_bytes(svc.document_bytes(order, fmt), svc.file_name(order, fmt), PDF if fmt == "pdf" else DOCX)


@bp.route("/orders/<int:order_id>.pdf")
@bp.doc(responses=file_response(PDF))
@errors(bp, 401, 403, 404)
def order_pdf(order_id: int):
    """Приказ в PDF: проект — с отметкой «ПРОЕКТ»; подписанный — зафиксированный при подписании файл;
    зарегистрированный внешний — его скан (если он в PDF)."""
    return _document(order_id, "pdf")


@bp.route("/orders/<int:order_id>.docx")
@bp.doc(responses=file_response(DOCX))
@errors(bp, 401, 403, 404)
def order_docx(order_id: int):
    """Приказ в DOCX: проект — с отметкой «ПРОЕКТ»; подписанный — зафиксированный при подписании файл."""
    return _document(order_id, "docx")

