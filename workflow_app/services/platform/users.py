"""Staff management of user accounts: list, create with an invitation, edit roles, lifecycle."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.exc import StaleDataError

from ... import audit, policy
from ...errors import ConcurrentChange, TransitionNotAllowed
from ...extensions import db
from ...listing import ListArgs, apply_sort
from ...machines import fire, lock, user_lifecycle
from ...models import Municipality, Organization, Role, RoleGrant, User, UserStatus
from ...models.base import utcnow
from . import accounts, outbox
from .validation import FieldErrors, clean, contains_ci, email_error

SORTABLE = ("name", "email", "organization", "status", "last_login", "created")
FILTERS = ("role", "organization", "municipality", "status")
EDITABLE = ("email", "full_name", "position", "phone", "organization_id")
FIELD_LABELS = {"email": "E-mail", "full_name": "ФИО", "position": "Должность", "phone": "Телефон",
                "organization_id": "Организация"}
EMAIL_TAKEN = "Пользователь с таким адресом электронной почты уже есть."
ADMIN_ONLY = "Назначать и снимать роли «Администратор» и «Подписант» может только администратор."
OWN_ROLES = "Свои роли изменить нельзя: это делает другой сотрудник или администратор."
EMAIL_ADMIN_ONLY = "Адрес электронной почты другого пользователя может изменить только администратор."
# Roles that sign legally binding orders or grant roles: separation of duties keeps them with admins.
PRIVILEGED = (Role.admin, Role.signatory)
DEFAULT_INVITE_TTL_DAYS = 7

# A grant as a plain value: (role, organisation id, municipality id).
GrantKey = tuple[Role, int | None, int | None]


@dataclass
class UserData:
    email: str
    full_name: str
    position: str = ""
    phone: str = ""
    organization_id: int | None = None
    roles: list[Role] = field(default_factory=list)
    applicant_org_ids: list[int] = field(default_factory=list)
    coordinator_municipality_ids: list[int] = field(default_factory=list)


# --- lists ------------------------------------------------------------------------------------

def list_query(args: ListArgs) -> Select:
    stmt = (select(User).outerjoin(User.organization)
            .options(contains_eager(User.organization)))
    if args.q:
        stmt = stmt.where(or_(contains_ci(User.full_name, args.q), contains_ci(User.email, args.q)))
    f = args.filters
    if f.get("role") in Role.__members__:
        stmt = stmt.where(User.grants.any(RoleGrant.role == Role[f["role"]]))
    if (oid := args.int_filter("organization")) is not None:
        stmt = stmt.where(or_(User.organization_id == oid, User.grants.any(RoleGrant.organization_id == oid)))
    if (mid := args.int_filter("municipality")) is not None:
        stmt = stmt.where(or_(Organization.municipality_id == mid,
                              User.grants.any(RoleGrant.municipality_id == mid)))
    if f.get("status") in UserStatus.__members__:
        stmt = stmt.where(User.status == UserStatus[f["status"]])
    return apply_sort(stmt, args, {
        "name": User.full_name, "email": User.email, "organization": Organization.short_name,
        "status": User.status, "last_login": User.last_login_at, "created": User.created_at,
    }, User.id)


EXPORT_HEADERS = ["E-mail", "ФИО", "Должность", "Телефон", "Организация", "Муниципалитет", "Роли",
                  "Статус", "Последний вход"]


def export_rows(stmt: Select):
    for u in db.session.execute(stmt).unique().scalars():
        yield (u.email, u.full_name, u.position, u.phone,
               u.organization.short_name if u.organization else "",
               u.organization.municipality.name if u.organization else "",
               ", ".join(g.describe() for g in u.grants), u.status, u.last_login_at)


# --- roles ------------------------------------------------------------------------------------

def desired_grants(data: UserData) -> tuple[set[GrantKey], dict[str, str]]:
    """The grants the form asks for, and field errors (applicant needs an organisation, etc.)."""
    errors: dict[str, str] = {}
    grants: set[GrantKey] = set()
    for role in data.roles:
        if role == Role.applicant:
            org_ids = list(data.applicant_org_ids) or ([data.organization_id] if data.organization_id else [])
            if not org_ids:
                errors["applicant_org_ids"] = "Для роли «Заявитель» выберите организацию."
            grants.update((role, oid, None) for oid in org_ids)
        elif role == Role.coordinator:
            if not data.coordinator_municipality_ids:
                errors["coordinator_municipality_ids"] = (
                    "Для роли «Муниципальный координатор» выберите муниципалитет.")
            grants.update((role, None, mid) for mid in data.coordinator_municipality_ids)
        else:
            grants.add((role, None, None))
    return grants, errors


def _grant_key(g: RoleGrant) -> GrantKey:
    return (g.role, g.organization_id, g.municipality_id)


def _describe(key: GrantKey) -> str:
    role, oid, mid = key
    if oid:
        org = db.session.get(Organization, oid)
        return f"{role.label}: {org.short_name if org else oid}"
    if mid:
        m = db.session.get(Municipality, mid)
        return f"{role.label}: {m.name if m else mid}"
    return role.label


def _email_owner(email: str) -> int | None:
    return db.session.execute(
        select(User.id).where(func.lower(User.email) == email.lower())
    ).scalar_one_or_none()


def _validate(actor: User, data: UserData, current: set[GrantKey], exclude_id: int | None
              ) -> set[GrantKey]:
    errors: dict[str, str] = {}
    if not data.email:
        errors["email"] = "Заполните это поле."
    elif why := email_error(data.email):
        errors["email"] = why
    elif (owner := _email_owner(data.email)) is not None and owner != exclude_id:
        errors["email"] = EMAIL_TAKEN
    if not data.full_name:
        errors["full_name"] = "Заполните это поле."
    if data.organization_id is not None and db.session.get(Organization, data.organization_id) is None:
        errors["organization_id"] = "Выберите организацию из списка."
    grants, grant_errors = desired_grants(data)
    errors.update(grant_errors)
    privileged_changed = any(
        any(k[0] == role for k in current) != any(k[0] == role for k in grants) for role in PRIVILEGED)
    if privileged_changed and not policy.can(actor, "user.grant_admin"):
        errors["roles"] = ADMIN_ONLY
    if exclude_id is not None and exclude_id == actor.id and grants != current:
        errors.setdefault("roles", OWN_ROLES)
    if errors:
        raise FieldErrors(errors)
    return grants


def _cleaned(data: UserData) -> UserData:
    return UserData(
        email=accounts.normalize_email(data.email), full_name=clean(data.full_name),
        position=clean(data.position), phone=clean(data.phone), organization_id=data.organization_id,
        roles=list(dict.fromkeys(data.roles)), applicant_org_ids=list(dict.fromkeys(data.applicant_org_ids)),
        coordinator_municipality_ids=list(dict.fromkeys(data.coordinator_municipality_ids)),
    )


def _flush_unique() -> None:
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise ConcurrentChange() from exc
    except IntegrityError as exc:  # a concurrent insert of the same e-mail slipped past the pre-check
        db.session.rollback()
        raise FieldErrors({"email": EMAIL_TAKEN}) from exc


# --- use cases --------------------------------------------------------------------------------

def invite(user: User, link_for: Callable[[str], str]) -> None:
    """Queue an e-mail with a link to set the password (a long-lived one-time reset token)."""
    days = int(current_app.config.get("INVITE_TTL_DAYS", DEFAULT_INVITE_TTL_DAYS))
    row, token = accounts.issue_password_token(user, timedelta(days=days))
    outbox.queue_email(
        f"invite:{row.id}", user=user,
        subject="Приглашение в систему «Инновационная инфраструктура»",
        body=(
            f"Здравствуйте, {user.full_name}!\n\n"
            "Для вас создана учётная запись в системе ГБОУ ИРО Краснодарского края "
            "«Инновационная инфраструктура образования».\n"
            f"Логин: {user.email}\n\n"
            f"Чтобы задать пароль, откройте ссылку (действует {days} дн.):\n{link_for(token)}\n"
        ),
    )


def create_user(actor: User, data: UserData, link_for: Callable[[str], str], *,
                event: str = "user.created", payload: dict | None = None) -> User:
    data = _cleaned(data)
    grants = _validate(actor, data, set(), None)
    user = User(**{k: getattr(data, k) for k in EDITABLE}, password_hash=None)
    for role, oid, mid in sorted(grants, key=_sort_key):
        user.grants.append(RoleGrant(role=role, organization_id=oid, municipality_id=mid))
    db.session.add(user)
    _flush_unique()
    audit.record(event, actor=actor, obj=user, payload=payload or {
        "email": user.email, "roles": [_describe(k) for k in sorted(grants, key=_sort_key)]})
    invite(user, link_for)
    return user


def _sort_key(k: GrantKey):
    return (list(Role).index(k[0]), k[1] or 0, k[2] or 0)


def update_user(actor: User, user: User, data: UserData, expected_version: int | None) -> dict:
    """Apply the form; refuse a stale one. Returns {"changes": ..., "added": ..., "removed": ...}."""
    user = lock(user)
    if expected_version is None or user.version != expected_version:
        raise ConcurrentChange()
    data = _cleaned(data)
    current = {_grant_key(g) for g in user.grants}
    grants = _validate(actor, data, current, user.id)
    old_email = user.email
    if data.email != old_email and user.id != actor.id and not policy.can(actor, "user.grant_admin"):
        # Changing someone's address and sending it an invitation would take the account over.
        raise FieldErrors({"email": EMAIL_ADMIN_ONLY})
    changes = {}
    for name in EDITABLE:
        old, new = getattr(user, name), getattr(data, name)
        if old != new:
            changes[name] = [_field_display(name, old), _field_display(name, new)]
            setattr(user, name, new)
    added, removed = grants - current, current - grants
    for g in list(user.grants):
        if _grant_key(g) in removed:
            user.grants.remove(g)
    for role, oid, mid in sorted(added, key=_sort_key):
        user.grants.append(RoleGrant(role=role, organization_id=oid, municipality_id=mid))
    if changes:
        audit.record("user.updated", actor=actor, obj=user, payload={"changes": changes})
    if "email" in changes:
        _tell_old_address(user, old_email)
    if added or removed:
        audit.record("user.roles_changed", actor=actor, obj=user, payload={
            "added": [_describe(k) for k in sorted(added, key=_sort_key)],
            "removed": [_describe(k) for k in sorted(removed, key=_sort_key)]})
    if changes or added or removed:
        user.updated_at = utcnow()  # role-only edits must bump the version too (stale forms)
        _flush_unique()
    return {"changes": changes, "added": added, "removed": removed}


def _tell_old_address(user: User, old_email: str) -> None:
    """The old address learns of the change: if it was not the owner's wish, they can react."""
    outbox.queue_email(
        f"email-changed:{user.id}:{user.version}:{old_email}", email=old_email,
        subject="Изменён адрес электронной почты учётной записи",
        body=(f"Здравствуйте, {user.full_name}!\n\n"
              f"Адрес электронной почты вашей учётной записи изменён с {old_email} на {user.email}.\n"
              "Если вы этого не ожидали, сообщите администратору системы ГБОУ ИРО Краснодарского края."),
    )


def _field_display(name: str, value):
    if name == "organization_id" and value is not None:
        org = db.session.get(Organization, value)
        return org.short_name if org else str(value)
    return value


def change_status(actor: User, user: User, trigger: str, *, reason: str,
                  expected_version: int | None) -> User:
    if trigger == "deactivate" and user.id == actor.id:
        raise TransitionNotAllowed("Нельзя заблокировать собственную учётную запись.")
    return fire(user_lifecycle, user, trigger, actor=actor, reason=reason,
                expected_version=expected_version)


def resend_invite(actor: User, user: User, link_for: Callable[[str], str]) -> None:
    if not user.is_active:
        raise TransitionNotAllowed("Учётная запись заблокирована: приглашение не отправлено.")
    invite(user, link_for)
    audit.record("user.invited", actor=actor, obj=user)
