"""Planning which experts review which entries, explained (pure: loads data, decides, changes nothing).

The rules (the same for the automatic plan, replacements, the extra expert and manual changes):
an expert is never from the entry's organisation or municipality, never has a declared conflict with
the entry's organisation, must list the entry's track code in their competences, must be active and
below their cap (`profile.max_load`, else `campaign.expert_load_cap`) of live assignments in the campaign,
and is never offered the same entry at the same stage twice.

Among the eligible, the least loaded expert comes first; equal loads are ordered by a fixed mix of
(entry id, expert id) — a deterministic "lot" that spreads ties without favouring low ids — then by id.
Planning is set-based: five queries load everything, then a pure-Python pass decides, so the same data
always gives the same plan and 10,000 entries × 300 experts plan in about a second.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from ...extensions import db
from ...models import Municipality, Organization, Role, RoleGrant, User, UserStatus
from ...models.competition import (
    AssignmentStatus,
    Campaign,
    Entry,
    EntryStatus,
    ExpertConflict,
    ExpertProfile,
    ReviewAssignment,
    Stage,
    StageKind,
    Track,
)

LIVE = (AssignmentStatus.offered, AssignmentStatus.accepted, AssignmentStatus.submitted,
        AssignmentStatus.reopened)

SAME_ORG = "та же организация"
SAME_MUNICIPALITY = "тот же муниципалитет"
CONFLICT = "конфликт интересов"
NO_COMPETENCE = "нет компетенции по треку"
LIMIT = "достигнут лимит"
INACTIVE = "эксперт неактивен"
ALREADY = "уже назначался на эту заявку"
REASONS = (SAME_ORG, SAME_MUNICIPALITY, CONFLICT, NO_COMPETENCE, LIMIT, INACTIVE, ALREADY)

# Which entry states each scored stage assigns experts to.
STAGE_ENTRY_STATES = {
    StageKind.expert_review: (EntryStatus.admitted, EntryStatus.under_review),
    StageKind.defence: (EntryStatus.shortlisted,),
}

_M64 = (1 << 64) - 1


def lot(entry_id: int, expert_id: int) -> int:
    """A fixed pseudo-random number per (entry, expert): the tie-break among equally loaded experts."""
    x = (entry_id * 0x9E3779B97F4A7C15 + expert_id * 0xC2B2AE3D27D4EB4F) & _M64
    x ^= x >> 31
    x = (x * 0xBF58476D1CE4E5B9) & _M64
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & _M64
    return x ^ (x >> 31)


@dataclass(frozen=True)
class ExpertInfo:
    id: int
    name: str
    org_id: int | None
    org_name: str
    municipality_id: int | None
    municipality: str
    competences: frozenset
    active: bool
    cap: int


@dataclass
class EntryInfo:
    id: int
    code: str
    title: str
    org_id: int
    municipality_id: int
    track_code: str
    status: EntryStatus
    track_name: str = ""  # what people read; the code is what competences match
    live_regular: int = 0  # live non-extra assignments at the stage
    tried: set = field(default_factory=set)  # experts ever offered this entry at this stage


@dataclass
class Pick:
    entry_id: int
    expert_id: int
    expert_name: str
    load_before: int
    cap: int
    rank: int
    candidates: int

    def explanation(self, mode: str = "auto") -> dict:
        return {
            "mode": mode,
            "load": self.load_before,
            "cap": self.cap,
            "rank": self.rank,
            "candidates": self.candidates,
            "text": (f"Подходит по всем правилам; нагрузка в конкурсе до назначения — {self.load_before} "
                     f"из {self.cap}; место {self.rank} из {self.candidates} подходящих "
                     "(сначала меньшая нагрузка, при равной — жребий по заявке и эксперту)."),
        }


@dataclass
class Excluded:
    expert_id: int
    name: str
    reasons: list[str]


@dataclass
class EntryPlan:
    entry: EntryInfo
    needed: int
    picks: list[Pick] = field(default_factory=list)
    excluded: list[Excluded] | None = None  # filled for shortfalls and entries asked for in detail

    @property
    def shortfall(self) -> int:
        return self.needed - len(self.picks)

    def excluded_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for x in self.excluded or []:
            for r in x.reasons:
                counts[r] = counts.get(r, 0) + 1
        return counts


@dataclass
class Plan:
    campaign_id: int
    stage_id: int
    entries: list[EntryPlan]

    @property
    def picks(self) -> list[Pick]:
        return [p for e in self.entries for p in e.picks]

    @property
    def shortfalls(self) -> list[EntryPlan]:
        return [e for e in self.entries if e.shortfall > 0]

    @property
    def fingerprint(self) -> str:
        """Identifies the plan shown in the preview, so applying refuses a plan that changed meanwhile."""
        h = hashlib.sha256(f"{self.campaign_id}:{self.stage_id}".encode())
        for p in self.picks:
            h.update(f";{p.entry_id}:{p.expert_id}".encode())
        return h.hexdigest()[:32]


# --- loading (set-based) ------------------------------------------------------------------------

def load_experts(campaign: Campaign, expert_ids: list[int] | None = None) -> list[ExpertInfo]:
    """Every user with the expert role and a profile, with their organisation and cap (one query)."""
    Muni = Municipality
    stmt = (
        select(User.id, User.full_name, User.status, User.organization_id, Organization.short_name,
               Organization.municipality_id, Muni.name, ExpertProfile.competences, ExpertProfile.active,
               ExpertProfile.max_load)
        .join(ExpertProfile, ExpertProfile.user_id == User.id)
        .outerjoin(Organization, Organization.id == User.organization_id)
        .outerjoin(Muni, Muni.id == Organization.municipality_id)
        .where(User.id.in_(select(RoleGrant.user_id).where(RoleGrant.role == Role.expert)))
        .order_by(User.id)
    )
    if expert_ids is not None:
        stmt = stmt.where(User.id.in_(expert_ids))
    out = []
    for (uid, name, status, org_id, org_name, muni_id, muni, comps, active, max_load) in db.session.execute(stmt):
        out.append(ExpertInfo(
            id=uid, name=name, org_id=org_id, org_name=org_name or "", municipality_id=muni_id,
            municipality=muni or "", competences=frozenset(comps or ()),
            active=bool(active) and status == UserStatus.active,
            cap=max_load if max_load is not None else campaign.expert_load_cap,
        ))
    return out


def load_counts(campaign: Campaign, expert_ids: list[int] | None = None) -> dict[int, int]:
    """Live assignments per expert in the campaign (one aggregate query)."""
    stmt = (
        select(ReviewAssignment.expert_id, func.count(ReviewAssignment.id))
        .join(Entry, Entry.id == ReviewAssignment.entry_id)
        .where(Entry.campaign_id == campaign.id, ReviewAssignment.status.in_(LIVE))
        .group_by(ReviewAssignment.expert_id)
    )
    if expert_ids is not None:
        stmt = stmt.where(ReviewAssignment.expert_id.in_(expert_ids))
    return dict(db.session.execute(stmt).all())


def load_conflicts(org_ids: list[int] | None = None) -> set[tuple[int, int]]:
    stmt = select(ExpertConflict.expert_id, ExpertConflict.organization_id)
    if org_ids is not None:
        stmt = stmt.where(ExpertConflict.organization_id.in_(org_ids))
    return {(e, o) for e, o in db.session.execute(stmt)}


def _entry_rows(stmt) -> list[EntryInfo]:
    return [EntryInfo(id=i, code=c, title=t or "", org_id=o, municipality_id=m, track_code=tc, status=s,
                      track_name=tn)
            for i, c, t, o, m, tc, s, tn in db.session.execute(stmt)]


def _entry_select():
    return (select(Entry.id, Entry.code, Entry.title, Entry.organization_id, Organization.municipality_id,
                   Track.code, Entry.status, Track.name)
            .join(Organization, Organization.id == Entry.organization_id)
            .join(Track, Track.id == Entry.track_id))


def _attach_assignments(entries: list[EntryInfo], stage: Stage, campaign_id: int) -> None:
    by_id = {e.id: e for e in entries}
    stmt = (select(ReviewAssignment.entry_id, ReviewAssignment.expert_id, ReviewAssignment.status,
                   ReviewAssignment.is_extra)
            .where(ReviewAssignment.stage_id == stage.id))
    if len(entries) == 1:
        stmt = stmt.where(ReviewAssignment.entry_id == entries[0].id)
    else:
        stmt = stmt.join(Entry, Entry.id == ReviewAssignment.entry_id).where(Entry.campaign_id == campaign_id)
    for entry_id, expert_id, status, is_extra in db.session.execute(stmt):
        e = by_id.get(entry_id)
        if e is None:
            continue
        e.tried.add(expert_id)
        if status in LIVE and not is_extra:
            e.live_regular += 1


def entry_info(entry: Entry, stage: Stage) -> EntryInfo:
    info = _entry_rows(_entry_select().where(Entry.id == entry.id))[0]
    _attach_assignments([info], stage, entry.campaign_id)
    return info


# --- the rules ----------------------------------------------------------------------------------

def exclusion_reasons(entry: EntryInfo, x: ExpertInfo, load: int,
                      conflicts: set[tuple[int, int]]) -> list[str]:
    """Why this expert may not review this entry now (empty list: eligible)."""
    reasons = []
    if x.org_id is not None and x.org_id == entry.org_id:
        reasons.append(SAME_ORG)
    if x.municipality_id is not None and x.municipality_id == entry.municipality_id:
        reasons.append(SAME_MUNICIPALITY)
    if (x.id, entry.org_id) in conflicts:
        reasons.append(CONFLICT)
    if entry.track_code not in x.competences:
        reasons.append(NO_COMPETENCE)
    if not x.active:
        reasons.append(INACTIVE)
    if x.id in entry.tried:
        reasons.append(ALREADY)
    if load >= x.cap:
        reasons.append(LIMIT)
    return reasons


def rank_candidates(entry: EntryInfo, experts: list[ExpertInfo], loads: dict[int, int],
                    conflicts: set[tuple[int, int]], top: int | None = None
                    ) -> tuple[list[tuple[tuple, ExpertInfo]], int]:
    """The eligible experts for an entry, best first by (load, lot, id), and how many are eligible.

    With `top`, only the best `top` are ranked: the lot is computed just for the experts whose load is
    within the cut (this loop runs entries × experts times). The rules are the same as in
    `exclusion_reasons`, written as one short-circuit test (a test checks both agree).
    """
    eligible = []
    eid, org, muni, code, tried = entry.id, entry.org_id, entry.municipality_id, entry.track_code, entry.tried
    get = loads.get
    for x in experts:
        load = get(x.id, 0)
        if (load >= x.cap or not x.active or x.org_id == org or code not in x.competences
                or (x.municipality_id is not None and x.municipality_id == muni)
                or x.id in tried or (x.id, org) in conflicts):
            continue
        eligible.append((load, x))
    n = len(eligible)
    if top is not None and n > top:
        eligible.sort(key=_first)
        cut = eligible[top - 1][0]
        eligible = [r for r in eligible if r[0] <= cut]
    ranked = [((load, lot(eid, x.id), x.id), x) for load, x in eligible]
    ranked.sort(key=_first)
    return (ranked[:top] if top is not None else ranked), n


def _first(r):
    return r[0]


def explain(entry: EntryInfo, experts: list[ExpertInfo], loads: dict[int, int],
            conflicts: set[tuple[int, int]]) -> list[Excluded]:
    out = []
    for x in experts:
        reasons = exclusion_reasons(entry, x, loads.get(x.id, 0), conflicts)
        if reasons:
            out.append(Excluded(x.id, x.name, reasons))
    return out


def _choose(ep: EntryPlan, experts_for_track: list[ExpertInfo], all_experts: list[ExpertInfo],
            loads: dict[int, int], conflicts, detail: bool) -> None:
    entry = ep.entry
    ranked, n = rank_candidates(entry, experts_for_track, loads, conflicts, top=ep.needed)
    for rank, (key, x) in enumerate(ranked, start=1):
        ep.picks.append(Pick(entry.id, x.id, x.name, key[0], x.cap, rank, n))
    if detail or n < ep.needed:
        ep.excluded = explain(entry, all_experts, loads, conflicts)
    for p in ep.picks:
        loads[p.expert_id] = loads.get(p.expert_id, 0) + 1


def build_plan(campaign: Campaign, stage: Stage, detail_ids: set[int] | None = None,
               detail_all: bool = False, detail_range: tuple[int, int] | None = None) -> Plan:
    """What automatic assignment would do now. Reads only; the same data gives the same plan.

    Entries are taken in id order; each takes the best-ranked eligible experts, and the loads seen by
    the next entry include those picks, so the load balances as the plan proceeds.
    """
    states = STAGE_ENTRY_STATES.get(stage.kind, (EntryStatus.admitted, EntryStatus.under_review))
    entries = _entry_rows(_entry_select()
                          .where(Entry.campaign_id == campaign.id, Entry.status.in_(states))
                          .order_by(Entry.id))
    _attach_assignments(entries, stage, campaign.id)
    experts = load_experts(campaign)
    loads = load_counts(campaign)
    conflicts = load_conflicts()
    by_track: dict[str, list[ExpertInfo]] = defaultdict(list)
    for x in experts:
        for code in x.competences:
            by_track[code].append(x)
    plans = []
    for e in entries:
        needed = campaign.experts_per_entry - e.live_regular
        if needed <= 0:
            continue
        ep = EntryPlan(entry=e, needed=needed)
        detail = (detail_all or (detail_ids is not None and e.id in detail_ids)
                  or (detail_range is not None and detail_range[0] <= len(plans) < detail_range[1]))
        _choose(ep, by_track.get(e.track_code, []), experts, loads, conflicts, detail)
        plans.append(ep)
    return Plan(campaign.id, stage.id, plans)

