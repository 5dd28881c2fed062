"""The expert pool for staff: list with load and conflicts, search/filter/sort, Excel export, profile edit."""
import io

from openpyxl import load_workbook
from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models import AuditEvent, Role
from workflow_app.models.competition import EntryStatus, ExpertConflict, ExpertProfile

from .factories import accepted, admitted_entry, make_campaign, make_expert, make_user, org, review_stage
from .helpers import login, post_form


def _pool(app):
    with app.app_context():
        c = make_campaign(expert_load_cap=7)
        s = review_stage(c)
        a = make_expert("anna@x.ru", "sochi", competences=("ОО",), name="Андреева Анна")
        b = make_expert("boris@x.ru", "anapa", competences=("ДОО",), max_load=3, name="Борисов Борис")
        make_user("nobody@x.ru", Role.expert, name="Васильев Без Анкеты")
        for _ in range(2):
            e = admitted_entry(c)
            e.status = EntryStatus.under_review
            accepted(e, s, a)
        bad = org("krasnodar", name="Школа конфликта")
        db.session.add(ExpertConflict(expert_id=b.id, organization_id=bad.id, reason="родственник"))
        make_user("staff@x.ru", Role.staff)
        db.session.commit()
        return a.id, b.id


def test_pool_lists_experts_with_load_conflicts_and_filters(app, client):
    a_id, b_id = _pool(app)
    login(client, "staff@x.ru")
    html = client.get("/expert/pool").get_data(as_text=True)
    assert "Андреева Анна" in html and "Борисов Борис" in html and "Васильев Без Анкеты" in html
    assert "анкета не заполнена" in html and "Школа конфликта" in html
    assert html.index("Андреева Анна") < html.index("Борисов Борис")
    row_a = html[html.index("Андреева Анна"):html.index("Борисов Борис")]
    assert "<td>2</td>" in row_a and "по конкурсу: 7" in row_a

    only_doo = client.get("/expert/pool", query_string={"competence": "ДОО"}).get_data(as_text=True)
    assert "Борисов Борис" in only_doo and "Андреева Анна" not in only_doo
    only_oo = client.get("/expert/pool", query_string={"competence": "ОО"}).get_data(as_text=True)
    assert "Андреева Анна" in only_oo and "Борисов Борис" not in only_oo  # «ОО» must not match «ДОО»
    searched = client.get("/expert/pool", query_string={"q": "Борис"}).get_data(as_text=True)
    assert "Борисов Борис" in searched and "Андреева Анна" not in searched
    by_load = client.get("/expert/pool?sort=load&dir=desc").get_data(as_text=True)
    assert by_load.index("Андреева Анна") < by_load.index("Борисов Борис")
    assert "Инновационный поиск 2026" in client.get("/expert/assign").get_data(as_text=True)
    empty = client.get("/expert/pool", query_string={"q": "никого-нет"}).get_data(as_text=True)
    assert "Экспертов не найдено" in empty

    resp = client.get("/expert/pool", query_string={"export": "xlsx", "competence": "ДОО"})
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.data)).active
    rows = list(ws.values)
    assert rows[0][0] == "ФИО" and [r[0] for r in rows[1:]] == ["Борисов Борис"]
    assert rows[1][8] == "Школа конфликта"


def test_staff_edit_a_profile_and_it_is_audited(app, client):
    a_id, _ = _pool(app)
    login(client, "staff@x.ru")
    url = f"/expert/pool/{a_id}/edit"
    resp = post_form(client, url, {"competences": ["ОО", "ОДОД"], "max_load": "-1", "note": ""})
    assert resp.status_code == 422 and "Введите число от 0 до 1000." in resp.get_data(as_text=True)
    resp = post_form(client, url, {"competences": ["ОО", "ОДОД"], "max_load": "4", "note": "стаж 20 лет"})
    assert resp.status_code == 302
    with app.app_context():
        p = db.session.execute(select(ExpertProfile).where(ExpertProfile.user_id == a_id)).scalar_one()
        assert (p.competences, p.max_load, p.active, p.note) == (["ОО", "ОДОД"], 4, False, "стаж 20 лет")
        ev = db.session.execute(select(AuditEvent).where(AuditEvent.event == "expert.profile_edit")).scalar_one()
        assert ev.payload["before"]["competences"] == ["ОО"]


def test_pool_and_assignment_pages_are_for_staff_only(app, client):
    _pool(app)
    login(client, "anna@x.ru")
    for url in ("/expert/pool", "/expert/assign", "/expert/pool?export=xlsx"):
        assert client.get(url).status_code == 403, url
    assert client.get("/expert/").status_code == 200
