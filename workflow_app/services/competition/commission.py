"""The commission meeting of a campaign: what its protocol records."""
from __future__ import annotations

from ...errors import ValidationFailed
from ...extensions import db
from ...models.commission import CommissionMeeting
from ...models.competition import Campaign
from ...policy import require
from ... import audit
from ..platform import settings


def _person(text: str) -> dict:
    name, _, position = (text or "").partition("|")
    return {"name": name.strip(), "position": position.strip()}


def _person_text(p: dict | None) -> str:
    if not p:
        return ""
    return p["name"] + (f" | {p['position']}" if p.get("position") else "")


def fill_form(form, meeting: CommissionMeeting | None, campaign: Campaign) -> None:
    if meeting is None:
        inst = settings.institution()
        form.place.data = inst.get("place", "")
        form.agenda.data = f"Об итогах конкурса «{campaign.name}»."
        form.decided.data = ("Утвердить рейтинг участников конкурса и признать победителями конкурса "
                             "следующие организации:")
        return
    form.number.data = meeting.number
    form.held_on.data = meeting.held_on
    form.place.data = meeting.place
    form.chair.data = _person_text(meeting.chair)
    form.secretary.data = _person_text(meeting.secretary)
    form.members_present.data = "\n".join(_person_text(m) for m in meeting.members_present)
    form.members_total.data = meeting.members_total
    form.agenda.data, form.heard.data, form.decided.data = meeting.agenda, meeting.heard, meeting.decided
    form.vote_yes.data, form.vote_no.data = meeting.vote_yes, meeting.vote_no
    form.vote_abstained.data = meeting.vote_abstained


def save_meeting(campaign: Campaign, meeting: CommissionMeeting | None, form, actor) -> CommissionMeeting:
    require(actor, "commission.edit", campaign)
    members = [_person(line) for line in (form.members_present.data or "").splitlines() if line.strip()]
    present = len(members) + 2
    if present > form.members_total.data:
        raise ValidationFailed(f"Присутствующих ({present}, с председателем и секретарём) больше, чем "
                               f"членов комиссии ({form.members_total.data}).")
    votes = form.vote_yes.data + form.vote_no.data + form.vote_abstained.data
    if votes > present:
        raise ValidationFailed(f"Голосов ({votes}) больше, чем присутствующих ({present}).")
    if meeting is None:
        meeting = CommissionMeeting(campaign_id=campaign.id, created_by_id=actor.id, held_on=form.held_on.data)
        db.session.add(meeting)
    meeting.number = (form.number.data or "").strip()
    meeting.held_on = form.held_on.data
    meeting.place = (form.place.data or "").strip()
    meeting.chair = _person(form.chair.data)
    meeting.secretary = _person(form.secretary.data)
    meeting.members_present = members
    meeting.members_total = form.members_total.data
    meeting.agenda, meeting.heard, meeting.decided = form.agenda.data, form.heard.data or "", form.decided.data
    meeting.vote_yes, meeting.vote_no = form.vote_yes.data, form.vote_no.data
    meeting.vote_abstained = form.vote_abstained.data
    db.session.flush()
    audit.record("commission.meeting_saved", actor=actor, obj=meeting,
                 payload={"campaign_id": campaign.id, "present": present})
    return meeting
