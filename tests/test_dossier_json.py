"""The JSON form of a dossier: its exact shape, partial updates, errors that name the place, the round
trip, and «Скачать JSON» / «Загрузить из JSON» on the dossier (same checks as the editor)."""
import io
import json

import pytest
from sqlalchemy import func, select

from workflow_app.errors import ConcurrentChange, PermissionDenied
from workflow_app.extensions import db
from workflow_app.models import AuditEvent, User
from workflow_app.models.competition import Entry
from workflow_app.services.competition import dossier as svc
from workflow_app.services.competition import dossier_json
from workflow_app.services.competition.dossier_content import DossierInvalid

from .data.real_dossier import real_dossier
from .factories import TITLE, make_world
from .helpers import csrf_token, login


def _user(email):
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def test_export_has_the_contract_shape(ctx):
    w = make_world()
    e = db.session.get(Entry, w.entry_id)
    e.dossier = dict(e.dossier, **{"2.2": "<p>Идея  проекта<br>строка</p><p>Второй абзац</p>",
                                   "6": {"columns": ["№", "Год", "Мероприятие", "Сроки"],
                                         "rows": [["ЭТАП 1", "", "", ""], ["1.1.", "2025", "Семинар", "май"]],
                                         "row_kinds": ["group", "data"], "widths": None}})
    data = dossier_json.dossier_to_json(e)
    assert set(data) == {"title_page", "sections"}
    assert data["title_page"]["theme"] == TITLE and data["title_page"]["team"] == [
        {"name": "Петров С. И.", "position": "директор", "role": "руководитель"}]
    assert data["title_page"]["organization"] == e.organization.full_name
    codes = [s["code"] for s in data["sections"]]
    assert codes == [s["code"] for s in e.campaign.dossier_schema] and codes[:2] == ["1.1", "1.2"]
    by = {s["code"]: s for s in data["sections"]}
    assert by["2.2"] == {"code": "2.2", "text": "Идея  проекта\nстрока\n\nВторой абзац"}
    assert by["6"] == {"code": "6", "columns": ["№", "Год", "Мероприятие", "Сроки"],
                       "rows": [["ЭТАП 1", "", "", ""], ["1.1.", "2025", "Семинар", "май"]],
                       "row_kinds": ["group", "data"]}


def test_partial_put_changes_only_the_given_sections(ctx):
    w = make_world()
    e = db.session.get(Entry, w.entry_id)
    before = dossier_json.dossier_to_json(e)
    dossier_json.apply_dossier_json(_user("appa@x.ru"), e, {
        "title_page": {"lead_name": "Иванова А. П."},
        "sections": [{"code": "1.1", "text": "Новое обоснование.\n\nВторой абзац."},
                     {"code": "6", "columns": ["Год", "Мероприятие", "Сроки"], "rows": [["2025", "Старт", "май"]],
                      "row_kinds": ["data"]}]})
    after = dossier_json.dossier_to_json(e)
    assert after["title_page"]["lead_name"] == "Иванова А. П."
    assert after["title_page"]["theme"] == before["title_page"]["theme"]
    assert after["title_page"]["team"] == before["title_page"]["team"]
    changed = {s["code"] for s, b in zip(after["sections"], before["sections"], strict=True) if s != b}
    assert changed == {"1.1", "6"}
    ev = db.session.execute(select(AuditEvent).where(AuditEvent.event == "entry.dossier_imported")).scalar_one()
    assert ev.payload["sections"] == ["1.1", "6"] and ev.actor.email == "appa@x.ru"


@pytest.mark.parametrize("payload, field, words", [
    ({"sections": [{"code": "9.9", "text": "x"}]}, "9.9", "Раздела с номером «9.9» в форме заявки нет"),
    ({"sections": [{"code": "1.1", "text": "a"}, {"code": "1.1", "text": "b"}]}, "1.1", "указан дважды"),
    ({"sections": [{"code": "1.1", "columns": ["A"], "rows": [["x"]]}]}, "1.1", "форма предусматривает текст"),
    ({"sections": [{"code": "6", "columns": ["Год"], "rows": [["2025"]]}]}, "6",
     "Нельзя удалять или переименовывать столбцы формы"),
    ({"sections": [{"code": "6", "text": "a", "rows": []}]}, "6", "либо text, либо таблицу"),
    ({"sections": [{"code": "2.2", "text": 5}]}, "2.2", "ожидается текст"),
    ({"title_page": {"theme": "т" * 1001}}, "title_page.theme", "допускается не более 1000"),
    ({"title_page": {"phone": "1"}}, "title_page", "«phone»"),
    ({"extra": 1}, "extra", "Неизвестные поля"),
])
def test_bad_data_names_the_place_and_changes_nothing(ctx, payload, field, words):
    w = make_world()
    e = db.session.get(Entry, w.entry_id)
    before = dossier_json.dossier_to_json(e)
    with pytest.raises(DossierInvalid) as err:
        dossier_json.apply_dossier_json(_user("appa@x.ru"), e, payload)
    assert words in err.value.fields[field] and words in err.value.message
    assert dossier_json.dossier_to_json(e) == before


def test_whole_replace_and_round_trip_are_identical(ctx):
    w = make_world()
    e = db.session.get(Entry, w.entry_id)
    appa = _user("appa@x.ru")
    dossier_json.apply_dossier_json(appa, e, {"sections": [{"code": "1.1", "text": "Только это."}]}, partial=False)
    data = dossier_json.dossier_to_json(e)
    assert data["title_page"]["theme"] == "" and data["title_page"]["team"] == []
    assert [s for s in data["sections"] if s.get("text") or s.get("rows")] == [{"code": "1.1", "text": "Только это."}]
    # export → import → export
    dossier_json.apply_dossier_json(appa, e, real_dossier(), partial=False)
    first = dossier_json.dossier_to_json(e)
    dossier_json.apply_dossier_json(appa, e, json.loads(json.dumps(first)), partial=True)
    assert dossier_json.dossier_to_json(e) == first


def test_import_goes_through_policy_state_and_version_checks(ctx):
    w = make_world()
    e = db.session.get(Entry, w.entry_id)
    with pytest.raises(PermissionDenied):
        dossier_json.apply_dossier_json(_user("appb@x.ru"), e, {"sections": []})
    with pytest.raises(ConcurrentChange):
        dossier_json.apply_dossier_json(_user("appa@x.ru"), e, {"sections": []}, expected_version=e.version - 1)
    svc.submit(_user("appa@x.ru"), e)
    with pytest.raises(PermissionDenied):
        dossier_json.apply_dossier_json(_user("appa@x.ru"), e, {"sections": []})


def _upload(client, entry_id, payload: bytes, version):
    token = csrf_token(client, f"/entries/{entry_id}/edit")
    return client.post(f"/entries/{entry_id}/dossier.json", data={
        "csrf_token": token, "expected_version": str(version),
        "file": (io.BytesIO(payload), "dossier.json")}, content_type="multipart/form-data", follow_redirects=True)


def test_download_and_upload_buttons(app, client):
    with app.app_context():
        w = make_world()
        version = db.session.get(Entry, w.entry_id).version
    login(client, "appa@x.ru")
    page = client.get(f"/entries/{w.entry_id}/edit").get_data(as_text=True)
    assert "Скачать JSON" in page and "Загрузить из JSON" in page
    resp = client.get(f"/entries/{w.entry_id}/dossier.json")
    assert resp.mimetype == "application/json" and "attachment" in resp.headers["Content-Disposition"]
    exported = json.loads(resp.get_data(as_text=True))

    exported["sections"][0]["text"] = "Загружено  из файла.\n\nВторой абзац."
    page = _upload(client, w.entry_id, json.dumps(exported, ensure_ascii=False).encode(), version)
    assert "Разделы заявки загружены из файла JSON." in page.get_data(as_text=True)
    again = json.loads(client.get(f"/entries/{w.entry_id}/dossier.json").get_data(as_text=True))
    assert again == exported

    with app.app_context():
        version = db.session.get(Entry, w.entry_id).version
    page = _upload(client, w.entry_id, b'{"sections": [{"code": "42", "text": "x"}]}', version).get_data(as_text=True)
    assert "Раздела с номером «42» в форме заявки нет" in page
    page = _upload(client, w.entry_id, b"\x89PNG not json", version).get_data(as_text=True)
    assert "Выберите файл JSON заявки" in page
    page = _upload(client, w.entry_id, json.dumps(exported).encode(), version - 1).get_data(as_text=True)
    assert "изменена другим пользователем" in page
    # without the form's CSRF token nothing happens
    resp = client.post(f"/entries/{w.entry_id}/dossier.json",
                       data={"file": (io.BytesIO(b"{}"), "d.json")}, content_type="multipart/form-data")
    assert resp.status_code == 400
    # another organisation's applicant may neither read nor load
    other = app.test_client()
    login(other, "appb@x.ru")
    assert other.get(f"/entries/{w.entry_id}/dossier.json").status_code == 403
    assert _upload(other, w.entry_id, b"{}", version).status_code == 403
    with app.app_context():
        assert db.session.execute(select(func.count(AuditEvent.id)).where(
            AuditEvent.event == "entry.dossier_imported")).scalar_one() == 1
