"""Navigation per role: each item shows only if the policy allows its action."""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from .. import policy


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    action: str
    icon: str = ""


ITEMS: list[NavItem] = [
    NavItem("Главная", "main.dashboard", "dashboard.view", "house"),
]


def register_nav(item: NavItem) -> None:
    if item not in ITEMS:
        ITEMS.append(item)


def navigation(user) -> list[dict]:
    out = []
    for item in ITEMS:
        if policy.can(user, item.action):
            out.append({"label": item.label, "url": url_for(item.endpoint), "icon": item.icon,
                        "endpoint": item.endpoint})
    return out
