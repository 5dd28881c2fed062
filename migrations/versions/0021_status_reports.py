"""yearly and final reports of status holders, their evidence files, termination proposals

Revision ID: 0021_status_reports
Revises: 0020_status_types
Create Date: 2026-11-30 10:00:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0021_status_reports'
down_revision = '0020_status_types'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'status_report',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('award_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('yearly', 'final', name='kind', native_enum=False, length=8,
                                  create_constraint=True), nullable=False),
        sa.Column('period_year', sa.Integer(), nullable=False),
        sa.Column('due_date', sa.Date(), nullable=False),
        sa.Column('status', sa.Enum('due', 'draft', 'submitted', 'returned', 'accepted', 'overdue', name='status',
                                    native_enum=False, length=12, create_constraint=True), nullable=False),
        sa.Column('content', sa.JSON(), nullable=False),
        sa.Column('remarks', sa.Text(), nullable=False),
        sa.Column('missed', sa.Boolean(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.CheckConstraint('period_year BETWEEN 1990 AND 2200', name=op.f('ck_status_report_period_year_range')),
        sa.CheckConstraint("status NOT IN ('submitted', 'accepted') OR submitted_at IS NOT NULL",
                           name=op.f('ck_status_report_submitted_has_date')),
        sa.ForeignKeyConstraint(['award_id'], ['status_award.id'], name=op.f('fk_status_report_award_id_status_award')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_status_report')),
        sa.UniqueConstraint('award_id', 'kind', 'period_year', name='uq_status_report_period'),
    )
    op.create_index(op.f('ix_status_report_award_id'), 'status_report', ['award_id'], unique=False)
    op.create_index('ix_status_report_state_due', 'status_report', ['status', 'due_date'], unique=False)
    op.create_table(
        'status_report_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('file_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(['file_id'], ['stored_file.id'], name=op.f('fk_status_report_file_file_id_stored_file')),
        sa.ForeignKeyConstraint(['report_id'], ['status_report.id'],
                                name=op.f('fk_status_report_file_report_id_status_report')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_status_report_file')),
        sa.UniqueConstraint('file_id', name=op.f('uq_status_report_file_file_id')),
    )
    op.create_index(op.f('ix_status_report_file_report_id'), 'status_report_file', ['report_id'], unique=False)
    op.create_table(
        'termination_proposal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('award_id', sa.Integer(), nullable=False),
        sa.Column('cause', sa.String(length=40), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('status', sa.Enum('open', 'ordered', 'dismissed', name='status', native_enum=False, length=12,
                                    create_constraint=True), nullable=False),
        sa.Column('decision_note', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['award_id'], ['status_award.id'],
                                name=op.f('fk_termination_proposal_award_id_status_award')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_termination_proposal')),
        sa.UniqueConstraint('award_id', 'cause', name='uq_termination_proposal_cause'),
    )
    op.create_index(op.f('ix_termination_proposal_award_id'), 'termination_proposal', ['award_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_termination_proposal_award_id'), table_name='termination_proposal')
    op.drop_table('termination_proposal')
    op.drop_index(op.f('ix_status_report_file_report_id'), table_name='status_report_file')
    op.drop_table('status_report_file')
    op.drop_index('ix_status_report_state_due', table_name='status_report')
    op.drop_index(op.f('ix_status_report_award_id'), table_name='status_report')
    op.drop_table('status_report')
