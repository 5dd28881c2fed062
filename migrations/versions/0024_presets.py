"""competition presets as data (seeded with the built-in preset of every kind); the teacher competition
kind; who an entry belongs to (organisation, person, team) with co-applicant organisations

Revision ID: 0024_presets
Revises: 0023_fip_cases
Create Date: 2026-11-30 10:05:00

The seed rows come from the built-in definitions (`services.competition.presets.builtin`), so the table
starts with exactly what the application would create on first use.
"""
from datetime import UTC, datetime

import sqlalchemy as sa

from workflow_app.models.search import SQLITE_TRIGGERS
from alembic import op

revision = '0024_presets'
down_revision = '0023_fip_cases'
branch_labels = None
depends_on = None

OLD_KINDS = "'innovation_search', 'methodical_teams', 'best_practice', 'poster_session', 'other'"
NEW_KINDS = "'innovation_search', 'methodical_teams', 'best_practice', 'poster_session', 'teacher_contest', 'other'"
APPLICANT_KINDS = ('organization', 'person', 'team')


def _applicant_kind(name='applicant_kind'):
    return sa.Enum(*APPLICANT_KINDS, name=name, native_enum=False, length=16, create_constraint=True)


def upgrade():
    from workflow_app.services.competition.presets.builtin import builtin_rows

    preset = op.create_table(
        'competition_preset',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.Enum('innovation_search', 'methodical_teams', 'best_practice', 'poster_session',
                                  'teacher_contest', 'other', name='kind', native_enum=False, length=32,
                                  create_constraint=True), nullable=False),
        sa.Column('is_default', sa.Boolean(), nullable=False),
        sa.Column('builtin', sa.Boolean(), nullable=False),
        sa.Column('applicant_kind', _applicant_kind(), nullable=False),
        sa.Column('code_prefix', sa.String(length=16), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('sections', sa.JSON(), nullable=False),
        sa.Column('tracks', sa.JSON(), nullable=False),
        sa.Column('stages', sa.JSON(), nullable=False),
        sa.Column('criteria', sa.JSON(), nullable=False),
        sa.Column('output_documents', sa.JSON(), nullable=False),
        sa.Column('expert_status_types', sa.JSON(), nullable=False),
        sa.Column('copied_from_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['copied_from_id'], ['competition_preset.id'],
                                name=op.f('fk_competition_preset_copied_from_id_competition_preset')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_competition_preset')),
        sa.UniqueConstraint('name', name=op.f('uq_competition_preset_name')),
    )
    with op.batch_alter_table('competition_preset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competition_preset_kind'), ['kind'], unique=False)
    stamp = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(preset, [dict(r, created_at=stamp, updated_at=stamp, version=1) for r in builtin_rows()])

    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_campaign_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_campaign_kind'), f"kind IN ({NEW_KINDS})")
        batch_op.add_column(sa.Column('applicant_kind', _applicant_kind(), server_default='organization',
                                      nullable=False))
        batch_op.add_column(sa.Column('output_documents', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('preset_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_campaign_preset_id_competition_preset'), 'competition_preset',
                                    ['preset_id'], ['id'])
    op.execute("UPDATE campaign SET output_documents = '[\"protocol\", \"rating\", \"order\", \"certificates\"]'")
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.alter_column('output_documents', existing_type=sa.JSON(), nullable=False)

    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('applicant_kind', _applicant_kind(), server_default='organization',
                                      nullable=False))
        batch_op.add_column(sa.Column('person_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_entry_person_id'), ['person_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_entry_person_id_user_account'), 'user_account',
                                    ['person_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_entry_person_entry_has_person'),
                                         "applicant_kind <> 'person' OR person_id IS NOT NULL")
    _search_triggers_again()

    op.create_table(
        'entry_coapplicant',
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('added_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_entry_coapplicant_entry_id_entry'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                                name=op.f('fk_entry_coapplicant_organization_id_organization')),
        sa.PrimaryKeyConstraint('entry_id', 'organization_id', name=op.f('pk_entry_coapplicant')),
    )
    with op.batch_alter_table('entry_coapplicant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entry_coapplicant_organization_id'), ['organization_id'], unique=False)


def _search_triggers_again():
    """SQLite re-created `entry` in the batch above, and the full-text index's triggers went with the old
    table: create them again (PostgreSQL alters the table in place)."""
    if op.get_bind().dialect.name == "sqlite":
        for name, sql in SQLITE_TRIGGERS.items():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
            op.execute(sql)


def downgrade():
    op.drop_table('entry_coapplicant')
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_entry_person_entry_has_person'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_entry_person_id_user_account'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_entry_person_id'))
        batch_op.drop_column('person_id')
        batch_op.drop_constraint(op.f('ck_entry_applicant_kind'), type_='check')
        batch_op.drop_column('applicant_kind')
    _search_triggers_again()
    op.execute("UPDATE campaign SET kind = 'other' WHERE kind = 'teacher_contest'")
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_campaign_preset_id_competition_preset'), type_='foreignkey')
        batch_op.drop_column('preset_id')
        batch_op.drop_column('output_documents')
        batch_op.drop_constraint(op.f('ck_campaign_applicant_kind'), type_='check')
        batch_op.drop_column('applicant_kind')
        batch_op.drop_constraint(op.f('ck_campaign_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_campaign_kind'), f"kind IN ({OLD_KINDS})")
    op.drop_table('competition_preset')
