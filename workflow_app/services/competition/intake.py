"""Opening an entry: the rules every new entry meets whoever opens it, and the one door the JSON API calls.

An applicant opens their organisation's entry online (`dossier.create_entry`); staff register one received
on paper for an organisation (`paper_entry.register_paper_entry`). Both go through `check_intake` and
`next_code` under the campaign's lock, so numbering and the per-organisation limit hold whichever way the
entries come in.
"""
from __future__ import annotations

from sqlalchemy import func, select

from ... import policy
from ...errors import ValidationFailed
from ...extensions import db
from ...models import Organization, OrgStatus, User
from ...models.competition import ApplicantKind, Campaign, CampaignStatus, Entry, EntryStatus, Track


def check_intake(campaign: Campaign, org: Organization, track: Track, person: User | None = None) -> None:
    """Refuse (ValidationFailed, in Russian) unless the campaign takes this organisation's entry in this track
    (for a teachers' competition: this teacher's entry, `org` being their organisation).

    Call with the campaign locked (`machines.base.lock`): the count of entries is read here."""
    if campaign.status != CampaignStatus.open:
        raise ValidationFailed(f"Приём заявок на конкурс «{campaign.name}» не ведётся.")
    if track.campaign_id != campaign.id:
        raise ValidationFailed("Выбранное направление не относится к этому конкурсу.")
    if org.status != OrgStatus.active:
        raise ValidationFailed("Организация деактивирована и не может подавать заявки.")
    if org.org_type.name not in (track.org_types or []):
        raise ValidationFailed(
            f"Организации типа «{org.org_type.value}» не могут участвовать в направлении «{track.name}».")
    if campaign.applicant_kind == ApplicantKind.person:
        if person is None:
            raise ValidationFailed(f"На конкурс «{campaign.name}» заявку подаёт сам педагог из своего кабинета.")
        taken = db.session.execute(
            select(func.count(Entry.id)).where(Entry.campaign_id == campaign.id, Entry.person_id == person.id,
                                               Entry.status != EntryStatus.withdrawn)).scalar_one()
        if taken >= (campaign.entries_per_org or 1):
            raise ValidationFailed(
                f"Вы уже подали допустимое число заявок на этот конкурс ({campaign.entries_per_org}).")
        return
    taken = db.session.execute(
        select(func.count(Entry.id)).where(Entry.campaign_id == campaign.id, Entry.organization_id == org.id,
                                           Entry.status != EntryStatus.withdrawn)
    ).scalar_one()
    if taken >= (campaign.entries_per_org or 1):
        raise ValidationFailed(
            f"Организация уже подала допустимое число заявок на этот конкурс ({campaign.entries_per_org}).")


def next_code(campaign: Campaign) -> str:
    """The next entry code of the campaign (ИП-2026-0007). Entries are never deleted, so under the campaign
    lock the count is a safe sequence."""
    n = db.session.execute(select(func.count(Entry.id)).where(Entry.campaign_id == campaign.id)).scalar_one()
    return f"{campaign.code_prefix or 'ИП'}-{campaign.year}-{n + 1:04d}"


def open_entry(actor: User, campaign: Campaign, organization: Organization, track: Track) -> Entry:
    """A new draft entry of the organisation in the campaign's track, as the actor may open it: staff
    register it as received on paper, the organisation's applicant opens it online. For
    `POST /api/v1/campaigns/{id}/entries`; refusals are DomainErrors with Russian messages."""
    from . import dossier, paper_entry

    if policy.can(actor, "entry.register_paper", campaign):
        return paper_entry.register_paper_entry(actor, campaign, organization, track)
    return dossier.create_entry(actor, organization, campaign, track)
