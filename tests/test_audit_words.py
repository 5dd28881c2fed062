"""No technical identifiers in front of users: every event the code can write reads as a Russian sentence
in the staff journal and the history panels, with its data as readable fields — never the dotted event
name, never the stored JSON."""
from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from pathlib import Path

import workflow_app
from workflow_app.extensions import db
from workflow_app.machines.base import Lifecycle
from workflow_app.models import AuditEvent, Role
from workflow_app.services.platform.audit_journal import EVENT_LABELS, describe
from workflow_app.services.platform.users import FIELD_LABELS as USER_FIELDS

from .factories import make_campaign, make_entry, make_org, make_user
from .helpers import login

ROOT = Path(workflow_app.__file__).parent

# audit.record() call sites whose event name is computed: what each can produce. A new computed call site
# fails test_every_written_event_is_known until it is listed here (and labelled).
COMPUTED = {
    ("services/platform/accounts.py", "LOGIN_FAILED"): {"auth.login_failed"},
    ("services/platform/accounts.py", "LOGIN_OK"): {"auth.login"},
    ("services/platform/accounts.py", "event"): {"auth.password_changed", "auth.password_reset"},
    ("services/platform/users.py", "event"): {"user.created"},
    ("services/platform/orgs.py", "event"): {"organization.created"},
    ("services/competition/assignment.py", "f'assignment.{mode}'"): {"assignment.replacement", "assignment.extra"},
    ("services/platform/imports.py",
     "f\"{('organization' if kind == 'orgs' else 'user')}.imported\""): {"organization.imported", "user.imported"},
    ("machines/base.py", "f'{lifecycle.name}.{trigger}'"): set(),  # every lifecycle transition, added below
}


def written_events() -> tuple[set[str], set[tuple[str, str]]]:
    """Event names in audit.record(...) calls: literal ones, and the computed call sites found."""
    names: set[str] = set()
    computed: set[tuple[str, str]] = set()
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "record" and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "audit" and node.args):
                continue
            arg = node.args[0]
            options = [arg.body, arg.orelse] if isinstance(arg, ast.IfExp) else [arg]
            for opt in options:
                if isinstance(opt, ast.Constant) and isinstance(opt.value, str):
                    names.add(opt.value)
                else:
                    computed.add((str(path.relative_to(ROOT)), ast.unparse(opt)))
    for key in COMPUTED:
        if key in computed:
            names |= COMPUTED[key]
    for lc in Lifecycle.registry.values():
        names |= {f"{lc.name}.{t}" for t in lc.transitions}
    return names, computed


def test_every_written_event_is_known_and_has_a_russian_label():
    names, computed = written_events()
    assert computed == set(COMPUTED), "a computed audit event name: list what it can be in COMPUTED"
    assert len(names) > 60
    for name in sorted(names):
        label = describe(AuditEvent(event=name, object_type="x", payload={}))["event"]
        assert label != "Изменение" and re.search("[А-Яа-яЁё]", label) and "." not in label, name
    for name in EVENT_LABELS:  # and nothing labelled that the code no longer writes
        assert name in names, name


# Payloads as the code writes them, with the technical parts (hashes, fingerprints, ids) included.
TECH = {"sha256": "ab" * 32, "fingerprint": "f" * 40, "file_id": 7, "ids": [1, 2], "pdf_sha256": "cd" * 32,
        "unknown_key": {"nested": "value"}}
SAMPLES = {
    "entry.attachment_added": ({"file": "Устав.pdf", "size": 1_258_291, "sha256": "ab" * 32},
                               "Приложен файл «Устав.pdf» (1,2 МБ)"),
    "order.visa_approved": ({"round": 1}, "Виза: согласовано (раунд 1)"),
    "user.roles_changed": ({"added": ["Эксперт"], "removed": ["Заявитель: МБОУ СОШ № 1"]},
                           "Роли: добавлено Эксперт; снято Заявитель: МБОУ СОШ № 1"),
    "user.updated": ({"changes": {"full_name": ["Иванов И.И.", "Иванова И.И."]}},
                     f"{USER_FIELDS['full_name']}: «Иванов И.И.» → «Иванова И.И.»"),
    "order.sign": ({"number": "12-ОД", "date": "2026-11-30", "pdf_sha256": "cd" * 32,
                    "effects": ["status_award:1:activate", "entry:3:x"]}, "Дата: 30.11.2026"),
    "entry.extension": ({"until": "2026-12-10", "before": "2026-12-01"}, "Новый срок: 10.12.2026"),
}

DOTTED = re.compile(r"\b[a-z_]+\.[a-z_]+\b")
JSON_BITS = re.compile(r"[{}\[\]]|&#34;|&quot;|\"\s*:")


def _visible(html: str, start_marker: str) -> str:
    """The text of the part of the page from the marker on (tags dropped)."""
    part = html[html.index(start_marker):]
    return re.sub(r"<[^>]+>", " ", part)


def test_journal_shows_every_event_as_russian_with_readable_fields(app, client):
    names, _ = written_events()
    with app.app_context():
        staff = make_user("staff@x.ru", Role.staff)
        at = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
        for name in sorted(names):
            payload = dict(SAMPLES[name][0]) if name in SAMPLES else dict(TECH)
            db.session.add(AuditEvent(at=at, actor_id=staff.id, event=name, object_type="x", object_id=1,
                                      payload=payload, reason="wrong credentials"))
        db.session.commit()
    login(client, "staff@x.ru")
    html = client.get("/staff/audit/?per_page=200").get_data(as_text=True)
    text = _visible(html, 'data-testid="audit-table"')
    for name in names:
        assert name not in text, name
    words_only = re.sub(r"\S+@\S+", " ", text)  # the actor's e-mail is shown on purpose
    assert not DOTTED.findall(words_only), DOTTED.findall(words_only)[:5]
    assert not JSON_BITS.search(text), JSON_BITS.findall(text)[:5]
    assert "ab" * 32 not in text and "f" * 40 not in text
    assert "неверный адрес электронной почты или пароль" in text
    for _name, (_payload, words) in SAMPLES.items():
        assert words in " ".join(text.split()), words


def test_entry_history_reads_as_sentences(app, client):
    with app.app_context():
        make_user("staff@x.ru", Role.staff)
        entry = make_entry(make_campaign(), make_org())
        for name in ("entry.attachment_added", "entry.extension"):
            db.session.add(AuditEvent(event=name, object_type="entry", object_id=entry.id,
                                      payload=SAMPLES[name][0]))
        db.session.add(AuditEvent(event="entry.create", object_type="entry", object_id=entry.id,
                                  payload={"campaign_id": 1, "track": "ОО", "code": "ИП-001"}))
        eid = entry.id
        db.session.commit()
    login(client, "staff@x.ru")
    html = client.get(f"/entries/{eid}").get_data(as_text=True)
    text = " ".join(_visible(html, "История").split())
    assert "Приложен файл «Устав.pdf» (1,2 МБ)" in text
    assert "Продлён срок подачи заявки" in text and "10.12.2026" in text
    assert "Создана заявка: Код заявки: ИП-001" in text
    assert "entry." not in text and "sha256" not in text and "ab" * 32 not in text


def test_user_history_reads_roles_and_changes(app, client):
    with app.app_context():
        staff = make_user("staff@x.ru", Role.staff)
        target = make_user("t@x.ru", Role.expert)
        for name in ("user.roles_changed", "user.updated"):
            db.session.add(AuditEvent(event=name, object_type="user_account", object_id=target.id,
                                      actor_id=staff.id, payload=SAMPLES[name][0]))
        tid = target.id
        db.session.commit()
    login(client, "staff@x.ru")
    html = client.get(f"/users/{tid}").get_data(as_text=True)
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Изменены роли" in text and "Роли: добавлено Эксперт; снято Заявитель: МБОУ СОШ № 1" in text
    assert "«Иванов И.И.» → «Иванова И.И.»" in text
    assert "user.roles_changed" not in text and "user.updated" not in text
