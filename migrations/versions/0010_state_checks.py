"""state checks: the database refuses unknown Enum values and states missing what they imply

Revision ID: 0010_state_checks
Revises: 0009_commission
Create Date: 2026-11-30 07:00:00

Every Enum column gets a CHECK of its allowed member names (the models declare them with
models.base.checked_enum), and rules tying columns to a state become named CHECK constraints.
The lists are written out here, not read from the models: a later change to an Enum needs its own
migration.

SQLite cannot add a constraint to a table, so batch mode re-creates each table (named CHECKs are
reflected and kept). audit_event is not touched, so its append-only triggers (0002) stay.
"""
from alembic import op


revision = '0010_state_checks'
down_revision = '0009_commission'
branch_labels = None
depends_on = None

CHECKS = {
    'organization': [
        ('ck_organization_org_type',
         "org_type IN ('DOO', 'OO', 'ODOD', 'SOO', 'POO', 'MOUO', 'TMS', 'VUZ', 'OTHER')"),
        ('ck_organization_status', "status IN ('active', 'deactivated')"),
    ],
    'user_account': [
        ('ck_user_account_status', "status IN ('active', 'deactivated')"),
    ],
    'outbox': [
        ('ck_outbox_channel', "channel IN ('email', 'inapp')"),
        ('ck_outbox_sent_is_not_failed', 'NOT failed OR sent_at IS NULL'),
    ],
    'role_grant': [
        ('ck_role_grant_role',
         "role IN ('applicant', 'coordinator', 'expert', 'staff', 'signatory', 'admin')"),
    ],
    'campaign': [
        ('ck_campaign_final_score_mode', "final_score_mode IN ('last_stage', 'weighted_stages')"),
        ('ck_campaign_kind',
         "kind IN ('innovation_search', 'methodical_teams', 'best_practice', 'poster_session', 'other')"),
        ('ck_campaign_status', "status IN ('draft', 'open', 'review', 'defence', 'decision', 'closed')"),
    ],
    'order_doc': [
        ('ck_order_doc_kind',
         "kind IN ('conduct_competition', 'approve_results', 'assign_status', 'approve_roadmap', 'extend_status', 'complete_status', 'terminate_status', 'amend', 'cancel', 'other')"),
        ('ck_order_doc_status',
         "status IN ('draft', 'approval', 'approved', 'signed', 'amended', 'cancelled')"),
        ('ck_order_doc_number_iff_signed',
         "(status IN ('signed', 'amended', 'cancelled')) = (number IS NOT NULL AND signed_at IS NOT NULL)"),
    ],
    'stage': [
        ('ck_stage_kind',
         "kind IN ('registration', 'submission', 'correction', 'expert_review', 'defence', 'decision')"),
    ],
    'entry': [
        ('ck_entry_decision', "decision IN ('winner', 'not_selected')"),
        ('ck_entry_status',
         "status IN ('draft', 'submitted', 'returned', 'admitted', 'rejected', 'under_review', 'scored', 'shortlisted', 'defended', 'winner', 'not_selected', 'withdrawn')"),
        ('ck_entry_decision_matches_status', 'decision IS NULL OR decision = status'),
        ('ck_entry_returned_has_correction_due', "status <> 'returned' OR correction_due IS NOT NULL"),
    ],
    'order_approval': [
        ('ck_order_approval_status', "status IN ('pending', 'approved', 'returned')"),
        ('ck_order_approval_decided_at_iff_decided', "(status = 'pending') = (decided_at IS NULL)"),
        ('ck_order_approval_returned_has_remark', "status <> 'returned' OR remark <> ''"),
    ],
    'decision_override': [
        ('ck_decision_override_decision', "decision IN ('winner', 'not_selected')"),
    ],
    'review_assignment': [
        ('ck_review_assignment_status',
         "status IN ('offered', 'accepted', 'declined', 'conflict', 'submitted', 'reopened', 'revoked')"),
        ('ck_review_assignment_submitted_has_total',
         "status <> 'submitted' OR (total IS NOT NULL AND submitted_at IS NOT NULL)"),
    ],
    'status_award': [
        ('ck_status_award_status',
         "status IN ('proposed', 'active', 'suspended', 'completed', 'terminated')"),
        ('ck_status_award_status_type',
         "status_type IN ('KIP', 'KRC', 'RCOO', 'LSV', 'MRC', 'INTERNSHIP', 'BEST_PRACTICE', 'FIP', 'MIP')"),
    ],
}


def upgrade():
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, condition in checks:
                batch_op.create_check_constraint(op.f(name), condition)


def downgrade():
    for table, checks in reversed(CHECKS.items()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _ in reversed(checks):
                batch_op.drop_constraint(op.f(name), type_='check')
