"""audit_event is append-only: the database refuses UPDATE and DELETE of its rows

Revision ID: 0002_audit_append_only
Revises: 0001_platform
Create Date: 2026-11-26 10:00:00

The application refuses it too (a before_flush guard in models/audit.py); the trigger also covers
raw SQL and other clients. TRUNCATE stays possible for an administrator (tests use it to clean).

NOTE for later migrations: on SQLite, a batch ("move and copy") alteration of audit_event recreates
the table and silently drops these triggers; re-create them in that migration
(tests/test_audit_log.py checks the triggers at head).
"""
from alembic import op


revision = '0002_audit_append_only'
down_revision = '0001_platform'
branch_labels = None
depends_on = None

MESSAGE = "audit_event is append-only"


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION audit_event_append_only() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP;
            END
            $$
        """)
        op.execute("""
            CREATE TRIGGER audit_event_append_only
            BEFORE UPDATE OR DELETE ON audit_event
            FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()
        """)
    else:
        for op_name in ("update", "delete"):
            op.execute(f"""
                CREATE TRIGGER audit_event_no_{op_name}
                BEFORE {op_name.upper()} ON audit_event
                BEGIN
                    SELECT RAISE(ABORT, '{MESSAGE}: {op_name.upper()} refused');
                END
            """)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
