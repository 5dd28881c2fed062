"""Schemathesis against the API's own OpenAPI description, in process (WSGI), with a valid token: for
every operation, generated requests — valid ones and deliberately invalid ones — never get a server
error, and every answer matches the description (status code, content type, body schema)."""
from __future__ import annotations

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
from workflow_app.models.api_token import ApiToken

from .api_client import bearer, issue_token
from .factories import make_world

MAX_EXAMPLES = 25
CONFORMANCE = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


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
        appeal_id = _appeal(w)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = bearer(secret)
    # Real ids for the path parameters, so the success paths are reached too, not only 404s.
    real = {"entry_id": w.entry_id, "campaign_id": w.campaign_id, "token_id": spare, "number": 1,
            "appeal_id": appeal_id}
    seen = 0
    for result in schema.get_all_operations():
        op = result.ok()
        seen += 1
        _run(op, headers, GenerationMode.POSITIVE, CONFORMANCE)
        _run(op, headers, GenerationMode.NEGATIVE, [not_a_server_error, content_type_conformance])
        names = {p.name for p in op.path_parameters}
        if names:
            _run(op, headers, GenerationMode.POSITIVE, CONFORMANCE,
                 path_parameters={n: real[n] for n in names})
    assert seen == 14  # every operation of the description was exercised
