"""The full-text index of entries: schema objects the database keeps on its own, outside the ORM.

PostgreSQL: `entry.search_vector`, a stored generated `tsvector` column (Russian stemming) with a GIN
index; the database recomputes it whenever the code, theme, project lead, team or dossier of an entry
changes, whatever statement changes them. SQLite: the FTS5 table `entry_search` (rowid = entry id) kept in
step by triggers on `entry` that call the Python function `entry_search_text` (registered on every SQLite
connection, see extensions.py). Migration 0016_dossier_search creates both.

No model maps them (the ORM never loads the vector, and the FTS table exists on one backend only), so the
models-vs-migrations comparison is told to leave them out (`include_object`).
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR

VECTOR_COLUMN = "search_vector"
VECTOR_INDEX = "ix_entry_search_vector"
FTS_TABLE = "entry_search"
SQLITE_FUNCTION = "entry_search_text"

# Lightweight Core handles for the queries (not on the metadata: nothing creates them but the migration).
entry_vector = sa.table("entry", sa.column("id", sa.Integer), sa.column(VECTOR_COLUMN, TSVECTOR))
entry_fts = sa.table(FTS_TABLE, sa.column("rowid", sa.Integer), sa.column("body", sa.Text))


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's hook: skip the search index objects when comparing the database with the models."""
    if type_ == "table" and reflected and name and (name == FTS_TABLE or name.startswith(f"{FTS_TABLE}_")):
        return False  # the FTS5 table and its shadow tables (_data, _idx, _content, _docsize, _config)
    if type_ == "column" and reflected and name == VECTOR_COLUMN and getattr(obj, "table", None) is not None \
            and obj.table.name == "entry":
        return False
    return not (type_ == "index" and reflected and name == VECTOR_INDEX)

# The SQLite triggers that keep the FTS table in step (created by 0016_dossier_search; created again by any
# migration that makes SQLite re-create `entry` in batch mode, which drops them with the old table).
SQLITE_TEXT = "entry_search_text(new.code, new.title, new.lead_name, new.team, new.dossier)"
SQLITE_TRIGGERS = {
    # DELETE first: a row left behind under the same id (SQLite reuses ids) is replaced, not duplicated.
    "entry_search_insert": f"""
CREATE TRIGGER entry_search_insert AFTER INSERT ON entry BEGIN
  DELETE FROM entry_search WHERE rowid = new.id;
  INSERT INTO entry_search (rowid, body) VALUES (new.id, {SQLITE_TEXT});
END""",
    "entry_search_update": f"""
CREATE TRIGGER entry_search_update AFTER UPDATE OF code, title, lead_name, team, dossier ON entry BEGIN
  DELETE FROM entry_search WHERE rowid = old.id;
  INSERT INTO entry_search (rowid, body) VALUES (new.id, {SQLITE_TEXT});
END""",
    "entry_search_delete": """
CREATE TRIGGER entry_search_delete AFTER DELETE ON entry BEGIN
  DELETE FROM entry_search WHERE rowid = old.id;
END""",
}
