"""Protocol (протокол) of a commission meeting: attendance, agenda, heard/decided, votes."""
from __future__ import annotations

from . import pdf, word
from .layout import P, Run, Spec, TableBlock, TwoSide, clean, fmt_date, fmt_fixed, para, split_paragraphs
from .model import Person, ProtocolDoc, Table, TrackResult

SIGN_LINE = "____________________"


def initials(full_name: str) -> str:
    """«Костенко Наталья Викторовна» → «Н.В. Костенко»; names already abbreviated stay as typed."""
    parts = clean(full_name).split()
    if len(parts) < 2 or "." in full_name:
        return clean(full_name)
    surname, rest = parts[0], parts[1:3]
    return "".join(f"{p[0]}." for p in rest) + " " + surname


def _person(p: Person) -> str:
    return f"{clean(p.name)} — {clean(p.position)}" if p.position else clean(p.name)


def _labelled_paragraphs(label: str, text: str) -> list[P]:
    # Every line is its own paragraph here: «РЕШИЛИ: 1. …\n2. …» keeps the indent on each point.
    parts = [line.strip() for p in split_paragraphs(text) for line in p.split("\n") if line.strip()]
    if not parts:
        return []
    out = [P((Run(label + " ", bold=True), Run(parts[0])), indent=True)]
    out += [para(t, indent=True) for t in parts[1:]]
    return out


def results_table(result: TrackResult) -> Table:
    return Table(
        headers=("Место", "Образовательная организация", "Муниципальное образование",
                 "Тема инновационного проекта", "Средний балл"),
        rows=tuple((str(w.rank), clean(w.organization), clean(w.municipality), clean(w.theme),
                    fmt_fixed(w.score)) for w in result.winners),
        col_widths_mm=(15, 50, 35, 58, 22),
        align=("center", "left", "left", "left", "center"))


def spec(doc: ProtocolDoc) -> Spec:
    inst = doc.institution
    number = clean(doc.number) if doc.number else "_____"
    s = Spec(title=f"Протокол № {number} заседания {clean(doc.body)}", author=clean(inst.short_name),
             subject=clean(doc.body), draft=doc.draft, stamp_date=doc.date)
    s.add(para(inst.full_name, align="center", size=12),
          para(f"({inst.short_name})", align="center", size=12),
          para(f"ПРОТОКОЛ № {number}", bold=True, align="center", size=16, before=18),
          para(f"заседания {clean(doc.body)}", bold=True, align="center", after=12),
          TwoSide((Run(fmt_date(doc.date)),), (Run(clean(inst.city)),), after=12),
          P((Run("Место проведения: ", bold=True), Run(clean(doc.place))), align="left"),
          P((Run("Председатель: ", bold=True), Run(_person(doc.chair))), align="left", before=6),
          P((Run("Секретарь: ", bold=True), Run(_person(doc.secretary))), align="left"))
    if doc.members_present:
        s.add(para("Присутствовали члены комиссии:", bold=True, align="left", before=6))
        for m in doc.members_present:
            s.add(para(_person(m), align="left", left_mm=8))
    quorum = "Кворум имеется, заседание правомочно." if doc.has_quorum \
        else "Кворум отсутствует, заседание неправомочно."
    s.add(para(f"Присутствовали {doc.present_count} из {doc.members_total} членов комиссии. {quorum}",
               align="justify", before=6))
    if doc.invited:
        s.add(para("Приглашённые:", bold=True, align="left", before=6))
        for m in doc.invited:
            s.add(para(_person(m), align="left", left_mm=8))

    s.add(para("ПОВЕСТКА ДНЯ:", bold=True, align="center", before=12, after=6, keep_next=True))
    for i, item in enumerate(doc.items, start=1):
        s.add(para(f"{i}. {clean(item.question)}", indent=True))

    for i, item in enumerate(doc.items, start=1):
        s.add(para(f"{i}. {clean(item.question)}", bold=True, align="justify", before=12,
                   keep_next=True))
        s.add(*_labelled_paragraphs("СЛУШАЛИ:", item.heard))
        s.add(*_labelled_paragraphs("ВЫСТУПИЛИ:", item.spoke))
        s.add(*_labelled_paragraphs("РЕШИЛИ:", item.decided))
        for result in item.results:
            s.add(para(f"Направление «{clean(result.track)}»", bold=True, align="left", before=8,
                       after=4, keep_next=True))
            s.add(TableBlock(results_table(result)))
        if item.vote is not None:
            v = item.vote
            s.add(P((Run("Голосовали: ", bold=True),
                     Run(f"«за» — {v.yes}, «против» — {v.no}, «воздержались» — {v.abstained}.")),
                    indent=True, before=6))

    s.add(TwoSide((Run("Председатель"),), (Run(f"{SIGN_LINE} {initials(doc.chair.name)}"),),
                  before=36),
          TwoSide((Run("Секретарь"),), (Run(f"{SIGN_LINE} {initials(doc.secretary.name)}"),),
                  before=18))
    return s


def build_protocol_pdf(doc: ProtocolDoc) -> bytes:
    return pdf.render(spec(doc))


def build_protocol_docx(doc: ProtocolDoc) -> bytes:
    return word.render(spec(doc))
