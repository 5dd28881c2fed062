"""The token's owner sees their API tokens and revokes them (an administrator anyone's)."""
from __future__ import annotations

import marshmallow as ma

from ..models.api_token import ApiToken
from ..services.platform import api_tokens
from .core import PageArgs, actor, errors, get_or_404, list_schema, page_of, resource_blueprint

bp = resource_blueprint("tokens", "Токены API")


class TokenSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    prefix = ma.fields.String(required=True, metadata={"description": "Начало токена, чтобы узнать его"})
    created_at = ma.fields.AwareDateTime(required=True)
    last_used_at = ma.fields.AwareDateTime(allow_none=True, metadata={
        "description": "Последнее использование (с точностью до нескольких минут)"})
    revoked_at = ma.fields.AwareDateTime(allow_none=True)


TokenList = list_schema(TokenSchema, "TokenList")


@bp.route("/tokens")
@bp.arguments(PageArgs, location="query")
@bp.response(200, TokenList)
@errors(bp, 401, 422)
def tokens(args):
    """Мои токены API: действующие, затем отозванные; новые сначала."""
    return page_of(api_tokens.list_query(actor().id), args)


@bp.route("/tokens/<int:token_id>", methods=["DELETE"])
@bp.response(200, TokenSchema)
@errors(bp, 401, 403, 404, 422)
def revoke(token_id: int):
    """Отозвать токен (можно и тот, которым подписан этот запрос: он перестанет действовать сразу)."""
    token = get_or_404(ApiToken, token_id, "api_token.revoke")
    return api_tokens.revoke(actor(), token)
