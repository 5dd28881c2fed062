"""Organisations: who sees which, the filtered list, create/edit with uniqueness, lifecycle."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, false, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.exc import StaleDataError

from ... import audit, policy
from ...errors import ConcurrentChange
from ...extensions import db
from ...listing import ListArgs, apply_sort
from ...machines import fire, lock, organization_lifecycle
from ...models import Municipality, Organization, OrgStatus, OrgType, Role, RoleGrant, User
from .validation import FieldErrors, clean, contains_ci, email_error, inn_error, name_key, normalize_inn

EDITABLE = ("org_type", "full_name", "short_name", "municipality_id", "address", "head_name",
            "email", "phone", "inn")
FIELD_LABELS = {
    "org_type": "Тип", "full_name": "Полное наименование", "short_name": "Краткое наименование",
    "municipality_id": "Муниципалитет", "address": "Адрес", "head_name": "Руководитель",
    "email": "E-mail", "phone": "Телефон", "inn": "ИНН",
}
DUPLICATE_MESSAGE = "Организация с таким полным наименованием уже есть в этом муниципалитете."
SORTABLE = ("name", "type", "municipality", "status", "inn", "created")
FILTERS = ("type", "municipality", "status")


@dataclass
class OrgData:
    org_type: OrgType
    full_name: str
    short_name: str
    municipality_id: int
    address: str = ""
    head_name: str = ""
    email: str = ""
    phone: str = ""
    inn: str | None = None

    def cleaned(self) -> OrgData:
        return OrgData(
            org_type=self.org_type, full_name=clean(self.full_name), short_name=clean(self.short_name),
            municipality_id=self.municipality_id, address=clean(self.address),
            head_name=clean(self.head_name), email=clean(self.email).lower(), phone=clean(self.phone),
            inn=normalize_inn(self.inn) or None,
        )


# --- visibility and lists ---------------------------------------------------------------------

def visibility_clause(user: User):
    """SQL condition for the organisations a user may see (None: all of them)."""
    if policy.is_staff(user) or user.has_role(Role.signatory):
        return None
    munis, orgs = user.coordinator_municipality_ids(), user.applicant_org_ids()
    parts = []
    if munis:
        parts.append(Organization.municipality_id.in_(munis))
    if orgs:
        parts.append(Organization.id.in_(orgs))
    return or_(*parts) if parts else false()


def visible_municipalities(user: User) -> list[Municipality]:
    stmt = select(Municipality).order_by(Municipality.kind.desc(), Municipality.name)
    if not (policy.is_staff(user) or user.has_role(Role.signatory)):
        stmt = stmt.where(Municipality.id.in_(user.coordinator_municipality_ids() or {-1}))
    return list(db.session.execute(stmt).scalars())


def list_query(user: User, args: ListArgs) -> Select:
    """The organisations the user may see, searched, filtered and sorted (not yet paginated)."""
    stmt = (select(Organization).join(Organization.municipality)
            .options(contains_eager(Organization.municipality)))
    scope = visibility_clause(user)
    if scope is not None:
        stmt = stmt.where(scope)
    if args.q:
        stmt = stmt.where(or_(contains_ci(Organization.full_name, args.q),
                              contains_ci(Organization.short_name, args.q),
                              Organization.inn.like(f"%{normalize_inn(args.q)}%")
                              if normalize_inn(args.q).isdigit() else false()))
    f = args.filters
    if f.get("type") in OrgType.__members__:
        stmt = stmt.where(Organization.org_type == OrgType[f["type"]])
    if args.int_filter("municipality") is not None:
        stmt = stmt.where(Organization.municipality_id == args.int_filter("municipality"))
    if f.get("status") in OrgStatus.__members__:
        stmt = stmt.where(Organization.status == OrgStatus[f["status"]])
    return apply_sort(stmt, args, {
        "name": Organization.short_name, "type": Organization.org_type,
        "municipality": Municipality.name, "status": Organization.status,
        "inn": Organization.inn, "created": Organization.created_at,
    }, Organization.id)


EXPORT_HEADERS = ["Тип", "Полное наименование", "Краткое наименование", "Муниципалитет", "Адрес",
                  "Руководитель", "E-mail", "Телефон", "ИНН", "Статус"]


def export_rows(stmt: Select):
    for org in db.session.execute(stmt).unique().scalars():
        yield (org.org_type, org.full_name, org.short_name, org.municipality.name, org.address,
               org.head_name, org.email, org.phone, org.inn or "", org.status)


def org_users(org: Organization) -> list[User]:
    """Users working at the organisation or applying on its behalf."""
    return list(db.session.execute(
        select(User).where(or_(
            User.organization_id == org.id,
            User.grants.any(and_(RoleGrant.role == Role.applicant, RoleGrant.organization_id == org.id)),
        )).order_by(User.full_name, User.id)
    ).unique().scalars())


# --- create and edit --------------------------------------------------------------------------

def find_duplicate(municipality_id: int, full_name: str, exclude_id: int | None = None) -> int | None:
    """Id of another organisation of the municipality with the same full name (case-insensitive)."""
    key = name_key(full_name)
    rows = db.session.execute(
        select(Organization.id, Organization.full_name)
        .where(Organization.municipality_id == municipality_id)
    ).all()
    for org_id, name in rows:
        if org_id != exclude_id and name_key(name) == key:
            return org_id
    return None


def _validate(data: OrgData, exclude_id: int | None = None) -> None:
    errors: dict[str, str] = {}
    for name in ("full_name", "short_name"):
        if not getattr(data, name):
            errors[name] = "Заполните это поле."
    if db.session.get(Municipality, data.municipality_id) is None:
        errors["municipality_id"] = "Выберите муниципалитет из списка."
    if data.email and (why := email_error(data.email)):
        errors["email"] = why
    if data.inn and (why := inn_error(data.inn)):
        errors["inn"] = why
    if not errors and find_duplicate(data.municipality_id, data.full_name, exclude_id):
        errors["full_name"] = DUPLICATE_MESSAGE
    if errors:
        raise FieldErrors(errors)


def _flush_unique() -> None:
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise ConcurrentChange() from exc
    except IntegrityError as exc:  # a concurrent insert slipped past the pre-check
        db.session.rollback()
        raise FieldErrors({"full_name": DUPLICATE_MESSAGE}) from exc


def create_org(actor: User, data: OrgData, *, event: str = "organization.created",
               payload: dict | None = None) -> Organization:
    data = data.cleaned()
    _validate(data)
    org = Organization(**{k: getattr(data, k) for k in EDITABLE})
    db.session.add(org)
    _flush_unique()
    audit.record(event, actor=actor, obj=org, to_state=org.status.name,
                 payload=payload or {"full_name": org.full_name})
    return org


def _display(name: str, value) -> str | None:
    if value is None:
        return None
    if name == "municipality_id":
        m = db.session.get(Municipality, value)
        return m.name if m else str(value)
    if isinstance(value, OrgType):
        return value.value
    return str(value)


def update_org(actor: User, org: Organization, data: OrgData, expected_version: int | None) -> dict:
    """Apply the form; refuse a stale form. Returns {field: [old, new]} of what changed."""
    org = lock(org)
    if expected_version is None or org.version != expected_version:
        raise ConcurrentChange()
    data = data.cleaned()
    _validate(data, exclude_id=org.id)
    changes = {}
    for name in EDITABLE:
        old, new = getattr(org, name), getattr(data, name)
        if old != new:
            changes[name] = [_display(name, old), _display(name, new)]
            setattr(org, name, new)
    if changes:
        audit.record("organization.updated", actor=actor, obj=org, payload={"changes": changes})
        _flush_unique()
    return changes


def change_status(actor: User, org: Organization, trigger: str, *, reason: str,
                  expected_version: int | None) -> Organization:
    return fire(organization_lifecycle, org, trigger, actor=actor, reason=reason,
                expected_version=expected_version)
