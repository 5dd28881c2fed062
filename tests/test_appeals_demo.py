"""The demo has an appeal rejected and one upheld that changes a signed result through an amending order."""
import pytest
from sqlalchemy import select

from workflow_app.demo import seed_demo
from workflow_app.extensions import db
from workflow_app.models.appeal import Appeal, AppealStatus
from workflow_app.models.competition import Decision
from workflow_app.models.orders import OrderKind, OrderStatus


@pytest.mark.demo
def test_demo_appeals_rejected_and_upheld_through_an_amending_order(app):
    with app.app_context():
        assert app.demo_counts["appeals"] == 2 and app.demo_counts["amending_orders"] == 1
        appeals = {a.status: a for a in db.session.execute(select(Appeal)).scalars()}
        assert set(appeals) == {AppealStatus.upheld, AppealStatus.rejected}
        assert appeals[AppealStatus.rejected].decision_reason
        upheld = appeals[AppealStatus.upheld]
        assert upheld.entry.decision == Decision.winner
        order = upheld.amending_order
        assert order.kind == OrderKind.amend and order.status == OrderStatus.draft
        assert order.target_order.status == OrderStatus.signed and order.target_order.kind == OrderKind.approve_results
        rows = order.annexes[0]["table"]["rows"]
        assert rows[0][1] == upheld.entry.organization.full_name and "победитель" in rows[0][3]
        again = seed_demo()
        db.session.commit()
        assert "appeals" not in again and again["calendar_days"] == 0
