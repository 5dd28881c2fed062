"""notification preferences, digests, calendar tokens, group mail; the outbox's «sending» mark

Revision ID: 0019_notification_prefs
Revises: 0017_api_tokens
Create Date: 2026-11-30 09:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0019_notification_prefs'
down_revision = '0017_api_tokens'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('sending_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('digest_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f('fk_outbox_digest_id_outbox'), 'outbox', ['digest_id'], ['id'])
        batch.create_index(batch.f('ix_outbox_digest_id'), ['digest_id'], unique=False)
        batch.create_check_constraint('digested_is_not_sent', 'digest_id IS NULL OR sent_at IS NULL')
    op.create_table('notification_setting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('mail_mode', sa.Enum('immediate', 'digest', name='mail_mode', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_setting_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_setting')),
    sa.UniqueConstraint('user_id', name=op.f('uq_notification_setting_user_id'))
    )
    op.create_table('calendar_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_calendar_token_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_token_token_hash'))
    )
    with op.batch_alter_table('calendar_token') as batch:
        batch.create_index('uq_calendar_token_live', ['user_id'], unique=True,
                           postgresql_where=sa.text('revoked_at IS NULL'), sqlite_where=sa.text('revoked_at IS NULL'))
    op.create_table('group_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('audience_label', sa.String(length=500), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('recipients > 0', name=op.f('ck_group_mail_has_recipients')),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_group_mail_author_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_mail'))
    )
    with op.batch_alter_table('group_mail') as batch:
        batch.create_index(batch.f('ix_group_mail_author_id'), ['author_id'], unique=False)
        batch.create_index(batch.f('ix_group_mail_created_at'), ['created_at'], unique=False)


def downgrade():
    op.drop_table('group_mail')
    op.drop_table('calendar_token')
    op.drop_table('notification_setting')
    with op.batch_alter_table('outbox') as batch:
        batch.drop_constraint('digested_is_not_sent', type_='check')
        batch.drop_index(batch.f('ix_outbox_digest_id'))
        batch.drop_constraint(batch.f('fk_outbox_digest_id_outbox'), type_='foreignkey')
        batch.drop_column('digest_id')
        batch.drop_column('sending_at')
