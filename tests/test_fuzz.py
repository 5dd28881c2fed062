"""Hostile input everywhere, generated from the URL map and the form classes: every route (GET and POST),
every role, NUL / huge / out-of-range / RTL / non-ASCII-digit values in every form field, every integer
route parameter and the common query arguments. Never a 5xx; a 4xx refusal changes no data.

Bounded: a fixed seed and a few values per field, one hostile request per kind of input a route takes."""
from __future__ import annotations

import hashlib
import random
import re

import pytest
from sqlalchemy import select, text
from werkzeug.routing import IntegerConverter

from workflow_app.extensions import db
from workflow_app.forms import RuForm, RuSubForm
from workflow_app.models import Role
from workflow_app.models.orders import OrderKind
from workflow_app.services import orders

from .factories import make_user, make_world, municipality, review_stage, track
from .helpers import login

pytestmark = pytest.mark.slow

HOSTILE = ["a\x00b", str(10**30), str(2**31), str(2**63), "я" * 100_000, "\u202eтекст\u202c", "７", "٥"]
LONG = HOSTILE[4]
SHORT = [v for v in HOSTILE if v is not LONG]  # 100,000 characters go into one field per request
HUGE_IDS = [2**31, 2**63, 10**30]
QUERY_ARGS = ("q", "page", "per_page", "sort", "dir", "status", "organization", "campaign", "municipality",
              "year", "stage", "version", "a", "b", "kind", "type", "object_id", "campaign_id", "stage_id",
              "track_id", "role", "next", "date_from", "date_to")
TEXT_PARAMS = {"fmt": "pdf", "kind": "orgs", "trigger": "submit", "direction": "up", "token": "x" * 20,
               "filename": "app.js"}
ROLES = {
    "anonymous": None,
    "applicant": "appa@x.ru",
    "coordinator": "coord-krd@x.ru",
    "expert": "expert@x.ru",
    "staff": "staff@x.ru",
    "signatory": "sign@x.ru",
    "admin": "admin@x.ru",
}
SKIP = {"auth.logout", "static"}  # signing out ends the role's session; static files take no input
NOT_COUNTED = {"audit_event"}  # a refused sign-in is audited on purpose (and the audit log is append-only)
_FIELD = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"')
_CSRF = re.compile(r'name="csrf_token"[^>]*? value="([^"]+)"')


def _form_field_names() -> list[str]:
    """Every field name of every form class (for POST-only routes, whose forms no page shows here)."""
    names: set[str] = set()
    stack = [RuForm, RuSubForm]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        names.update(k for k, v in vars(cls).items() if hasattr(v, "field_class"))
    return sorted(names)


def _world() -> dict[str, int]:
    w = make_world()
    make_user("sign@x.ru", Role.signatory)
    make_user("admin@x.ru", Role.admin)
    victim = make_user("victim@x.ru", Role.staff)
    order = orders.create_draft(OrderKind.other, victim)
    from workflow_app.models.competition import Campaign

    c = db.session.get(Campaign, w.campaign_id)
    st, tr = review_stage(c), track(c, "ОО")
    db.session.commit()
    ids = {"campaign_id": w.campaign_id, "entry_id": w.entry_id, "org_id": w.org_b, "user_id": victim.id,
           "order_id": order.id, "stage_id": st.id, "track_id": tr.id, "number": 1, "n": 1}
    assert municipality("krasnodar") is not None
    return ids


def _snapshot() -> str:
    """A checksum of every table's rows (but the audit log). PostgreSQL hashes them itself, in one query."""
    tables = [t for t in db.metadata.sorted_tables if t.name not in NOT_COUNTED]
    if db.session.get_bind().dialect.name == "postgresql":
        parts = ", ".join(f"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{t.name}\" t)"
                          for t in tables)
        return db.session.execute(text(f"SELECT md5(concat_ws('#', {parts}))")).scalar_one()
    h = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        if table.name in NOT_COUNTED:
            continue
        rows = db.session.execute(select(table)).all()
        h.update(table.name.encode())
        for row in sorted(repr(tuple(r)) for r in rows):
            h.update(row.encode())
    return h.hexdigest()


def _url(rule, ids, rng, hostile_int: bool):
    values = {}
    for name, conv in rule._converters.items():
        if isinstance(conv, IntegerConverter):
            values[name] = rng.choice(HUGE_IDS) if hostile_int else ids.get(name, 1)
        else:
            values[name] = TEXT_PARAMS.get(name, "x")
            if name == "trigger" and "any(" in rule.rule:
                values[name] = "deactivate"
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<[^>]*:?{re.escape(name)}>", str(value), path)
    return path


@pytest.mark.parametrize("role", list(ROLES))
def test_hostile_input_never_fails_the_server(app, role):
    rng = random.Random(f"fuzz-{role}")
    with app.app_context():
        ids = _world()
    client = app.test_client()
    if ROLES[role]:
        assert login(client, ROLES[role]).status_code == 302
    fields = _form_field_names()
    problems: list[str] = []

    def send(method, url, **kw):
        before = None
        if method != "GET":
            with app.app_context():
                before = _snapshot()
        if method == "POST":
            # Multipart, as a browser sends a form with a file: the 100,000-character value is not
            # percent-encoded (six times longer) and decoded char by char on every request.
            kw.setdefault("content_type", "multipart/form-data")
        try:
            resp = client.open(url, method=method, **kw)
        except Exception as exc:  # noqa: BLE001 (TESTING propagates: an exception is the 500 a user would see)
            problems.append(f"{method} {url[:120]}: {type(exc).__name__}: {str(exc)[:200]}")
            return None
        code = resp.status_code
        if code >= 500:
            problems.append(f"{method} {url[:120]}: {code}")
        if before is not None and 400 <= code < 500:
            with app.app_context():
                if _snapshot() != before:
                    problems.append(f"{method} {url[:120]}: refused with {code} but data changed")
        return resp

    rules = [r for r in app.url_map.iter_rules() if r.endpoint not in SKIP]
    for rule in sorted(rules, key=lambda r: r.rule):
        # GET: the real objects with hostile query arguments, then hostile integers in the path.
        token = None
        if "GET" in rule.methods:
            args = {name: rng.choice(SHORT) for name in QUERY_ARGS}
            send("GET", _url(rule, ids, rng, False), query_string=args)
            page = send("GET", _url(rule, ids, rng, False))
            if page is not None and page.status_code == 200 and page.mimetype == "text/html":
                html = page.get_data(as_text=True)
                m = _CSRF.search(html)
                token = m.group(1) if m else None
                names = sorted(set(_FIELD.findall(html)) - {"csrf_token"})
            if rule.arguments & {n for n, c in rule._converters.items() if isinstance(c, IntegerConverter)}:
                resp = send("GET", _url(rule, ids, rng, True))
                if resp is not None and resp.status_code not in (404, 405):  # 405: only another method's rule
                    problems.append(f"GET {rule.rule} with a huge id: {resp.status_code}, not 404")
        if "POST" in rule.methods:
            if token is None:
                login_page = client.get("/password" if ROLES[role] else "/login")
                m = _CSRF.search(login_page.get_data(as_text=True))
                token = m.group(1) if m else ""
                names = fields
            elif not names:
                names = fields
            data = {name: rng.choice(SHORT) for name in names}  # a value for every field
            if names:
                data[rng.choice(names)] = LONG
            send("POST", _url(rule, ids, rng, False), data={**data, "csrf_token": token})
            value = rng.choice(SHORT)  # one value in all fields
            send("POST", _url(rule, ids, rng, False), data={**{n: value for n in names}, "csrf_token": token})
            if any(isinstance(c, IntegerConverter) for c in rule._converters.values()):
                send("POST", _url(rule, ids, rng, True), data={**data, "csrf_token": token})
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:60])
