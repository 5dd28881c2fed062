"""Role × action × ownership through the web: every role is allowed exactly what it should be, and a denied
request (including a direct URL to another organisation's object) shows no data of that object."""
from __future__ import annotations

import pytest

from workflow_app.extensions import db
from workflow_app.models import Role
from workflow_app.models.competition import CampaignStatus, EntryStatus
from workflow_app.models.fip_case import FipCase
from workflow_app.models.orders import OrderKind
from workflow_app.services import orders

from .factories import make_campaign, make_entry, make_org, make_user, municipality
from .helpers import login

SECRET = "Секретная тема чужой организации"

# role → who logs in; "own" objects belong to the Krasnodar school, "other" ones to a Sochi school.
ROLES = {
    "applicant": lambda own, other: make_user("applicant@x.ru", (Role.applicant, own)),
    "coordinator": lambda own, other: make_user("coord@x.ru", (Role.coordinator, municipality("krasnodar"))),
    "expert": lambda own, other: make_user("expert@x.ru", Role.expert),
    "staff": lambda own, other: make_user("staff@x.ru", Role.staff),
    "signatory": lambda own, other: make_user("sign@x.ru", Role.signatory),
    "admin": lambda own, other: make_user("admin@x.ru", Role.admin),
}
EMAIL = {"applicant": "applicant@x.ru", "coordinator": "coord@x.ru", "expert": "expert@x.ru",
         "staff": "staff@x.ru", "signatory": "sign@x.ru", "admin": "admin@x.ru"}

A, D = True, False  # allowed (200), denied (403/404)
# url template → allowed per role (applicant, coordinator, expert, staff, signatory, admin)
MATRIX = {
    "/orgs/{own_org}":             (A, A, D, A, A, A),
    "/orgs/{other_org}":           (D, D, D, A, A, A),
    "/orgs/":                      (D, A, D, A, A, A),
    "/users/":                     (D, D, D, A, D, A),
    "/staff/audit/":               (D, D, D, A, D, A),
    "/staff/outbox/":              (D, D, D, A, D, A),
    "/entries/{own_entry}":        (A, A, D, A, None, A),
    "/entries/{other_entry}":      (D, D, D, A, None, A),
    "/entries/{other_entry}/edit": (D, D, D, D, D, D),
    "/campaigns":                  (D, D, D, A, None, A),
    "/campaigns/{campaign}/paper-entries/new": (D, D, D, A, D, A),
    "/expert/pool":                (D, D, D, A, None, A),
    "/orders":                     (D, D, D, A, A, A),
    "/orders/{order}":             (D, D, D, A, A, A),
    "/orders/{order}/file.pdf":    (D, D, D, A, A, A),
    "/orders/{order}/order.json":  (D, D, D, A, A, A),
    "/orders/{order}/edit":        (D, D, D, A, D, A),
    "/orders/external":            (D, D, D, A, D, A),
    "/admin/settings":             (D, D, D, D, D, A),
    "/statuses":                   (D, D, D, A, A, A),
    "/statuses/figures":           (D, D, D, A, A, A),
    "/statuses/import":            (D, D, D, A, D, A),
    "/statuses/types":             (D, D, D, D, D, A),
    "/krc/applications":           (D, D, D, A, A, A),
    "/krc/roadmaps":               (D, D, D, A, A, A),
    "/krc/deadlines":              (D, D, D, A, D, A),
    "/orgs/{own_org}/profile":     (A, A, D, A, A, A),
    "/orgs/{other_org}/profile":   (D, D, D, A, A, A),
    "/staff/group-mail/":          (D, D, D, A, D, A),
    "/staff/group-mail/new":       (D, D, D, A, D, A),
    "/staff/caught-mail/":         (D, D, D, D, D, D),  # no mail catcher runs in tests
    "/profile/notifications/":     (A, A, A, A, A, A),
    "/fip":                        (A, A, D, A, A, A),
    "/fip/{own_fip}":              (A, A, D, A, A, A),
    "/fip/{own_fip}/form":         (A, A, D, A, A, A),
    "/fip/{own_fip}/export.pdf":   (A, A, D, A, A, A),
    "/fip/{other_fip}":            (D, D, D, A, A, A),
    "/fip/{other_fip}/export.docx": (D, D, D, A, A, A),
    "/fip/settings":               (D, D, D, A, D, A),
}
ROLE_ORDER = list(ROLES)


def _world():
    own = make_org("МБОУ СОШ № 1", "krasnodar")
    other = make_org("МБОУ СОШ № 8", "sochi", full_name="Сочинская школа с секретом")
    c = make_campaign(status=CampaignStatus.open)
    own_entry = make_entry(c, own, "ОО", EntryStatus.submitted, title="Своя тема")
    other_entry = make_entry(c, other, "ОО", EntryStatus.submitted, title=SECRET)
    author = make_user("author@x.ru", Role.staff)
    order = orders.create_draft(OrderKind.other, author)
    order.title = "Об утверждении внутреннего плана"
    own_fip = FipCase(organization=own, project="Своя тема", year=2027, form={}, manual_checks=[])
    other_fip = FipCase(organization=other, project=SECRET, year=2027, form={}, manual_checks=[])
    db.session.add_all([own_fip, other_fip])
    db.session.flush()
    return {"own_org": own.id, "other_org": other.id, "own_entry": own_entry.id,
            "other_entry": other_entry.id, "order": order.id, "campaign": c.id, "own_fip": own_fip.id,
            "other_fip": other_fip.id}, own, other


@pytest.mark.parametrize("role", ROLE_ORDER)
def test_role_matrix(app, client, role):
    with app.app_context():
        ids, own, other = _world()
        ROLES[role](own, other)
        db.session.commit()
    login(client, EMAIL[role])
    col = ROLE_ORDER.index(role)
    problems = []
    for template, allowed in MATRIX.items():
        expected = allowed[col]
        if expected is None:  # not specified for this role
            continue
        url = template.format(**ids)
        resp = client.get(url)
        body = resp.get_data(as_text=True) if resp.mimetype == "text/html" else ""
        if expected and resp.status_code != 200:
            problems.append(f"{url}: expected 200, got {resp.status_code}")
        if not expected:
            if resp.status_code not in (403, 404):
                problems.append(f"{url}: expected 403/404, got {resp.status_code}")
            if SECRET in body or "Сочинская школа с секретом" in body:
                problems.append(f"{url}: denied page leaks the other organisation's data")
    assert problems == []


def test_anonymous_is_sent_to_login_everywhere_but_public_pages(app, client):
    with app.app_context():
        ids, *_ = _world()
        db.session.commit()
    for template in MATRIX:
        resp = client.get(template.format(**ids))
        assert resp.status_code == 302 and "/login" in resp.headers["Location"], template
    for public in ("/registry", "/campaigns/public", "/login"):
        assert client.get(public).status_code == 200, public
