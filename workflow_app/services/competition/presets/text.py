"""A preset's lists as the edit page shows them: one line per item, fields separated by «|».

    sections: 3.2 | 3.2. Заголовок | table_or_text | Мероприятие; Сроки | да | 3. Состав работ. | table
              (number, heading, kind, table columns, required, chapter, what a table_or_text offers first)
    tracks:   КОД | Название | ТМС; МОУО
    stages:   submission | очный: нет | оценивается: нет | 212 | 25
              (kind, in person, scored, first day as days from 1 January, length in days)
    criteria: expert_review | Название критерия | 10 | 1,5
              (stage kind, name, maximum points, weight)

Stage kinds may be written as their names (expert_review) or as shown («Экспертиза»). Parsing never
judges values: validate.py does, with the messages the page shows.
"""
from __future__ import annotations

from ....models.competition import StageKind

YES = ("да", "yes", "1", "true", "+")


def _parts(line: str, n: int) -> list[str]:
    return ([p.strip() for p in line.split("|")] + [""] * n)[:n]


def _flag(value: str) -> bool:
    return value.split(":")[-1].strip().lower() in YES


def _yes(flag: bool) -> str:
    return "да" if flag else "нет"


def _kind_name(value: str) -> str:
    member = StageKind.__members__.get(value) or next((k for k in StageKind if k.value == value), None)
    return member.name if member else value


def sections_to_text(sections: list[dict]) -> str:
    lines = []
    for s in sections or []:
        parts = [s.get("key", ""), s.get("title", ""), s.get("kind", "text"), "; ".join(s.get("columns") or []),
                 _yes(s.get("required")), s.get("chapter", ""), s.get("default", "")]
        while parts[-1] == "":
            parts.pop()
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def text_to_sections(text: str) -> list[dict]:
    out = []
    for line in (text or "").splitlines():
        if line.strip():
            key, title, kind, cols, required, chapter, default = _parts(line, 7)
            out.append({"key": key, "title": title, "kind": kind or "text",
                        "columns": [c.strip() for c in cols.split(";") if c.strip()],
                        "required": _flag(required), "chapter": chapter, "default": default})
    return out


def tracks_to_text(tracks: list[dict]) -> str:
    from ....models import OrgType

    def label(name: str) -> str:
        return OrgType[name].value if name in OrgType.__members__ else name
    return "\n".join(f"{t['code']} | {t['name']} | {'; '.join(label(x) for x in t.get('org_types') or [])}"
                     for t in tracks or [])


def text_to_tracks(text: str) -> list[dict]:
    out = []
    for line in (text or "").splitlines():
        if line.strip():
            code, name, types = _parts(line, 3)
            out.append({"code": code, "name": name, "org_types": [x.strip() for x in types.split(";") if x.strip()]})
    return out


def stages_to_text(stages: list[dict]) -> str:
    return "\n".join(f"{s['kind']} | очный: {_yes(s.get('in_person'))} | оценивается: {_yes(s.get('scored'))} | "
                     f"{s.get('offset_days', 0)} | {s.get('duration_days', 1)}" for s in stages or [])


def text_to_stages(text: str) -> list[dict]:
    out = []
    for line in (text or "").splitlines():
        if line.strip():
            kind, person, scored, offset, duration = _parts(line, 5)
            out.append({"kind": _kind_name(kind), "in_person": _flag(person), "scored": _flag(scored),
                        "offset_days": offset or "0", "duration_days": duration or "1"})
    return out


def criteria_to_text(criteria: dict) -> str:
    return "\n".join(f"{kind} | {c['name']} | {c['max_points']} | {c['weight']}"
                     for kind, rows in (criteria or {}).items() for c in rows)


def text_to_criteria(text: str) -> dict:
    out: dict[str, list[dict]] = {}
    for line in (text or "").splitlines():
        if line.strip():
            kind, name, points, weight = _parts(line, 4)
            out.setdefault(_kind_name(kind), []).append(
                {"name": name, "max_points": points, "weight": weight or "1"})
    return out
