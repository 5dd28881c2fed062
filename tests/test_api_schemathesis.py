"""Schemathesis against the API's own OpenAPI description, in process (WSGI), with a valid token: for
every operation, generated requests — valid ones and deliberately invalid ones — never get a server
error, and every answer matches the description (status code, content type, body schema)."""
from __future__ import annotations

from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from workflow_app.extensions import db
from workflow_app.models import OrgType, User
from workflow_app.models.api_token import ApiToken
from workflow_app.models.competition import Entry
from workflow_app.services import orders
from workflow_app.services.statuses import awards, grounding
from workflow_app.timeutil import today_local

from .api_client import bearer, issue_token
from .factories import fill, make_entry, make_org, make_world, status_type
from .order_data import roadmap_order

MAX_EXAMPLES = 25
CONFORMANCE = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _fip_case(org_id: int) -> int:
    """A ФИП case of org A (the token user's organisation), committed."""
    from workflow_app.models import Organization, User
    from workflow_app.services.fip import cases

    user = db.session.query(User).filter_by(email="appa@x.ru").one()
    case = cases.open_case(user, db.session.get(Organization, org_id), "Проект ФИП", 2027)
    db.session.commit()
    return case.id


def _run(operation, headers: dict, mode: GenerationMode, checks: list, **fixed) -> None:
    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode, **fixed))
    def run(case):
        case.call_and_validate(headers=headers, checks=checks)

    run()


def _appeal(w) -> int:
    """An appeal of the world's entry (written directly: the operations only need one to exist)."""
    from workflow_app.models.appeal import Appeal
    from workflow_app.models.base import utcnow
    from workflow_app.models.competition import Campaign

    campaign = db.session.get(Campaign, w.campaign_id)
    appeal = Appeal(campaign_id=w.campaign_id, entry_id=w.entry_id, stage_id=campaign.stages[-1].id,
                    grounds="Основания", submitted_at=utcnow(), decision_due_at=utcnow())
    db.session.add(appeal)
    db.session.commit()
    return appeal.id


@pytest.mark.slow
def test_no_server_error_and_no_answer_outside_the_schema(app):
    with app.app_context():
        w = make_world(entries_per_org=3)
        secret = issue_token("appa@x.ru", "Schemathesis")
        issue_token("appa@x.ru", "Отзываемый")
        spare = db.session.query(ApiToken).filter_by(name="Отзываемый").one().id
        # Orders are staff's: their operations run with a staff token on a real draft.
        staff = db.session.query(User).filter_by(email="staff@x.ru").one()
        order_id = orders.order_from_json(staff, {**roadmap_order(), "signatory": {}}).id
        # The dossier's operations get a draft of their own: another operation may submit the first one.
        entry = db.session.get(Entry, w.entry_id)
        dossier_entry = fill(make_entry(entry.campaign, entry.organization, "ОО")).id
        _statuses(staff)
        report_id = _report(staff, w.org_a)
        db.session.commit()
        staff_secret = issue_token("staff@x.ru", "Schemathesis")
        fip_case = _fip_case(w.org_a)
        appeal_id = _appeal(w)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    applicant, staff_headers = bearer(secret), bearer(staff_secret)
    # Real ids for the path parameters, so the success paths are reached too, not only 404s.
    real = {"entry_id": w.entry_id, "campaign_id": w.campaign_id, "token_id": spare, "number": 1,
            "order_id": order_id, "case_id": fip_case, "name": "withdraw", "appeal_id": appeal_id,
            "report_id": report_id}
    seen = 0
    for result in schema.get_all_operations():
        op = result.ok()
        seen += 1
        # Orders and figures are staff's (an applicant's token would only get 403); the registry is public.
        headers = {} if op.path == "/api/v1/registry" else staff_headers \
            if op.path.startswith(("/api/v1/orders", "/api/v1/stats")) else applicant
        _run(op, headers, GenerationMode.POSITIVE, CONFORMANCE)
        _run(op, headers, GenerationMode.NEGATIVE, [not_a_server_error, content_type_conformance])
        names = {p.name for p in op.path_parameters}
        if names:
            ids = {**real, "entry_id": dossier_entry} if op.path.endswith("/dossier") else real
            _run(op, headers, GenerationMode.POSITIVE, CONFORMANCE,
                 path_parameters={n: ids[n] for n in names})
    assert seen == 41  # every operation of the description was exercised


def _report(staff: User, org_id: int) -> int:
    """A report owed by org A (the token user's organisation): a КИП in force since last year."""
    from workflow_app.models.status_report import StatusReport

    today = today_local()
    order = grounding.register_external(staff, "МОНиМП КК", "102", date(today.year - 2, 12, 20))
    award = awards.grant(order, staff, org_id, status_type("KIP"), "Тема А", date(today.year - 1, 1, 1),
                         date(today.year + 1, 12, 31), today=today)
    return db.session.query(StatusReport).filter_by(award_id=award.id).order_by(StatusReport.id).first().id


def _statuses(staff: User) -> None:
    """A few awards in force today and in the past, so the registry and the figures answer with rows."""
    today = today_local()
    order = grounding.register_external(staff, "МОНиМП КК", "101", date(2019, 12, 20))
    for n, (code, (y1, y2)) in enumerate([("KIP", (2020, today.year + 1)), ("MIP", (2019, 2021))]):
        org = make_org(f"Организация {n}", "krasnodar", org_type=OrgType.DOO)
        awards.grant(order, staff, org.id, status_type(code), f"Тема {n}", date(y1, 1, 1), date(y2, 12, 31),
                     today=today)
    awards.refresh_awards(today)
