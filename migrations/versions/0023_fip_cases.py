"""КИП → ФИП preparation cases and their review rounds

Revision ID: 0023_fip_cases
Revises: 0022_appeals
Create Date: 2026-11-30 10:00:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0023_fip_cases'
down_revision = '0022_appeals'
branch_labels = None
depends_on = None

STATES = ('readiness', 'drafting', 'review', 'revision', 'recommended', 'submitted', 'recognised',
          'not_recognised', 'withdrawn')


def upgrade():
    op.create_table(
        'fip_case',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('kip_award_id', sa.Integer(), nullable=True),
        sa.Column('project', sa.String(length=500), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('status', sa.Enum(*STATES, name='status', native_enum=False, length=16,
                                    create_constraint=True), nullable=False),
        sa.Column('form', sa.JSON(), nullable=False),
        sa.Column('infographic_file_id', sa.Integer(), nullable=True),
        sa.Column('manual_checks', sa.JSON(), nullable=False),
        sa.Column('council_date', sa.Date(), nullable=True),
        sa.Column('council_protocol', sa.String(length=64), nullable=False),
        sa.Column('council_decision', sa.Text(), nullable=False),
        sa.Column('submitted_on', sa.Date(), nullable=True),
        sa.Column('ministry_order_id', sa.Integer(), nullable=True),
        sa.Column('fip_award_id', sa.Integer(), nullable=True),
        sa.Column('outcome_note', sa.Text(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "council_date IS NOT NULL OR status NOT IN ('recommended', 'submitted', 'recognised', "
            "'not_recognised')", name=op.f('ck_fip_case_council_before_submission')),
        sa.CheckConstraint(
            "submitted_on IS NOT NULL OR status NOT IN ('submitted', 'recognised', 'not_recognised')",
            name=op.f('ck_fip_case_submitted_before_outcome')),
        sa.CheckConstraint(
            "(status = 'recognised') = (ministry_order_id IS NOT NULL AND fip_award_id IS NOT NULL)",
            name=op.f('ck_fip_case_recognised_iff_order')),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                                name=op.f('fk_fip_case_organization_id_organization')),
        sa.ForeignKeyConstraint(['kip_award_id'], ['status_award.id'],
                                name=op.f('fk_fip_case_kip_award_id_status_award')),
        sa.ForeignKeyConstraint(['fip_award_id'], ['status_award.id'],
                                name=op.f('fk_fip_case_fip_award_id_status_award')),
        sa.ForeignKeyConstraint(['infographic_file_id'], ['stored_file.id'],
                                name=op.f('fk_fip_case_infographic_file_id_stored_file')),
        sa.ForeignKeyConstraint(['ministry_order_id'], ['order_doc.id'],
                                name=op.f('fk_fip_case_ministry_order_id_order_doc')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                                name=op.f('fk_fip_case_created_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fip_case')),
    )
    op.create_index('ix_fip_case_organization_id', 'fip_case', ['organization_id'], unique=False)
    op.create_index('ix_fip_case_org_status', 'fip_case', ['organization_id', 'status'], unique=False)
    op.create_table(
        'fip_round',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('content', sa.JSON(), nullable=False),
        sa.Column('comments', sa.JSON(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.Column('sent_by_id', sa.Integer(), nullable=True),
        sa.Column('reviewed_at', sa.DateTime(), nullable=True),
        sa.Column('reviewer_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['fip_case.id'], name=op.f('fk_fip_round_case_id_fip_case'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['sent_by_id'], ['user_account.id'],
                                name=op.f('fk_fip_round_sent_by_id_user_account')),
        sa.ForeignKeyConstraint(['reviewer_id'], ['user_account.id'],
                                name=op.f('fk_fip_round_reviewer_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fip_round')),
        sa.UniqueConstraint('case_id', 'number', name='uq_fip_round_number'),
    )
    op.create_index('ix_fip_round_case_id', 'fip_round', ['case_id'], unique=False)


def downgrade():
    op.drop_index('ix_fip_round_case_id', table_name='fip_round')
    op.drop_table('fip_round')
    op.drop_index('ix_fip_case_org_status', table_name='fip_case')
    op.drop_index('ix_fip_case_organization_id', table_name='fip_case')
    op.drop_table('fip_case')
