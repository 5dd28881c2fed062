"""All models, imported here so Alembic and the app see one metadata."""
from ..discovery import import_submodules as _import_submodules
from .audit import AuditEvent
from .notification import Channel, OutboxMessage
from .org import Municipality, Organization, OrgStatus, OrgType
from .user import PasswordResetToken, Role, RoleGrant, User, UserStatus

_import_submodules(__import__(__name__, fromlist=["*"]))  # register every other model module

__all__ = [
    "AuditEvent",
    "Channel",
    "Municipality",
    "OrgStatus",
    "OrgType",
    "Organization",
    "OutboxMessage",
    "PasswordResetToken",
    "Role",
    "RoleGrant",
    "User",
    "UserStatus",
]
