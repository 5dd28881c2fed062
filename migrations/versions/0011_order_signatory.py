"""order signatory and scan versions: the designated signatory user of an order; every scan kept

Revision ID: 0011_order_signatory
Revises: 0010_state_checks
Create Date: 2026-11-30 07:40:00

order_doc.designated_signatory_id names the one user who may sign the order (its free-text signature
block becomes a snapshot taken at signing). Unsigned orders get the only active holder of the
signatory role, if there is exactly one; otherwise the draft's author chooses.

order_scan keeps every uploaded scan of a signed order as a numbered version; the single
order_doc.scan_file_id is moved there as version 1 and dropped.
"""
import sqlalchemy as sa
from alembic import op


revision = '0011_order_signatory'
down_revision = '0010_state_checks'
branch_labels = None
depends_on = None

UNSIGNED = "('draft', 'approval', 'approved')"


def upgrade():
    with op.batch_alter_table('order_doc', schema=None) as batch_op:
        batch_op.add_column(sa.Column('designated_signatory_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_order_doc_designated_signatory_id'), ['designated_signatory_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_order_doc_designated_signatory_id_user_account'),
                                    'user_account', ['designated_signatory_id'], ['id'])
    signatories = ("SELECT DISTINCT u.id FROM user_account u JOIN role_grant g ON g.user_id = u.id "
                   "WHERE g.role = 'signatory' AND u.status = 'active'")
    op.execute(f"UPDATE order_doc SET designated_signatory_id = ({signatories}) "
               f"WHERE status IN {UNSIGNED} AND (SELECT count(*) FROM ({signatories}) s) = 1")

    op.create_table(
        'order_scan',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('file_id', sa.Integer(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['file_id'], ['stored_file.id'], name=op.f('fk_order_scan_file_id_stored_file')),
        sa.ForeignKeyConstraint(['order_id'], ['order_doc.id'], name=op.f('fk_order_scan_order_id_order_doc')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'],
                                name=op.f('fk_order_scan_uploaded_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_order_scan')),
        sa.UniqueConstraint('order_id', 'version', name='uq_order_scan_order_version'),
    )
    with op.batch_alter_table('order_scan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_scan_order_id'), ['order_id'], unique=False)
    op.execute("INSERT INTO order_scan (order_id, version, file_id, uploaded_by_id, created_at) "
               "SELECT o.id, 1, f.id, f.uploaded_by_id, f.created_at FROM order_doc o "
               "JOIN stored_file f ON f.id = o.scan_file_id")
    with op.batch_alter_table('order_doc', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_order_doc_scan_file_id_stored_file'), type_='foreignkey')
        batch_op.drop_column('scan_file_id')


def downgrade():
    with op.batch_alter_table('order_doc', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scan_file_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_order_doc_scan_file_id_stored_file'), 'stored_file',
                                    ['scan_file_id'], ['id'])
    # The older scan versions cannot be kept by the old schema: the newest one stays attached.
    op.execute("UPDATE order_doc SET scan_file_id = (SELECT s.file_id FROM order_scan s "
               "WHERE s.order_id = order_doc.id ORDER BY s.version DESC LIMIT 1)")
    with op.batch_alter_table('order_scan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_scan_order_id'))
    op.drop_table('order_scan')
    with op.batch_alter_table('order_doc', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_order_doc_designated_signatory_id_user_account'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_order_doc_designated_signatory_id'))
        batch_op.drop_column('designated_signatory_id')
