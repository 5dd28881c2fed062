"""appeals: appeals against published results, their attachments, the campaigns' appeal terms, and the
regional calendar of non-working days

Revision ID: 0022_appeals
Revises: 0021_status_reports
Create Date: 2026-11-30 09:35:52

One live appeal per entry and stage: a partial unique index (a withdrawn appeal frees the slot).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_appeals'
down_revision = '0021_status_reports'  # this branch's head (0013_reminders + the API); the integrator re-chains
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('working', sa.Boolean(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_calendar_day_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_day'))
    )
    op.create_table('appeal_settings',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('window_days', sa.Integer(), nullable=False),
    sa.Column('decision_days', sa.Integer(), nullable=False),
    sa.CheckConstraint('decision_days BETWEEN 1 AND 60', name=op.f('ck_appeal_settings_decision_days_range')),
    sa.CheckConstraint('window_days BETWEEN 1 AND 30', name=op.f('ck_appeal_settings_window_days_range')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_appeal_settings_campaign_id_campaign'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('campaign_id', name=op.f('pk_appeal_settings'))
    )
    op.create_table('appeal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'under_review', 'upheld', 'rejected', 'withdrawn', name='status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('grounds', sa.Text(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('decision_due_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('amending_order_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(status IN ('upheld', 'rejected')) = (decided_at IS NOT NULL)", name=op.f('ck_appeal_decided_at_iff_decided')),
    sa.CheckConstraint("status NOT IN ('upheld', 'rejected') OR decision_reason <> ''", name=op.f('ck_appeal_decision_has_reason')),
    sa.ForeignKeyConstraint(['amending_order_id'], ['order_doc.id'], name=op.f('fk_appeal_amending_order_id_order_doc')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_appeal_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_appeal_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_appeal_entry_id_entry')),
    sa.ForeignKeyConstraint(['stage_id'], ['stage.id'], name=op.f('fk_appeal_stage_id_stage')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user_account.id'], name=op.f('fk_appeal_submitted_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeal'))
    )
    with op.batch_alter_table('appeal', schema=None) as batch_op:
        batch_op.create_index('ix_appeal_campaign_status', ['campaign_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_appeal_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index('uq_appeal_entry_stage_live', ['entry_id', 'stage_id'], unique=True, postgresql_where=sa.text("status <> 'withdrawn'"), sqlite_where=sa.text("status <> 'withdrawn'"))

    op.create_table('appeal_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeal.id'], name=op.f('fk_appeal_attachment_appeal_id_appeal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['file_id'], ['stored_file.id'], name=op.f('fk_appeal_attachment_file_id_stored_file')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeal_attachment'))
    )
    with op.batch_alter_table('appeal_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appeal_attachment_appeal_id'), ['appeal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appeal_attachment_file_id'), ['file_id'], unique=False)



def downgrade():
    with op.batch_alter_table('appeal_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appeal_attachment_file_id'))
        batch_op.drop_index(batch_op.f('ix_appeal_attachment_appeal_id'))

    op.drop_table('appeal_attachment')
    with op.batch_alter_table('appeal', schema=None) as batch_op:
        batch_op.drop_index('uq_appeal_entry_stage_live', postgresql_where=sa.text("status <> 'withdrawn'"), sqlite_where=sa.text("status <> 'withdrawn'"))
        batch_op.drop_index(batch_op.f('ix_appeal_entry_id'))
        batch_op.drop_index('ix_appeal_campaign_status')

    op.drop_table('appeal')
    op.drop_table('appeal_settings')
    op.drop_table('calendar_day')
