"""Import use-cases: keep the upload between preview and confirm, load reference data, insert rows.

The uploaded file lives in UPLOAD_DIR/imports under a random name with a small JSON note of who
uploaded it (the session cookie only carries the token in the URL). Confirm re-reads and
re-validates it, then inserts every row in the request's one transaction: all or nothing.
"""
from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ... import audit
from ...errors import ConcurrentChange
from ...extensions import db
from ...models import Municipality, Organization, OrgStatus, OrgType, Role, User
from . import import_table, org_import
from .org_import import MunicipalityIndex, OrgReference, Report, UserReference
from .orgs import OrgData, create_org
from .users import UserData, create_user
from .validation import FieldErrors, name_key

KINDS = ("orgs", "users")
TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")
KEEP_SECONDS = 24 * 3600


# --- storage ----------------------------------------------------------------------------------

def _dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _cleanup(folder: Path) -> None:
    cutoff = time.time() - KEEP_SECONDS
    for p in folder.glob("*"):
        try:
            if p.stat().st_mtime < cutoff:
                p.unlink()
        except OSError:
            pass


def store(kind: str, data: bytes, filename: str, user: User) -> str:
    folder = _dir()
    _cleanup(folder)
    token = secrets.token_hex(16)
    (folder / f"{token}.bin").write_bytes(data)
    (folder / f"{token}.json").write_text(json.dumps(
        {"kind": kind, "user_id": user.id, "filename": filename[:200]}, ensure_ascii=False))
    return token


def load(kind: str, token: str, user: User) -> tuple[bytes, str] | None:
    """The stored upload's bytes and original name, or None (unknown, expired or someone else's)."""
    if not TOKEN_RE.match(token or ""):
        return None
    folder = _dir()
    try:
        meta = json.loads((folder / f"{token}.json").read_text())
        data = (folder / f"{token}.bin").read_bytes()
    except (OSError, ValueError):
        return None
    if meta.get("kind") != kind or meta.get("user_id") != user.id:
        return None
    return data, meta.get("filename", "")


def discard(token: str) -> None:
    if TOKEN_RE.match(token or ""):
        for suffix in (".bin", ".json"):
            (_dir() / f"{token}{suffix}").unlink(missing_ok=True)


# --- reference data ---------------------------------------------------------------------------

def municipality_index() -> MunicipalityIndex:
    return MunicipalityIndex.build(db.session.execute(
        select(Municipality.id, Municipality.code, Municipality.name)).all())


def org_reference() -> OrgReference:
    existing = {(mid, name_key(name)) for mid, name in db.session.execute(
        select(Organization.municipality_id, Organization.full_name)).all()}
    return OrgReference(municipalities=municipality_index(), existing=existing)


def user_reference(actor: User) -> UserReference:
    from ... import policy

    orgs = db.session.execute(
        select(Organization.id, Organization.municipality_id, Organization.short_name,
               Organization.full_name).where(Organization.status == OrgStatus.active)).all()
    emails = {e.lower() for e in db.session.execute(select(User.email)).scalars()}
    return UserReference(municipalities=municipality_index(), orgs=UserReference.org_index(orgs),
                         existing_emails=emails, may_grant_admin=policy.can(actor, "user.grant_admin"))


def check(kind: str, data: bytes, actor: User) -> Report:
    """Read and validate a file (raises MalformedFile for a file that cannot be read at all)."""
    table = import_table.read_table(data)
    if kind == "orgs":
        return org_import.validate_orgs(table, org_reference())
    return org_import.validate_users(table, user_reference(actor))


# --- applying ---------------------------------------------------------------------------------

STALE = ("Пока вы просматривали файл, данные изменились, и теперь в нём есть ошибки. "
         "Ничего не импортировано; проверьте отчёт.")


def apply(kind: str, data: bytes, filename: str, actor: User,
          link_for: Callable[[str], str]) -> tuple[Report, int]:
    """Re-validate and insert all rows, or nothing. Returns (report, rows inserted).

    A report with errors is returned with 0 inserted; the caller shows it again.
    """
    report = check(kind, data, actor)
    if not report.ok:
        return report, 0
    try:
        ids = _insert_orgs(report, actor) if kind == "orgs" else _insert_users(report, actor, link_for)
    except FieldErrors as exc:  # a conflicting row appeared between the check and the insert
        raise ConcurrentChange(STALE) from exc
    except IntegrityError as exc:
        db.session.rollback()
        raise ConcurrentChange(STALE) from exc
    audit.record(f"{'organization' if kind == 'orgs' else 'user'}.imported", actor=actor,
                 object_type="import", payload={"file": filename, "format": report.format,
                                                "rows": len(report.rows), "created": len(ids),
                                                "ids": ids})
    return report, len(ids)


def _insert_orgs(report: Report, actor: User) -> list[int]:
    ids = []
    for row in report.rows:
        v = row.values
        org = create_org(actor, OrgData(**v), payload={"import": True, "line": row.line})
        ids.append(org.id)
    return ids


def _insert_users(report: Report, actor: User, link_for) -> list[int]:
    ids = []
    for row in report.rows:
        v = dict(row.values)
        roles: list[Role] = v.pop("roles")
        mid = v.pop("municipality_id")
        data = UserData(**v, roles=roles,
                        applicant_org_ids=[v["organization_id"]] if v["organization_id"] else [],
                        coordinator_municipality_ids=[mid] if mid and Role.coordinator in roles else [])
        user = create_user(actor, data, link_for,
                           payload={"import": True, "line": row.line, "email": v["email"]})
        ids.append(user.id)
    return ids


def reference_lists(kind: str) -> dict[str, list[str]]:
    munis = [m for m in db.session.execute(select(Municipality.name).order_by(Municipality.name)).scalars()]
    if kind == "orgs":
        return {"Тип": [t.value for t in OrgType], "Муниципалитет": munis}
    orgs = list(db.session.execute(
        select(Organization.short_name).where(Organization.status == OrgStatus.active)
        .order_by(Organization.short_name)).scalars())
    return {"Роли": [r.value for r in Role], "Муниципалитет": munis, "Организация": orgs}

