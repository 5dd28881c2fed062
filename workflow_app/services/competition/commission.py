"""The commission meeting of a campaign: what its protocol records."""
from __future__ import annotations

from ... import audit
from ...errors import ValidationFailed
from ...extensions import db
from ...models.commission import CommissionMeeting
from ...models.competition import Campaign
from ...policy import require
from ..platform import settings


def _person(text: str) -> dict:
    name, _, position = (text or "").partition("|")
    return {"name": name.strip(), "position": position.strip()}


def _person_text(p: dict | None) -> str:
    if not p:
        return ""
    return p["name"] + (f" | {p['position']}" if p.get("position") else "")


def form_values(meeting: CommissionMeeting | None, campaign: Campaign) -> dict:
    """What the meeting form shows: the saved meeting as text fields, or defaults for a new one."""
    if meeting is None:
        inst = settings.institution()
        return {"place": inst.get("place", ""), "agenda": f"Об итогах конкурса «{campaign.name}».",
                "decided": ("Утвердить рейтинг участников конкурса и признать победителями конкурса "
                            "следующие организации:")}
    return {
        "number": meeting.number, "held_on": meeting.held_on, "place": meeting.place,
        "chair": _person_text(meeting.chair), "secretary": _person_text(meeting.secretary),
        "members_present": "\n".join(_person_text(m) for m in meeting.members_present),
        "members_total": meeting.members_total,
        "agenda": meeting.agenda, "heard": meeting.heard, "decided": meeting.decided,
        "vote_yes": meeting.vote_yes, "vote_no": meeting.vote_no, "vote_abstained": meeting.vote_abstained,
    }


def save_meeting(campaign: Campaign, meeting: CommissionMeeting | None, values: dict, actor) -> CommissionMeeting:
    """values: the meeting form's fields by name (as `form_values` gives them); persons as
    «name | position» lines."""
    require(actor, "commission.edit", campaign)
    total = values["members_total"]
    members = [_person(line) for line in (values["members_present"] or "").splitlines() if line.strip()]
    present = len(members) + 2
    if present > total:
        raise ValidationFailed(f"Присутствующих ({present}, с председателем и секретарём) больше, чем "
                               f"членов комиссии ({total}).")
    votes = values["vote_yes"] + values["vote_no"] + values["vote_abstained"]
    if votes > present:
        raise ValidationFailed(f"Голосов ({votes}) больше, чем присутствующих ({present}).")
    if meeting is None:
        meeting = CommissionMeeting(campaign_id=campaign.id, created_by_id=actor.id, held_on=values["held_on"])
        db.session.add(meeting)
    meeting.number = (values["number"] or "").strip()
    meeting.held_on = values["held_on"]
    meeting.place = (values["place"] or "").strip()
    meeting.chair = _person(values["chair"])
    meeting.secretary = _person(values["secretary"])
    meeting.members_present = members
    meeting.members_total = total
    meeting.agenda, meeting.heard, meeting.decided = values["agenda"], values["heard"] or "", values["decided"]
    meeting.vote_yes, meeting.vote_no = values["vote_yes"], values["vote_no"]
    meeting.vote_abstained = values["vote_abstained"]
    db.session.flush()
    audit.record("commission.meeting_saved", actor=actor, obj=meeting,
                 payload={"campaign_id": campaign.id, "present": present})
    return meeting
