"""Notification letter to an applicant on the institute's letterhead."""
from __future__ import annotations

from . import pdf, word
from .layout import Columns, P, Run, Spec, TwoSide, body, clean, fmt_date, para
from .model import LetterDoc


def letterhead(doc: LetterDoc) -> tuple[P, ...]:
    inst = doc.institution
    lines = [para(inst.ministry_name, align="center", size=10),
             para(inst.full_name, bold=True, align="center", size=11, before=4),
             para(f"({inst.short_name})", bold=True, align="center", size=11)]
    contacts = [x for x in (inst.address, inst.phone,
                            f"e-mail: {inst.email}" if inst.email else "", inst.website) if x]
    if contacts:
        lines.append(para("\n".join(clean(c) for c in contacts), align="center", size=10, before=4))
    number = clean(doc.number) if doc.number else "_____"
    lines.append(para(f"от {fmt_date(doc.date)} № {number}", align="center", size=12, before=8))
    lines.append(para("на № ________ от ____________", align="center", size=12, before=2))
    return tuple(lines)


def spec(doc: LetterDoc) -> Spec:
    inst = doc.institution
    s = Spec(title=clean(doc.subject) or "Письмо", author=clean(inst.short_name),
             subject=clean(doc.subject), draft=doc.draft, stamp_date=doc.date)
    addressee = tuple(para(line, align="left") for line in doc.addressee)
    s.add(Columns(letterhead(doc), addressee, left_frac=0.5, after=12))
    if doc.subject:
        s.add(para(doc.subject, italic=True, align="left", size=12, after=12))
    s.add(para(doc.salutation, align="center", before=6, after=6))
    s.add(*body(doc.body))
    s.add(TwoSide((Run(clean(doc.signatory.position)),), (Run(clean(doc.signatory.name)),),
                  before=36))
    if doc.executor:
        s.add(para("Исполнитель:\n" + clean(doc.executor), align="left", size=10, before=48))
    return s


def build_letter_pdf(doc: LetterDoc) -> bytes:
    return pdf.render(spec(doc))


def build_letter_docx(doc: LetterDoc) -> bytes:
    return word.render(spec(doc))
