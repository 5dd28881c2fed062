"""The public registry (page, CSV/XLSX, JSON) without login, a holder's page, the figures on a past date
(JSON and the staff page) computed from the terms, and the organisation timeline."""
from __future__ import annotations

import io
import re
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import event

from workflow_app.extensions import db
from workflow_app.models import OrgType, Role
from workflow_app.services.statuses import awards, grounding, stats

from .api_client import bearer, issue_token
from .factories import make_org, make_user, municipality, status_type
from .helpers import login


def _history():
    """2021: 3 КИП (2 ДОО in Краснодар, 1 ОО in Сочи) and 1 МИП; a КИП that ended in 2020; a КРЦ from 2030."""
    staff = make_user("s@x.ru", Role.staff)
    order = grounding.register_external(staff, "МОНиМП КК", "101", date(2019, 12, 20))
    specs = [("KIP", OrgType.DOO, "krasnodar", (2020, 2022)), ("KIP", OrgType.DOO, "krasnodar", (2021, 2023)),
             ("KIP", OrgType.OO, "sochi", (2019, 2021)), ("MIP", OrgType.OO, "anapa", (2020, 2022)),
             ("KIP", OrgType.OO, "anapa", (2018, 2020)), ("KRC", OrgType.TMS, "sochi", (2030, 2032))]
    for n, (code, otype, muni, (y1, y2)) in enumerate(specs):
        org = make_org(f"Организация {n}", muni, org_type=otype)
        awards.grant(order, staff, org.id, status_type(code), f"Тема {n}", date(y1, 1, 1), date(y2, 12, 31),
                     today=date(2026, 11, 30))
    awards.refresh_awards(date(2026, 11, 30))
    db.session.commit()


def test_awards_stats_counts_in_force_on_a_past_date(ctx):
    _history()
    on = date(2021, 6, 1)
    assert stats.awards_stats(on, "КИП", "org_type") == {
        "on": "2021-06-01", "groups": [{"key": "ДОО", "count": 2}, {"key": "ОО", "count": 1}], "total": 3}
    assert stats.awards_stats(on, None, "type")["groups"] == [{"key": "КИП", "count": 3}, {"key": "МИП", "count": 1}]
    by_muni = stats.awards_stats(on, None, "municipality")
    assert by_muni["total"] == 4 and by_muni["groups"][0]["count"] == 2
    assert stats.awards_stats(date(2031, 1, 1))["groups"] == [{"key": "ТМС", "count": 1}]
    years = stats.by_year(2018, 2022)
    assert years[2020] == {"КИП": 3, "МИП": 1} and years[2022] == {"КИП": 2, "МИП": 1}


def test_stats_json_and_figures_page(app, client):
    with app.app_context():
        _history()
        token = issue_token("s@x.ru")
    resp = client.get("/api/v1/stats/awards?on=2021-06-01")
    assert resp.status_code == 401 and resp.json["error"]
    resp = client.get("/api/v1/stats/awards?on=2021-06-01&type=КИП&group_by=org_type", headers=bearer(token))
    assert resp.json == {"on": "2021-06-01", "groups": [{"key": "ДОО", "count": 2}, {"key": "ОО", "count": 1}],
                         "total": 3}
    bad = client.get("/api/v1/stats/awards?on=2021-13-01&group_by=color&type=XYZ", headers=bearer(token))
    assert bad.status_code == 422 and set(bad.json["fields"]) == {"on", "group_by", "type"}
    login(client, "s@x.ru")
    page = client.get("/statuses/figures?on=2021-06-01&type=КИП").get_data(as_text=True)
    assert "Всего действующих статусов «КИП»: <strong>3</strong> (2 ДОО, 1 ОО)" in page and "<svg" in page
    book = load_workbook(io.BytesIO(client.get("/statuses/figures?on=2021-06-01&export=xlsx").data))
    rows = list(book.worksheets[0].iter_rows(min_row=3, values_only=True))
    assert ("КИП", "ДОО", "город Краснодар", 2) in rows and sum(r[3] for r in rows) == 4
    years = {r[0]: r for r in book["По годам"].iter_rows(min_row=2, values_only=True)}
    header = [c.value for c in book["По годам"][1]]
    assert years[2020][header.index("КИП")] == 3 and years[2020][header.index("МИП")] == 1


def test_public_registry_filters_pages_and_downloads_without_login(app, client):
    with app.app_context():
        _history()
    page = client.get("/registry?year=2021&type=КИП").get_data(as_text=True)
    assert len(re.findall(r"Тема \d", page)) == 3 and "Тема 3" not in page  # the МИП is filtered out
    assert "Тема 4" not in client.get("/registry?year=2021").get_data(as_text=True)  # ended in 2020
    data = client.get("/api/v1/registry?year=2021&type=КИП&municipality=Краснодар").json
    assert data["total"] == 2 and {i["theme"] for i in data["items"]} == {"Тема 0", "Тема 1"}
    assert data["items"][0]["order"] == {"number": "101", "date": "2019-12-20"}
    assert {i["state"] for i in data["items"]} == {"Действует"}  # as of 31.12.2021 (both ran to 2022–2023)
    on_day = client.get("/api/v1/registry?on=2022-06-01&type=КИП").json
    assert {(i["theme"], i["state"]) for i in on_day["items"]} == {("Тема 0", "Действует"), ("Тема 1", "Действует")}
    assert client.get("/api/v1/registry").json["total"] == 0  # nothing in force today in this history
    bad = client.get("/api/v1/registry?year=abc&on=1.2.2021&page=0")
    assert bad.status_code == 422 and set(bad.json["fields"]) == {"year", "on", "page"}
    csv_text = client.get("/registry?year=2021&export=csv").data.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Статус;Организация") and len(csv_text.splitlines()) == 5
    book = load_workbook(io.BytesIO(client.get("/registry?year=2021&export=xlsx").data))
    assert book.worksheets[0].max_row == 5
    org_id = data["items"][0]["organization_id"]
    holder = client.get(f"/registry/{org_id}").get_data(as_text=True)
    assert "приказ МОНиМП КК от 20.12.2019 № 101" in holder
    assert client.get("/registry/999999").status_code == 404


def test_registry_page_costs_the_same_queries_whatever_its_size(app, client):
    with app.app_context():
        _history()
    with app.app_context():
        engine = db.engine
        muni_id = municipality("krasnodar").id  # the select box sends ids
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    client.get("/registry?year=2021")  # warm-up
    event.listen(engine, "before_cursor_execute", count)
    try:
        statements.clear()
        client.get(f"/registry?year=2021&type=КИП&municipality={muni_id}")
        small = len(statements)
        statements.clear()
        client.get("/registry?year=2021")
        big = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert small == big and big <= 6, statements  # count, rows, the filters' lists; savepoints


def test_profile_timeline_lists_statuses_and_orders_across_years(app, client):
    with app.app_context():
        _history()
        make_user("coord@x.ru", (Role.coordinator, municipality("anapa")))
        db.session.commit()
    login(client, "s@x.ru")
    from workflow_app.models import Organization

    with app.app_context():
        org_id = db.session.execute(db.select(Organization.id).where(
            Organization.short_name == "Организация 0")).scalar()
        other = db.session.execute(db.select(Organization.id).where(
            Organization.short_name == "Организация 2")).scalar()
    resp = client.get(f"/orgs/{org_id}/profile")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200, page[-2000:]
    assert "Краевая инновационная площадка (КИП)" in page and "Приказ МОНиМП КК от 20.12.2019 № 101" in page
    assert page.index(">2020<") < page.index(">2019<")  # newest year first
    coord = app.test_client()
    login(coord, "coord@x.ru")
    assert coord.get(f"/orgs/{other}/profile").status_code == 403  # Сочи is not the coordinator's
