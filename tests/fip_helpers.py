"""Shared builders of the ФИП tests: a КИП holder with a filled dossier, a case, a form of 18 items."""
from __future__ import annotations

from datetime import date

from workflow_app.models import Role
from workflow_app.services.fip import cases
from workflow_app.services.fip import form as fip_form
from workflow_app.services.statuses import awards, grounding

from .factories import fill, make_campaign, make_entry, make_org, make_user, status_type

SHORT = "Сетевая модель наставничества молодых педагогов сельских школ."


def kip_holder(name: str = "МБОУ СОШ № 7", muni: str = "krasnodar"):
    """An ОО with a КИП award (term covering today) grounded in an order, its entry's dossier filled;
    returns (org, staff, applicant, award)."""
    staff = make_user(f"staff-{name[-1]}@x.ru", Role.staff)
    org = make_org(name, muni)
    applicant = make_user(f"app-{name[-1]}@x.ru", (Role.applicant, org))
    campaign = make_campaign(name=f"Инновационный поиск ({name})", year=2024)
    entry = fill(make_entry(campaign, org, title="Наставничество"))
    order = grounding.register_external(staff, "МОНиМП КК", f"К-{name[-1]}", date(2024, 1, 10))
    award = awards.grant(order, staff, org.id, status_type("KIP"), "Наставничество", date(2024, 1, 1),
                         date(2030, 12, 31), entry_id=entry.id)
    return org, staff, applicant, award


def full_form() -> dict:
    """Every item but the infographic filled."""
    items = {}
    for item in fip_form.ITEMS:
        if item.kind == fip_form.GRID:
            items[item.number] = {"columns": list(item.columns),
                                  "rows": [[f"{c} {item.number}" for c in item.columns]], "row_kinds": ["data"]}
        elif item.kind == fip_form.TEXT:
            items[item.number] = SHORT if item.number == "8" else f"Текст пункта {item.number} о проекте."
    return items


def opened_case(org, applicant, award, year: int = 2027):
    return cases.open_case(applicant, org, "Наставничество", year, kip_award_id=award.id)
