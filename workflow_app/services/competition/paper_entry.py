"""Entries received on paper: staff register one for an organisation that has no account of its own (or
did not use it), then fill its dossier and submit it in the organisation's name.

A paper entry is an ordinary entry with `on_paper` set: the same form, completeness check, frozen versions
and lifecycle. The policy lets staff edit, submit and withdraw it (an applicant's entry stays the
applicant's). The audit row «Заявка зарегистрирована по бумажной заявке» names who registered it.
The submission deadline is not checked here: a dossier posted in time may be registered later; submitting
it after the deadline needs the per-entry extension, as for any entry.
"""
from __future__ import annotations

from ... import audit, policy
from ...extensions import db
from ...machines.base import lock
from ...models import Organization, User
from ...models.competition import Campaign, Entry, EntryStatus, Track
from .intake import check_intake, next_code


def register_paper_entry(actor: User, campaign: Campaign, organization: Organization, track: Track) -> Entry:
    """Create the organisation's draft entry in the campaign's track on behalf of the organisation."""
    policy.require(actor, "entry.register_paper", campaign)
    campaign = lock(campaign)  # serialises entry numbering and the per-organisation limit
    check_intake(campaign, organization, track)
    entry = Entry(campaign=campaign, track=track, organization=organization, status=EntryStatus.draft,
                  code=next_code(campaign), title="", created_by_id=getattr(actor, "id", None), on_paper=True,
                  dossier={}, team=[], lead_name="")
    db.session.add(entry)
    db.session.flush()
    audit.record("entry.register_paper", actor=actor, obj=entry, to_state=entry.status.name,
                 payload={"campaign_id": campaign.id, "track": track.code, "code": entry.code,
                          "organization_id": organization.id})
    return entry
