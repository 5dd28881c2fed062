"""Who may do what with entries (dossier part): applicants their organisation's entries, coordinators
read their municipality's, staff everything. Experts read dossiers only through the review part's
own actions (blind review), never through these. An entry received on paper is filled in, submitted
and withdrawn by staff for its organisation (and still by the organisation's applicants)."""
from __future__ import annotations

from typing import Any

from ..models import Organization, OrgStatus, Role, User
from ..models.competition import ApplicantKind, Campaign, Entry, EntryStatus
from ..policy import is_staff, rule

EDITABLE = (EntryStatus.draft, EntryStatus.returned)


def _own(user: User, entry: Any) -> bool:
    """A teacher's own entry is theirs alone (the organisation is only the affiliation); an organisation's
    or a team's entry belongs to the (lead) organisation's applicants."""
    if not isinstance(entry, Entry):
        return False
    if entry.applicant_kind == ApplicantKind.person:
        return entry.person_id == user.id
    return entry.organization_id in user.applicant_org_ids()


def _coapplicant(user: User, entry: Any) -> bool:
    """An applicant of a co-applicant organisation of a team entry: reads it, never edits it."""
    return isinstance(entry, Entry) and any(c.organization_id in user.applicant_org_ids()
                                            for c in entry.coapplicants)


def _municipal(user: User, entry: Any) -> bool:
    return isinstance(entry, Entry) and entry.organization is not None and \
        entry.organization.municipality_id in user.coordinator_municipality_ids()


@rule("entry.apply")
def _apply(user: User, obj: Any) -> bool:
    return user.has_role(Role.applicant)


@rule("entry.create")
def _create(user: User, org: Any) -> bool:
    return isinstance(org, Organization) and org.id in user.applicant_org_ids() and org.status == OrgStatus.active


def _acts_for_org(user: User, entry: Any) -> bool:
    """The organisation's applicant, or staff for an entry received on paper."""
    return _own(user, entry) or (isinstance(entry, Entry) and entry.on_paper and is_staff(user))


@rule("entry.register_paper")
def _register_paper(user: User, campaign: Any) -> bool:
    return isinstance(campaign, Campaign) and is_staff(user)


@rule("entry.view", "entry.versions")
def _view(user: User, entry: Any) -> bool:
    return isinstance(entry, Entry) and (is_staff(user) or _own(user, entry) or _coapplicant(user, entry)
                                         or _municipal(user, entry))


@rule("entry.edit")
def _edit(user: User, entry: Any) -> bool:
    return _acts_for_org(user, entry) and entry.status in EDITABLE


@rule("entry.submit", "entry.resubmit", "entry.withdraw")
def _applicant_transition(user: User, entry: Any) -> bool:
    return _acts_for_org(user, entry)


@rule("entry.admit", "entry.return_for_correction", "entry.reject", "entry.extend", "entry.diff",
      "entry.history", "entry.list", "entry.export", "entry.bulk")
def _staff(user: User, obj: Any) -> bool:
    return is_staff(user)


@rule("entry.municipal_list")
def _coordinator_list(user: User, obj: Any) -> bool:
    return user.has_role(Role.coordinator)
