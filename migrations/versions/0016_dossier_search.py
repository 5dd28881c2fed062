"""dossier search: full-text index of entries (tsvector on PostgreSQL, FTS5 on SQLite); paper entries

Revision ID: 0016_dossier_search
Revises: 0014_order_documents
Create Date: 2026-11-30 09:30:00

PostgreSQL: `entry.search_vector` is a stored generated column, so the database computes it for every
existing row here and recomputes it whenever the code, theme, project lead, team or dossier changes (and
only then). The text is every string of the team and of the dossier: prose sections are HTML, whose tags
and entities the text-search parser skips; table sections are lists of rows or grids
({"columns", "rows", "row_kinds", "widths"}), of which the column headings and every cell count, the row
kinds and widths do not. «ё» and «ѐ» are indexed as «е». Russian stemming ('russian' configuration), GIN
index without the pending list (fastupdate = off): a save updates the index at once, so the planner never
sees an index made costly by unmerged entries and falls back to reading every vector (measured: 86 ms
instead of 0.4 ms for one word over 10,000 dossiers after a bulk load). The function uses built-ins only,
so a dump restored with an empty search_path recomputes it.

SQLite: the FTS5 table `entry_search` (rowid = entry id), filled here and kept in step by triggers that
call `entry_search_text()`, a Python function the application registers on every SQLite connection (the
same extraction in Python). A later migration that makes SQLite re-create the `entry` table (batch mode)
drops these triggers with it and must create them again.
"""
from alembic import op
import sqlalchemy as sa

from workflow_app.models.search import SQLITE_TRIGGERS


# revision identifiers, used by Alembic.
revision = '0016_dossier_search'
down_revision = '0014_order_documents'
branch_labels = None
depends_on = None

_STRINGS = "'strict $.** ? (@.type() == \"string\")'"

PG_FUNCTION = f"""
CREATE FUNCTION entry_search_document(code text, title text, lead_name text, team jsonb, dossier jsonb)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT to_tsvector('pg_catalog.russian'::regconfig, translate(concat_ws(' ', code, title, lead_name,
    (SELECT string_agg(v #>> '{{}}', ' ') FROM jsonb_path_query(team, {_STRINGS}) AS v),
    (SELECT string_agg(v #>> '{{}}', ' ')
       FROM jsonb_each(CASE WHEN jsonb_typeof(dossier) = 'object' THEN dossier ELSE '{{}}'::jsonb END) AS s,
            jsonb_path_query(CASE WHEN jsonb_typeof(s.value) = 'object'
                                  THEN s.value - '{{row_kinds,widths}}'::text[] ELSE s.value END,
                             {_STRINGS}) AS v)
  ), 'ёЁѐЀ', 'еЕеЕ'))
$$
"""

def upgrade():
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_paper', sa.Boolean(), server_default=sa.false(), nullable=False))

    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute("ALTER TABLE entry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
                   "(entry_search_document(code, title, lead_name, team::jsonb, dossier::jsonb)) STORED")
        op.execute("CREATE INDEX ix_entry_search_vector ON entry USING gin (search_vector) WITH (fastupdate = off)")
    else:
        op.execute("CREATE VIRTUAL TABLE entry_search USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')")
        for sql in SQLITE_TRIGGERS.values():
            op.execute(sql)
        op.execute("INSERT INTO entry_search (rowid, body) "
                   "SELECT id, entry_search_text(code, title, lead_name, team, dossier) FROM entry")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_entry_search_vector")
        op.execute("ALTER TABLE entry DROP COLUMN IF EXISTS search_vector")
        op.execute("DROP FUNCTION IF EXISTS entry_search_document(text, text, text, jsonb, jsonb)")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS entry_search")

    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.drop_column('on_paper')
