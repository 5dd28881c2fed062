"""reminder rules, deadline series and overdue marks; the reminder's secondary indexes cover pending rows only

Revision ID: 0018_reminder_rules
Revises: 0017_api_tokens
Create Date: 2026-11-30 09:10:00

A swept reminder (pending → sent) leaves every partial index, so marking it re-indexes only the primary
key and the slot key; the slot key leads with the object and serves the object's reminder list.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_reminder_rules'
down_revision = '0017_api_tokens'
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")
PENDING_SERIES = sa.text("status = 'pending' AND series <> ''")
DEFAULT_SCOPE = sa.text("campaign_id IS NULL AND status_type IS NULL")


def upgrade():
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.add_column(sa.Column('series', sa.String(length=40), nullable=False, server_default=''))
        batch_op.drop_index('ix_reminder_object')
        batch_op.drop_index('ix_reminder_recipient_id')
        batch_op.drop_constraint('uq_reminder_slot', type_='unique')
        batch_op.create_unique_constraint(
            'uq_reminder_slot', ['object_type', 'object_id', 'kind', 'recipient_id', 'offset_days'])
        batch_op.create_index('ix_reminder_pending_recipient', ['recipient_id', 'due_at'], unique=False,
                              postgresql_where=PENDING, sqlite_where=PENDING)
        batch_op.create_index('ix_reminder_pending_series', ['series'], unique=False,
                              postgresql_where=PENDING_SERIES, sqlite_where=PENDING_SERIES)
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.alter_column('series', server_default=None)

    op.create_table('reminder_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('status_type', sa.String(length=20), nullable=True),
    sa.Column('before_days', sa.JSON(), nullable=False),
    sa.Column('after_days', sa.JSON(), nullable=False),
    sa.Column('escalate_coordinator', sa.Boolean(), nullable=False),
    sa.Column('escalate_staff', sa.Boolean(), nullable=False),
    sa.Column('due_working_days', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('campaign_id IS NULL OR status_type IS NULL', name=op.f('ck_reminder_rule_one_scope')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_reminder_rule_campaign_id_campaign'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_rule'))
    )
    with op.batch_alter_table('reminder_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_rule_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index('uq_reminder_rule_campaign', ['kind', 'campaign_id'], unique=True,
                              postgresql_where=sa.text('campaign_id IS NOT NULL'),
                              sqlite_where=sa.text('campaign_id IS NOT NULL'))
        batch_op.create_index('uq_reminder_rule_status_type', ['kind', 'status_type'], unique=True,
                              postgresql_where=sa.text('status_type IS NOT NULL'),
                              sqlite_where=sa.text('status_type IS NOT NULL'))
        batch_op.create_index('uq_reminder_rule_default', ['kind'], unique=True,
                              postgresql_where=DEFAULT_SCOPE, sqlite_where=DEFAULT_SCOPE)

    op.create_table('overdue_mark',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('deadline_at', sa.DateTime(), nullable=False),
    sa.Column('marked_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_overdue_mark')),
    sa.UniqueConstraint('object_type', 'object_id', 'kind', name='uq_overdue_mark')
    )


def downgrade():
    op.drop_table('overdue_mark')
    with op.batch_alter_table('reminder_rule', schema=None) as batch_op:
        batch_op.drop_index('uq_reminder_rule_default', postgresql_where=DEFAULT_SCOPE, sqlite_where=DEFAULT_SCOPE)
        batch_op.drop_index('uq_reminder_rule_status_type', postgresql_where=sa.text('status_type IS NOT NULL'),
                            sqlite_where=sa.text('status_type IS NOT NULL'))
        batch_op.drop_index('uq_reminder_rule_campaign', postgresql_where=sa.text('campaign_id IS NOT NULL'),
                            sqlite_where=sa.text('campaign_id IS NOT NULL'))
        batch_op.drop_index(batch_op.f('ix_reminder_rule_campaign_id'))
    op.drop_table('reminder_rule')
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_pending_series', postgresql_where=PENDING_SERIES, sqlite_where=PENDING_SERIES)
        batch_op.drop_index('ix_reminder_pending_recipient', postgresql_where=PENDING, sqlite_where=PENDING)
        batch_op.drop_constraint('uq_reminder_slot', type_='unique')
        batch_op.create_unique_constraint(
            'uq_reminder_slot', ['kind', 'object_type', 'object_id', 'recipient_id', 'offset_days'])
        batch_op.create_index('ix_reminder_recipient_id', ['recipient_id'], unique=False)
        batch_op.create_index('ix_reminder_object', ['object_type', 'object_id'], unique=False)
        batch_op.drop_column('series')
