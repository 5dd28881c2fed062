"""status types as data: a table of types (seeded with the nine of the former enum), termination grounds,
status_award.status_type → status_type_id, the «scheduled» award state, term indexes

Revision ID: 0020_status_types
Revises: 0019_notification_prefs
Create Date: 2026-11-30 09:30:00

Awards keep their type through the code: the old column held the enum member name, which is the new
table's `code`. SQLite cannot alter a column in place, so batch mode re-creates status_award.
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op


revision = '0020_status_types'
down_revision = '0019_notification_prefs'
branch_labels = None
depends_on = None

ALL = ['DOO', 'OO', 'ODOD', 'SOO', 'POO', 'MOUO', 'TMS', 'VUZ', 'OTHER']
SCHOOLS = ['DOO', 'OO', 'ODOD', 'SOO', 'POO', 'MOUO', 'TMS']
METHODICAL = ['TMS', 'MOUO']
KRC_REQUIREMENTS = [
    {"code": "products", "name": "Продукты инновационной деятельности (методические разработки, программы, "
                                 "диагностический инструментарий)", "min": 3, "unit": "шт."},
    {"code": "events", "name": "Зональные или краевые семинары, вебинары в год", "min": 3, "unit": "в год"},
    {"code": "network", "name": "Участники авторской методической сети", "min": 5, "unit": "орг."},
    {"code": "teachers_trained", "name": "Доля педагогов, прошедших повышение квалификации по теме проекта",
     "min": 41, "unit": "%"},
]
# code, name, short name, term, holders, requirements, granting body, suspension allowed
TYPES = [
    ('KIP', 'Краевая инновационная площадка', 'КИП', 3, SCHOOLS, [], 'institute', True),
    ('KRC', 'Краевой ресурсный центр', 'КРЦ', 3, METHODICAL, KRC_REQUIREMENTS, 'institute', True),
    ('RCOO', 'Ресурсный центр общего образования', 'РЦОО', 3, METHODICAL, KRC_REQUIREMENTS, 'institute', True),
    ('LSV', 'Лидер сетевого взаимодействия', 'ЛСВ', 3, METHODICAL, [], 'institute', True),
    ('MRC', 'Межрегиональный ресурсный центр', 'МРЦ', 3, ALL, [], 'institute', True),
    ('INTERNSHIP', 'Стажировочная площадка', 'СП', 3, ALL, [], 'institute', True),
    ('BEST_PRACTICE', 'Площадка передового педагогического опыта', 'ППО', 3, ALL, [], 'institute', True),
    ('FIP', 'Федеральная инновационная площадка', 'ФИП', 5, ALL, [], 'federal', False),
    ('MIP', 'Муниципальная инновационная площадка', 'МИП', 3, ALL, [], 'municipality', False),
]
GROUNDS = [
    'Не представлены отчёты дважды',
    'Отчёт отклонён дважды',
    'По заявлению организации',
    'Реорганизация организации',
    'Ликвидация организации',
]
OLD_CODES = "'KIP', 'KRC', 'RCOO', 'LSV', 'MRC', 'INTERNSHIP', 'BEST_PRACTICE', 'FIP', 'MIP'"


def upgrade():
    status_type = op.create_table(
        'status_type',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('short_name', sa.String(length=16), nullable=False),
        sa.Column('default_term_years', sa.Integer(), nullable=False),
        sa.Column('holder_org_types', sa.JSON(), nullable=False),
        sa.Column('report_due_month', sa.Integer(), nullable=False),
        sa.Column('report_due_day', sa.Integer(), nullable=False),
        sa.Column('final_report', sa.Boolean(), nullable=False),
        sa.Column('requirements', sa.JSON(), nullable=False),
        sa.Column('granting_body', sa.Enum('institute', 'municipality', 'federal', name='granting_body',
                                           native_enum=False, length=16, create_constraint=True), nullable=False),
        sa.Column('suspension_allowed', sa.Boolean(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.CheckConstraint('default_term_years BETWEEN 1 AND 10', name=op.f('ck_status_type_term_years_range')),
        sa.CheckConstraint('report_due_month BETWEEN 1 AND 12 AND report_due_day BETWEEN 1 AND 31',
                           name=op.f('ck_status_type_report_due_range')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_status_type')),
        sa.UniqueConstraint('code', name=op.f('uq_status_type_code')),
        sa.UniqueConstraint('name', name=op.f('uq_status_type_name')),
        sa.UniqueConstraint('short_name', name=op.f('uq_status_type_short_name')),
    )
    ground = op.create_table(
        'termination_ground',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('is_active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_termination_ground')),
        sa.UniqueConstraint('name', name=op.f('uq_termination_ground_name')),
    )
    stamp = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(status_type, [
        {'code': c, 'name': n, 'short_name': s, 'default_term_years': t, 'holder_org_types': h,
         'report_due_month': 12, 'report_due_day': 1, 'final_report': True, 'requirements': r,
         'granting_body': g, 'suspension_allowed': sus, 'position': i, 'created_at': stamp,
         'updated_at': stamp, 'version': 1}
        for i, (c, n, s, t, h, r, g, sus) in enumerate(TYPES, start=1)])
    op.bulk_insert(ground, [{'name': n, 'position': i, 'is_active': True, 'created_at': stamp,
                             'updated_at': stamp} for i, n in enumerate(GROUNDS, start=1)])

    with op.batch_alter_table('status_award', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_type_id', sa.Integer(), nullable=True))
    op.execute("UPDATE status_award SET status_type_id = "
               "(SELECT id FROM status_type WHERE status_type.code = status_award.status_type)")
    with op.batch_alter_table('status_award', schema=None) as batch_op:
        batch_op.drop_index('ix_status_award_type_status')
        batch_op.drop_constraint(op.f('ck_status_award_status_type'), type_='check')
        batch_op.drop_constraint(op.f('ck_status_award_status'), type_='check')
        batch_op.drop_column('status_type')
        batch_op.alter_column('status_type_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_status_award_status_type_id_status_type'),
                                    'status_type', ['status_type_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_status_award_status'),
            "status IN ('proposed', 'scheduled', 'active', 'suspended', 'completed', 'terminated')")
        batch_op.create_check_constraint(op.f('ck_status_award_term_order'), 'term_from <= term_to')
        batch_op.create_index('ix_status_award_type_status', ['status_type_id', 'status'], unique=False)
        batch_op.create_index('ix_status_award_term', ['term_from', 'term_to'], unique=False)


def downgrade():
    with op.batch_alter_table('status_award', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_type', sa.String(length=16), nullable=True))
    op.execute("UPDATE status_award SET status_type = "
               "(SELECT code FROM status_type WHERE status_type.id = status_award.status_type_id)")
    op.execute("UPDATE status_award SET status = 'active' WHERE status = 'scheduled'")
    with op.batch_alter_table('status_award', schema=None) as batch_op:
        batch_op.drop_index('ix_status_award_term')
        batch_op.drop_index('ix_status_award_type_status')
        batch_op.drop_constraint(op.f('ck_status_award_term_order'), type_='check')
        batch_op.drop_constraint(op.f('ck_status_award_status'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_status_award_status_type_id_status_type'), type_='foreignkey')
        batch_op.drop_column('status_type_id')
        batch_op.alter_column('status_type', existing_type=sa.String(length=16), nullable=False)
        batch_op.create_check_constraint(op.f('ck_status_award_status_type'), f"status_type IN ({OLD_CODES})")
        batch_op.create_check_constraint(op.f('ck_status_award_status'), "status IN ('proposed', 'active', 'suspended', 'completed', 'terminated')")
        batch_op.create_index('ix_status_award_type_status', ['status_type', 'status'], unique=False)
    op.drop_table('termination_ground')
    op.drop_table('status_type')
