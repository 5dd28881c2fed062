"""The public registry of statuses as JSON: the awards in force (today, on a date, or during a year) with the
public page's filters, paginated. Open data: no token needed (the page /registry needs no login either).
"""
from __future__ import annotations

import marshmallow as ma

from ..services.statuses import registry
from ..timeutil import today_local
from .core import PUBLIC, PageArgs, errors, list_schema, resource_blueprint
from .fields import iso_date, status_type_field

bp = resource_blueprint("registry", "Открытый реестр статусов (без токена)", public=True)


class RegistryQuery(PageArgs):
    type = status_type_field("Статус по краткому названию: КИП, КРЦ, ЛСВ, МИП, ФИП, …")
    municipality = ma.fields.String(validate=ma.validate.Length(max=200, error="Не длиннее 200 символов."),
                                    metadata={"description": "Муниципалитет: его `id` или название («Краснодар»)"})
    year = ma.fields.Integer(validate=ma.validate.Range(min=1990, max=2100, error="Год — число от 1990 до 2100."),
                             metadata={"description": "Статусы, действовавшие в течение этого года"})
    on = iso_date("Статусы, действующие на эту дату (по умолчанию — сегодня)")
    q = ma.fields.String(load_default="", validate=ma.validate.Length(max=200, error="Не длиннее 200 символов."),
                         metadata={"description": "Поиск: наименование организации, тема проекта"})


class RegistryOrder(ma.Schema):
    number = ma.fields.String(allow_none=True, required=True, metadata={"description": "Номер приказа-основания"})
    date = ma.fields.String(allow_none=True, required=True, metadata={
        "format": "date", "description": "Дата приказа-основания, ГГГГ-ММ-ДД"})


class RegistryItem(ma.Schema):
    id = ma.fields.Integer(required=True, metadata={"description": "Номер статуса в реестре"})
    status_type = ma.fields.String(required=True, metadata={"description": "Краткое название статуса («КИП»)"})
    status_type_name = ma.fields.String(required=True, metadata={"description": "Полное название статуса"})
    organization_id = ma.fields.Integer(required=True, metadata={
        "description": "Организация; её страница в реестре — /registry/{organization_id}"})
    organization = ma.fields.String(required=True, metadata={"description": "Полное наименование"})
    organization_short = ma.fields.String(required=True, metadata={"description": "Краткое наименование"})
    org_type = ma.fields.String(required=True, metadata={"description": "Тип организации (ДОО, ОО, ОДОД, ТМС, …)"})
    municipality = ma.fields.String(required=True)
    theme = ma.fields.String(required=True, metadata={"description": "Тема проекта"})
    term_from = ma.fields.String(required=True, metadata={"format": "date", "description": "Начало срока"})
    term_to = ma.fields.String(required=True, metadata={"format": "date", "description": "Окончание срока"})
    state = ma.fields.String(required=True, metadata={
        "description": "Состояние на дату `on` (на конец прошедшего года `year`; иначе на сегодня): «Действует», …"})
    order = ma.fields.Nested(RegistryOrder, required=True, metadata={"description": "Приказ-основание"})


RegistryList = list_schema(RegistryItem, "RegistryList")


@bp.route("/registry")
@bp.doc(security=PUBLIC)
@bp.arguments(RegistryQuery, location="query")
@bp.response(200, RegistryList)
@errors(bp, 422)
def registry_list(args):
    """Открытый реестр: статусы, действующие сегодня (или на дату `on`, или в течение года `year`), по
    статусу, муниципалитету и поиску; по организации, затем по номеру статуса."""
    f = registry.Filter(type=args.get("type") or "", municipality=(args.get("municipality") or "").strip(),
                        year=args.get("year"), on=args.get("on"), q=args["q"].strip())
    return registry.json_page(f, today_local(), args["page"], args["per_page"])
