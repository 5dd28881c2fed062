"""Team entries: the entry's organisation leads (its applicants edit and submit), co-applicant
organisations read it. Co-applicants change only while the lead may still edit the entry."""
from __future__ import annotations

from ... import audit
from ...errors import ValidationFailed
from ...extensions import db
from ...models import Organization, OrgStatus, OrgType
from ...models.competition import ApplicantKind, Entry, EntryCoapplicant
from ...policy import require

MAX_COAPPLICANTS = 50


def _check(entry: Entry, actor) -> None:
    require(actor, "entry.edit", entry)
    if entry.applicant_kind != ApplicantKind.team:
        raise ValidationFailed("Соучастников можно указать только у командной заявки.")


def add_coapplicant(entry: Entry, org: Organization, *, actor) -> EntryCoapplicant:
    _check(entry, actor)
    if org.id == entry.organization_id:
        raise ValidationFailed("Организация-заявитель уже ведёт эту заявку и не может быть соучастником.")
    if org.status != OrgStatus.active:
        raise ValidationFailed(f"Организация «{org.short_name}» деактивирована.")
    if org.org_type.name not in (entry.track.org_types or []):
        raise ValidationFailed(f"Организации типа «{org.org_type.value}» не участвуют в направлении "
                               f"«{entry.track.name}».")
    if any(c.organization_id == org.id for c in entry.coapplicants):
        raise ValidationFailed(f"«{org.short_name}» уже указана среди соучастников.")
    if len(entry.coapplicants) >= MAX_COAPPLICANTS:
        raise ValidationFailed(f"В команде не более {MAX_COAPPLICANTS} организаций-соучастников.")
    link = EntryCoapplicant(organization_id=org.id)
    entry.coapplicants.append(link)
    db.session.flush()
    audit.record("entry.coapplicant_added", actor=actor, obj=entry, payload={"organization_id": org.id})
    return link


def remove_coapplicant(entry: Entry, org_id: int, *, actor) -> None:
    _check(entry, actor)
    link = next((c for c in entry.coapplicants if c.organization_id == org_id), None)
    if link is None:
        raise ValidationFailed("Эта организация не указана среди соучастников.")
    entry.coapplicants.remove(link)
    db.session.flush()
    audit.record("entry.coapplicant_removed", actor=actor, obj=entry, payload={"organization_id": org_id})


def candidate_orgs(entry: Entry, limit: int = 1000) -> list[Organization]:
    """Organisations the lead may add: active, of the track's types, not already in the team."""
    from sqlalchemy import select

    taken = {entry.organization_id, *(c.organization_id for c in entry.coapplicants)}
    types = [t for t in entry.track.org_types or []]
    rows = db.session.execute(
        select(Organization).where(Organization.status == OrgStatus.active,
                                   Organization.org_type.in_([OrgType[t] for t in types if t in OrgType.__members__]))
        .order_by(Organization.short_name, Organization.id).limit(limit + len(taken))).scalars()
    return [o for o in rows if o.id not in taken][:limit]
