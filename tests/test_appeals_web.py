"""The appeal story through the web: results published → an applicant appeals in time, a late one is
refused naming the deadline → staff uphold with a changed score (the ranking moves, an amending order
draft with the annex appears) and reject another with a reason → the applicants see the outcome."""
from __future__ import annotations

import io
import re

import time_machine
from openpyxl import load_workbook
from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models.appeal import Appeal, AppealStatus
from workflow_app.models.competition import Decision
from workflow_app.models.orders import Order, OrderKind
from workflow_app.services.appeals import queries
from workflow_app.services.competition.ranking import full_ranking

from .helpers import csrf_token, login, pdf_bytes, post_form
from .test_appeals_flow import LATE, WITHIN, decided_world


def _as(app, email: str):
    """A browser of its own for each person."""
    client = app.test_client()
    login(client, email)
    return client


def test_appeal_story_end_to_end(app):
    with app.app_context():
        w = decided_world()
        ids = {k: e.id for k, e in w.entries.items()}
        codes = {k: e.code for k, e in w.entries.items()}
        cid = w.campaign.id
        db.session.commit()

    # B's applicant appeals within the window, with an attachment checked by content
    with time_machine.travel(WITHIN, tick=False):
        client = _as(app, "appb@x.ru")
        page = client.get(f"/results/entries/{ids['B']}").get_data(as_text=True)
        assert "Подать апелляцию" in page and "11.01.2027" in page
        token = csrf_token(client, f"/entries/{ids['B']}/appeal")
        bad = client.post(f"/entries/{ids['B']}/appeal", data={
            "csrf_token": token, "grounds": "Баллы занижены",
            "files": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "довод.pdf")}, content_type="multipart/form-data")
        assert bad.status_code == 422 and "не принимаются" in bad.get_data(as_text=True)
        resp = client.post(f"/entries/{ids['B']}/appeal", data={
            "csrf_token": token, "grounds": "Эксперты не учли раздел 1.4 «Публикации»",
            "files": (io.BytesIO(pdf_bytes("Список публикаций")), "публикации.pdf")},
            content_type="multipart/form-data")
        assert resp.status_code == 302
        appeal_url = resp.headers["Location"]
        assert "Подана" in client.get(appeal_url).get_data(as_text=True)
        # C's applicant appeals too (to be rejected)
        client = _as(app, "appc@x.ru")
        assert post_form(client, f"/entries/{ids['C']}/appeal",
                         {"grounds": "Не согласны с оценкой"}).status_code == 302
    with app.app_context():
        b_appeal = db.session.execute(select(Appeal).where(Appeal.entry_id == ids["B"])).scalar_one()
        c_appeal = db.session.execute(select(Appeal).where(Appeal.entry_id == ids["C"])).scalar_one()
        assert len(b_appeal.attachments) == 1  # the refused upload left nothing behind
        b_appeal, c_appeal = (db.session.get(Appeal, b_appeal.id), db.session.get(Appeal, c_appeal.id))
        db.session.expunge_all()

    # A's applicant is late: the form says so and a POST is refused, naming the deadline
    with time_machine.travel(LATE, tick=False):
        client = _as(app, "appa@x.ru")
        page = client.get(f"/entries/{ids['A']}/appeal").get_data(as_text=True)
        assert "Срок подачи апелляции истёк 11.01.2027 23:59" in page
        late = post_form(client, f"/entries/{ids['A']}/appeal", {"grounds": "Поздно"},
                         form_url=f"/results/entries/{ids['A']}")
        assert late.status_code == 409 and "11.01.2027" in late.get_data(as_text=True)
        # and cannot read B's appeal
        assert client.get(f"/appeals/{b_appeal.id}").status_code == 403

    # staff: the list, its export, the decision form
    client = _as(app, "staff@x.ru")
    listing = client.get(f"/appeals/list?campaign={cid}").get_data(as_text=True)
    assert f"/appeals/{b_appeal.id}" in listing and f"/appeals/{c_appeal.id}" in listing
    only_c = client.get(f"/appeals/list?campaign={cid}&q=Организация C").get_data(as_text=True)
    assert f"/appeals/{c_appeal.id}\"" in only_c and f"/appeals/{b_appeal.id}\"" not in only_c
    xlsx = client.get(f"/appeals/list?campaign={cid}&export=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)} == {codes["B"], codes["C"]}
    with app.app_context():
        sheets = queries.sheets(db.session.get(Appeal, b_appeal.id).entry)
    raise_all = {f"points-{sh.assignment_id}-{cid_}": str(mx) for sh in sheets for cid_, _, mx, _ in sh.rows}
    url = f"/appeals/{b_appeal.id}"
    unconfirmed = post_form(client, f"{url}/decision", {"outcome": "upheld", "reason": "Ошибка экспертов",
                                                         "version": str(b_appeal.version), **raise_all},
                            form_url=url)
    assert unconfirmed.status_code == 422 and "окончательное" in unconfirmed.get_data(as_text=True)
    upheld = post_form(client, f"{url}/decision", {
        "outcome": "upheld", "reason": "Эксперты не учли раздел 1.4", "decision": "winner", "confirm": "y",
        "version": str(b_appeal.version), **raise_all}, form_url=url)
    assert upheld.status_code == 302, upheld.get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert "Удовлетворена" in page and "Проект приказа о внесении изменений" in page
    history = page[page.index('data-testid="appeal-history"'):]
    assert "Подана апелляция" in history and "Удовлетворить" in history and "appeal.uphold" not in history
    rejected = post_form(client, f"/appeals/{c_appeal.id}/decision", {
        "outcome": "rejected", "reason": "Оценки соответствуют критериям положения", "confirm": "y",
        "version": str(c_appeal.version)}, form_url=f"/appeals/{c_appeal.id}")
    assert rejected.status_code == 302

    with app.app_context():
        b = db.session.get(Appeal, b_appeal.id)
        assert b.status == AppealStatus.upheld
        rows = {r.entry_id: r.place for r in full_ranking(b.campaign)}
        assert (rows[ids["B"]], rows[ids["A"]]) == (1, 2)
        assert b.entry.decision == Decision.winner
        order = db.session.execute(select(Order).where(Order.kind == OrderKind.amend)).scalar_one()
        assert order.id == b.amending_order_id
        annex = order.annexes[0]["table"]
        assert annex["headers"][1:] == ["Организация", "Было", "Стало", "Основание"]
        assert annex["rows"][0][1] == b.entry.organization.full_name
        assert db.session.get(Appeal, c_appeal.id).status == AppealStatus.rejected

    # the applicants see the outcome and the reasoning on their entry pages
    client = _as(app, "appb@x.ru")
    page = client.get(f"/results/entries/{ids['B']}").get_data(as_text=True)
    assert "Удовлетворена" in page and "Эксперты не учли раздел 1.4" in page
    assert re.search(r"Было: Итоговый балл [\d,]+ %; место 2; не прошла отбор", page)
    assert re.search(r"Стало: Итоговый балл 100,00 %; место 1; победитель", page)
    client = _as(app, "appc@x.ru")
    page = client.get(f"/results/entries/{ids['C']}").get_data(as_text=True)
    assert "Отклонена" in page and "Оценки соответствуют критериям положения" in page
