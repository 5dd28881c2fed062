"""Under /api/ every answer is JSON — errors included (unknown address, wrong method, a NUL, a crash),
in Russian, UTF-8 as is; and the OpenAPI description covers every route of the API."""
from __future__ import annotations

import re

import pytest

from workflow_app.api.core import PREFIX

from .api_client import bearer, issue_token
from .factories import make_world


@pytest.fixture
def token(app):
    with app.app_context():
        make_world()
        return issue_token("appa@x.ru")


def _json_error(resp, status: int) -> dict:
    assert resp.status_code == status
    assert resp.mimetype == "application/json", resp.get_data(as_text=True)[:200]
    body = resp.get_json()
    assert set(body) == {"error", "fields"} and re.search("[а-я]", body["error"])
    return body


def test_routing_errors_are_json(client, token):
    _json_error(client.get("/api/v1/nothing-here", headers=bearer(token)), 404)
    _json_error(client.get("/api/v2/campaigns", headers=bearer(token)), 404)
    body = _json_error(client.delete("/api/v1/campaigns", headers=bearer(token)), 405)
    assert body["error"] == "Этот адрес не принимает такой метод запроса."
    body = _json_error(client.get("/api/v1/organizations?q=a%00b", headers=bearer(token)), 400)
    assert "NUL" in body["error"]
    body = _json_error(client.post("/api/v1/campaigns/1/entries", headers=bearer(token),
                                   json={"organization_id": 1, "track": "О\u0000О"}), 400)
    assert "NUL" in body["error"]
    # the site's own pages stay HTML
    assert client.get("/no-such-page").mimetype == "text/html"


def test_a_crash_is_a_json_500_that_tells_nothing_of_its_insides(app, client, token, monkeypatch):
    from workflow_app.services.competition import catalogue

    def broken(*args, **kwargs):
        raise RuntimeError("password=hunter2 at /srv/app/secret.py")

    monkeypatch.setattr(catalogue, "campaign_query", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    resp = client.get("/api/v1/campaigns", headers=bearer(token))
    body = _json_error(resp, 500)
    assert body["error"] == "Внутренняя ошибка сервера. Изменения не сохранены."
    assert "hunter2" not in resp.get_data(as_text=True) and "secret.py" not in resp.get_data(as_text=True)


def test_json_is_utf8_with_cyrillic_as_is(client, token):
    resp = client.get("/api/v1/campaigns", headers=bearer(token))
    assert resp.mimetype == "application/json"
    raw = resp.get_data()
    assert "Инновационный поиск".encode() in raw and b"\\u04" not in raw


def test_openapi_describes_every_route_with_bearer_auth_and_the_error_schema(app, client):
    resp = client.get(f"{PREFIX}/openapi.json")  # public: a client reads it before it has a token
    assert resp.status_code == 200
    spec = resp.get_json()
    assert spec["info"]["version"] == "1" and spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": spec["components"]["securitySchemes"]["bearerAuth"][
            "description"]}
    assert spec["security"] == [{"bearerAuth": []}]
    error = spec["components"]["schemas"]["Error"]
    assert error["required"] == ["error"] and set(error["properties"]) == {"error", "fields"}

    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops
                  if method != "parameters"}
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX) and not rule.rule.endswith("openapi.json"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            routed |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routed == documented
    for path, method in documented:
        op = spec["paths"][path][method.lower()]
        assert op.get("summary"), (path, method)
        assert "default" in op["responses"] and any(code.startswith("2") for code in op["responses"])
    create = spec["paths"]["/api/v1/campaigns/{campaign_id}/entries"]["post"]
    schema = create["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(spec["components"]["schemas"][schema]["required"]) == {"organization_id", "track"}
