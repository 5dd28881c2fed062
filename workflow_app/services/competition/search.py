"""Full-text search of entries by any word of their dossier (read side).

The index is the database's own (see models/search.py): on PostgreSQL a generated `tsvector` with Russian
stemming, queried with `websearch_to_tsquery` (any input is valid: words, "a phrase", -excluded, or); on
SQLite an FTS5 table, queried with every word of the input as a prefix of its Snowball stem, all words
required («инновационных» → инновацион* finds «инновационная»). Both fold «ё» and «ѐ» into «е».

`search_entries()` returns a statement of entry ids; `matches()` is the clause the staff lists add to their
search by code, theme and organisation.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import snowballstemmer
from sqlalchemy import ColumnElement, Select, false, func, literal_column, select

from ...extensions import db
from ...models.competition import Entry
from ...models.search import entry_fts, entry_vector
from . import dossier_content

MAX_QUERY = 200
_FOLD = str.maketrans("ёЁѐЀ", "еЕеЕ")
_WORD = re.compile(r"\w+")
# Keys of a grid table that hold layout, not text (services/documents/grid.py).
_LAYOUT_KEYS = frozenset({"row_kinds", "widths"})


# --- what is indexed (SQLite: called by the database's triggers; PostgreSQL does the same in SQL) ---------

def _strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value, depth first; a grid's row kinds and widths left out."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in _LAYOUT_KEYS:
                yield from _strings(item)


def dossier_text(dossier: Any) -> str:
    """The words of a dossier: prose sections (HTML) as their visible text, tables as all their cells."""
    return dossier_content.plain_text(dossier) if isinstance(dossier, dict) else ""


def document_text(code: str | None, title: str | None, lead_name: str | None, team: Any, dossier: Any) -> str:
    """What the index holds for an entry: code, theme, project lead, team and dossier, «ё» folded."""
    text = " ".join(p for p in (code, title, lead_name, " ".join(_strings(team or [])), dossier_text(dossier)) if p)
    return text.translate(_FOLD)


def sqlite_document_text(code, title, lead_name, team_json, dossier_json) -> str:
    """The SQLite function `entry_search_text(code, title, lead_name, team, dossier)` (JSON as text)."""
    def load(raw):
        try:
            return json.loads(raw) if isinstance(raw, str | bytes) else raw
        except ValueError:
            return None
    return document_text(code, title, lead_name, load(team_json), load(dossier_json))


# --- queries ---------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("russian")


def fts5_query(query: str) -> str:
    """An FTS5 MATCH expression for any user input: each word quoted, as a prefix of its stem; "" if no word."""
    words = _WORD.findall((query or "")[:MAX_QUERY].translate(_FOLD).lower())
    stems = [_stemmer().stemWord(w) or w for w in words]
    return " ".join(f'"{s}"*' for s in dict.fromkeys(stems))


def _clean(query: str) -> str:
    return (query or "").replace("\x00", " ")[:MAX_QUERY].translate(_FOLD).strip()


def _index_ids(query: str) -> Select:
    """SELECT id of the entries whose index matches (any campaign)."""
    q = _clean(query)
    if db.engine.dialect.name == "postgresql":
        indexed = entry_vector.alias("indexed")
        tsquery = func.websearch_to_tsquery(literal_column("'pg_catalog.russian'::regconfig"), q)
        return select(indexed.c.id).where(indexed.c.search_vector.op("@@")(tsquery))
    expr = fts5_query(q)
    if not expr:
        return select(entry_fts.c.rowid).where(false())
    return select(entry_fts.c.rowid).where(literal_column(entry_fts.name).op("MATCH")(expr))


def search_entries(query: str, campaign_id: int | None = None) -> Select:
    """SELECT of the ids of the entries (of one campaign, given one) whose index matches the query."""
    stmt = select(Entry.id).where(Entry.id.in_(_index_ids(query)))
    if campaign_id is not None:
        stmt = stmt.where(Entry.campaign_id == campaign_id)
    return stmt


def matches(query: str) -> ColumnElement[bool]:
    """The clause «this entry's index matches»: for a list's WHERE, beside its own search by code, theme and
    organisation (one index lookup, whatever the number of entries)."""
    return Entry.id.in_(_index_ids(query))
