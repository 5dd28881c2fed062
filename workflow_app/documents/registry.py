"""Extract from the registry of status holders for one organisation."""
from __future__ import annotations

from . import pdf, word
from .layout import P, Run, Spec, TableBlock, TwoSide, clean, fmt_date, para
from .model import RegistryExtractDoc, Table


def spec(doc: RegistryExtractDoc) -> Spec:
    inst, org = doc.institution, doc.organization
    s = Spec(title=f"Выписка из реестра: {clean(org.short_name or org.full_name)}",
             author=clean(inst.short_name), subject=clean(doc.registry_name), stamp_date=doc.as_of)
    s.add(para(inst.ministry_name, align="center", size=12),
          para(inst.full_name, align="center", size=12),
          para(f"({inst.short_name})", align="center", size=12),
          para(f"ВЫПИСКА № {doc.number}" if doc.number else "ВЫПИСКА", bold=True, align="center",
               size=16, before=18),
          para(f"из {clean(doc.registry_name)}", bold=True, align="center"),
          para(f"по состоянию на {fmt_date(doc.as_of)}", align="center", after=12))
    details = (("Полное наименование", org.full_name), ("Краткое наименование", org.short_name),
               ("Тип организации", org.org_type), ("Муниципальное образование", org.municipality),
               ("ИНН", org.inn), ("Адрес", org.address), ("Руководитель", org.head))
    for label, value in details:
        if value:
            s.add(P((Run(f"{label}: ", bold=True), Run(clean(value))), align="left"))
    s.add(para("Сведения о статусах организации", bold=True, align="center", before=12, after=6,
               keep_next=True))
    if doc.awards:
        s.add(TableBlock(Table(
            headers=("№ п/п", "Статус", "Тема проекта", "Срок", "Основание", "Состояние"),
            rows=tuple((str(i), clean(a.status_type), clean(a.theme), clean(a.term), clean(a.order),
                        clean(a.state)) for i, a in enumerate(doc.awards, start=1)),
            col_widths_mm=(12, 34, 50, 22, 38, 24),
            align=("center", "left", "left", "center", "left", "center"))))
    else:
        s.add(para("Сведения о присвоенных статусах в реестре отсутствуют.", align="center"))
    if doc.signatory is not None:
        s.add(TwoSide((Run(clean(doc.signatory.position)),),
                      (Run(f"____________________ {clean(doc.signatory.name)}"),), before=36))
    s.add(para(f"Дата выдачи: {fmt_date(doc.as_of)}", align="left", size=12, before=12))
    return s


def build_registry_extract_pdf(doc: RegistryExtractDoc) -> bytes:
    return pdf.render(spec(doc))


def build_registry_extract_docx(doc: RegistryExtractDoc) -> bytes:
    return word.render(spec(doc))
