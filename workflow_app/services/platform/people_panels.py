"""Dashboard shortcuts to the organisation and user screens (registered when views.orgs is imported)."""
from __future__ import annotations

from flask import url_for

from ...models import Role, User
from .dashboard import Panel, panel


@panel(Role.staff)
def _staff_directory(user: User) -> Panel:
    return Panel(title="Организации и пользователи", links=[
        ("Организации", url_for("orgs.index")), ("Пользователи", url_for("users.index")),
        ("Импорт организаций", url_for("imports.upload", kind="orgs")),
        ("Импорт пользователей", url_for("imports.upload", kind="users")),
    ])


@panel(Role.coordinator)
def _coordinator_orgs(user: User) -> Panel:
    return Panel(title="Организации муниципалитета", links=[("Открыть список", url_for("orgs.index"))])


@panel(Role.admin)
def _admin_directory(user: User) -> Panel | None:
    return None if user.has_role(Role.staff) else _staff_directory(user)  # shown once per person
