"""Figures for the rector as JSON: how many status awards hold on a date, grouped by organisation type,
municipality or status type — computed in SQL from the awards' terms (services/statuses/stats.py).
Staff and signatories, like the figures page (policy `stats.awards`)."""
from __future__ import annotations

import marshmallow as ma

from ..services.statuses import stats
from ..timeutil import today_local
from .core import authorize, errors, resource_blueprint
from .fields import iso_date, status_type_field

bp = resource_blueprint("stats", "Показатели: статусы на дату")


class StatsQuery(ma.Schema):
    on = iso_date("Дата, на которую считаются действующие статусы (по умолчанию — сегодня)")
    type = status_type_field("Только этот статус (краткое название: КИП, КРЦ, …)")
    group_by = ma.fields.String(load_default="org_type", validate=ma.validate.OneOf(
        list(stats.GROUPS), error="Допустимо: org_type, municipality, type."), metadata={
        "enum": list(stats.GROUPS),
        "description": "Группировка: org_type — тип организации, municipality — муниципалитет, type — статус"})


class AwardGroup(ma.Schema):
    key = ma.fields.String(required=True, metadata={"description": "Значение группировки («ДОО», «КИП», …)"})
    count = ma.fields.Integer(required=True)


class AwardStats(ma.Schema):
    on = ma.fields.String(required=True, metadata={"format": "date", "description": "Дата подсчёта"})
    groups = ma.fields.List(ma.fields.Nested(AwardGroup), required=True, metadata={
        "description": "Группы, начиная с самой многочисленной; групп без статусов нет"})
    total = ma.fields.Integer(required=True, metadata={"description": "Всего действующих статусов"})


@bp.route("/stats/awards")
@bp.arguments(StatsQuery, location="query")
@bp.response(200, AwardStats)
@errors(bp, 401, 403, 422)
def awards(args):
    """Число действующих на дату статусов по группам (сотрудникам ИРО и подписантам)."""
    authorize("stats.awards")
    return stats.awards_stats(args.get("on") or today_local(), args.get("type") or None, args["group_by"])
