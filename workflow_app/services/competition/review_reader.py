"""The expert's side before scoring: their dashboard (assignments list and counts) and the dossier reader
(a frozen version as the expert sees it, redacted when the review is blind)."""
from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field

import nh3
from markupsafe import escape
from sqlalchemy import and_, func, or_, select

from ...extensions import db
from ...models.competition import (
    AssignmentStatus,
    Campaign,
    Criterion,
    Entry,
    EntryVersion,
    ReviewAssignment,
    Score,
    Stage,
    Track,
)
from ...models.files import StoredFile
from ..platform import doc_metadata, files
from . import dossier_content

READABLE = (AssignmentStatus.offered, AssignmentStatus.accepted, AssignmentStatus.submitted,
            AssignmentStatus.reopened)
HIDDEN = "[скрыто]"


# --- the expert's dashboard ---------------------------------------------------------------------

def dashboard_query(user, q: str = "", status: str = ""):
    """One row per live assignment of the expert, with progress computed in SQL (no per-row queries)."""
    RA = ReviewAssignment
    criteria_count = (
        select(func.count(Criterion.id))
        .where(Criterion.stage_id == RA.stage_id,
               or_(Criterion.track_id.is_(None), Criterion.track_id == Entry.track_id))
        .correlate(RA, Entry).scalar_subquery()
    )
    scored_count = (
        select(func.count(Score.id))
        .where(Score.assignment_id == RA.id, Score.points.is_not(None))
        .correlate(RA).scalar_subquery()
    )
    stmt = (
        select(RA.id, RA.status, RA.due_at, RA.is_extra, RA.total, Entry.code, Entry.title,
               Campaign.name.label("campaign"), Campaign.blind_review, Track.code.label("track_code"),
               Track.name.label("track"), Stage.kind.label("stage_kind"),
               scored_count.label("scored"), criteria_count.label("criteria"))
        .join(Entry, Entry.id == RA.entry_id)
        .join(Campaign, Campaign.id == Entry.campaign_id)
        .join(Track, Track.id == Entry.track_id)
        .join(Stage, Stage.id == RA.stage_id)
        .where(RA.expert_id == user.id, RA.status.in_(READABLE))
    )
    if q:
        from ...listing import like_pattern

        pat = like_pattern(q)
        # Only what the row shows: a blind campaign's row shows the code alone, so searching its title
        # (which may name the applicant) would tell the expert who is behind the code.
        stmt = stmt.where(or_(Entry.code.ilike(pat, escape="\\"),
                              and_(Campaign.blind_review.is_(False), Entry.title.ilike(pat, escape="\\"))))
    if status:
        with contextlib.suppress(KeyError):
            stmt = stmt.where(RA.status == AssignmentStatus[status])
    return stmt


def expert_counts(user) -> dict[str, int]:
    rows = db.session.execute(
        select(ReviewAssignment.status, func.count(ReviewAssignment.id))
        .where(ReviewAssignment.expert_id == user.id, ReviewAssignment.status.in_(READABLE))
        .group_by(ReviewAssignment.status)).all()
    return {s.name: n for s, n in rows}


# --- the dossier reader -------------------------------------------------------------------------

_PLACE_PREFIXES = re.compile(r"^(город-курорт|город|муниципальное образование|г\.)\s+", re.IGNORECASE)
_PLACE_SUFFIXES = re.compile(r"\s+(район|муниципальный округ|городской округ)$", re.IGNORECASE)
_REGION = r"(?!ск(?:ий|ого|ому|ом|им|ая|ой|ую|ое) кра)"  # keep «Краснодарского края» readable


def _place_stem(name: str) -> str:
    core = _PLACE_SUFFIXES.sub("", _PLACE_PREFIXES.sub("", name.strip())).strip()
    # «Абинский район» → «Абинск», «Сочи» → «Сочи»: catch the declined forms too.
    for end in ("ский", "цкий", "ской"):
        if core.endswith(end):
            return core[: -len(end) + 2]
    return core


def make_redactor(strings: list[str], stems: list[str], patterns: list[str] | None = None):
    """A function hiding the given names (and their declined forms for stems) and whatever matches the
    given regular expressions in text and HTML."""
    variants: set[str] = set()
    for s in strings:
        s = (s or "").strip()
        if len(s) >= 3:
            variants.add(s)
            variants.add(str(escape(s)))
    pats = [re.escape(s) for s in sorted(variants, key=len, reverse=True)]
    pats += [r"(?<![а-яёА-ЯЁ])" + re.escape(st) + _REGION + r"[а-яё]{0,4}"
             for st in sorted({s for s in stems if s and len(s) >= 4}, key=len, reverse=True)]
    pats += list(patterns or [])
    if not pats:
        return lambda text: text
    rx = re.compile("|".join(pats), re.IGNORECASE)
    return lambda text: rx.sub(HIDDEN, text or "")


# Any e-mail address in a blind dossier points at its author.
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_PHONE_SEP = r"[\s\-().\u00a0]*"
# Address parts that do not single out an applicant (the region, the country).
_REGION_PART = re.compile(r"(край|кра[яю]|област|республик|россия|российская)", re.IGNORECASE)


def _phone_patterns(phone: str) -> list[str]:
    """The phone number however it is typed: «+7 (861) 234-56-78», «8 861 2345678», «234-56-78»."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 6:
        return []
    sep = _PHONE_SEP
    core = digits[-10:]
    pats = [r"(?<!\d)(?:(?:\+\s*7|8)" + sep + ")?" + sep.join(core) + r"(?!\d)"]
    if len(core) > 7:
        pats.append(r"(?<!\d)" + sep.join(core[-7:]) + r"(?!\d)")
    return pats


def _address_parts(address: str) -> list[str]:
    """The address and its telling parts: the postcode, the street, the house («ул. Ленина, д. 5»)."""
    address = (address or "").strip()
    parts = [p.strip() for p in address.split(",")]
    out = [address]
    out += [p for p in parts if len(p) >= 5 and not _REGION_PART.search(p)]
    return out


def organisation_identity(org, people: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Everything of the organisation card and the named people that identifies the applicant:
    (literal strings, word stems, regular expressions) for make_redactor."""
    strings = [org.full_name, org.short_name, org.municipality.name, org.inn or "", org.email,
               org.head_name, *_address_parts(org.address), *people]
    stems = [_place_stem(org.municipality.name)]
    for person in [org.head_name, *people]:
        parts = (person or "").split()
        if parts and len(parts[0]) >= 5:
            # the surname in other cases: «Иванова», «Ивановым»; «Петрова» → «Петровой», «Петрову»
            stems.append(parts[0][:-1] if parts[0][-1] in "аяАЯ" else parts[0])
    patterns = [_EMAIL, *_phone_patterns(org.phone)]
    if org.inn:
        patterns.append(r"(?<!\d)" + re.escape(org.inn) + r"(?!\d)")
    return strings, stems, patterns


ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "b", "strong", "i", "em", "a"}


def _clean_html(html: str) -> str:
    return nh3.clean(html or "", tags=ALLOWED_TAGS, attributes={"a": {"href"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")


def _cell(v) -> str:
    return "" if v is None else str(v)


def _rows(raw, columns: list[str]) -> list[list[str]]:
    out = []
    for r in raw or []:
        if isinstance(r, dict):
            out.append([_cell(r.get(c, r.get(str(i)))) for i, c in enumerate(columns)])
        elif isinstance(r, (list, tuple)):
            out.append([_cell(v) for v in r])
    return out


@dataclass
class Reader:
    blind: bool
    code: str
    title: str
    track: str
    campaign: str
    organization: str = ""
    municipality: str = ""
    lead_name: str = ""
    team: list[dict] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)  # {"title", "kind", "html" | "columns"+"rows"}
    attachments: list[dict] = field(default_factory=list)  # {"n", "label"}
    has_pdf: bool = False


def attachment_label(n: int, original: str, blind: bool, title: str = "") -> str:
    ext = original.rsplit(".", 1)[-1].lower() if "." in original else ""
    if blind:
        return f"Приложение {n}" + (f".{ext}" if ext else "")
    return title or original


def latest_version(entry: Entry) -> EntryVersion | None:
    return db.session.execute(
        select(EntryVersion).where(EntryVersion.entry_id == entry.id)
        .order_by(EntryVersion.number.desc()).limit(1)).scalar_one_or_none()


def build_reader(a: ReviewAssignment) -> Reader:
    """What the expert reads: the latest frozen version if there is one, else the current dossier.

    Blind campaigns hide the organisation card (names, municipality, INN, address, e-mail, phone, head)
    and people's names everywhere (also inside the applicant's text), name attachments generically and
    do not offer the dossier PDF.
    """
    entry = a.entry
    campaign = entry.campaign
    blind = bool(campaign.blind_review)
    version = latest_version(entry)
    snapshot = version.content if version is not None and isinstance(version.content, dict) else {}
    org = entry.organization
    team = snapshot.get("team") if isinstance(snapshot.get("team"), list) else (entry.team or [])
    lead = snapshot.get("lead_name") or entry.lead_name or ""
    if blind:
        people = [lead, *[m.get("name", "") for m in team if isinstance(m, dict)]]
        redact = make_redactor(*organisation_identity(org, people))
    else:
        def redact(text):
            return text or ""
    sections = []
    if isinstance(snapshot.get("sections"), list):
        source = [s for s in snapshot["sections"] if isinstance(s, dict)]
    else:
        source = dossier_content.view_sections(campaign.dossier_schema or [], entry.dossier)
    for sec in source:
        sections.append({"key": sec.get("key", ""), "code": sec.get("code", ""), "title": sec.get("title", ""),
                         "chapter": sec.get("chapter", ""), "kind": sec.get("kind", "text"),
                         "columns": sec.get("columns") or [], "html": sec.get("html", ""),
                         "rows": _rows(sec.get("rows"), sec.get("columns") or []),
                         "row_kinds": list(sec.get("row_kinds") or [])})
    for sec in sections:
        if sec["kind"] == "table":
            sec["rows"] = [[redact(c) for c in row] for row in sec["rows"]]
        else:
            sec["html"] = redact(_clean_html(sec.get("html", "")))
    attachments = [
        {"n": n, "label": attachment_label(n, att.file.original_name, blind, redact(att.title))}
        for n, att in enumerate(entry.attachments, start=1)
    ]
    r = Reader(blind=blind, code=entry.code, title=redact(entry.title), track=entry.track.name,
               campaign=campaign.name, sections=sections, attachments=attachments,
               has_pdf=bool(version is not None and version.pdf_file_id and not blind))
    if not blind:
        r.organization, r.municipality, r.lead_name = org.full_name, org.municipality.name, lead
        r.team = [m for m in team if isinstance(m, dict)]
    return r


def attachment_for_download(a: ReviewAssignment, n: int):
    """(StoredFile, download name): the original name only when the campaign is not blind."""
    atts = a.entry.attachments
    if not 1 <= n <= len(atts):
        return None, ""
    f = atts[n - 1].file
    return f, attachment_label(n, f.original_name, bool(a.entry.campaign.blind_review), f.original_name)


def blind_copy(f: StoredFile) -> bytes | None:
    """The attachment as an expert of a blind campaign gets it: without the document metadata that names
    its author or organisation (None when the stored file is missing). The stored file stays as the
    applicant uploaded it."""
    try:
        data = files.read_stored(f)
    except (OSError, ValueError):
        return None
    return doc_metadata.strip_metadata(data, f.content_type)
