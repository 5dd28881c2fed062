"""Lifecycles of organisations and user accounts: active ↔ deactivated, always with a reason."""
from ..models import OrgStatus, UserStatus
from .base import Lifecycle, T

organization_lifecycle = Lifecycle(
    "organization", "Организация", OrgStatus, OrgStatus.active,
    [
        T("deactivate", "Деактивировать", OrgStatus.active, OrgStatus.deactivated, needs_reason=True),
        T("reactivate", "Восстановить", OrgStatus.deactivated, OrgStatus.active),
    ],
)

user_lifecycle = Lifecycle(
    "user", "Учётная запись", UserStatus, UserStatus.active,
    [
        T("deactivate", "Заблокировать", UserStatus.active, UserStatus.deactivated, needs_reason=True),
        T("reactivate", "Разблокировать", UserStatus.deactivated, UserStatus.active),
    ],
    object_type="user_account",
)
