"""GET /api/v1/campaigns: the campaigns a user may see, with their stages and tracks (track `code` is
what `POST /campaigns/{id}/entries` takes)."""
from __future__ import annotations

import marshmallow as ma

from ..models.competition import ApplicantKind, CampaignKind, CampaignStatus, StageKind
from ..services.competition import catalogue
from .core import PageArgs, actor, errors, list_schema, page_of, resource_blueprint
from .fields import enum_field

bp = resource_blueprint("campaigns", "Конкурсы: сроки этапов и направления")


class StageSchema(ma.Schema):
    kind = ma.fields.Enum(StageKind, required=True, metadata={"description": "Код этапа"})
    title = ma.fields.String(required=True)
    starts_on = ma.fields.Date(allow_none=True)
    deadline = ma.fields.AwareDateTime(allow_none=True, metadata={"description": "Срок (UTC)"})


class TrackSchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"description": "Код направления"})
    name = ma.fields.String(required=True)
    org_types = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "Типы организаций, которые допускает направление (как `type` организации)"})


class CampaignSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    year = ma.fields.Integer(required=True)
    kind = ma.fields.Enum(CampaignKind, required=True, metadata={"description": "Вид конкурса"})
    kind_label = ma.fields.String(attribute="kind.value", required=True)
    applicant_kind = ma.fields.Enum(ApplicantKind, required=True, metadata={
        "description": "Кто подаёт заявку: organization — организация, person — педагог лично (организация — место "
                       "работы), team — команда организаций (организация заявки — лидер)"})
    state = ma.fields.Enum(CampaignStatus, attribute="status", required=True, metadata={"description": "Состояние"})
    state_label = ma.fields.String(attribute="status.value", required=True)
    stages = ma.fields.List(ma.fields.Nested(StageSchema), required=True)
    tracks = ma.fields.List(ma.fields.Nested(TrackSchema), required=True)


CampaignList = list_schema(CampaignSchema, "CampaignList")


class CampaignQuery(PageArgs):
    state = enum_field(CampaignStatus, "Состояние конкурса: open — идёт приём заявок")


@bp.route("/campaigns")
@bp.arguments(CampaignQuery, location="query")
@bp.response(200, CampaignList)
@errors(bp, 401, 422)
def campaigns(args):
    """Конкурсы (все состояния, кроме черновиков; сотрудникам ИРО — и черновики), новые сначала."""
    return page_of(catalogue.campaign_query(actor(), args.get("state")), args)
