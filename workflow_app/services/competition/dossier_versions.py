"""Frozen versions of an entry's dossier: the snapshot a reader sees, its SHA-256, the PDF, and the
difference between two versions."""
from __future__ import annotations

import difflib
import hashlib
import json
import re

from sqlalchemy import func, select

from ...extensions import db
from ...models.base import utcnow
from ...models.competition import Entry, EntryVersion
from ...timeutil import format_datetime
from ..platform import files
from . import dossier_content, richtext
from .dossier_content import TEAM_COLUMNS


def snapshot(entry: Entry) -> dict:
    """Everything a reader of the submitted dossier sees, with the form's section titles at that moment."""
    sections = dossier_content.view_sections(entry.campaign.dossier_schema or [], entry.dossier)
    return {
        "format": 2,
        "code": entry.code,
        "campaign": entry.campaign.name,
        "track": entry.track.name,
        "organization": entry.organization.full_name,
        "municipality": entry.organization.municipality.name,
        "title": entry.title or "",
        "lead_name": entry.lead_name or "",
        "team": [dict(m) for m in entry.team or []],
        "sections": sections,
        "attachments": [
            {"title": a.title, "name": a.file.original_name, "content_type": a.file.content_type,
             "size": a.file.size, "sha256": a.file.sha256, "file_id": a.file_id}
            for a in entry.attachments
        ],
    }


def canonical_hash(content: dict) -> str:
    raw = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def freeze(entry: Entry, actor) -> EntryVersion:
    """The next frozen version of the entry: its snapshot, the snapshot's SHA-256 and a PDF of it."""
    from ...documents.dossier import build_dossier_pdf

    last = db.session.execute(
        select(func.max(EntryVersion.number)).where(EntryVersion.entry_id == entry.id)).scalar_one() or 0
    number = last + 1
    content = snapshot(entry)
    digest = canonical_hash(content)
    now = utcnow()
    pdf = build_dossier_pdf(content, number=number, created=format_datetime(now),
                            sha256=digest)
    stored = files.store_bytes(pdf, original_name=f"{entry.code}-v{number}.pdf", content_type="application/pdf",
                               user=actor)
    v = EntryVersion(entry_id=entry.id, number=number, created_at=now, created_by_id=getattr(actor, "id", None),
                     content=content, sha256=digest, pdf_file_id=stored.id)
    db.session.add(v)
    entry.current_version = number
    entry.submitted_at = now
    return v


def versions(entry: Entry) -> list[EntryVersion]:
    return list(db.session.execute(
        select(EntryVersion).where(EntryVersion.entry_id == entry.id).order_by(EntryVersion.number.desc())
    ).scalars())


def version(entry: Entry, number: int) -> EntryVersion | None:
    return db.session.execute(
        select(EntryVersion).where(EntryVersion.entry_id == entry.id, EntryVersion.number == number)
    ).scalar_one_or_none()


# --- diff between two versions -------------------------------------------------------------------

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


def version_docx(v: EntryVersion) -> bytes:
    """A frozen version as an editable DOCX (built on demand from the frozen content; the PDF is stored)."""
    from ...documents.dossier import build_dossier_docx

    return build_dossier_docx(v.content, number=v.number, created=format_datetime(v.created_at), sha256=v.sha256)


def word_diff(a: str, b: str) -> list[tuple[str, str]]:
    """[(op, text)] inside one paragraph, op in ' ', '-', '+': words, spaces and punctuation compared
    as tokens, so a changed word shows as that word removed and added, the rest of the line as is.
    A lone space between two changes joins them (one «removed / added» pair reads better than many)."""
    ta, tb = _TOKEN.findall(a), _TOKEN.findall(b)
    chunks = [(tag == "equal", "".join(ta[i1:i2]), "".join(tb[j1:j2]))
              for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=ta, b=tb, autojunk=False).get_opcodes()]
    for i in range(1, len(chunks) - 1):
        same, text, _ = chunks[i]
        if same and not text.strip() and not chunks[i - 1][0] and not chunks[i + 1][0]:
            chunks[i] = (False, text, text)
    out: list[tuple[str, str]] = []
    pending = ["", ""]
    for same, old, new in chunks + [(True, "", "")]:
        if not same:
            pending[0] += old
            pending[1] += new
            continue
        out += [(op, t) for op, t in (("-", pending[0]), ("+", pending[1])) if t]
        pending = ["", ""]
        if old:
            out.append((" ", old))
    return out


def _line_diff(a: list[str], b: list[str]) -> list[tuple[str, object]]:
    """[(op, text)], op in ' ', '-', '+'; a paragraph changed in place is ('~', word_diff(old, new))."""
    out: list[tuple[str, object]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out += [(" ", x) for x in a[i1:i2]]
            continue
        old, new = a[i1:i2], b[j1:j2]
        paired = min(len(old), len(new)) if tag == "replace" else 0
        out += [("~", word_diff(x, y)) for x, y in zip(old[:paired], new[:paired], strict=True)]
        out += [("-", x) for x in old[paired:]]
        out += [("+", x) for x in new[paired:]]
    return out


def _row_text(row) -> str:
    return " | ".join(str(c) for c in row)


def _table_lines(sec: dict) -> list[str]:
    kinds = sec.get("row_kinds") or []
    return [("▸ " if i < len(kinds) and kinds[i] == "group" else "") + _row_text(r)
            for i, r in enumerate(sec.get("rows") or [])]


def _section_lines(sec: dict) -> list[str]:
    if not sec:
        return []
    if sec.get("kind") == "table":
        return ([_row_text(sec.get("columns") or [])] if sec.get("rows") else []) + _table_lines(sec)
    return [p for p in richtext.paragraphs(sec.get("html", ""))]


def diff_contents(old: dict, new: dict) -> list[dict]:
    """Per part of the dossier: {"title", "changed", "lines": [(op, text)]}; text sections compared
    paragraph by paragraph and, inside a changed paragraph, word by word; tables row by row."""
    parts = []

    def add(title, a_lines, b_lines):
        lines = _line_diff(a_lines, b_lines)
        parts.append({"title": title, "changed": any(op != " " for op, _ in lines), "lines": lines})

    add("Тема проекта", [old.get("title", "")], [new.get("title", "")])
    add("Руководитель проекта", [old.get("lead_name", "")], [new.get("lead_name", "")])
    team = lambda c: [_row_text([m.get(k, "") for k in TEAM_COLUMNS]) for m in c.get("team") or []]  # noqa: E731
    add("Команда проекта", team(old), team(new))
    old_secs = {s["key"]: s for s in old.get("sections", [])}
    new_secs = {s["key"]: s for s in new.get("sections", [])}
    keys = [s["key"] for s in new.get("sections", [])] + [k for k in old_secs if k not in new_secs]
    for key in keys:
        a, b = old_secs.get(key, {}), new_secs.get(key, {})
        add((b or a).get("title", key), _section_lines(a), _section_lines(b))
    att = lambda c: [f"{x.get('title') or x.get('name')} ({x.get('name')}, {x.get('sha256', '')[:12]})"  # noqa: E731
                     for x in c.get("attachments") or []]
    add("Приложения", att(old), att(new))
    return parts
