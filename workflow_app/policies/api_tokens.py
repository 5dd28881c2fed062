"""API tokens: every signed-in user manages their own; administrators see and revoke anyone's."""
from __future__ import annotations

from typing import Any

from ..models import User
from ..models.api_token import ApiToken
from ..policy import is_admin, rule


@rule("api_token.create")
def _create(user: User, owner: Any) -> bool:
    # A token acts with its owner's rights: nobody mints one for somebody else through the web.
    return isinstance(owner, User) and owner.id == user.id


@rule("api_token.revoke")
def _revoke(user: User, token: Any) -> bool:
    return isinstance(token, ApiToken) and (token.user_id == user.id or is_admin(user))


@rule("api_token.list_all")
def _list_all(user: User, obj: Any) -> bool:
    return is_admin(user)
