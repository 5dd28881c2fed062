"""A realistic КИП dossier in the JSON form (services/competition/dossier_json.py), generated
deterministically: what real applicants send (domain §3.1), not a template.

- 60,000+ characters over every section of the «Инновационный поиск» form;
- a plan table (section 6) of 54 rows in the author's own columns (a leading «№» and a fourth column
  «Ответственный» added to the form's «Год | Мероприятие | Сроки»), group rows «НАПРАВЛЕНИЕ
  ДЕЯТЕЛЬНОСТИ …», continuation rows, numbering typed by the author («1.10», «3.1» without a dot, two
  rows «8»), cells of six numbered lines (~550 characters);
- prose where the form proposes a table (3.3, 4.3) and a table where it proposes prose (5);
- characters that must survive: «ѐ» (U+0450), a Latin «C» inside a Cyrillic word, double spaces,
  «№», «», – and —, single line breaks inside paragraphs, paragraphs of ~3,000 characters.

`real_dossier()` returns a fresh dict each time; the API tests and the UI tests use the same data.
"""
from __future__ import annotations

import random

LATIN_C_WORD = "Cовременная"          # the first letter is the Latin C (U+0043)
YO_WORD = "ѐлочка"                     # U+0450, not «ё»
assert LATIN_C_WORD[0] == "C" and YO_WORD[0] == "\u0450"

_WORDS = tuple(" ".join(("инновационный проект образовательная организация педагог обучающийся методический сеть "
          "наставничество развитие компетенция результат мониторинг диагностика программа модель "
          "взаимодействие практика семинар вебинар конференция муниципальный краевой продукт апробация "
          "внедрение распространение опыт исследование качество образования цифровой ресурс среда "
          "команда руководитель родители партнёр дошкольный технология проектирование сопровождение",)).split())

PLAN_COLUMNS = ["№", "Год", "Мероприятие", "Сроки", "Ответственный"]
GROUPS = ("НАПРАВЛЕНИЕ ДЕЯТЕЛЬНОСТИ ОРГАНИЗАЦИОННЫЕ МЕРОПРИЯТИЯ",
          "НАПРАВЛЕНИЕ ДЕЯТЕЛЬНОСТИ МЕТОДИЧЕСКОЕ СОПРОВОЖДЕНИЕ",
          "НАПРАВЛЕНИЕ ДЕЯТЕЛЬНОСТИ ДИССЕМИНАЦИЯ ОПЫТА")
MIN_CHARS = 60_000


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, chars: int) -> str:
    out = []
    while sum(len(s) + 1 for s in out) < chars:
        out.append(_sentence(rng, rng.randint(6, 16)))
    return " ".join(out)


def _special(n: int) -> str:
    """A sentence with the characters real dossiers carry, varied by n."""
    return (f"Проект «{LATIN_C_WORD} школа № {n}» — площадка  для педагогов (двойной пробел стоит "
            f"намеренно), {YO_WORD} и «кавычки»; сроки 2024–2027 гг.")


def _cell_lines(rng: random.Random, n: int) -> str:
    """A cell of six numbered lines, about 550 characters."""
    lines = [f"{i}) {_paragraph(rng, 80 + n % 5)}" for i in range(1, 7)]
    while sum(map(len, lines)) < 545:
        lines[-1] += " " + _sentence(rng, 4)
    return "\n".join(lines)


def _plan_rows(rng: random.Random) -> tuple[list[list[str]], list[str]]:
    rows: list[list[str]] = []
    kinds: list[str] = []
    numbers = ["1.1.", "1.2.", "1.3.", "1.4.", "1.5.", "1.6.", "1.7.", "1.8.", "1.9.", "1.10", "1.11.",
               "1.12.", "1.13.", "1.14.", "1.15.", "1.16.", "2.1.", "2.2.", "2.3.", "2.4.", "2.5.", "2.6.",
               "2.7.", "2.8.", "2.9.", "2.10.", "2.11.", "2.12.", "2.13.", "2.14.", "2.15.", "2.16.", "3.1",
               "3.2.", "3.3.", "3.4.", "3.5.", "3.6.", "3.7.", "3.8.", "3.9.", "3.10.", "3.11.", "8", "8",
               "3.14."]
    it = iter(numbers)
    for g, group in enumerate(GROUPS):
        rows.append([group, "", "", "", ""])
        kinds.append("group")
        for k in range(16 if g < 2 else 14):
            number = next(it)
            year = str(2024 + k % 4)
            if k == 5:
                what = _cell_lines(rng, k)
            else:
                what = _paragraph(rng, rng.randint(40, 120)) + (" " + _special(k) if k % 6 == 0 else "")
            rows.append([number, year, what, rng.choice(["январь – март", "в течение года", "сентябрь",
                                                         "IV квартал", "май—июнь"]),
                         "Иванова А. П.\nПетров С. И." if k % 4 == 0 else "Директор"])
            kinds.append("data")
            if k in (3, 9):
                rows.append(["", "", "(продолжение) " + _paragraph(rng, 60), "", ""])
                kinds.append("continuation")
    return rows[:54], kinds[:54]


def real_dossier() -> dict:
    rng = random.Random(20240613)
    plan, plan_kinds = _plan_rows(rng)
    assert len(plan) == 54 and plan_kinds.count("group") == 3

    def text(paragraphs: int, chars: int) -> str:
        parts = []
        for i in range(paragraphs):
            p = _paragraph(rng, chars)
            if i == 0:
                p = _special(paragraphs) + " " + p
            if i == 1:   # lines inside a paragraph, as in a list typed by hand
                p = p[:200] + "\n1) " + _paragraph(rng, 90) + "\n2) " + _paragraph(rng, 90)
            parts.append(p)
        return "\n\n".join(parts)

    sections: list[dict] = [
        {"code": "1.1", "text": text(2, 3000)},
        {"code": "1.2", "text": text(3, 700)},
        {"code": "1.3", "text": text(3, 2000)},
        {"code": "1.4", "text": text(3, 1200)},
        {"code": "2.1", "text": text(3, 900)},
        {"code": "2.2", "text": text(3, 1500)},
        {"code": "2.3", "text": text(3, 1000)},
        {"code": "2.4", "text": text(2, 800)},
        {"code": "3.1", "text": text(3, 1100)},
        {"code": "3.2", "columns": ["№", "Мероприятие", "Целевая аудитория", "Задачи"],
         "rows": [[GROUPS[0], "", "", ""]] + [[f"{i}.", _paragraph(rng, 90), "педагоги ОО", _cell_lines(rng, i)
                                               if i == 2 else _paragraph(rng, 70)] for i in range(1, 9)],
         "row_kinds": ["group"] + ["data"] * 8},
        {"code": "3.3", "text": text(3, 1200)},
        {"code": "4.1", "text": text(2, 900)},
        {"code": "4.2", "text": text(3, 1000)},
        {"code": "4.3", "text": text(2, 500)},
        {"code": "4.4", "text": text(2, 900)},
        {"code": "4.5", "text": text(2, 500)},
        {"code": "4.6", "columns": ["Мероприятие", "Сроки", "Результат"],
         "rows": [[_paragraph(rng, 80), "2025", _paragraph(rng, 60)] for _ in range(6)],
         "row_kinds": ["data"] * 6},
        {"code": "5", "columns": ["№", "Минимальные требования", "Предложение участника конкурса"],
         "rows": [[str(i), _paragraph(rng, 70), _paragraph(rng, 90)] for i in range(1, 6)],
         "row_kinds": ["data"] * 5},
        {"code": "6", "columns": PLAN_COLUMNS, "rows": plan, "row_kinds": plan_kinds},
        {"code": "7", "text": text(3, 900)},
    ]
    data = {
        "title_page": {
            "theme": f"«{LATIN_C_WORD} школа наставников»: модель сетевого методического сопровождения педагогов "
                     f"Краснодарского края — {YO_WORD}",
            "lead_name": "Иванова Анна Петровна, заместитель директора",
            "team": [{"name": "Иванова Анна Петровна", "position": "заместитель директора", "role": "руководитель"},
                     {"name": "Петров Сергей Иванович", "position": "учитель", "role": "методист"},
                     {"name": "Сидорова Мария Олеговна", "position": "педагог-психолог", "role": "диагностика"}],
        },
        "sections": sections,
    }
    # Top up section 1.1 to the documented size, still deterministically.
    while characters(data) < MIN_CHARS:
        sections[0]["text"] += "\n\n" + _paragraph(rng, 2500)
    return data


def characters(data: dict) -> int:
    """Characters of the dossier's content: title page, texts and every table cell and header."""
    tp = data["title_page"]
    n = len(tp["theme"]) + len(tp["lead_name"]) + sum(len(v) for m in tp["team"] for v in m.values())
    for s in data["sections"]:
        n += len(s.get("text", ""))
        n += sum(len(c) for c in s.get("columns", [])) + sum(len(c) for r in s.get("rows", []) for c in r)
    return n
