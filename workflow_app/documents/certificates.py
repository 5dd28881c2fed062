"""Certificate of status (свидетельство) for a status holder."""
from __future__ import annotations

from . import pdf, word
from .layout import Gap, P, Run, Spec, TwoSide, clean, fmt_date, fmt_term, para
from .model import CertificateDoc


def term_text(doc: CertificateDoc) -> str:
    a, b = fmt_term(doc.term_from), fmt_term(doc.term_to)
    years = isinstance(doc.term_from, int) and isinstance(doc.term_to, int)
    return f"{a}–{b} гг." if years else f"с {a} по {b}"


def spec(doc: CertificateDoc) -> Spec:
    inst = doc.institution
    s = Spec(title=f"Свидетельство {clean(doc.number)}".strip(), author=clean(inst.short_name),
             subject=clean(doc.status_type), border=True, page_numbers=False,
             margins_mm=dict(left=25.0, right=25.0, top=25.0, bottom=20.0),
             stamp_date=doc.issue_date or doc.order_date)
    s.add(para(inst.ministry_name, align="center", size=12, before=6),
          para(inst.full_name, align="center", size=12),
          Gap(30),
          para("СВИДЕТЕЛЬСТВО", bold=True, align="center", size=28))
    if doc.number:
        s.add(para(f"№ {doc.number}", align="center", before=4))
    s.add(Gap(18),
          para("Настоящее свидетельство подтверждает, что", align="center", italic=True),
          para(doc.organization, bold=True, align="center", before=10))
    if doc.municipality:
        s.add(para(f"({doc.municipality})", align="center"))
    s.add(para("имеет статус", align="center", italic=True, before=14),
          para(clean(doc.status_type).upper(), bold=True, align="center", size=18, before=6),
          para("по теме инновационного проекта", align="center", italic=True, before=14),
          para(f"«{clean(doc.theme)}»", bold=True, align="center", before=6),
          P((Run("Срок действия статуса: ", bold=True), Run(term_text(doc))), align="center",
            before=18))
    issuer = f" {clean(doc.order_issuer)}" if doc.order_issuer else ""
    s.add(P((Run("Основание: ", bold=True),
             Run(f"приказ{issuer} от {fmt_date(doc.order_date)} № {clean(doc.order_number)}")),
            align="center", before=6),
          Gap(60),
          TwoSide((Run(clean(doc.signatory.position)),),
                  (Run(f"____________________ {clean(doc.signatory.name)}"),)),
          Gap(24),
          para(f"{clean(doc.city or inst.city)}, {fmt_date(doc.issue_date or doc.order_date)}",
               align="center", size=12))
    return s


def build_certificate_pdf(doc: CertificateDoc) -> bytes:
    return pdf.render(spec(doc))


def build_certificate_docx(doc: CertificateDoc) -> bytes:
    return word.render(spec(doc))
