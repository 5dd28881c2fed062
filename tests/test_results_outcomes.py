"""One truth on every results screen: the ranking page, the decision page, the ranking XLSX, the protocol's
data and the results order's prefill say the same thing about every entry (winner / on to the in-person
stage / not selected / still under review), before and after the commission's decision."""
from __future__ import annotations

import html
import io
import re
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models import Role, User
from workflow_app.models.competition import (
    AssignmentStatus,
    Campaign,
    CampaignStatus,
    Decision,
    EntryStatus,
    ReviewAssignment,
    StageKind,
)
from workflow_app.services.competition import results
from workflow_app.services.documents import data as documents_data
from workflow_app.services.orders import kinds

from .factories import make_campaign, make_entry, make_expert, make_user, org, score, sheet, stage, track
from .helpers import login

WINNER, ON_DEFENCE, NOT_SELECTED, UNDER_REVIEW = (
    "Победитель", "Прошла на очный этап", "Не прошла отбор", "На экспертизе")
OO, SOO = "Общеобразовательные организации", "СОО и ПОО"


def _campaign(totals: dict) -> tuple[Campaign, dict, list[User], User]:
    """Entries by title → (track code, the three experts' totals); the first track (ДОО) stays empty."""
    c = make_campaign(status=CampaignStatus.review, shortlist_pct=Decimal(60))
    review = stage(c, StageKind.expert_review)
    staff = make_user("staff@example.org", Role.staff, name="Сотрудник ИРО")
    xs = [make_expert(name=n) for n in ("Орлова Анна", "Волков Пётр", "Зайцева Мария")]
    entries = {}
    for title, (code, marks) in totals.items():
        e = make_entry(c, org(), track_code=code, status=EntryStatus.scored, title=title)
        for x, total in zip(xs, marks, strict=True):
            sheet(e, x, review, total=total)
        entries[title] = e
    return c, entries, xs, staff


def _page_outcomes(client, cid: int, track_code: str) -> dict[str, str]:
    """Entry title → what the ranking page's «Предложение» cell says, for one track."""
    text = client.get(f"/results/campaigns/{cid}?track={track_code}").get_data(as_text=True)
    out = {}
    for row in re.findall(r'<tr data-entry="[^"]+">(.*?)</tr>', text, re.S):
        title = re.search(r"<td>([^<]+)<div class=\"small text-muted\">", row).group(1).strip()
        cell = re.search(r'<td data-testid="outcome">(.*?)</td>', row, re.S).group(1)
        out[html.unescape(title)] = re.sub(r"<[^>]+>", " ", cell).split("изм")[0].strip()
    return out


def _xlsx(client, cid: int) -> tuple[list, list[tuple]]:
    wb = load_workbook(io.BytesIO(client.get(f"/results/campaigns/{cid}/export.xlsx").data), read_only=True)
    rows = list(wb.active.iter_rows(values_only=True))
    return list(rows[0]), rows[1:]


def _xlsx_outcomes(head, rows) -> dict[str, str]:
    col = head.index("Решение или предложение комиссии")
    return {r[head.index("Название проекта")]: r[col].replace(" (изменено)", "") for r in rows}


def test_after_approval_every_screen_and_document_names_the_same_winners(app, client):
    with app.app_context():
        c, entries, xs, staff = _campaign({
            "A": ("ОО", [90, 90, 90]), "B": ("ОО", [80, 80, 80]), "C": ("ОО", [70, 70, 70]),
            "D": ("ОО", [40, 40, 40]), "S": ("СОО_ПОО", [100, 100, 100])})
        results.apply_shortlist(c, actor=staff, token=results.shortlist_plan(c).token)
        track(c, "ОО").winners_quota = 1
        db.session.flush()
        results.change_proposal(entries["B"], Decision.winner, reason="Равный вклад", actor=staff)
        record = results.approve_decision(c, actor=staff)
        db.session.commit()
        cid = c.id
        assert record.winners == 3
    expected = {"A": WINNER, "B": WINNER, "C": NOT_SELECTED, "D": NOT_SELECTED, "S": WINNER}
    login(client, "staff@example.org")

    page = _page_outcomes(client, cid, "ОО") | _page_outcomes(client, cid, "СОО_ПОО")
    assert page == expected

    decision = client.get(f"/results/campaigns/{cid}/decision").get_data(as_text=True)
    assert "победителей 3" in decision
    summary = {name: int(n) for name, n in re.findall(
        r"<tr><td>([^<]+)</td><td>\d+</td><td>[^<]*</td><td>(\d+)</td>", decision)}
    assert summary == {OO: 2, SOO: 1}  # the track table agrees with the approved decision
    listed = re.search(r'<ul data-testid="winners">(.*?)</ul>', decision, re.S).group(1)
    assert sorted(re.findall(r"— (\w) \(", listed)) == ["A", "B", "S"]

    head, rows = _xlsx(client, cid)
    assert _xlsx_outcomes(head, rows) == expected

    with app.app_context():
        c = db.session.get(Campaign, cid)
        protocol = {w.theme: tr.track for tr in documents_data.winners_by_track(c) for w in tr.winners}
        assert protocol == {"A": OO, "B": OO, "S": SOO}
        assert [e.title for e in kinds.winners(c)] == ["A", "B", "S"]  # track order, then place


def test_before_approval_entries_waiting_for_review_or_defence_are_not_called_losers(app, client):
    with app.app_context():
        c, entries, xs, staff = _campaign({
            "A": ("ОО", [90, 90, 90]), "B": ("ОО", [80, 80, 80]), "D": ("ОО", [40, 40, 40]),
            "S": ("СОО_ПОО", [100, 100, 100])})
        results.apply_shortlist(c, actor=staff, token=results.shortlist_plan(c).token)
        # U is still under review: one sheet of three is in (a fourth expert declined)
        u = make_entry(c, org(), track_code="ОО", status=EntryStatus.under_review, title="U")
        review = stage(c, StageKind.expert_review)
        sheet(u, xs[0], review, total=70)
        sheet(u, xs[1], review, status=AssignmentStatus.accepted)
        sheet(u, xs[2], review, status=AssignmentStatus.accepted)
        sheet(u, make_expert(name="Отказавшийся Эксперт"), review, status=AssignmentStatus.declined)
        # the in-person panel: A has defended, B and S are still to defend
        panel = [make_expert(name="Член комиссии 1"), make_expert(name="Член комиссии 2")]
        results.assign_panel(c, [p.id for p in panel], actor=staff)
        defence = stage(c, StageKind.defence)
        for p in panel:
            a = db.session.execute(select(ReviewAssignment).filter_by(
                entry_id=entries["A"].id, stage_id=defence.id, expert_id=p.id)).scalar_one()
            score(a, 9, p)
        assert entries["A"].status == EntryStatus.defended
        db.session.commit()
        cid = c.id
    expected = {"A": WINNER, "B": ON_DEFENCE, "D": NOT_SELECTED, "S": ON_DEFENCE, "U": UNDER_REVIEW}
    login(client, "staff@example.org")

    page = _page_outcomes(client, cid, "ОО") | _page_outcomes(client, cid, "СОО_ПОО")
    assert page == expected
    head, rows = _xlsx(client, cid)
    assert _xlsx_outcomes(head, rows) == expected

    decision = client.get(f"/results/campaigns/{cid}/decision").get_data(as_text=True)
    listed = re.search(r'<ul data-testid="winners">(.*?)</ul>', decision, re.S).group(1)
    assert re.findall(r"— (\w) \(", listed) == ["A"]
    with app.app_context():
        c = db.session.get(Campaign, cid)
        assert documents_data.winners_by_track(c) == () and kinds.winners(c) == []  # nothing approved yet


def test_ranking_opens_on_a_track_with_entries_names_tracks_and_marks_incomplete_totals(app, client):
    with app.app_context():
        c, entries, xs, staff = _campaign({"A": ("ОО", [90, 90, 90]), "S": ("СОО_ПОО", [100, 100, 100])})
        review = stage(c, StageKind.expert_review)
        u = make_entry(c, org(), track_code="ОО", status=EntryStatus.under_review, title="U")
        sheet(u, xs[0], review, total=70)
        sheet(u, xs[1], review, status=AssignmentStatus.accepted)
        sheet(u, xs[2], review, status=AssignmentStatus.offered)
        sheet(u, make_expert(name="Отказавшийся Эксперт"), review, status=AssignmentStatus.declined)
        db.session.commit()
        cid = c.id
    login(client, "staff@example.org")
    page = client.get(f"/results/campaigns/{cid}").get_data(as_text=True)
    # the first track (ДОО) has no entries: the page opens on ОО, and tabs and headings use track names
    active = re.search(r'aria-current="page"\s+href="[^"]+">([^<]+)</a>', page).group(1)
    assert active == OO
    assert "Дошкольные образовательные организации</a>" in page and ">СОО_ПОО<" not in page
    rows = dict(re.findall(r'<tr data-entry="[^"]+">.*?<td>(\w)<div(.*?)</tr>', page, re.S))
    assert "оценок 1 из 3" in rows["U"]  # three live assignments, the declined one does not count
    assert "оценок" not in rows["A"]

    head, xrows = _xlsx(client, cid)
    col, title = head.index("Полнота экспертизы"), head.index("Название проекта")
    assert {r[title]: r[col] for r in xrows} == {"A": None, "U": "оценок 1 из 3", "S": None}
    assert {r[title]: r[head.index("Трек")] for r in xrows} == {"A": OO, "U": OO, "S": SOO}
