"""Expert score sheet (экспертный лист) and summary rating sheet (сводная ведомость)."""
from __future__ import annotations

from . import pdf, word
from .layout import P, Run, Spec, TableBlock, TwoSide, body, clean, fmt_date, fmt_fixed, fmt_num, para
from .model import RatingSheetDoc, ScoreSheetDoc, Table

SIGN_LINE = "____________________"


def labelled(label: str, value: str, **kw) -> P:
    kw.setdefault("align", "left")
    return P((Run(f"{label} ", bold=True), Run(clean(value))), **kw)


# --------------------------------------------------------------------------- score sheet


def score_sheet_spec(doc: ScoreSheetDoc) -> Spec:
    inst = doc.institution
    shown = clean(doc.entry_code) if doc.blind else clean(doc.entry_title)
    s = Spec(title=f"Экспертный лист: {clean(doc.entry_code)}", author=clean(inst.short_name),
             subject=clean(doc.campaign), draft=doc.draft, stamp_date=doc.date)
    s.add(para(inst.short_name, align="center", size=12),
          para("ЭКСПЕРТНЫЙ ЛИСТ", bold=True, align="center", size=16, before=12),
          para("оценки конкурсных материалов", align="center"),
          para(doc.campaign, bold=True, align="center", after=12))
    s.add(labelled("Направление:", doc.track))
    if doc.blind:
        s.add(labelled("Шифр конкурсной работы:", shown, after=8))
    else:
        s.add(labelled("Шифр конкурсной работы:", doc.entry_code),
              labelled("Конкурсная работа:", shown, align="justify", after=8))
    rows = [(clean(r.number), clean(r.criterion), fmt_num(r.max_points),
             "" if r.points is None else fmt_num(r.points), clean(r.comment))
            for r in doc.criteria]
    total = doc.computed_total
    rows.append(("", "Итого:", fmt_num(doc.max_total), "" if total is None else fmt_num(total), ""))
    s.add(TableBlock(Table(
        headers=("№", "Критерий", "Макс. балл", "Балл", "Комментарий эксперта"),
        rows=tuple(rows), col_widths_mm=(11, 72, 19, 16, 62),
        align=("center", "left", "center", "center", "left"))))
    if doc.general_comment:
        s.add(para("Заключение эксперта:", bold=True, align="left", before=10))
        s.add(*body(doc.general_comment))
    s.add(TwoSide((Run("Эксперт: "), Run(clean(doc.expert_name))), (Run(SIGN_LINE),), before=24),
          para("(подпись)", align="right", size=10, italic=True),
          para(f"Дата: {fmt_date(doc.date)}", align="left", before=6))
    return s


def build_score_sheet_pdf(doc: ScoreSheetDoc) -> bytes:
    return pdf.render(score_sheet_spec(doc))


def build_score_sheet_docx(doc: ScoreSheetDoc) -> bytes:
    return word.render(score_sheet_spec(doc))


# --------------------------------------------------------------------------- rating sheet


def rating_sheet_spec(doc: RatingSheetDoc) -> Spec:
    inst = doc.institution
    n_exp = len(doc.experts)
    landscape = n_exp > 4          # keep the entry column readable with many experts
    s = Spec(title=f"Сводная ведомость: {clean(doc.track)}", author=clean(inst.short_name),
             subject=clean(doc.campaign), draft=doc.draft, landscape=landscape,
             stamp_date=doc.date)
    s.add(para(inst.short_name, align="center", size=12),
          para("СВОДНАЯ ВЕДОМОСТЬ", bold=True, align="center", size=16, before=12),
          para("результатов экспертной оценки конкурсных материалов", align="center"),
          para(doc.campaign, bold=True, align="center"),
          labelled("Направление:", doc.track, before=10))
    facts = []
    if doc.max_points is not None:
        facts.append(f"максимальный балл — {fmt_num(doc.max_points)}")
    if doc.threshold is not None:
        facts.append(f"пороговый балл ({clean(doc.shortlist_label)}) — {fmt_num(doc.threshold)}")
    facts.append(f"работ — {len(doc.rows)}")
    line = "; ".join(facts)
    s.add(para(line[0].upper() + line[1:] + ".", align="left", size=12, after=8))

    width = s.text_width_mm
    fixed = 16 + 21 * n_exp + 21 + 24
    entry_w = max(width - fixed, 50)
    headers = ("Место", "Конкурсная работа", *[clean(e) for e in doc.experts],
               "Средний балл", "Отметка")
    label = clean(doc.shortlist_label)
    rows = tuple(
        (str(r.rank), clean(r.entry),
         *[fmt_fixed(t) for t in (r.totals + (None,) * (n_exp - len(r.totals)))[:n_exp]],
         fmt_fixed(r.computed_mean), label if r.shortlisted else "")
        for r in doc.rows)
    s.add(TableBlock(Table(headers=headers, rows=rows,
                           col_widths_mm=(16, entry_w, *([21] * n_exp), 21, 24),
                           align=("center", "left", *(["center"] * n_exp), "center", "center"))))
    first = True
    for sig in doc.signatories:
        s.add(TwoSide((Run(clean(sig.position)),), (Run(f"{SIGN_LINE} {clean(sig.name)}"),),
                      before=30 if first else 14))
        first = False
    s.add(para(f"Дата составления: {fmt_date(doc.date)}", align="left", size=12, before=14))
    return s


def build_rating_sheet_pdf(doc: RatingSheetDoc) -> bytes:
    return pdf.render(rating_sheet_spec(doc))


def build_rating_sheet_docx(doc: RatingSheetDoc) -> bytes:
    return word.render(rating_sheet_spec(doc))
