"""`GET /api/v1/registry` (open data, no token) and `GET /api/v1/stats/awards` (staff and signatories, by
token) in the API package: in the OpenAPI description with their schemas, 422 `{"error", "fields"}` for bad
parameters, and the figures on a past date counted from an imported history."""
from __future__ import annotations

from workflow_app.extensions import db
from workflow_app.models import Role
from workflow_app.services.statuses import importer

from .api_client import bearer, issue_token
from .factories import make_org, make_user
from .helpers import login

HEADER = ["Статус", "Организация", "Муниципалитет", "Тип организации", "Тема", "Начало", "Окончание",
          "Кем издан приказ", "Номер приказа", "Дата приказа"]
# On 01.06.2021: КИП — two ДОО in Краснодар and one ОО in Анапа (the ОО in Сочи ended on 31.05.2021);
# МИП — one ОО in Анапа; the КРЦ starts in 2030. On 01.06.2019 only the КИП in Сочи held.
HISTORY = [
    ["КИП", "МАДОУ д/с № 1", "Краснодар", "ДОО", "Тема 1", "01.01.2020", "31.12.2022", "МОНиМП КК", "10", "20.12.2019"],
    ["КИП", "МАДОУ д/с № 2", "Краснодар", "ДОО", "Тема 2", "01.01.2021", "31.12.2023", "МОНиМП КК", "20", "20.12.2020"],
    ["КИП", "МОБУ СОШ № 3", "Сочи", "ОО", "Тема 3", "01.01.2019", "31.05.2021", "МОНиМП КК", "9", "20.12.2018"],
    ["КИП", "МБОУ СОШ № 4", "Анапа", "ОО", "Тема 4", "01.01.2021", "31.12.2023", "МОНиМП КК", "20", "20.12.2020"],
    ["МИП", "МБОУ СОШ № 5", "Анапа", "ОО", "Тема 5", "01.01.2020", "31.12.2022", "УО Анапа", "7-о", "25.12.2019"],
    ["КРЦ", "ИМЦ Сочи", "Сочи", "ТМС", "Тема 6", "01.01.2030", "31.12.2032", "МОНиМП КК", "30", "20.12.2025"],
]


def _import_history(app) -> dict[str, str]:
    """The history imported as staff do it (services/statuses/importer.py); tokens of the people asking."""
    with app.app_context():
        staff = make_user("s@x.ru", Role.staff)
        make_user("rector@x.ru", Role.signatory)
        org = make_org("МБОУ СОШ № 99", "krasnodar")
        make_user("app@x.ru", (Role.applicant, org), org=org)
        make_user("coord@x.ru", (Role.coordinator, org.municipality))
        data = "\n".join(";".join(r) for r in [HEADER, *HISTORY]).encode("utf-8")
        report, created = importer.apply(data, "история.csv", staff)
        assert report.ok and len(created) == len(HISTORY), [r.errors for r in report.rows if r.errors]
        db.session.commit()
        return {who: issue_token(f"{who}@x.ru") for who in ("s", "rector", "app", "coord")}


def test_stats_on_a_past_date_from_an_imported_history(app, client):
    tokens = _import_history(app)
    staff = bearer(tokens["s"])

    def stats(query: str, headers=staff):
        resp = client.get(f"/api/v1/stats/awards?{query}", headers=headers)
        assert resp.status_code == 200, resp.get_json()
        return resp.get_json()

    assert stats("on=2021-06-01&type=КИП&group_by=org_type") == {
        "on": "2021-06-01", "groups": [{"key": "ДОО", "count": 2}, {"key": "ОО", "count": 1}], "total": 3}
    assert stats("on=2021-06-01&group_by=type") == {
        "on": "2021-06-01", "groups": [{"key": "КИП", "count": 3}, {"key": "МИП", "count": 1}], "total": 4}
    by_muni = stats("on=2021-06-01&group_by=municipality")
    assert by_muni["total"] == 4 and by_muni["groups"][0] == {"key": "город Краснодар", "count": 2}
    assert {g["key"]: g["count"] for g in by_muni["groups"]}["город-курорт Анапа"] == 2
    assert stats("on=2019-06-01") == {"on": "2019-06-01", "groups": [{"key": "ОО", "count": 1}], "total": 1}
    assert stats("on=2031-01-01&type=КРЦ")["groups"] == [{"key": "ТМС", "count": 1}]
    assert stats("on=2021-06-01", bearer(tokens["rector"]))["total"] == 4  # signatories see the figures too


def test_stats_need_a_token_of_staff_or_a_signatory(app, client):
    tokens = _import_history(app)
    resp = client.get("/api/v1/stats/awards?on=2021-06-01")
    assert resp.status_code == 401 and resp.get_json()["error"]
    login(client, "s@x.ru")  # the site's session is not a token
    assert client.get("/api/v1/stats/awards?on=2021-06-01").status_code == 401
    for who in ("app", "coord"):
        resp = client.get("/api/v1/stats/awards?on=2021-06-01", headers=bearer(tokens[who]))
        assert resp.status_code == 403 and resp.get_json()["error"]


def test_stats_bad_parameters_are_a_422_naming_each(app, client):
    tokens = _import_history(app)
    resp = client.get("/api/v1/stats/awards?on=2021-13-01&group_by=color&type=XYZ", headers=bearer(tokens["s"]))
    assert resp.status_code == 422
    body = resp.get_json()
    assert body["error"] and body["fields"] == {
        "on": "Дата — в виде ГГГГ-ММ-ДД.", "group_by": "Допустимо: org_type, municipality, type.",
        "type": body["fields"]["type"]}
    assert body["fields"]["type"].startswith("Неизвестный статус «XYZ»") and "КИП" in body["fields"]["type"]


def test_registry_json_works_without_login_or_token(app, client):
    _import_history(app)
    resp = client.get("/api/v1/registry?year=2021&type=КИП&municipality=Краснодар")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    data = resp.get_json()
    assert data["total"] == 2 and set(data) == {"items", "total"}
    item = next(i for i in data["items"] if i["theme"] == "Тема 1")
    assert item == {
        "id": item["id"], "status_type": "КИП", "status_type_name": item["status_type_name"],
        "organization_id": item["organization_id"], "organization": "МАДОУ д/с № 1",
        "organization_short": "МАДОУ д/с № 1", "org_type": "ДОО", "municipality": "город Краснодар",
        "theme": "Тема 1", "term_from": "2020-01-01", "term_to": "2022-12-31", "state": "Действует",
        "order": {"number": "10", "date": "2019-12-20"}}
    assert "Краевая инновационная площадка" in item["status_type_name"]
    # on a date: the Сочи КИП has ended, the КРЦ has not begun; by text
    on_day = client.get("/api/v1/registry?on=2021-06-01").get_json()
    assert {i["theme"] for i in on_day["items"]} == {"Тема 1", "Тема 2", "Тема 4", "Тема 5"}
    assert [i["theme"] for i in client.get("/api/v1/registry?on=2021-06-01&q=сош № 5").get_json()["items"]] \
        == ["Тема 5"]
    # pages do not overlap, and a page past the end is empty
    pages = [client.get(f"/api/v1/registry?on=2021-06-01&per_page=3&page={n}").get_json() for n in (1, 2, 3)]
    themes = [i["theme"] for p in pages for i in p["items"]]
    assert sorted(themes) == ["Тема 1", "Тема 2", "Тема 4", "Тема 5"] and pages[2] == {"items": [], "total": 4}
    # the registry is the public page's: a token changes nothing, a bad one is not refused
    assert client.get("/api/v1/registry?on=2021-06-01", headers=bearer("wfa_nonsense")).get_json() == on_day


def test_registry_bad_parameters_are_a_422_naming_each(app, client):
    resp = client.get("/api/v1/registry?year=abc&on=1.2.2021&page=0&type=XYZ&per_page=1000")
    assert resp.status_code == 422
    assert set(resp.get_json()["fields"]) == {"year", "on", "page", "per_page", "type"}
    assert resp.get_json()["fields"]["on"] == "Дата — в виде ГГГГ-ММ-ДД."
    assert client.get("/api/v1/registry?year=1800").get_json()["fields"] == {"year": "Год — число от 1990 до 2100."}


def test_both_are_in_the_openapi_description_with_their_schemas(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    registry = spec["paths"]["/api/v1/registry"]["get"]
    stats = spec["paths"]["/api/v1/stats/awards"]["get"]
    assert registry["security"] == [] and "security" not in stats  # the registry needs no token
    assert {p["name"] for p in registry["parameters"]} == {"type", "municipality", "year", "on", "q", "page",
                                                           "per_page"}
    assert {p["name"] for p in stats["parameters"]} == {"on", "type", "group_by"}
    schemas = spec["components"]["schemas"]
    item = schemas["RegistryItem"]["properties"]
    assert {"id", "status_type", "organization_id", "org_type", "municipality", "theme", "term_from", "term_to",
            "state", "order"} <= set(item)
    assert set(schemas["AwardStats"]["properties"]) == {"on", "groups", "total"}
    assert set(schemas["AwardGroup"]["properties"]) == {"key", "count"}
    assert "422" in registry["responses"] and {"401", "403", "422"} <= set(stats["responses"])
