"""What each role sees first: the dashboard's panels, registered per role by the view modules.

A view module registers its panels with `@panel(role)` (they may build links with url_for); the
counting and listing behind a panel is a service's read-side query. `views/main.py` renders
`panels_for(user)`. Panels show in registration order: the role's own panels below come first,
then those of the view modules in the order the blueprints are imported.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import url_for

from ..models import Role, User
from ..services.platform import queries


@dataclass
class Panel:
    title: str
    lines: list[str] = field(default_factory=list)
    items: list[tuple[str, str]] = field(default_factory=list)  # (label, url): each item of work, linked
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url)
    empty: str = ""  # shown when there is nothing to do: says what to do next
    # (label, count) or (label, count, url): a count with a url links to the list of that work
    stats: list[tuple] = field(default_factory=list)


PanelBuilder = Callable[[User], Panel | None]
_BUILDERS: dict[Role, list[PanelBuilder]] = {r: [] for r in Role}


def panel(role: Role):
    def register(fn: PanelBuilder) -> PanelBuilder:
        _BUILDERS[role].append(fn)
        return fn

    return register


def panels_for(user: User) -> list[tuple[Role, list[Panel]]]:
    out = []
    for role in user.roles:
        built = [p for p in (b(user) for b in _BUILDERS[role]) if p is not None]
        out.append((role, built))
    return out


@panel(Role.applicant)
def _applicant(user: User) -> Panel:
    orgs = [g.organization for g in user.grants if g.role == Role.applicant and g.organization]
    return Panel(
        title="Моя организация",
        lines=[f"{o.full_name} ({o.municipality.name})" for o in orgs],
        empty="Заявок пока нет. Когда будет объявлен конкурс, здесь появится кнопка «Подать заявку».",
    )


@panel(Role.coordinator)
def _coordinator(user: User) -> Panel:
    ids = user.coordinator_municipality_ids()
    count = queries.count_orgs_in(ids) if ids else 0
    names = [g.municipality.name for g in user.grants if g.role == Role.coordinator and g.municipality]
    return Panel(
        title="Мой муниципалитет",
        lines=names,
        stats=[("Организаций", count)],
        empty="Просроченных заявок и отчётов нет.",
    )


# The expert's panel lives with the review views (views/review.py): it counts their assignments.


@panel(Role.staff)
def _staff(user: User) -> Panel:
    orgs, users, pending = queries.staff_counts()
    return Panel(title="Работа ЦНИ и ИД",
                 stats=[("Организаций", orgs, url_for("orgs.index")), ("Пользователей", users, url_for("users.index")),
                        ("Писем в очереди", pending, url_for("outbox.index", state="pending"))])


@panel(Role.admin)
def _admin(user: User) -> Panel:
    return Panel(title="Администрирование",
                 lines=["Сведения об учреждении для документов и список согласующих приказов."],
                 links=[("Настройки учреждения", url_for("orders.institution_settings"))])
