"""Navigation per role: each item shows only if the policy allows its action.

Staff and admins see a dozen sections; as a flat bar they overflow even a 1366 px screen. When a user sees
more than MAX_FLAT items, the items of each section below are folded into one dropdown (a section with a
single visible item stays a plain link). Items of no section stay at the top level.
"""
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

MAX_FLAT = 6

# (section label, icon, endpoints in display order)
SECTIONS: list[tuple[str, str, tuple[str, ...]]] = [
    ("Конкурсы", "trophy", ("campaigns.index", "dossier.staff_index", "dossier.municipal", "review.assign_index",
                            "review.pool", "results.index", "results.defence_list", "appeals.index",
                            "presets.index")),
    ("Статусы", "award", ("statuses.awards", "statuses.figures", "krc.applications", "krc_roadmaps.roadmaps",
                          "reports.staff_list", "reports.proposals", "reports.municipal", "fip.index")),
    ("Документы", "file-earmark-text", ("orders.register",)),
    # The directories (organisations, users) open the administration menu: with the status holders' pages
    # staff have one section more, and the bar must still fit 1280 px.
    ("Администрирование", "gear", ("orgs.index", "users.index", "audit.index", "outbox.index", "reminders.index",
                                   "group_mail.index", "mail_catcher.index", "orders.institution_settings",
                                   "appeals.calendar", "api_tokens.all_tokens", "statuses.types")),
]


def register_nav(item: NavItem) -> None:
    if item not in ITEMS:
        ITEMS.append(item)


def _entry(item: NavItem) -> dict:
    return {"label": item.label, "url": url_for(item.endpoint), "icon": item.icon, "endpoint": item.endpoint}


def navigation(user) -> list[dict]:
    """Top-level entries; a dropdown is {"label", "icon", "children": [...], "endpoints": [...]}."""
    visible = [i for i in ITEMS if policy.can(user, i.action)]
    if len(visible) <= MAX_FLAT:
        return [_entry(i) for i in visible]
    by_endpoint = {i.endpoint: i for i in visible}
    section_of = {ep: n for n, (_, _, eps) in enumerate(SECTIONS) for ep in eps}
    # The user's own items (home, my entries, my reviews) first, then the sections in a fixed order.
    out: list[dict] = [_entry(i) for i in visible if i.endpoint not in section_of]
    for label, icon, eps in SECTIONS:
        children = [_entry(by_endpoint[ep]) for ep in eps if ep in by_endpoint]
        if len(children) == 1:
            out.append(children[0])
        elif children:
            out.append({"label": label, "icon": icon, "children": children,
                        "endpoints": [c["endpoint"] for c in children]})
    return out
