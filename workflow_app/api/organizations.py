"""GET /api/v1/organizations: the organisations a user may see (staff all; an applicant their own; a
coordinator their municipalities'), searched by name or INN."""
from __future__ import annotations

import marshmallow as ma

from ..listing import ListArgs
from ..models import OrgStatus, OrgType
from ..services.platform import orgs
from .core import PageArgs, actor, errors, list_schema, page_of, resource_blueprint
from .fields import enum_field

bp = resource_blueprint("organizations", "Организации")


class MunicipalitySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)


class OrganizationSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    full_name = ma.fields.String(required=True)
    short_name = ma.fields.String(required=True)
    type = ma.fields.Enum(OrgType, attribute="org_type", required=True, metadata={
        "description": "Тип организации (как в `org_types` направлений конкурса)"})
    type_label = ma.fields.String(attribute="org_type.value", required=True)
    municipality = ma.fields.Nested(MunicipalitySchema, required=True)
    inn = ma.fields.String(allow_none=True)
    status = ma.fields.Enum(OrgStatus, required=True)


OrganizationList = list_schema(OrganizationSchema, "OrganizationList")


class OrganizationQuery(PageArgs):
    q = ma.fields.String(load_default="", metadata={"description": "Поиск по наименованию или ИНН"})
    type = enum_field(OrgType, "Только организации этого типа")


@bp.route("/organizations")
@bp.arguments(OrganizationQuery, location="query")
@bp.response(200, OrganizationList)
@errors(bp, 401, 422)
def organizations(args):
    """Организации, видимые пользователю, по краткому наименованию."""
    filters = {"type": args["type"].name} if args.get("type") else {}
    query = ListArgs(q=args["q"].strip()[:200], sort="name", filters=filters)
    return page_of(orgs.list_query(actor(), query), args)
