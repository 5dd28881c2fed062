"""The demo has holders with reports in every state, one yearly report prefilled from its holder's plan,
and a termination proposal raised by two missed reports."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models import Organization
from workflow_app.models.status_award import StatusAward
from workflow_app.models.status_report import ProposalStatus, ReportStatus, StatusReport, TerminationProposal
from workflow_app.services.reports import plan


@pytest.mark.demo
def test_demo_reports_in_every_state_one_prefilled_and_a_proposal(app):
    with app.app_context():
        states = set(db.session.execute(select(StatusReport.status).distinct()).scalars())
        assert states == set(ReportStatus)
        lyceum = db.session.execute(
            select(StatusReport).join(StatusAward, StatusAward.id == StatusReport.award_id)
            .join(Organization, Organization.id == StatusAward.organization_id)
            .where(Organization.short_name == "МБОУ лицей № 4", StatusReport.status == ReportStatus.draft)
        ).scalar_one()
        planned = [r.activity for r in plan.activities_for(lyceum.award, lyceum.period_year)]
        assert planned and [row[1] for row in lyceum.content["activities"]["rows"]] == planned
        proposal = db.session.execute(select(TerminationProposal)).scalars().first()
        assert proposal is not None and proposal.status == ProposalStatus.open
        assert proposal.award.organization.short_name == "МБУ ДО ЭБЦ"
