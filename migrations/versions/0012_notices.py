"""notices: what an in-app notice is about (a link to its object) and when its task was done

Revision ID: 0012_notices
Revises: 0011_order_signatory
Create Date: 2026-11-30 08:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0012_notices'
down_revision = '0011_order_signatory'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('object_type', sa.String(length=40), nullable=False, server_default=''))
        batch.add_column(sa.Column('object_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('needs_action', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column('resolved_at', sa.DateTime(), nullable=True))
        batch.create_index('ix_outbox_object', ['object_type', 'object_id'])
    with op.batch_alter_table('outbox') as batch:
        batch.alter_column('object_type', server_default=None)
        batch.alter_column('needs_action', server_default=None)


def downgrade():
    with op.batch_alter_table('outbox') as batch:
        batch.drop_index('ix_outbox_object')
        batch.drop_column('resolved_at')
        batch.drop_column('needs_action')
        batch.drop_column('object_id')
        batch.drop_column('object_type')
