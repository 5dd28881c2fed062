"""Numbers in links and forms beyond what a database INTEGER holds, or spelt in other scripts' digits:
an ordinary page, a 404 or a Russian form error — never «integer out of range» from PostgreSQL (a 500)."""
import pytest

from workflow_app.extensions import db
from workflow_app.ints import coerce_db_int, db_int
from workflow_app.models import Role

from .factories import make_user
from .helpers import csrf_token, login

HUGE = ["99999999999", str(2**31), str(2**63), str(10**30), "²", "٥", "７", "-1"]


@pytest.fixture
def admin(app, client):
    with app.app_context():
        make_user("admin@x.ru", Role.admin, Role.staff)
        db.session.commit()
    login(client, "admin@x.ru")
    return client


def test_db_int_takes_only_ascii_digits_in_range():
    assert db_int("42") == 42 and db_int(" 7 ") == 7 and db_int(str(2**31 - 1)) == 2**31 - 1
    for raw in HUGE + ["", None, "1e3", "0x10", "+5"]:
        assert db_int(raw) is None, raw
    with pytest.raises(ValueError, match="Введите целое число"):
        coerce_db_int(str(10**30))


@pytest.mark.parametrize("url", [
    "/users/?organization={}", "/users/?municipality={}", "/orgs/?municipality={}&page={}",
    "/campaigns?year={}", "/orders?year={}&page={}", "/statuses?municipality={}", "/registry?municipality={}",
    "/expert/pool?campaign={}&municipality={}", "/staff/audit/?object_id={}", "/users/new?organization={}",
    "/orders/new?kind=status&campaign_id={}", "/entries/staff?page={}&per_page={}",
])
def test_query_numbers_out_of_range_are_no_error(app, admin, url):
    for value in HUGE:
        resp = admin.get(url.format(value, value))
        assert resp.status_code in (200, 302, 404), (url, value, resp.status_code)


@pytest.mark.parametrize("value", [str(10**30), str(2**31), "²"])
def test_form_ids_out_of_range_are_a_russian_form_error(app, admin, value):
    token = csrf_token(admin, "/users/new")
    resp = admin.post("/users/new", data={
        "csrf_token": token, "email": "new@x.ru", "full_name": "Петров Пётр Петрович",
        "organization_id": value, "applicant_org_ids": value, "coordinator_municipality_ids": value})
    assert resp.status_code in (200, 422), resp.status_code
    assert "Неверный вариант" in resp.get_data(as_text=True)
