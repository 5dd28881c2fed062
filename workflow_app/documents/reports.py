"""A status holder's yearly or final report in the institute's layout (title block, the holder's
details, tables of plan vs fact, products, events, publications, network, the requirement check)."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from . import pdf, word
from .layout import P, Run, Spec, TableBlock, body, clean, fmt_date, para
from .model import Institution, Table


@dataclass(frozen=True)
class ReportTable:
    title: str
    table: Table


@dataclass(frozen=True)
class ReportDoc:
    institution: Institution
    title: str                      # «Ежегодный отчёт за 2026 год»
    status_label: str               # «Краевая инновационная площадка (КИП)»
    organization: str
    municipality: str
    theme: str
    term: str                       # «2025–2027»
    state: str                      # «Представлен»
    due_date: datetime.date
    submitted: datetime.date | None
    tables: tuple[ReportTable, ...]
    texts: tuple[tuple[str, str], ...]   # (heading, text)
    teachers_trained: str           # «41 %» or ""
    requirements: Table | None      # the requirement check, or None when the type sets none
    remarks: str = ""
    evidence_files: tuple[str, ...] = ()


def spec(doc: ReportDoc) -> Spec:
    inst = doc.institution
    s = Spec(title=f"{clean(doc.title)}: {clean(doc.organization)}", author=clean(inst.short_name),
             subject=clean(doc.status_label), stamp_date=doc.submitted or doc.due_date)
    s.add(para(inst.ministry_name, align="center", size=12),
          para(inst.full_name, align="center", size=12),
          para(f"({inst.short_name})", align="center", size=12),
          para(doc.title.upper(), bold=True, align="center", size=16, before=18),
          para(f"о деятельности в статусе «{clean(doc.status_label)}»", bold=True, align="center", after=12))
    details = (("Организация", doc.organization), ("Муниципальное образование", doc.municipality),
               ("Тема проекта", doc.theme), ("Срок статуса", doc.term),
               ("Срок представления отчёта", fmt_date(doc.due_date)),
               ("Представлен", fmt_date(doc.submitted) if doc.submitted else "не представлен"),
               ("Состояние", doc.state))
    for label, value in details:
        s.add(P((Run(f"{label}: ", bold=True), Run(clean(value))), align="left"))
    for n, t in enumerate(doc.tables, start=1):
        s.add(para(f"{n}. {t.title}", bold=True, align="left", before=12, after=6, keep_next=True))
        if t.table.rows:
            s.add(TableBlock(t.table))
        else:
            s.add(para("Сведения не указаны.", italic=True, align="left"))
    n = len(doc.tables)
    if doc.teachers_trained:
        n += 1
        s.add(para(f"{n}. Доля педагогов, прошедших повышение квалификации по теме проекта: "
                   f"{clean(doc.teachers_trained)}", bold=True, align="left", before=12))
    for heading, text in doc.texts:
        n += 1
        s.add(para(f"{n}. {heading}", bold=True, align="left", before=12, after=6, keep_next=True))
        s.add(*(body(text) if text.strip() else [para("Не заполнено.", italic=True, align="left")]))
    if doc.evidence_files:
        n += 1
        s.add(para(f"{n}. Приложенные подтверждающие материалы", bold=True, align="left", before=12, after=6))
        for i, name in enumerate(doc.evidence_files, start=1):
            s.add(para(f"{i}) {name}", align="left"))
    if doc.requirements is not None:
        s.add(para("Выполнение минимальных требований к статусу", bold=True, align="left", before=12, after=6,
                   keep_next=True))
        s.add(TableBlock(doc.requirements))
    if doc.remarks:
        s.add(para("Замечания по отчёту", bold=True, align="left", before=12, after=6, keep_next=True))
        s.add(*body(doc.remarks))
    s.add(para("Руководитель организации ____________________ / ____________________", align="left", before=36))
    return s


def build_report_pdf(doc: ReportDoc) -> bytes:
    return pdf.render(spec(doc))


def build_report_docx(doc: ReportDoc) -> bytes:
    return word.render(spec(doc))
