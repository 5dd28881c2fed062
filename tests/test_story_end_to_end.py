"""The whole «Инновационный поиск» story through the web layer, on both databases.

Staff create and open a campaign from the preset; two applicants (ОО in Краснодар, ДОО in Новороссийск)
fill and submit dossiers; one is returned and resubmitted; both are admitted; experts are assigned
automatically, accept and score; one entry's scores diverge and an extra expert is added; the ranking
shows the means; the shortlist, the in-person panel and the commission decision follow; the applicants
see their results anonymously; the results order is drafted, approved, signed, and the winner's КИП
status appears in the registers while the campaign closes.

Every action goes through a real page and form (CSRF token from the page, the values a browser would
send). The database is touched directly only to create the people and organisations and to read what
happened: after every step the audit log must hold exactly one row per state change, of the right event.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from workflow_app.extensions import db
from workflow_app.models import AuditEvent, OrgType, Role, User
from workflow_app.models.base import utcnow
from workflow_app.models.competition import (
    Campaign,
    CampaignStatus,
    Entry,
    EntryStatus,
    EntryVersion,
    ExpertProfile,
    ReviewAssignment,
    StageKind,
)
from workflow_app.models.notification import OutboxMessage
from workflow_app.models.orders import Order, OrderStatus
from workflow_app.models.status_award import AwardStatus, StatusAward

from .factories import make_org, make_user, status_type
from .helpers import login, post_form

# --- a browser's view of a page's forms ---------------------------------------------------------


class _FormParser(HTMLParser):
    """Collects every form with the values a browser would submit by default (no JS)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._template = 0
        self._textarea = None
        self._select = None
        self._option = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "template":
            self._template += 1
        if self._template:
            return
        if tag == "form":
            self._form = {"action": a.get("action") or "", "fields": []}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if not a.get("name") or kind in ("submit", "button", "file", "reset", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append((a["name"], a.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "textarea":
            self._textarea = [a.get("name"), ""]
        elif tag == "select":
            self._select = {"name": a.get("name"), "multiple": "multiple" in a, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, ""]
            self._select["options"].append(self._option)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        elif self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag):
        if tag == "template":
            self._template -= 1
        if self._template:
            return
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            if name and self._form is not None:
                # The HTML parser drops one newline right after <textarea>, as browsers do.
                text = text[2:] if text.startswith("\r\n") else text[1:] if text.startswith("\n") else text
                self._form["fields"].append((name, text))
            self._textarea = None
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            s, self._select = self._select, None
            opts = [(v if v is not None else t.strip(), sel, t.strip()) for v, sel, t in s["options"]]
            chosen = [v for v, sel, _ in opts if sel] or ([] if s["multiple"] or not opts else [opts[0][0]])
            if s["name"] and self._form is not None:
                self._form["fields"].extend((s["name"], v) for v in chosen)
                self._form.setdefault("options", {})[s["name"]] = [(v, t) for v, _, t in opts]


def forms_of(html: str) -> list[dict]:
    p = _FormParser()
    p.feed(html)
    return p.forms


def find_form(html: str, action: str, page: str = "") -> dict:
    """The form posting to `action` (a path; query strings are ignored). A form without an action
    posts to its own page."""
    want = urlsplit(action).path
    for f in forms_of(html):
        if urlsplit(unescape(f["action"]) or page).path == want:
            return f
    raise AssertionError(f"no form posting to {action}")


def defaults(form: dict) -> dict:
    out: dict = {}
    for name, value in form["fields"]:
        if name in out:
            out[name] = (out[name] if isinstance(out[name], list) else [out[name]]) + [value]
        else:
            out[name] = value
    out.pop("csrf_token", None)  # post_form takes a fresh one from the page, like a browser would
    return out


def submit(client, page: str, action: str | None = None, data: dict | None = None, **kw):
    """Open `page`, fill its form posting to `action` (default: the page itself) and send it."""
    html = client.get(page).get_data(as_text=True)
    form = find_form(html, action or page, page)
    target = unescape(form["action"]) or page
    return post_form(client, target, {**defaults(form), **(data or {})}, form_url=page, **kw)


def text_of(resp) -> str:
    return resp.get_data(as_text=True)


def flash_after(client, resp) -> str:
    """The page a redirect leads to (its flash message included)."""
    assert resp.status_code == 302, (resp.status_code, text_of(resp)[:2000])
    return text_of(client.get(resp.headers["Location"]))


def row_of(html: str, code: str) -> str:
    m = re.search(r'<tr[^>]*data-entry="' + re.escape(code) + r'"[^>]*>(.*?)</tr>', html, re.S)
    assert m, f"no row for {code}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(1)))


# --- the audit journal: exactly one row per state change ----------------------------------------

STATEFUL = {"campaign": Campaign, "entry": Entry, "review_assignment": ReviewAssignment,
            "order_doc": Order, "status_award": StatusAward}


class Journal:
    """Remembers every stateful object's state; `step()` checks what changed against the new audit rows."""

    def __init__(self, app):
        self.app = app
        self.states, self.last_id = self._read()

    def _read(self):
        with self.app.app_context():
            states = {}
            for otype, model in STATEFUL.items():
                for oid, status in db.session.execute(select(model.id, model.status)):
                    states[(otype, oid)] = status.name
            last = db.session.execute(select(func.max(AuditEvent.id))).scalar() or 0
        return states, last

    def step(self, *expected: str, also: tuple[str, ...] = ()) -> list[AuditEvent]:
        """expected: the events of the state changes since the last step (one per changed object);
        also: other events that must have been written once each."""
        states, last = self._read()
        with self.app.app_context():
            rows = list(db.session.execute(
                select(AuditEvent).where(AuditEvent.id > self.last_id).order_by(AuditEvent.id)).scalars())
            db.session.expunge_all()
        changed = {k: (self.states.get(k), v) for k, v in states.items() if self.states.get(k) != v}
        transitions = [r for r in rows if r.to_state is not None]
        for key, (before, after) in changed.items():
            # One row per transition: the object's rows chain from its old state to its new one.
            chain = [r for r in transitions if (r.object_type, r.object_id) == key]
            assert chain, f"{key} went {before} → {after} without an audit row"
            assert chain[-1].to_state == after, (key, [r.event for r in chain], after)
            if before is not None:
                assert chain[0].from_state == before, (key, chain[0].event, chain[0].from_state, before)
            for prev, nxt in zip(chain, chain[1:], strict=False):
                assert nxt.from_state == prev.to_state, (key, prev.event, nxt.event)
        unexplained = [r.event for r in transitions if (r.object_type, r.object_id) not in changed]
        assert not unexplained, f"audit rows for state changes that did not happen: {unexplained}"
        assert Counter(r.event for r in transitions) == Counter(expected), \
            sorted(r.event for r in transitions)
        others = Counter(r.event for r in rows if r.to_state is None)
        for event in also:
            assert others[event] == 1, f"{event}: {others[event]} rows"
        self.states, self.last_id = states, last
        return rows


# --- the people ---------------------------------------------------------------------------------

REVIEW_WEIGHTS = [Decimal(w) for w in ("1", "1.5", "1", "1", "1", "1.5", "1", "1", "1", "0.5")]
# Points typed into the score sheets, by criterion position (the preset's ten review criteria).
A_HIGH = ["9", "9", "8", "9", "8", "9", "8", "9", "9", "8"]
A_LOW = ["4,5", "5", "4", "5", "4", "5", "4", "4", "5", "4"]
A_EXTRA = ["8", "7", "8", "8", "7", "8", "7", "8", "8", "7,5"]
B_ONE = ["5", "5", "6", "5", "5", "6", "5", "5", "6", "5"]
B_TWO = ["6", "5", "5", "6", "5", "5", "6", "5", "5", "6"]
DEFENCE = {0: ["9", "8", "10"], 1: ["8", "8", "9"]}
EXPERTS = [("Орлова Анна Сергеевна", "sochi"), ("Волков Пётр Ильич", "anapa"),
           ("Зайцева Мария Андреевна", "gelendzhik")]


def weighted(points: list[str], weights: list[Decimal]) -> Decimal:
    return sum((Decimal(p.replace(",", ".")) * w for p, w in zip(points, weights, strict=False)), Decimal(0))


def _people(app) -> dict:
    with app.app_context():
        school = make_org("МБОУ СОШ № 7", "krasnodar", OrgType.OO, full_name="МБОУ СОШ № 7 г. Краснодара")
        kinder = make_org("МБДОУ д/с № 12", "novorossiysk", OrgType.DOO,
                          full_name="МБДОУ детский сад № 12 г. Новороссийска")
        ids = {
            "admin": make_user("admin@iro.test", Role.admin, name="Админов Админ Админович").id,
            "staff": make_user("staff@iro.test", Role.staff, name="Смирнова Ольга Петровна").id,
            "signatory": make_user("rector@iro.test", Role.signatory, name="Гайдук Татьяна Алексеевна").id,
            "app_a": make_user("school@iro.test", (Role.applicant, school), org=school,
                               name="Петрова Елена Ивановна").id,
            "app_b": make_user("kinder@iro.test", (Role.applicant, kinder), org=kinder,
                               name="Сидорова Наталья Олеговна").id,
            "school": school.id, "kinder": kinder.id, "experts": [],
        }
        approver = make_user("prorector@iro.test", Role.staff, name="Кузнецов Андрей Викторович")
        approver.position = "Первый проректор"
        ids["approver"] = approver.id
        db.session.get(User, ids["signatory"]).position = "Ректор"  # printed under the signed order
        for n, (name, code) in enumerate(EXPERTS, start=1):
            uni = make_org(f"Вуз {n}", code, OrgType.VUZ, full_name=f"Университет № {n}")
            ids["experts"].append(make_user(f"expert{n}@iro.test", Role.expert, org=uni, name=name).id)
        # An expert of the school's own municipality, competent in ОО only: never eligible here.
        local = make_org("Краснодарский вуз", "krasnodar", OrgType.VUZ)
        ids["local_expert"] = make_user("local@iro.test", Role.expert, org=local, name="Соколов Игорь Павлович").id
        db.session.commit()
    return ids


def _client(app, email: str):
    c = app.test_client()
    resp = login(c, email)
    assert resp.status_code == 302, text_of(resp)[:500]
    return c


# --- the story ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_innovation_search_from_announcement_to_signed_order(app):
    ids = _people(app)
    journal = Journal(app)
    staff = _client(app, "staff@iro.test")
    today = utcnow().astimezone(ZoneInfo(app.config["DISPLAY_TIMEZONE"])).date()
    year = today.year

    # 1. Staff create the campaign from the preset, set tiny settings and the dates, then open it.
    resp = post_form(staff, "/campaigns/new", {"kind": "innovation_search", "name": f"Инновационный поиск {year}",
                                               "year": str(year), "description": "Конкурс инновационных проектов"})
    cid = int(re.search(r"/campaigns/(\d+)$", resp.headers["Location"]).group(1))
    page = flash_after(staff, resp)
    assert "Черновик конкурса создан по шаблону" in page and "Дошкольные образовательные организации" in page
    journal.step("campaign.created")

    resp = submit(staff, f"/campaigns/{cid}/settings", data={
        "experts_per_entry": "2", "expert_load_cap": "5", "divergence_pct": "20", "shortlist_pct": "60"})
    page = flash_after(staff, resp)
    assert "Настройки сохранены: Экспертов на заявку, Предельная нагрузка эксперта, Порог расхождения, %." in page
    journal.step(also=("campaign.settings_changed",))

    with app.app_context():
        stages = {s.kind: s.id for s in db.session.get(Campaign, cid).stages}
    for n, kind in enumerate(StageKind):  # registration … decision, ten days apart
        day = today + timedelta(days=10 * (n + 1) - (10 if kind == StageKind.submission else 0))
        resp = submit(staff, f"/campaigns/{cid}/stages/{stages[kind]}", data={"deadline_date": day.isoformat()})
        assert resp.status_code == 302, text_of(resp)[:3000]
    journal.step()
    resp = submit(staff, f"/campaigns/{cid}", f"/campaigns/{cid}/transition/open")
    assert "Состояние конкурса — «Приём заявок»" in flash_after(staff, resp)
    journal.step("campaign.open")
    assert f"Инновационный поиск {year}" in text_of(app.test_client().get("/campaigns/public"))

    # Staff describe the experts: competences in both tracks; the local one in ОО only.
    for uid in ids["experts"]:
        resp = submit(staff, f"/expert/pool/{uid}/edit", data={"competences": ["ОО", "ДОО"], "active": "y"})
        assert resp.status_code == 302, text_of(resp)[:2000]
    resp = submit(staff, f"/expert/pool/{ids['local_expert']}/edit", data={"competences": ["ОО"], "active": "y"})
    assert resp.status_code == 302
    journal.step()

    # 2. Two applicants of different tracks create entries and fill the dossier through the editor.
    app_a, app_b = _client(app, "school@iro.test"), _client(app, "kinder@iro.test")
    entries = {}
    for key, client, track in (("A", app_a, "Общеобразовательные организации"),
                               ("B", app_b, "Дошкольные образовательные организации")):
        home = text_of(client.get("/entries/"))
        options = dict((t, v) for v, t in find_form(home, "/entries/new")["options"]["target"])
        assert list(options) == [track]  # only the track the organisation's type may enter
        resp = submit(client, "/entries/", "/entries/new", {"target": options[track]})
        page = flash_after(client, resp)
        eid = int(re.search(r"/entries/(\d+)/edit", resp.headers["Location"]).group(1))
        assert "создана. Заполните разделы" in page and "Не указана тема проекта." in page
        entries[key] = eid
    journal.step("entry.create", "entry.create")
    with app.app_context():
        codes = {k: db.session.get(Entry, v).code for k, v in entries.items()}
    assert codes == {"A": f"ИП-{year}-0001", "B": f"ИП-{year}-0002"}

    def fill(client, eid, title, extra="") -> dict:
        html = text_of(client.get(f"/entries/{eid}/edit"))
        form = defaults(find_form(html, f"/entries/{eid}/edit"))
        data = {"title": title, "lead_name": "Петрова Елена Ивановна, директор",
                "team-name": ["Петрова Елена Ивановна", "Иванов Олег Петрович"],
                "team-position": ["директор", "заместитель директора"],
                "team-role": ["руководитель", "координатор"]}
        for name in form:
            if name.startswith("sec-"):
                data[name] = f"<p>Раздел {name[4:]}: <b>содержание</b> проекта «{title}».{extra}</p>"
            elif name.startswith("grid-"):   # the grid field: the form's columns, one row typed
                grid = json.loads(form[name])
                grid["rows"] = [[f"Строка {name[5:]}"] + [""] * (len(grid["columns"]) - 1)]
                data[name] = json.dumps(grid, ensure_ascii=False)
        return data

    for key, client in (("A", app_a), ("B", app_b)):
        eid = entries[key]
        title = "Школа успеха для каждого" if key == "A" else "Детский сад — территория открытий"
        data = fill(client, eid, title)
        # A first save without the team: the completeness panel still lists it.
        partial = {k: v for k, v in data.items() if not k.startswith("team-")}
        page = flash_after(client, submit(client, f"/entries/{eid}/edit", data={**partial, "go": "save"}))
        assert "Черновик сохранён" in page and "Не указан состав команды проекта." in page
        resp = submit(client, f"/entries/{eid}/edit", data={**data, "go": "submit"})
        assert resp.headers["Location"].endswith(f"/entries/{eid}/submit")
        page = text_of(client.get(f"/entries/{eid}/submit"))
        assert "Не заполнен" not in page
        resp = submit(client, f"/entries/{eid}/submit")
        assert f"Заявка {codes[key]} подана. Зафиксирована версия № 1." in flash_after(client, resp)
    journal.step("entry.submit", "entry.submit")

    # 3. Staff return A for corrections; the applicant sees the remark and gets a notice.
    remark = "Уточните нормативно-правовое обеспечение (раздел 1.2)."
    due = (today + timedelta(days=15)).isoformat()
    resp = submit(staff, f"/entries/{entries['A']}", f"/entries/{entries['A']}/return",
                  {"reason": remark, "due": due})
    assert "возвращена на доработку; заявитель уведомлён" in flash_after(staff, resp)
    journal.step("entry.return_for_correction")
    page = text_of(app_a.get(f"/entries/{entries['A']}"))
    assert remark in page and "Возвращена на доработку" in page
    assert remark in text_of(app_a.get(f"/entries/{entries['A']}/edit"))
    assert f"Заявка {codes['A']} возвращена на доработку" in text_of(app_a.get("/notices"))
    with app.app_context():
        notices = db.session.execute(select(OutboxMessage).where(
            OutboxMessage.recipient_id == ids["app_a"],
            OutboxMessage.subject == f"Заявка {codes['A']} возвращена на доработку")).scalars().all()
        assert sorted(m.channel.name for m in notices) == ["email", "inapp"]
        assert all(remark in m.body for m in notices)
        v1 = db.session.execute(select(EntryVersion).where(EntryVersion.entry_id == entries["A"])).scalar_one()
        v1_content, v1_hash = v1.content, v1.sha256

    # 4. The applicant corrects and resubmits: a second frozen version, the first unchanged.
    data = fill(app_a, entries["A"], "Школа успеха для каждого", extra=" Приказ министерства № 100.")
    assert submit(app_a, f"/entries/{entries['A']}/edit", data={**data, "go": "submit"}).status_code == 302
    resp = submit(app_a, f"/entries/{entries['A']}/submit")
    assert "Зафиксирована версия № 2." in flash_after(app_a, resp)
    journal.step("entry.resubmit")
    with app.app_context():
        versions = db.session.execute(select(EntryVersion).where(EntryVersion.entry_id == entries["A"])
                                      .order_by(EntryVersion.number)).scalars().all()
        assert [v.number for v in versions] == [1, 2]
        assert versions[0].content == v1_content and versions[0].sha256 == v1_hash
        assert versions[1].sha256 != v1_hash
    diff = text_of(staff.get(f"/entries/{entries['A']}/diff"))
    assert "Приказ министерства № 100." in diff

    # 5. Staff admit both entries and start the expert review.
    for key in "AB":
        resp = submit(staff, f"/entries/{entries[key]}", f"/entries/{entries[key]}/admit")
        assert "допущена к экспертизе" in flash_after(staff, resp)
    journal.step("entry.admit", "entry.admit")
    resp = submit(staff, f"/campaigns/{cid}", f"/campaigns/{cid}/transition/start_review")
    assert "Состояние конкурса — «Экспертиза»" in flash_after(staff, resp)
    journal.step("campaign.start_review")

    # 6. Automatic assignment: preview (with the reasons), then confirm.
    preview_url = f"/expert/campaigns/{cid}/assign"
    preview = text_of(staff.get(preview_url))
    assert re.search(r'data-testid="plan-picks">\s*4\s*<', preview)
    row_a, row_b = row_of(preview, codes["A"]), row_of(preview, codes["B"])
    assert "Соколов Игорь Павлович — тот же муниципалитет" in row_a
    assert "Соколов Игорь Павлович — нет компетенции по треку" in row_b
    resp = submit(staff, preview_url, preview_url)
    assert "Назначено 4 эксперта по 2 заявкам." in flash_after(staff, resp)
    journal.step(*["assignment.create"] * 4, "entry.start_review", "entry.start_review",
                 also=("assignment.auto_apply",))
    with app.app_context():
        panel = {k: [(a.id, a.expert_id) for a in db.session.execute(
            select(ReviewAssignment).where(ReviewAssignment.entry_id == entries[k])
            .order_by(ReviewAssignment.id)).scalars()] for k in "AB"}
        emails = {u.id: u.email for u in db.session.execute(select(User)).scalars()}
        for k in "AB":  # never the applicant's organisation or municipality; competent in the track
            e = db.session.get(Entry, entries[k])
            for _, x in panel[k]:
                expert = db.session.get(User, x)
                assert expert.organization_id != e.organization_id
                assert expert.organization.municipality_id != e.organization.municipality_id
                profile = db.session.execute(select(ExpertProfile).where(ExpertProfile.user_id == x)).scalar_one()
                assert e.track.code in profile.competences
    assert all(len(v) == 2 for v in panel.values())
    assert ids["local_expert"] not in {x for v in panel.values() for _, x in v}
    experts = {uid: _client(app, emails[uid]) for uid in ids["experts"]}

    # 7. The experts accept and score through the score sheet.
    def score(aid, expert_id, points, comment):
        client = experts[expert_id]
        assert f"/expert/assignments/{aid}" in text_of(client.get("/expert/"))
        resp = submit(client, f"/expert/assignments/{aid}", f"/expert/assignments/{aid}/respond/accept")
        assert "Назначение принято" in flash_after(client, resp)
        html = text_of(client.get(f"/expert/assignments/{aid}/sheet"))
        crit = [int(x) for x in re.findall(r'name="points_(\d+)"', html)]
        assert len(crit) == len(points)
        data = {f"points_{c}": p for c, p in zip(crit, points, strict=False)}
        data |= {f"comment_{c}": f"{comment}, критерий {n}" for n, c in enumerate(crit, 1)}
        data |= {"overall_comment": comment, "send": "Отправить"}
        resp = submit(client, f"/expert/assignments/{aid}/sheet", data=data)
        assert "Оценка отправлена. Спасибо!" in flash_after(client, resp)

    (a1, x_a1), (a2, x_a2) = panel["A"]
    score(a1, x_a1, A_HIGH, "Сильная заявка")
    journal.step("assignment.accept", "assignment.submit")
    score(a2, x_a2, A_LOW, "Слабое обоснование")
    # The totals diverge beyond 20 % of the maximum: the entry is flagged and an extra expert offered.
    review_max = sum(Decimal(10) * w for w in REVIEW_WEIGHTS)
    t_high, t_low = weighted(A_HIGH, REVIEW_WEIGHTS), weighted(A_LOW, REVIEW_WEIGHTS)
    assert t_high - t_low > review_max * Decimal("0.2")
    journal.step("assignment.accept", "assignment.submit", "assignment.extra", also=("entry.divergent",))
    with app.app_context():
        e = db.session.get(Entry, entries["A"])
        assert e.divergent and e.status == EntryStatus.under_review
        extra = db.session.execute(select(ReviewAssignment).where(
            ReviewAssignment.entry_id == e.id, ReviewAssignment.is_extra.is_(True))).scalar_one()
        aid_x, x_extra = extra.id, extra.expert_id
        assert [float(a.total) for a in db.session.execute(select(ReviewAssignment).where(
            ReviewAssignment.id.in_([a1, a2])).order_by(ReviewAssignment.id)).scalars()] == \
            [float(t_high), float(t_low)]
        assert db.session.execute(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.subject == f"Расхождение оценок по заявке {codes['A']}")).scalar_one() >= 1
    assert x_extra not in (x_a1, x_a2) and x_extra in ids["experts"]
    score(aid_x, x_extra, A_EXTRA, "Проект перспективный")
    journal.step("assignment.accept", "assignment.submit", "entry.complete_review")
    (b1, x_b1), (b2, x_b2) = panel["B"]
    score(b1, x_b1, B_ONE, "Средне")
    score(b2, x_b2, B_TWO, "Средне")
    journal.step("assignment.accept", "assignment.submit", "assignment.accept", "assignment.submit",
                 "entry.complete_review")

    # 8. The ranking: each track's entry with the mean of its experts' weighted totals.
    def pct(x: Decimal, mx: Decimal) -> str:
        return f"{float(round(x * 100 / mx, 4)):.2f}".replace(".", ",")

    def two(x: Decimal) -> str:  # points to two places with a decimal comma, as on the page
        return f"{float(round(x, 4)):.2f}".replace(".", ",")

    mean_a = (t_high + t_low + weighted(A_EXTRA, REVIEW_WEIGHTS)) / 3
    mean_b = (weighted(B_ONE, REVIEW_WEIGHTS) + weighted(B_TWO, REVIEW_WEIGHTS)) / 2
    ranking = text_of(staff.get(f"/results/campaigns/{cid}?track=ОО"))
    row = row_of(ranking, codes["A"])
    assert f" 3 {two(mean_a)} {pct(mean_a, review_max)} " in row
    assert "шорт-лист" in row and "расхождение" in row and "Оценена" in row
    row = row_of(text_of(staff.get(f"/results/campaigns/{cid}?track=ДОО")), codes["B"])
    assert f" 2 {two(mean_b)} {pct(mean_b, review_max)} " in row
    assert "шорт-лист" not in row and mean_b * 100 / review_max < 60 <= mean_a * 100 / review_max

    # 9. Shortlist: preview, then confirm.
    page = text_of(staff.get(f"/results/campaigns/{cid}/shortlist"))
    assert "Проходят (1)" in page and "Не проходят (1)" in page
    yes = re.search(r'data-testid="shortlist-yes">(.*?)</ul>', page, re.S).group(1)
    assert codes["A"] in yes and codes["B"] not in yes
    resp = submit(staff, f"/results/campaigns/{cid}/shortlist")
    assert "Список очного этапа сформирован: прошли 1, не прошли 1." in flash_after(staff, resp)
    journal.step("entry.shortlist", "entry.not_select", also=("results.shortlist",))
    resp = submit(staff, f"/campaigns/{cid}", f"/campaigns/{cid}/transition/start_defence")
    assert "Состояние конкурса — «Очный этап»" in flash_after(staff, resp)
    journal.step("campaign.start_defence")

    # 10. The in-person panel: two experts score the defence.
    on_panel = ids["experts"][:2]
    resp = submit(staff, f"/results/campaigns/{cid}/panel", data={"expert": [str(x) for x in on_panel]})
    assert "листов оценки создано 2" in flash_after(staff, resp)
    journal.step("assignment.panel", "assignment.panel", also=("results.panel_assigned",))
    defence_max = Decimal(30)
    defence_totals = []
    for n, uid in enumerate(on_panel):
        client = experts[uid]
        listing = text_of(client.get("/results/defence"))
        aid = int(re.search(r"/results/defence/(\d+)", listing).group(1))
        html = text_of(client.get(f"/results/defence/{aid}"))
        crit = [int(x) for x in re.findall(r'name="points-(\d+)"', html)]
        data = {f"points-{c}": p for c, p in zip(crit, DEFENCE[n], strict=False)}
        data |= {f"comment-{c}": "Уверенная защита" for c in crit}
        resp = submit(client, f"/results/defence/{aid}", data=data)
        assert f"Оценка защиты проекта {codes['A']} отправлена." in flash_after(client, resp)
        defence_totals.append(sum((Decimal(p) for p in DEFENCE[n]), Decimal(0)))
        journal.step("assignment.submit", *(["entry.complete_defence"] if n == 1 else []))
    mean_defence = sum(defence_totals) / 2

    # 11. The commission decision.
    page = text_of(staff.get(f"/results/campaigns/{cid}/decision"))
    assert "Утвердить решение" in page
    resp = submit(staff, f"/results/campaigns/{cid}/decision")
    assert "Решение комиссии утверждено: победителей 1, не прошли отбор 1." in flash_after(staff, resp)
    journal.step("campaign.start_decision", "entry.select_winner", also=("results.decision_approved",))
    row = row_of(text_of(staff.get(f"/results/campaigns/{cid}?track=ОО")), codes["A"])
    assert f"{pct(mean_defence, defence_max)} {pct(mean_defence, defence_max)} Победитель" in row

    # 12. The applicants see their results: per-criterion scores, experts anonymous.
    result = text_of(app_a.get(f"/results/entries/{entries['A']}"))
    assert "Победитель" in result and f"{pct(mean_defence, defence_max)} % от максимума" in result
    for label in ("Эксперт 1", "Эксперт 2", "Эксперт 3"):
        assert label in result
    assert "Эксперт 4" not in result
    assert "Актуальность и значимость проекта для системы образования края" in result
    assert "Убедительность презентации проекта" in result and "Сильная заявка, критерий 1" in result
    assert "4.5 из 10" in result and "7.5 из 10" in result
    with app.app_context():
        names = [u.full_name for u in db.session.execute(select(User).where(User.id.in_(ids["experts"]))).scalars()]
    for name in names:
        assert name not in result and name.split()[0] not in result
    result_b = text_of(app_b.get(f"/results/entries/{entries['B']}"))
    assert "Не прошла отбор" in result_b and "Эксперт 2" in result_b
    assert app_b.get(f"/results/entries/{entries['A']}").status_code == 403

    # 13. The results order: drafted from the decision, approved by the configured approver, signed.
    admin = _client(app, "admin@iro.test")
    resp = submit(admin, "/admin/settings", data={"approver_ids": [str(ids["approver"])]})
    assert "Настройки учреждения сохранены." in flash_after(admin, resp)
    journal.step(also=("settings.updated",))
    new_order = f"/orders/new?kind=approve_results&campaign_id={cid}"
    prefilled = defaults(find_form(text_of(staff.get(new_order)), "/orders/new", new_order))
    assert prefilled["kind"] == "approve_results" and prefilled["campaign_id"] == str(cid)
    resp = submit(staff, new_order, "/orders/new")
    assert "Проект приказа создан" in flash_after(staff, resp)
    oid = int(re.search(r"/orders/(\d+)/edit", resp.headers["Location"]).group(1))
    journal.step("order.created")
    view = text_of(staff.get(f"/orders/{oid}"))
    assert f"Об утверждении итогов образовательного конкурса «Инновационный поиск {year}»" in view
    assert "МБОУ СОШ № 7 г. Краснодара" in view and "Школа успеха для каждого" in view
    assert "детский сад № 12" not in view
    resp = submit(staff, f"/orders/{oid}", f"/orders/{oid}/fire/send_for_approval")
    assert "Проект направлен на согласование." in flash_after(staff, resp)
    journal.step("order.send_for_approval")
    approver = _client(app, "prorector@iro.test")
    resp = submit(approver, f"/orders/{oid}", f"/orders/{oid}/visa", {"decision": "approve"})
    assert "Виза поставлена." in flash_after(approver, resp)
    journal.step("order.approve", also=("order.visa_approved",))
    rector = _client(app, "rector@iro.test")
    resp = submit(rector, f"/orders/{oid}", f"/orders/{oid}/fire/sign")
    page = flash_after(rector, resp)
    assert f"Приказ подписан: № 1 от {today:%d.%m.%Y}." in page
    journal.step("order.sign", "award.schedule", "campaign.close")
    with app.app_context():
        order = db.session.get(Order, oid)
        assert order.status == OrderStatus.signed and order.number == "1" and order.seq == 1
        awards = db.session.execute(select(StatusAward)).scalars().all()
        assert [(a.organization_id, a.status_type, a.status, a.entry_id) for a in awards] == \
            [(ids["school"], status_type("KIP"), AwardStatus.scheduled, entries["A"])]
        assert db.session.get(Campaign, cid).status == CampaignStatus.closed

    pdf = rector.get(f"/orders/{oid}/file.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    from pypdf import PdfReader

    # words, not line breaks
    pdf_text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(pdf.data)).pages)
    assert "№ 1" in pdf_text and "Школа успеха для каждого" in pdf_text
    docx = staff.get(f"/orders/{oid}/file.docx")
    assert docx.status_code == 200 and docx.data.startswith(b"PK")
    from docx import Document

    doc_text = "\n".join(p.text for p in Document(BytesIO(docx.data)).paragraphs)
    assert "№ 1" in doc_text and "Об утверждении итогов" in doc_text

    # 14. The winner's КИП status in the staff list and the public registry; the campaign is closed.
    statuses = text_of(staff.get("/statuses"))
    assert "МБОУ СОШ № 7" in statuses and "Школа успеха для каждого" in statuses and "№ 1" in statuses
    assert "МБДОУ д/с № 12" not in statuses
    assert f"с 01.01.{year + 1}" in statuses  # the status starts on 1 January after the competition
    registry = text_of(app.test_client().get("/registry"))
    assert "Школа успеха для каждого" not in registry  # not yet in force today
    registry = text_of(app.test_client().get(f"/registry?on={year + 1}-01-01"))
    assert "МБОУ СОШ № 7" in registry and "Школа успеха для каждого" in registry
    assert "МБДОУ д/с № 12" not in registry
    page = text_of(staff.get(f"/campaigns/{cid}"))
    assert "Завершён" in page
    assert f"Инновационный поиск {year}" not in text_of(app.test_client().get("/campaigns/public"))
