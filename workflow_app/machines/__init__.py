"""Lifecycles. Importing this package registers every machine in Lifecycle.registry."""
from .account import organization_lifecycle, user_lifecycle
from .base import FireContext, Lifecycle, T, fire, lock

__all__ = [
    "FireContext", "Lifecycle", "T", "fire", "lock", "organization_lifecycle", "user_lifecycle",
]

from ..discovery import import_submodules as _import_submodules  # noqa: E402

_import_submodules(__import__(__name__, fromlist=["*"]))  # register every lifecycle module
