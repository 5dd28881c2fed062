"""Reports, role × page × ownership: the holder's applicants read their own organisation's reports only,
the municipal coordinator their municipality's, staff everything; a denied page shows nothing of the
report."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models import Role
from workflow_app.models.status_report import StatusReport
from workflow_app.services.statuses import awards, grounding

from .factories import make_org, make_user, municipality, status_type
from .helpers import login

SECRET = "Секретная тема чужой площадки"
A, D = True, False
ROLES = ("applicant", "coordinator", "expert", "staff", "signatory", "admin")
# url → allowed per role (applicant, coordinator, expert, staff, signatory, admin)
MATRIX = {
    "/reports": (D, D, D, A, D, A),
    "/reports/mine": (A, D, D, D, D, D),
    "/reports/municipal": (D, A, D, D, D, D),
    "/reports/proposals": (D, D, D, A, D, A),
    "/reports/{own}": (A, A, D, A, A, A),
    "/reports/{other}": (D, D, D, A, A, A),
    "/reports/{own}/file.pdf": (A, A, D, A, A, A),
    "/reports/{other}/file.docx": (D, D, D, A, A, A),
}


@pytest.fixture
def world(app):
    with app.app_context():
        staff = make_user("staff@x.ru", Role.staff)
        own_org, other_org = make_org("Своя школа", "krasnodar"), make_org("Чужая школа", "sochi")
        order = grounding.register_external(staff, "МОНиМП КК", "7", date(2024, 12, 20))
        ids = {}
        for key, org, theme in (("own", own_org, "Своя тема"), ("other", other_org, SECRET)):
            award = awards.grant(order, staff, org.id, status_type("KIP"), theme, date(2025, 1, 1),
                                 date(2027, 12, 31))
            ids[key] = db.session.execute(select(StatusReport.id).where(StatusReport.award_id == award.id)
                                          .order_by(StatusReport.id)).scalars().first()
        make_user("applicant@x.ru", (Role.applicant, own_org))
        make_user("coordinator@x.ru", (Role.coordinator, municipality("krasnodar")))
        make_user("expert@x.ru", Role.expert)
        make_user("signatory@x.ru", Role.signatory)
        make_user("admin@x.ru", Role.admin)
        db.session.commit()
        return ids


@pytest.mark.parametrize("role", ROLES)
def test_report_pages_by_role(app, client, world, role):
    login(client, "staff@x.ru" if role == "staff" else f"{role}@x.ru")
    for template, allowed in MATRIX.items():
        url = template.format(**world)
        resp = client.get(url)
        ok = allowed[ROLES.index(role)]
        assert (resp.status_code == 200) is ok, (role, url, resp.status_code)
        if not ok:
            assert resp.status_code in (403, 404) and SECRET not in resp.get_data(as_text=True)
