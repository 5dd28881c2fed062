"""Test helpers: factories and a browser-like login that goes through the real form and CSRF."""
from __future__ import annotations

import re

from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models import Municipality, Organization, OrgType, Role, RoleGrant, User
from workflow_app.services.platform.passwords import hash_password

PASSWORD = "secret-pass-1"
_CSRF = re.compile(r'name="csrf_token"[^>]*? value="([^"]+)"')


def csrf_token(client, url: str) -> str:
    page = client.get(url)
    m = _CSRF.search(page.get_data(as_text=True))
    assert m, f"no CSRF token on {url}"
    return m.group(1)


def login(client, email: str, password: str = PASSWORD, remember: bool = False):
    token = csrf_token(client, "/login")
    data = {"csrf_token": token, "email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data)


def post_form(client, url: str, data: dict, form_url: str | None = None, **kw):
    """POST like a browser: take the CSRF token from the page that shows the form."""
    token = csrf_token(client, form_url or url)
    return client.post(url, data={"csrf_token": token, **data}, **kw)


def municipality(code: str) -> Municipality:
    return db.session.execute(select(Municipality).where(Municipality.code == code)).scalar_one()


def make_org(name: str = "МБОУ СОШ № 1", code: str = "krasnodar", org_type: OrgType = OrgType.OO,
             **kw) -> Organization:
    org = Organization(org_type=org_type, full_name=kw.pop("full_name", f"{name} полное"),
                       short_name=name, municipality=municipality(code), **kw)
    db.session.add(org)
    db.session.flush()
    return org


def make_user(email: str, *roles: Role | tuple, org: Organization | None = None,
              name: str = "Иванов Иван Иванович", password: str = PASSWORD) -> User:
    """roles: Role, or (Role.applicant, org), or (Role.coordinator, municipality)."""
    user = User(email=email, full_name=name, organization=org, password_hash=hash_password(password))
    for r in roles:
        if isinstance(r, tuple):
            role, scope = r
            grant = RoleGrant(role=role)
            if isinstance(scope, Organization):
                grant.organization = scope
            else:
                grant.municipality = scope
        else:
            grant = RoleGrant(role=r)
        user.grants.append(grant)
    db.session.add(user)
    db.session.flush()
    return user
