"""order documents: titles of any length, letterhead per order, orders registered from outside

Revision ID: 0014_order_documents
Revises: 0013_reminders
Create Date: 2026-11-30 09:40:00

- order_doc.title becomes TEXT (real titles run past 230 characters; the service sets the limit).
- Letterhead snapshot per order (ministry, institute full and short names, document kind, city): existing
  orders get the institution settings as they are now (or the defaults).
- issuer and the status `registered`: an order issued outside the system, unique by (issuer, year, number).
- Annexes keep their JSON column; the code reads both the old and the new annex shape.
"""
import json

import sqlalchemy as sa
from alembic import op

revision = '0014_order_documents'
down_revision = '0013_reminders'
branch_labels = None
depends_on = None

OLD_STATUS = "status IN ('draft', 'approval', 'approved', 'signed', 'amended', 'cancelled')"
NEW_STATUS = "status IN ('draft', 'approval', 'approved', 'signed', 'amended', 'cancelled', 'registered')"
OLD_NUMBER = "(status IN ('signed', 'amended', 'cancelled')) = (number IS NOT NULL AND signed_at IS NOT NULL)"
NEW_NUMBER = ("(status IN ('signed', 'amended', 'cancelled')) = (number IS NOT NULL AND signed_at IS NOT NULL) AND "
              "(status <> 'registered' OR (number IS NOT NULL AND order_date IS NOT NULL AND issuer <> ''))")

DEFAULTS = {
    "ministry_name": "Министерство образования, науки и молодёжной политики Краснодарского края",
    "full_name": "государственное бюджетное образовательное учреждение дополнительного профессионального "
                 "образования «Институт развития образования» Краснодарского края",
    "short_name": "ГБОУ ИРО Краснодарского края",
    "city": "г. Краснодар",
}


def _institution(conn) -> dict:
    row = conn.execute(sa.text("SELECT value FROM app_setting WHERE key = 'institution'")).first()
    values = dict(DEFAULTS)
    if row is not None and row[0]:
        stored = row[0] if isinstance(row[0], dict) else json.loads(row[0])
        values.update({k: v for k, v in stored.items() if k in DEFAULTS and v})
    return values


def upgrade():
    with op.batch_alter_table('order_doc', schema=None) as batch_op:
        batch_op.alter_column('title', existing_type=sa.String(length=500), type_=sa.Text(),
                              existing_nullable=False)
        batch_op.add_column(sa.Column('issuer', sa.String(length=500), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('ministry', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('institute_full', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('institute_short', sa.String(length=500), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('doc_kind', sa.String(length=100), nullable=False, server_default='ПРИКАЗ'))
        batch_op.add_column(sa.Column('city', sa.String(length=200), nullable=False, server_default=''))
        batch_op.drop_constraint(op.f('ck_order_doc_status'), type_='check')
        batch_op.drop_constraint(op.f('ck_order_doc_number_iff_signed'), type_='check')
    conn = op.get_bind()
    inst = _institution(conn)
    conn.execute(sa.text("UPDATE order_doc SET ministry = :m, institute_full = :f, institute_short = :s, city = :c"),
                 {"m": inst["ministry_name"], "f": inst["full_name"], "s": inst["short_name"], "c": inst["city"]})
    with op.batch_alter_table('order_doc', schema=None) as batch_op:
        for column in ('issuer', 'ministry', 'institute_full', 'institute_short', 'doc_kind', 'city'):
            batch_op.alter_column(column, server_default=None)
        batch_op.create_check_constraint(op.f('ck_order_doc_status'), NEW_STATUS)
        batch_op.create_check_constraint(op.f('ck_order_doc_number_iff_signed'), NEW_NUMBER)
        batch_op.create_unique_constraint('uq_order_issuer_year_number', ['issuer', 'year', 'number'])


def downgrade():
    op.execute("DELETE FROM order_scan WHERE order_id IN (SELECT id FROM order_doc WHERE status = 'registered')")
    op.execute("UPDATE status_award SET granted_by_order_id = NULL WHERE granted_by_order_id IN "
               "(SELECT id FROM order_doc WHERE status = 'registered')")
    op.execute("UPDATE status_award SET ended_by_order_id = NULL WHERE ended_by_order_id IN "
               "(SELECT id FROM order_doc WHERE status = 'registered')")
    op.execute("DELETE FROM order_doc WHERE status = 'registered'")
    with op.batch_alter_table('order_doc', schema=None) as batch_op:
        batch_op.drop_constraint('uq_order_issuer_year_number', type_='unique')
        batch_op.drop_constraint(op.f('ck_order_doc_number_iff_signed'), type_='check')
        batch_op.drop_constraint(op.f('ck_order_doc_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_order_doc_status'), OLD_STATUS)
        batch_op.create_check_constraint(op.f('ck_order_doc_number_iff_signed'), OLD_NUMBER)
        for column in ('city', 'doc_kind', 'institute_short', 'institute_full', 'ministry', 'issuer'):
            batch_op.drop_column(column)
        # Titles longer than the old column are cut only on the way back to the old schema.
        batch_op.alter_column('title', existing_type=sa.Text(), type_=sa.String(length=500),
                              existing_nullable=False, postgresql_using='left(title, 500)')
