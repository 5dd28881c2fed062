"""Input data of the document builders: plain frozen dataclasses, no ORM objects.

The order/competition/registry code maps its models onto these and calls the builders in
`orders.py`, `scoring.py`, `protocols.py`, `certificates.py`, `letters.py`, `registry.py`.
Numbers (points, scores) may be int, float or Decimal; `None` prints as a dash.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

Number = int | float | Decimal


# --------------------------------------------------------------------------- common


@dataclass(frozen=True)
class Institution:
    """The institute's own requisites (edited in the admin UI elsewhere)."""

    ministry_name: str
    full_name: str
    short_name: str
    city: str = "г. Краснодар"
    # Letterhead details (letters, extracts); empty lines are skipped.
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    col_widths_mm: tuple[float, ...] | None = None
    # Per-column alignment: "left" | "center" | "right"; None = numbers/№ centred, text left.
    align: tuple[str, ...] | None = None
    # Per-row kind (services/documents/grid.py): "data"; "group" spans the whole width, bold (its text is
    # the row's first cell); "continuation" continues the row above. None: every row is "data".
    row_kinds: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Signatory:
    position: str             # «Ректор»
    name: str                 # «Т.А. Гайдук»


# --------------------------------------------------------------------------- orders


@dataclass(frozen=True)
class Annex:
    title: str
    text: str = ""            # paragraphs separated by blank lines
    table: Table | None = None
    approved_word: str = "УТВЕРЖДЕН"   # or УТВЕРЖДЕНА / УТВЕРЖДЕНО
    # The heading block at the top right as the author wrote it («Приложение», «УТВЕРЖДЕНА», «приказом
    # ректора», …); empty: the builder's default lines. The «от … № …» line is always generated last.
    heading_lines: tuple[str, ...] = ()
    subtitle: str = ""
    abbreviations: tuple[str, ...] = ()   # «ДОО – дошкольная образовательная организация», one per line


@dataclass(frozen=True)
class OrderItem:
    text: str
    subitems: tuple[str, ...] = ()


@dataclass(frozen=True)
class OrderDoc:
    institution: Institution
    title: str                # «Об утверждении …»
    preamble: str             # the builder appends «п р и к а з ы в а ю :»
    items: tuple[OrderItem, ...]
    signatory: Signatory
    date: datetime.date | None = None   # None: a draft, prints «от ____________»
    number: str | None = None           # None: a draft, prints «№ _____»
    annexes: tuple[Annex, ...] = ()
    draft: bool = False                 # True: «ПРОЕКТ» watermark (PDF) / header mark (DOCX)
    annex_approved_by: str = "приказом ректора"  # annex header line before the short name
    doc_kind: str = "ПРИКАЗ"            # the document word of the letterhead, printed letter-spaced


# --------------------------------------------------------------------------- expert score sheet


@dataclass(frozen=True)
class ScoreRow:
    number: str               # «1», «2.1»
    criterion: str
    max_points: Number
    points: Number | None = None        # None: not scored yet (blank form)
    comment: str = ""


@dataclass(frozen=True)
class ScoreSheetDoc:
    institution: Institution
    campaign: str             # «Образовательный конкурс «Инновационный поиск» 2025 года»
    track: str                # «Общеобразовательные организации (ОО)»
    entry_title: str
    entry_code: str           # «ИП-2025-ОО-017»
    criteria: tuple[ScoreRow, ...]
    expert_name: str
    date: datetime.date | None = None
    blind: bool = False       # True: the entry is shown by its code only
    total: Number | None = None         # None: the sum of the points is printed
    general_comment: str = ""
    draft: bool = False

    @property
    def computed_total(self) -> Number | None:
        if self.total is not None:
            return self.total
        pts = [r.points for r in self.criteria if r.points is not None]
        if not pts:
            return None
        return sum(Decimal(str(p)) for p in pts)

    @property
    def max_total(self) -> Number:
        return sum(Decimal(str(r.max_points)) for r in self.criteria)


# --------------------------------------------------------------------------- summary rating sheet


@dataclass(frozen=True)
class RatingRow:
    rank: int
    entry: str                # title (or code when blind) and organisation, as the caller wants it
    totals: tuple[Number | None, ...]   # one per expert column, None = no score from that expert
    mean: Number | None = None          # None: the mean of the given totals is printed
    shortlisted: bool = False

    @property
    def computed_mean(self) -> Number | None:
        if self.mean is not None:
            return self.mean
        vals = [Decimal(str(t)) for t in self.totals if t is not None]
        if not vals:
            return None
        return sum(vals) / len(vals)


@dataclass(frozen=True)
class RatingSheetDoc:
    institution: Institution
    campaign: str
    track: str
    experts: tuple[str, ...]  # expert column headers (names, or «Эксперт 1» …)
    rows: tuple[RatingRow, ...]
    date: datetime.date | None = None
    max_points: Number | None = None    # printed in the caption when given
    threshold: Number | None = None     # shortlist threshold, printed when given
    shortlist_label: str = "в очный этап"
    signatories: tuple[Signatory, ...] = ()
    draft: bool = False


# --------------------------------------------------------------------------- commission protocol


@dataclass(frozen=True)
class Person:
    name: str                 # «Иванова Мария Петровна»
    position: str = ""        # «проректор ГБОУ ИРО Краснодарского края»


@dataclass(frozen=True)
class Vote:
    yes: int
    no: int = 0
    abstained: int = 0


@dataclass(frozen=True)
class Winner:
    rank: int
    organization: str
    municipality: str
    theme: str
    score: Number | None = None


@dataclass(frozen=True)
class TrackResult:
    track: str
    winners: tuple[Winner, ...]


@dataclass(frozen=True)
class ProtocolItem:
    question: str             # agenda item
    heard: str = ""           # «СЛУШАЛИ:» paragraphs (blank-line separated)
    spoke: str = ""           # «ВЫСТУПИЛИ:» (optional)
    decided: str = ""         # «РЕШИЛИ:» paragraphs
    results: tuple[TrackResult, ...] = ()   # ranked winners per track, printed after «РЕШИЛИ»
    vote: Vote | None = None


@dataclass(frozen=True)
class ProtocolDoc:
    institution: Institution
    number: str | None
    date: datetime.date | None
    place: str                # «г. Краснодар, ул. Сормовская, 167, ауд. 301»
    body: str                 # «конкурсной комиссии образовательного конкурса «Инновационный поиск»»
    chair: Person
    secretary: Person
    members_present: tuple[Person, ...]   # other members present (chair and secretary not repeated)
    members_total: int        # commission size, chair and secretary included
    items: tuple[ProtocolItem, ...]
    quorum_met: bool | None = None        # None: more than half of the members present
    invited: tuple[Person, ...] = ()
    draft: bool = False

    @property
    def present_count(self) -> int:
        return len(self.members_present) + 2

    @property
    def has_quorum(self) -> bool:
        if self.quorum_met is not None:
            return self.quorum_met
        return self.present_count * 2 > self.members_total


# --------------------------------------------------------------------------- certificate


@dataclass(frozen=True)
class CertificateDoc:
    institution: Institution
    organization: str         # full name of the organisation
    status_type: str          # «краевая инновационная площадка»
    theme: str
    term_from: int | datetime.date
    term_to: int | datetime.date
    order_date: datetime.date
    order_number: str
    signatory: Signatory
    number: str = ""          # registration number of the certificate
    municipality: str = ""
    order_issuer: str = ""    # «министерства образования, науки и молодёжной политики Краснодарского края»
    issue_date: datetime.date | None = None
    city: str = ""            # defaults to the institution's city


# --------------------------------------------------------------------------- letter


@dataclass(frozen=True)
class LetterDoc:
    institution: Institution
    addressee: tuple[str, ...]    # lines of the addressee block: position, organisation, name
    salutation: str               # «Уважаемая Ирина Викторовна!»
    body: str                     # paragraphs separated by blank lines
    signatory: Signatory
    date: datetime.date | None = None
    number: str | None = None     # outgoing number
    subject: str = ""             # «О результатах …» under the date line
    executor: str = ""            # «Петрова Анна Сергеевна, +7 (861) 232-85-78»
    draft: bool = False


# --------------------------------------------------------------------------- registry extract


@dataclass(frozen=True)
class OrganizationInfo:
    full_name: str
    short_name: str = ""
    municipality: str = ""
    org_type: str = ""
    inn: str = ""
    address: str = ""
    head: str = ""


@dataclass(frozen=True)
class StatusAwardRow:
    status_type: str
    theme: str
    term: str                 # «2023–2026»
    order: str                # «приказ МОНиМП КК от 12.12.2023 № 3541»
    state: str                # «действует», «завершён», «прекращён досрочно»


@dataclass(frozen=True)
class RegistryExtractDoc:
    institution: Institution
    organization: OrganizationInfo
    awards: tuple[StatusAwardRow, ...]
    as_of: datetime.date
    signatory: Signatory | None = None
    number: str = ""
    registry_name: str = "реестра инновационной инфраструктуры в системе образования Краснодарского края"
