"""The staff entry list runs a bounded number of SQL statements per page load, whatever the page size
(architecture §8: list pages are paginated and their query count is bounded and tested)."""
import pytest
from sqlalchemy import event

from workflow_app.actors import SystemActor
from workflow_app.extensions import db
from workflow_app.machines.base import fire
from workflow_app.machines.entry import entry_lifecycle
from workflow_app.models import OrgType
from workflow_app.models.competition import Campaign

from .factories import fill, make_entry, make_org, make_world
from .helpers import login


def _submitted(w, n: int, start: int) -> None:
    """n submitted entries of new organisations (numbered from start) in two municipalities."""
    c = db.session.get(Campaign, w.campaign_id)
    for i in range(start, start + n):
        org = make_org(f"МБОУ СОШ № {100 + i}", "anapa" if i % 2 else "krasnodar", OrgType.OO)
        e = fill(make_entry(c, org, "ОО"), title=f"Проект номер {i}")
        fire(entry_lifecycle, e, "submit", actor=SystemActor("тест: подача заявки"))


def _statements(app, client, url: str) -> tuple[int, str]:
    seen = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    client.get(url)  # the first load compiles templates; count a steady-state load
    event.listen(engine, "before_cursor_execute", count)
    try:
        resp = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert resp.status_code == 200
    return len(seen), resp.get_data(as_text=True)


@pytest.mark.slow
def test_staff_entry_list_statement_count_does_not_grow_with_the_page(app, client):
    with app.app_context():
        w = make_world()
        _submitted(w, 4, 0)        # with the world's own draft: 5 entries
        db.session.commit()
    login(client, "staff@x.ru")
    url = f"/entries/campaign/{w.campaign_id}?per_page=50"
    few, page = _statements(app, client, url)
    assert page.count('data-entry="') == 5
    with app.app_context():
        _submitted(w, 45, 4)        # 50 entries from 50 organisations in two municipalities
        db.session.commit()
    many, page = _statements(app, client, url)
    assert page.count('data-entry="') == 50
    assert few == many and many <= 12, (few, many)
