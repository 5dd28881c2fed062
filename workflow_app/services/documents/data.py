"""From models to the documents' input data. Builders stay pure; every query lives here."""
from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select

from ... import formatting
from ...errors import ValidationFailed
from ...extensions import db
from ...models import Organization
from ...models.commission import CommissionMeeting
from ...models.competition import Campaign, Decision, Entry, ReviewAssignment, Score, Track
from ...models.orders import Order
from ...models.status_award import AwardStatus, StatusAward
from ..competition import campaigns, review
from ..competition.standings import decided_winners
from ..platform import settings


def institution_doc(inst: dict | None = None):
    from ...documents.model import Institution

    inst = inst or settings.institution()
    return Institution(ministry_name=inst["ministry_name"], full_name=inst["full_name"],
                       short_name=inst["short_name"], city=inst["city"])


def signatory_doc(inst: dict | None = None):
    from ...documents.model import Signatory

    inst = inst or settings.institution()
    return Signatory(position=inst["signatory_position"], name=inst["signatory_name"])


def _order_ref(award: StatusAward) -> str:
    o = award.granted_by
    if o is None or not o.number:
        return ""
    return f"приказ {settings.institution()['short_name']} от {o.order_date:%d.%m.%Y} № {o.number}"


def certificate(award: StatusAward):
    from ...documents.model import CertificateDoc

    o = award.granted_by
    inst = settings.institution()
    return CertificateDoc(
        institution=institution_doc(inst), organization=award.organization.full_name,
        status_type=award.status_type.name.lower(), theme=award.theme,
        term_from=award.term_from.year, term_to=award.term_to.year,
        order_date=o.order_date if o else award.term_from, order_number=o.number if o else "",
        signatory=signatory_doc(inst), number=f"{award.status_type.short_name}-{award.id:04d}",
        municipality=award.organization.municipality.name, issue_date=o.order_date if o else None)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def registry_extract(org: Organization, as_of: date):
    """The organisation's statuses as they stood on `as_of`: awards granted by then (an order signed later
    is not yet known on that day), each with its state on that day («действует», «с 01.01.2027»…)."""
    from ...documents.model import OrganizationInfo, RegistryExtractDoc, StatusAwardRow

    granted_on = select(Order.order_date).where(Order.id == StatusAward.granted_by_order_id).scalar_subquery()
    awards = db.session.execute(
        select(StatusAward).where(StatusAward.organization_id == org.id,
                                  StatusAward.status != AwardStatus.proposed,
                                  or_(StatusAward.granted_by_order_id.is_(None), granted_on.is_(None),
                                      granted_on <= as_of))
        .order_by(StatusAward.term_from, StatusAward.id)).scalars().all()
    inst = settings.institution()
    return RegistryExtractDoc(
        institution=institution_doc(inst),
        organization=OrganizationInfo(full_name=org.full_name, short_name=org.short_name,
                                      municipality=org.municipality.name, org_type=org.org_type.value,
                                      inn=org.inn or "", address=org.address, head=org.head_name),
        awards=tuple(StatusAwardRow(status_type=a.status_type.label, theme=a.theme,
                                    term=f"{a.term_from.year}–{a.term_to.year}", order=_order_ref(a),
                                    state=_lower_first(a.state_on(as_of))) for a in awards),
        as_of=as_of, signatory=signatory_doc(inst))


def score_sheet(a: ReviewAssignment, blind: bool | None = None):
    from ...documents.model import ScoreRow, ScoreSheetDoc

    entry = a.entry
    blind = entry.campaign.blind_review if blind is None else blind
    scores = {s.criterion_id: s for s in db.session.execute(
        select(Score).where(Score.assignment_id == a.id)).scalars()}
    rows = []
    for n, c in enumerate(review.criteria_for(a.stage_id, entry.track_id), start=1):
        s = scores.get(c.id)
        rows.append(ScoreRow(number=str(n), criterion=c.name, max_points=c.max_points,
                             points=s.points if s else None, comment=s.comment if s else ""))
    title = entry.title if not blind else f"Заявка {entry.code}"
    return ScoreSheetDoc(
        institution=institution_doc(), campaign=entry.campaign.name, track=entry.track.name,
        entry_title=title, entry_code=entry.code, criteria=tuple(rows), expert_name=a.expert.full_name,
        date=a.submitted_at.date() if a.submitted_at else None, blind=blind,
        general_comment=a.comment, draft=a.submitted_at is None)


def winners_by_track(campaign: Campaign):
    """The approved winners per track: `standings.decided_winners`, the source every results screen shares."""
    from ...documents.model import TrackResult, Winner

    out: dict[str, list] = {}
    for e in decided_winners(campaign):
        out.setdefault(e.track.name, []).append(Winner(
            rank=e.final_rank or len(out.get(e.track.name, [])) + 1, organization=e.organization.full_name,
            municipality=e.organization.municipality.name, theme=e.title,
            score=round(e.final_score, 2) if e.final_score is not None else None))
    return tuple(TrackResult(track=k, winners=tuple(v)) for k, v in out.items())


def protocol(meeting: CommissionMeeting):
    from ...documents.model import Person, ProtocolDoc, ProtocolItem, Vote

    def person(d: dict) -> Person:
        return Person(name=d.get("name", ""), position=d.get("position", ""))

    c = meeting.campaign
    return ProtocolDoc(
        institution=institution_doc(), number=meeting.number or None, date=meeting.held_on,
        place=meeting.place, body=f"конкурсной комиссии конкурса «{c.name}»",
        chair=person(meeting.chair), secretary=person(meeting.secretary),
        members_present=tuple(person(m) for m in meeting.members_present),
        members_total=meeting.members_total,
        items=(ProtocolItem(question=meeting.agenda, heard=meeting.heard, decided=meeting.decided,
                            results=winners_by_track(c),
                            vote=Vote(meeting.vote_yes, meeting.vote_no, meeting.vote_abstained)),))


def letter(entry: Entry):
    from ...documents.model import LetterDoc

    org = entry.organization
    inst = settings.institution()
    won = entry.decision == Decision.winner
    result = ("признан победителем конкурса" if won else
              "не вошёл в число победителей конкурса" if entry.decision == Decision.not_selected else
              f"находится в состоянии «{entry.status.value}»")
    body = (f"Сообщаем, что проект «{entry.title}» (заявка {entry.code}) {result} «{entry.campaign.name}».")
    if entry.final_score is not None:
        body += f"\n\nИтоговая оценка проекта: {formatting.percent(entry.final_score, 2)} от максимального балла."
        if entry.final_rank:
            body += f" Место в рейтинге направления: {entry.final_rank}."
    body += ("\n\nС оценками и комментариями экспертов можно ознакомиться в личном кабинете заявителя."
             if entry.decision else "")
    head = org.head_name or "Руководителю"
    return LetterDoc(
        institution=institution_doc(inst), addressee=("Руководителю", org.full_name, head),
        salutation="Уважаемый руководитель!", body=body, signatory=signatory_doc(inst),
        subject=f"О результатах конкурса «{entry.campaign.name}»")


def rating_sheet(campaign: Campaign, track: Track, stage_kind=None):
    """Summary rating sheet of one track at the expert stage: one query over the stored sheet totals."""

    from ...documents.model import RatingRow, RatingSheetDoc
    from ...models.competition import AssignmentStatus, StageKind

    stage_kind = stage_kind or StageKind.expert_review
    stage = next((s for s in campaign.stages if s.kind == stage_kind), None)
    if stage is None:
        raise ValidationFailed(f"В конкурсе нет этапа «{stage_kind.value}».")
    rows = db.session.execute(
        select(Entry.id, Entry.code, Entry.title, Organization.short_name, ReviewAssignment.total)
        .join(Organization, Entry.organization_id == Organization.id)
        .join(ReviewAssignment, (ReviewAssignment.entry_id == Entry.id)
              & (ReviewAssignment.stage_id == stage.id)
              & (ReviewAssignment.status == AssignmentStatus.submitted))
        .where(Entry.campaign_id == campaign.id, Entry.track_id == track.id)
        .order_by(Entry.id, ReviewAssignment.id)).all()
    per_entry: dict[int, dict] = {}
    for eid, code, title, org, total in rows:
        e = per_entry.setdefault(eid, {"code": code, "label": f"{code}. {title} ({org})", "totals": []})
        e["totals"].append(total)
    max_total = campaigns.max_total(campaign, stage, track)
    threshold = max_total * campaign.shortlist_pct / 100 if max_total else None
    ranked = sorted(per_entry.values(),
                    key=lambda e: (-sum(e["totals"]) / len(e["totals"]), e["code"]))
    width = max((len(e["totals"]) for e in ranked), default=campaign.experts_per_entry)
    out = []
    for n, e in enumerate(ranked, start=1):
        mean = sum(e["totals"]) / len(e["totals"])
        totals = tuple(e["totals"]) + (None,) * (width - len(e["totals"]))
        out.append(RatingRow(rank=n, entry=e["label"], totals=totals, mean=round(mean, 2),
                             shortlisted=threshold is not None and mean >= threshold))
    return RatingSheetDoc(
        institution=institution_doc(), campaign=campaign.name, track=track.name,
        experts=tuple(f"Эксперт {i}" for i in range(1, width + 1)), rows=tuple(out),
        max_points=max_total or None, threshold=round(threshold, 2) if threshold else None)


def demo_documents() -> dict[str, object]:
    """One document of every kind from what is in the database (the demo data after `make run`).

    Kinds with nothing to show yet are left out; the caller fills them from documents.samples."""
    from ...models.competition import AssignmentStatus
    from ...models.orders import Order, OrderStatus
    from ..orders import to_doc

    out: dict[str, object] = {}
    first = lambda stmt: db.session.execute(stmt.limit(1)).scalars().first()  # noqa: E731
    signed = first(select(Order).where(Order.status == OrderStatus.signed).order_by(Order.id))
    if signed is not None:
        out["order_signed"] = to_doc(signed)
    draft = first(select(Order).where(Order.status == OrderStatus.draft).order_by(Order.id))
    if draft is not None:
        out["order_draft"] = to_doc(draft)
    sheet = first(select(ReviewAssignment).where(ReviewAssignment.status == AssignmentStatus.submitted)
                  .order_by(ReviewAssignment.id))
    if sheet is not None:
        out["score_sheet"] = score_sheet(sheet, blind=False)
        out["score_sheet_blind"] = score_sheet(sheet, blind=True)
        campaign = sheet.entry.campaign
        out["rating_sheet"] = rating_sheet(campaign, sheet.entry.track)
    meeting = first(select(CommissionMeeting).order_by(CommissionMeeting.id.desc()))
    if meeting is not None:
        out["protocol"] = protocol(meeting)
    award = first(select(StatusAward).where(StatusAward.status == AwardStatus.active).order_by(StatusAward.id))
    if award is not None:
        out["certificate"] = certificate(award)
        out["registry_extract"] = registry_extract(award.organization, date.today())
    decided = first(select(Entry).where(Entry.decision.is_not(None)).order_by(Entry.id))
    if decided is not None:
        out["letter"] = letter(decided)
    return out
