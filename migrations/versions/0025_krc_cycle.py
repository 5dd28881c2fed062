"""КРЦ/ЛСВ cycle: applications for network statuses (figures against the type's minimum requirements, the
council's protocol, the granting order) and roadmaps per holder and year (plan, approval, notes, completion)

Revision ID: 0025_krc_cycle
Revises: 0024_presets
Create Date: 2026-11-30 10:01:59
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025_krc_cycle'
down_revision = '0024_presets'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('roadmap',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'returned', 'resubmitted', 'approved', 'reported', name='status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('plan', sa.JSON(), nullable=False),
    sa.Column('remarks', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('completion', sa.JSON(), nullable=False),
    sa.Column('reported_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(status IN ('approved', 'reported')) = (approved_at IS NOT NULL)", name=op.f('ck_roadmap_approved_at_iff_approved')),
    sa.CheckConstraint("status <> 'reported' OR reported_at IS NOT NULL", name=op.f('ck_roadmap_reported_at_when_reported')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user_account.id'], name=op.f('fk_roadmap_approved_by_id_user_account')),
    sa.ForeignKeyConstraint(['order_id'], ['order_doc.id'], name=op.f('fk_roadmap_order_id_order_doc')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_roadmap_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadmap')),
    sa.UniqueConstraint('organization_id', 'year', name='uq_roadmap_org_year')
    )
    with op.batch_alter_table('roadmap', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadmap_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('ix_roadmap_year_status', ['year', 'status'], unique=False)

    op.create_table('roadmap_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('roadmap_id', sa.Integer(), nullable=False),
    sa.Column('noted_on', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_roadmap_note_author_id_user_account')),
    sa.ForeignKeyConstraint(['roadmap_id'], ['roadmap.id'], name=op.f('fk_roadmap_note_roadmap_id_roadmap')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadmap_note'))
    )
    with op.batch_alter_table('roadmap_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadmap_note_roadmap_id'), ['roadmap_id'], unique=False)

    op.create_table('status_application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('status_type_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'returned', 'resubmitted', 'under_review', 'council_approved', 'council_rejected', 'granted', name='status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('theme', sa.String(length=500), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('shortfalls', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=True),
    sa.Column('remarks', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('council_date', sa.Date(), nullable=True),
    sa.Column('council_number', sa.String(length=32), nullable=False),
    sa.Column('council_decision', sa.Text(), nullable=False),
    sa.Column('council_file_id', sa.Integer(), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('award_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(status IN ('council_approved', 'council_rejected', 'granted')) = (council_date IS NOT NULL AND council_number <> '')", name=op.f('ck_status_application_protocol_iff_decided')),
    sa.CheckConstraint("status <> 'granted' OR award_id IS NOT NULL", name=op.f('ck_status_application_award_when_granted')),
    sa.CheckConstraint('shortfalls >= 0', name=op.f('ck_status_application_shortfalls_non_negative')),
    sa.ForeignKeyConstraint(['award_id'], ['status_award.id'], name=op.f('fk_status_application_award_id_status_award')),
    sa.ForeignKeyConstraint(['council_file_id'], ['stored_file.id'], name=op.f('fk_status_application_council_file_id_stored_file')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_status_application_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['file_id'], ['stored_file.id'], name=op.f('fk_status_application_file_id_stored_file')),
    sa.ForeignKeyConstraint(['order_id'], ['order_doc.id'], name=op.f('fk_status_application_order_id_order_doc')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_status_application_organization_id_organization')),
    sa.ForeignKeyConstraint(['status_type_id'], ['status_type.id'], name=op.f('fk_status_application_status_type_id_status_type')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_application'))
    )
    with op.batch_alter_table('status_application', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_status_application_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('ix_status_application_year_status', ['year', 'status'], unique=False)



def downgrade():
    with op.batch_alter_table('status_application', schema=None) as batch_op:
        batch_op.drop_index('ix_status_application_year_status')
        batch_op.drop_index(batch_op.f('ix_status_application_organization_id'))

    op.drop_table('status_application')
    with op.batch_alter_table('roadmap_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadmap_note_roadmap_id'))

    op.drop_table('roadmap_note')
    with op.batch_alter_table('roadmap', schema=None) as batch_op:
        batch_op.drop_index('ix_roadmap_year_status')
        batch_op.drop_index(batch_op.f('ix_roadmap_organization_id'))

    op.drop_table('roadmap')
