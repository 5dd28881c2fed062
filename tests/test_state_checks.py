"""The database guards the states: whatever writes the rows (the app, an import script, a console session),
an unknown state is refused, and so is a state missing what it implies.

Rows are written with raw SQL, so the models and services cannot step in: only the CHECK constraints of
migration 0010 stand between the statement and the data.
"""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from workflow_app.extensions import db
from workflow_app.models import Channel, OutboxMessage, Role
from workflow_app.models.appeal import Appeal
from workflow_app.models.competition import (
    AssignmentStatus,
    CampaignStatus,
    Decision,
    EntryStatus,
    ReviewAssignment,
    StageKind,
)
from workflow_app.models.fip_case import FipCase
from workflow_app.models.notification import MailMode, NotificationSetting
from workflow_app.models.orders import Order, OrderApproval, OrderKind, OrderStatus
from workflow_app.models.reminder import Reminder
from workflow_app.models.results import DecisionOverride
from workflow_app.models.roadmap import Roadmap
from workflow_app.models.status_application import StatusApplication
from workflow_app.models.status_award import StatusAward
from workflow_app.models.status_report import StatusReport, TerminationProposal

from .factories import make_campaign, make_entry, make_org, make_user, stage, status_type


def _world() -> dict:
    """One valid row in every table with a checked column; returns their ids."""
    org = make_org()
    staff = make_user("staff@x.ru", Role.staff)
    expert = make_user("expert@x.ru", Role.expert)
    campaign = make_campaign(status=CampaignStatus.review)
    entry = make_entry(campaign, org, "ОО", EntryStatus.under_review)
    sheet = ReviewAssignment(entry=entry, stage=stage(campaign, StageKind.expert_review), expert=expert,
                             status=AssignmentStatus.accepted)
    order = Order(kind=OrderKind.other, title="О проведении семинара", status=OrderStatus.approval)
    visa = OrderApproval(order=order, approver_id=staff.id)
    award = StatusAward(organization=org, status_type=status_type("KIP"), term_from=date(2027, 1, 1),
                        term_to=date(2029, 12, 31))
    db.session.add_all([
        sheet, order, visa, award,
        StatusReport(award=award, period_year=2027, due_date=date(2027, 12, 1)),
        TerminationProposal(award=award, cause="missed_twice", reason="Два отчёта не представлены"),
        DecisionOverride(entry=entry, campaign_id=campaign.id, decision=Decision.winner,
                         reason="Решение комиссии"),
        StatusApplication(organization=org, status_type=status_type("KRC"), year=2026),
        Roadmap(organization=org, year=2026, plan={}),
        OutboxMessage(dedup_key="test:1", channel=Channel.email, recipient_email="a@x.ru",
                      subject="Тема", body="Текст"),
        Reminder(kind="entry.correction", object_type="entry", object_id=entry.id, recipient_id=staff.id,
                 offset_days=-1, title="Заявка: доработка", deadline_at=datetime(2027, 1, 2, tzinfo=UTC),
                 due_at=datetime(2027, 1, 1, 6, tzinfo=UTC)),
        NotificationSetting(user_id=staff.id, mail_mode=MailMode.digest),
        FipCase(organization=org, project="Проект", year=2027, form={}, manual_checks=[]),
        Appeal(campaign_id=campaign.id, entry=entry, stage=stage(campaign, StageKind.decision),
               grounds="Не согласны", submitted_at=datetime(2027, 1, 1, tzinfo=UTC),
               decision_due_at=datetime(2027, 1, 8, tzinfo=UTC)),
    ])
    db.session.commit()
    return {"entry": entry.id, "sheet": sheet.id, "order": order.id, "visa": visa.id}


def _refused(sql: str, constraint: str, **params) -> None:
    with pytest.raises(IntegrityError) as exc:
        db.session.execute(sa.text(sql), params)
        db.session.flush()
    assert constraint in str(exc.value)
    db.session.rollback()


def _accepted(sql: str, **params) -> None:
    assert db.session.execute(sa.text(sql), params).rowcount == 1
    db.session.commit()


def _enum_columns() -> list[tuple[str, str]]:
    return sorted((t.name, c.name) for t in db.metadata.tables.values() for c in t.columns
                  if isinstance(c.type, sa.Enum))


ENUM_COLUMNS = _enum_columns()


@pytest.mark.parametrize("table,column", ENUM_COLUMNS, ids=[f"{t}.{c}" for t, c in ENUM_COLUMNS])
def test_an_unknown_state_is_refused(ctx, table, column):
    _world()
    row = f"(SELECT min(id) FROM {table})"
    _refused(f"UPDATE {table} SET {column} = 'bogus' WHERE id = {row}", f"ck_{table}_")
    # The value it holds (a member's name) is accepted.
    _accepted(f"UPDATE {table} SET {column} = {column} WHERE id = {row}")


def test_every_enum_column_is_checked_in_the_database(ctx):
    """A new Enum column without `checked_enum` (or a migration without its CHECK) fails here."""
    inspector = sa.inspect(db.engine)
    for table, column in ENUM_COLUMNS:
        assert db.metadata.tables[table].c[column].type.create_constraint, f"{table}.{column}"
        names = {ck["name"] for ck in inspector.get_check_constraints(table)}
        assert f"ck_{table}_{column}" in names, f"{table}.{column}"


def test_a_signed_order_has_its_number_and_signing_time(ctx):
    order = _world()["order"]
    _refused("UPDATE order_doc SET status = 'signed' WHERE id = :id", "number_iff_signed", id=order)
    _refused("UPDATE order_doc SET status = 'signed', number = '12-П' WHERE id = :id", "number_iff_signed",
             id=order)
    _accepted("UPDATE order_doc SET status = 'signed', number = '12-П', signed_at = CURRENT_TIMESTAMP "
              "WHERE id = :id", id=order)
    # Amended or cancelled by a later order, it keeps them.
    _accepted("UPDATE order_doc SET status = 'amended' WHERE id = :id", id=order)
    _refused("UPDATE order_doc SET number = NULL WHERE id = :id", "number_iff_signed", id=order)
    _accepted("UPDATE order_doc SET status = 'cancelled' WHERE id = :id", id=order)


def test_an_unsigned_order_has_no_number(ctx):
    order = _world()["order"]
    _refused("UPDATE order_doc SET number = '12-П', signed_at = CURRENT_TIMESTAMP WHERE id = :id",
             "number_iff_signed", id=order)
    _refused("UPDATE order_doc SET status = 'approved', number = '12-П', signed_at = CURRENT_TIMESTAMP "
             "WHERE id = :id", "number_iff_signed", id=order)
    _accepted("UPDATE order_doc SET status = 'approved' WHERE id = :id", id=order)


def test_a_decided_visa_has_its_date_and_a_pending_one_has_none(ctx):
    visa = _world()["visa"]
    _refused("UPDATE order_approval SET status = 'approved' WHERE id = :id", "decided_at_iff_decided", id=visa)
    _refused("UPDATE order_approval SET decided_at = CURRENT_TIMESTAMP WHERE id = :id",
             "decided_at_iff_decided", id=visa)
    _accepted("UPDATE order_approval SET status = 'approved', decided_at = CURRENT_TIMESTAMP WHERE id = :id",
              id=visa)


def test_a_returned_visa_says_why(ctx):
    visa = _world()["visa"]
    _refused("UPDATE order_approval SET status = 'returned', decided_at = CURRENT_TIMESTAMP WHERE id = :id",
             "returned_has_remark", id=visa)
    _accepted("UPDATE order_approval SET status = 'returned', decided_at = CURRENT_TIMESTAMP, "
              "remark = 'Уточнить сроки' WHERE id = :id", id=visa)


def test_a_submitted_score_sheet_has_its_total(ctx):
    sheet = _world()["sheet"]
    _refused("UPDATE review_assignment SET status = 'submitted' WHERE id = :id", "submitted_has_total", id=sheet)
    _refused("UPDATE review_assignment SET status = 'submitted', total = 42 WHERE id = :id",
             "submitted_has_total", id=sheet)
    _accepted("UPDATE review_assignment SET status = 'submitted', total = 42, submitted_at = CURRENT_TIMESTAMP "
              "WHERE id = :id", id=sheet)
    # Reopened for the expert, it may keep the old total until the sheet is sent again.
    _accepted("UPDATE review_assignment SET status = 'reopened' WHERE id = :id", id=sheet)


def test_a_returned_entry_has_a_correction_due_date(ctx):
    entry = _world()["entry"]
    _refused("UPDATE entry SET status = 'returned' WHERE id = :id", "returned_has_correction_due", id=entry)
    _accepted("UPDATE entry SET status = 'returned', correction_due = CURRENT_TIMESTAMP WHERE id = :id",
              id=entry)


def test_an_entry_decision_matches_its_final_status(ctx):
    entry = _world()["entry"]
    _refused("UPDATE entry SET decision = 'winner' WHERE id = :id", "decision_matches_status", id=entry)
    _refused("UPDATE entry SET status = 'winner', decision = 'not_selected' WHERE id = :id",
             "decision_matches_status", id=entry)
    # Within the approving transaction the status moves first, the decision follows.
    _accepted("UPDATE entry SET status = 'winner' WHERE id = :id", id=entry)
    _accepted("UPDATE entry SET decision = 'winner' WHERE id = :id", id=entry)


def test_a_sent_message_is_not_marked_failed(ctx):
    _world()
    row = "(SELECT min(id) FROM outbox)"
    _accepted(f"UPDATE outbox SET sent_at = CURRENT_TIMESTAMP WHERE id = {row}")
    _refused(f"UPDATE outbox SET failed = TRUE WHERE id = {row}", "sent_is_not_failed")
    _accepted(f"UPDATE outbox SET sent_at = NULL, failed = TRUE WHERE id = {row}")


def test_a_message_in_a_digest_is_not_sent_on_its_own(ctx):
    _world()
    db.session.add(OutboxMessage(dedup_key="email:digest:1:2027-01-01", channel=Channel.email,
                                 recipient_email="a@x.ru", subject="Сводка", body="…"))
    db.session.commit()
    first, digest = "(SELECT min(id) FROM outbox)", "(SELECT max(id) FROM outbox)"
    _accepted(f"UPDATE outbox SET digest_id = {digest} WHERE id = {first}")
    _refused(f"UPDATE outbox SET sent_at = CURRENT_TIMESTAMP WHERE id = {first}", "digested_is_not_sent")


def test_a_group_mail_has_recipients(ctx):
    staff = make_user("writer@x.ru", Role.staff)
    db.session.commit()
    _refused("INSERT INTO group_mail (author_id, subject, body, audience, audience_label, recipients, created_at) "
             "VALUES (:a, 'Тема', 'Текст', '{}', 'Никто', 0, CURRENT_TIMESTAMP)", "has_recipients", a=staff.id)
