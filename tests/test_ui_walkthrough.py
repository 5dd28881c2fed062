"""What a user trips over when walking through the demo: menus that fit, links between a campaign's pages,
history in words instead of codes, dashboards that point at the waiting work."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from workflow_app.demo import DEMO_PASSWORD
from workflow_app.extensions import db
from workflow_app.models.competition import Campaign, CampaignStatus, Entry, EntryStatus

from .helpers import login

pytestmark = pytest.mark.demo  # the demo data of `make run`, seeded once per session


def _demo_ids(app) -> dict:
    """Ids in the demo data: the decided campaign, one of its winners and the open campaign."""
    with app.app_context():
        decided = db.session.execute(select(Campaign).where(Campaign.status == CampaignStatus.decision)).scalar_one()
        winner = db.session.execute(select(Entry).where(Entry.campaign_id == decided.id,
                                                        Entry.status == EntryStatus.winner)
                                    .order_by(Entry.code)).scalars().first()
        opened = db.session.execute(select(Campaign).where(Campaign.status == CampaignStatus.open)).scalar_one()
        return {"decided": decided.id, "winner": winner.id, "track": winner.track.code, "open": opened.id}


def _top_menu(html: str) -> str:
    return html.split('class="navbar-nav me-auto"', 1)[1].split("</ul>\n      <ul", 1)[0]


def test_staff_menu_folds_into_sections_and_keeps_every_page(app, client):
    _demo_ids(app)
    login(client, "staff@iro.local", DEMO_PASSWORD)
    menu = _top_menu(client.get("/").get_data(as_text=True))
    # A dozen pages would overflow the bar: they sit in four dropdowns after «Главная».
    toggles = re.findall(r'data-bs-toggle="dropdown"[^>]*>(?:<i[^>]*></i> )?([^<]+)</a>', menu)
    assert toggles == ["Конкурсы", "Статусы", "Администрирование"]
    for href in ("/campaigns", "/entries/staff", "/expert/assign", "/expert/pool", "/results/", "/orders",
                 "/statuses", "/orgs/", "/users/", "/staff/audit/", "/staff/outbox/", "/presets", "/appeals",
                 "/statuses/figures", "/krc/applications", "/krc/roadmaps", "/reports", "/reports/proposals", "/fip"):
        assert f'href="{href}"' in menu, href
    # Only «Главная» and «Приказы» stand alone: every other page sits in a section's dropdown.
    flat = re.findall(r'<li class="nav-item">\s*<a class="nav-link[^"]*"[^>]*href="([^"]+)"', menu)
    assert flat == ["/", "/orders"]
    # The current page is marked inside its dropdown, and the dropdown itself looks active.
    menu = _top_menu(client.get("/staff/audit/").get_data(as_text=True))
    assert re.search(r'dropdown-toggle active[^>]*>(?:<i[^>]*></i> )?Администрирование', menu)
    assert re.search(r'class="dropdown-item active"\s*aria-current="page"\s*href="/staff/audit/"', menu)


@pytest.mark.parametrize("role", ["admin", "staff", "signatory", "coordinator", "applicant", "tms", "expert"])
def test_every_roles_menu_fits_the_bar(app, role):
    # Seven plain links with long names (the coordinator's) push the account menu off a 1366 px screen.
    _demo_ids(app)
    client = app.test_client()
    login(client, f"{role}@iro.local", DEMO_PASSWORD)
    menu = _top_menu(client.get("/").get_data(as_text=True))
    assert len(re.findall(r'<li class="nav-item( dropdown)?">', menu)) <= 6


def test_applicant_menu_stays_flat(app, client):
    _demo_ids(app)
    login(client, "applicant@iro.local", DEMO_PASSWORD)
    menu = _top_menu(client.get("/").get_data(as_text=True))
    assert "dropdown" not in menu
    assert 'href="/entries/"' in menu and "Мои заявки" in menu


def test_campaign_entries_assignment_and_results_link_to_each_other(app, client):
    ids = _demo_ids(app)
    login(client, "staff@iro.local", DEMO_PASSWORD)
    decided, opened = ids["decided"], ids["open"]

    html = client.get(f"/campaigns/{decided}").get_data(as_text=True)
    related = html.split('data-testid="campaign-related"', 1)[1].split("</nav>", 1)[0]
    assert f'href="/entries/campaign/{decided}"' in related and f'href="/results/campaigns/{decided}"' in related
    assert "/assign" not in related  # assignment is over once the commission decides

    html = client.get(f"/entries/campaign/{decided}").get_data(as_text=True)
    assert f'href="/campaigns/{decided}"' in html and f'href="/results/campaigns/{decided}"' in html

    html = client.get(f"/results/campaigns/{decided}?track={ids['track']}").get_data(as_text=True)
    assert f'href="/campaigns/{decided}"' in html and f'href="/entries/campaign/{decided}"' in html
    # Each ranked entry opens its dossier and its experts' sheets.
    assert f'href="/entries/{ids["winner"]}"' in html
    assert f'href="/expert/entries/{ids["winner"]}/assignments"' in html

    # While entries are being received there are no results yet, but assignment is available.
    html = client.get(f"/campaigns/{opened}").get_data(as_text=True)
    related = html.split('data-testid="campaign-related"', 1)[1].split("</nav>", 1)[0]
    assert f'href="/expert/campaigns/{opened}/assign"' in related and "/results/" not in related


def test_entry_page_speaks_russian_and_links_to_its_result(app, client):
    ids = _demo_ids(app)
    login(client, "staff@iro.local", DEMO_PASSWORD)
    html = client.get(f"/entries/{ids['winner']}").get_data(as_text=True)
    history = html.split("История", 1)[1]
    assert "Признать победителем" in history and "Оценена → Победитель" in history
    assert "entry.select_winner" not in html and "scored" not in history
    related = html.split('data-testid="entry-related"', 1)[1].split("</p>", 1)[0]
    assert f'href="/results/entries/{ids["winner"]}"' in related and "Результат: Победитель" in related
    assert f'href="/expert/entries/{ids["winner"]}/assignments"' in related
    assert f'href="/campaigns/{ids["decided"]}"' in related


def test_dashboards_point_at_the_waiting_work(app, client):
    ids = _demo_ids(app)
    with app.app_context():
        waiting = db.session.execute(select(Entry).where(Entry.campaign_id == ids["open"],
                                                         Entry.status == EntryStatus.submitted)).scalars().all()
    assert waiting
    login(client, "staff@iro.local", DEMO_PASSWORD)
    html = client.get("/").get_data(as_text=True)
    assert f'href="/entries/campaign/{ids["open"]}?status=submitted"' in html
    assert f"({len(waiting)})" in html
    assert 'href="/staff/outbox/?state=pending"' in html and 'href="/orders?status=draft"' in html
    assert 'href="/campaigns?status=open"' in html

    expert = app.test_client()
    login(expert, "expert@iro.local", DEMO_PASSWORD)
    html = expert.get("/").get_data(as_text=True)
    assert "Заполните и отправьте листы оценки: 1." in html
    assert 'href="/expert/?status=accepted"' in html

    applicant = app.test_client()
    login(applicant, "applicant@iro.local", DEMO_PASSWORD)
    html = applicant.get("/").get_data(as_text=True)
    assert re.search(r"подать до \d\d\.\d\d\.\d{4} \d\d:\d\d \(МСК\)", html)
    assert re.search(r'href="/entries/\d+/edit">Продолжить заполнение ', html)


def test_commission_panel_asks_before_sending_sheets(app, client):
    ids = _demo_ids(app)
    login(client, "staff@iro.local", DEMO_PASSWORD)
    html = client.get(f"/results/campaigns/{ids['open']}/panel").get_data(as_text=True)  # has a defence stage
    form = re.search(r'<form method="post" class="mb-4"([^>]*)>', html)
    assert form and "data-confirm=" in form.group(1) and "листы оценки" in form.group(1)


def test_staff_reading_a_sheet_goes_back_to_the_entrys_experts_not_to_a_forbidden_page(app, client):
    ids = _demo_ids(app)
    with app.app_context():
        from workflow_app.models.competition import ReviewAssignment

        aid, entry_id = db.session.execute(select(ReviewAssignment.id, ReviewAssignment.entry_id)
                                           .where(ReviewAssignment.entry_id == ids["winner"])).first()
    login(client, "staff@iro.local", DEMO_PASSWORD)
    for url in (f"/expert/assignments/{aid}", f"/expert/assignments/{aid}/sheet"):
        html = client.get(url).get_data(as_text=True)
        crumbs = html.split('<ol class="breadcrumb">', 1)[1].split("</ol>", 1)[0]
        assert 'href="/expert/"' not in crumbs  # «Моя экспертиза» is the expert's own page: 403 for staff
        assert f'href="/expert/entries/{entry_id}/assignments"' in crumbs
    assert client.get("/expert/").status_code == 403


def test_number_filter_shows_points_and_weights_the_russian_way(app):
    num = app.jinja_env.filters["num"]
    from decimal import Decimal

    assert [num(Decimal("1.500")), num(Decimal("10.00")), num(Decimal("0.125")), num(None)] == \
        ["1,5", "10", "0,125", ""]


def test_organisation_timeline_links_a_decided_entry_to_its_result(app, client):
    ids = _demo_ids(app)
    with app.app_context():
        org_id = db.session.get(Entry, ids["winner"]).organization_id
    login(client, "staff@iro.local", DEMO_PASSWORD)
    resp = client.get(f"/orgs/{org_id}/profile")
    assert resp.status_code == 200
    assert f'href="/results/entries/{ids["winner"]}"' in resp.get_data(as_text=True)


# Every demo role, with what its menu must offer (the pages merged in from each area).
ROLES = {
    "admin": ("/statuses", "/staff/audit/"),
    "staff": ("/orders", "/statuses", "/campaigns"),
    "prorector": ("/orders",),
    "signatory": ("/orders",),
    "coordinator": (),
    "applicant": ("/entries/",),
    "direktor.sosh2": ("/entries/",),
    "tms": ("/krc/my",),
    "expert": ("/expert/",),
    "mmk.expert1": ("/expert/",),
    "lsv.abinsk1": ("/expert/",),
}
SKIP = re.compile(r"logout|/static/|^mailto:|^javascript:|^https?://|\.ics|/feed")


def _crawl(client, per_pattern: int = 2, limit: int = 400) -> tuple[set[str], list[tuple]]:
    """Follow every link a page shows, breadth first, a couple of urls of each shape (ids made N)."""
    from collections import Counter, deque
    from urllib.parse import urljoin, urlsplit

    seen: set[str] = set()
    shapes: Counter = Counter()
    queue, problems, visited = deque([("/", "")]), [], 0
    while queue and visited < limit:
        url, source = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        parts = urlsplit(url)
        shape = re.sub(r"\d+", "N", parts.path) + "?" + ",".join(sorted(
            q.split("=")[0] for q in parts.query.split("&") if q))
        shapes[shape] += 1
        if shapes[shape] > per_pattern:
            continue
        visited += 1
        try:
            resp = client.get(url)
        except Exception as exc:  # the test app propagates a view's exception: note the page, go on
            problems.append((url, source, repr(exc)))
            continue
        html = resp.get_data(as_text=True) if resp.mimetype == "text/html" else ""
        if resp.status_code >= 500 or resp.status_code == 404 or "Traceback (most recent" in html:
            problems.append((url, source, resp.status_code))
        if resp.status_code in (301, 302, 303) and "/login" in resp.headers["Location"]:
            problems.append((url, source, "sent to the login page"))
        for href in re.findall(r'href="([^"#]+)"', html):
            href = href.replace("&amp;", "&")
            if not SKIP.search(href):
                full = urlsplit(urljoin("http://localhost" + url, href))
                queue.append((full.path + (f"?{full.query}" if full.query else ""), url))
    return seen, problems


@pytest.mark.slow
@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_page_a_role_can_reach_opens(app, role):
    _demo_ids(app)
    client = app.test_client()
    assert login(client, f"{role}@iro.local", DEMO_PASSWORD).status_code in (302, 303)
    seen, problems = _crawl(client)
    assert problems == []
    for page in ROLES[role]:
        assert page in seen, page
