"""What an audit row says, in Russian: the readable fields of its payload and reason.

The journal, the history panels and the export show these instead of the stored JSON: a file «Устав.pdf»
(1,2 МБ), a visa round, the roles added and removed, the fields changed from «…» to «…». Technical data
(SHA-256 sums, plan fingerprints, internal ids) stays in the database and is not shown; a key without a
Russian name here is left out rather than shown raw.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from ...extensions import db
from ...formatting import filesize

Payload = dict[str, Any]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")

# Reasons the code writes in English (the others are typed by people).
REASON_WORDS = {
    "wrong credentials": "неверный адрес электронной почты или пароль",
    "rate limited": "слишком много попыток, вход временно ограничен",
    "account deactivated": "учётная запись заблокирована",
    "limit reached, no mail": "превышен лимит писем, письмо не отправлено",
}


def reason_text(reason: str | None) -> str:
    return REASON_WORDS.get(reason or "", reason or "")


def size_text(size: Any) -> str:
    """1 234 567 bytes → «1,2 МБ» (the one file-size format of the product)."""
    try:
        return filesize(int(size))
    except (TypeError, ValueError):
        return ""


def value_text(value: Any) -> str:
    """A stored value as people read it: dates as 31.12.2026, yes/no, lists joined, numbers with a comma."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, datetime):
        return f"{value:%d.%m.%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, (list, tuple)):
        return ", ".join(value_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(value_text(v) for v in value.values())
    text = str(value)
    if _ISO_DATE.match(text):
        return date.fromisoformat(text).strftime("%d.%m.%Y")
    if _ISO_DATETIME.match(text):
        try:
            return datetime.fromisoformat(text).strftime("%d.%m.%Y %H:%M")
        except ValueError:
            return text
    if re.fullmatch(r"-?\d+\.\d+", text):
        return text.rstrip("0").rstrip(".").replace(".", ",") if "." in text else text
    return text


# --- names of things the payload refers to by id ---------------------------------------------------
# A page or an export of the journal loads them for all its rows at once (`prefetch`): no query per row.

_PAYLOAD_REFS = {
    "order_id": "workflow_app.models.orders:Order",
    "by_order_id": "workflow_app.models.orders:Order",
    "stage_id": "workflow_app.models.competition:Stage",
    "entry_id": "workflow_app.models.competition:Entry",
    "expert_id": "workflow_app.models:User",
    "user_id": "workflow_app.models:User",
    "organization_id": "workflow_app.models:Organization",
    "assignment_id": "workflow_app.models.competition:ReviewAssignment",
}
_CACHE = "audit_words_names"


def _model(model_path: str):
    import importlib

    module, name = model_path.rsplit(":", 1)
    return getattr(importlib.import_module(module), name)


def _id(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def prefetch(rows) -> None:
    """Load what the rows' payloads name, one query per kind of object, and keep it for this session's
    `_get` (the session's identity map alone holds objects only weakly)."""
    from sqlalchemy import select
    from sqlalchemy.orm import joinedload

    wanted: dict[str, set[int]] = {}
    for row in rows:
        for key, path in _PAYLOAD_REFS.items():
            ident = _id((row.payload or {}).get(key)) if isinstance(row.payload, dict) else None
            if ident is not None:
                wanted.setdefault(path, set()).add(ident)
    cache = db.session.info.setdefault(_CACHE, {})
    for path, ids in wanted.items():
        model = _model(path)
        missing = [i for i in ids if (path, i) not in cache]
        if not missing:
            continue
        stmt = select(model).where(model.id.in_(missing))
        if path.endswith(":ReviewAssignment"):
            stmt = stmt.options(joinedload(model.expert), joinedload(model.entry))
        for obj in db.session.execute(stmt).unique().scalars():
            cache[(path, obj.id)] = obj
        for i in missing:
            cache.setdefault((path, i), None)


def _get(model_path: str, ident: Any):
    ident = _id(ident)
    if ident is None:
        return None
    cache = db.session.info.get(_CACHE, {})
    if (model_path, ident) in cache:
        return cache[(model_path, ident)]
    return db.session.get(_model(model_path), ident)


def order_name(ident: Any, number: Any = None) -> str:
    if number:
        return f"приказ № {number}"
    o = _get("workflow_app.models.orders:Order", ident)
    if o is None:
        return ""
    return f"приказ № {o.number}" if o.number else f"проект приказа «{o.title}»"


def entry_name(ident: Any) -> str:
    e = _get("workflow_app.models.competition:Entry", ident)
    return f"заявка {e.code}" if e is not None else ""


def user_name(ident: Any) -> str:
    u = _get("workflow_app.models:User", ident)
    return u.full_name if u is not None else ""


def stage_name(ident: Any) -> str:
    s = _get("workflow_app.models.competition:Stage", ident)
    return f"этап «{s.title}»" if s is not None else ""


def org_name(ident: Any) -> str:
    o = _get("workflow_app.models:Organization", ident)
    return o.short_name if o is not None else ""


def enum_value(enum_path: str, name: Any) -> str:
    import importlib

    module, cls = enum_path.rsplit(":", 1)
    members = getattr(importlib.import_module(module), cls).__members__
    return members[name].value if name in members else value_text(name)


# --- generic keys: lifecycle payloads and simple events -----------------------------------------------

def _fmt(label: str) -> Callable[[Any, Payload], str]:
    return lambda v, p: f"{label}: {value_text(v)}"


KEYS: dict[str, Callable[[Any, Payload], str]] = {
    "order": _fmt("Приказ"),
    "order_id": lambda v, p: f"Основание: {order_name(v, p.get('order_number'))}",
    "by_order_id": lambda v, p: f"Основание: {order_name(v, p.get('by_number'))}",
    "round": lambda v, p: f"раунд {v}",
    "number": _fmt("Номер"),
    "date": _fmt("Дата"),
    "effects": lambda v, p: f"Изменено объектов по приказу: {len(v)}" if v else "",
    "by": lambda v, p: {"assignment": "Основание: назначение экспертов"}.get(v, ""),
    "correction_due": _fmt("Исправить до"),
    "total": _fmt("Итоговый балл"),
    "previous_total": _fmt("Прежний балл"),
    "points": lambda v, p: f"Оценено критериев: {sum(1 for x in v.values() if x is not None)}" if v else "",
    "assignment_id": lambda v, p: _assignment_text(v),
    "version": _fmt("Версия досье"),
    "stage": lambda v, p: f"Этап: {enum_value('workflow_app.models.competition:StageKind', v)}",
    "stage_id": lambda v, p: stage_name(v).capitalize(),
    "final_score": _fmt("Итоговый балл"),
    "place": _fmt("Место"),
    "criteria_locked": lambda v, p: "Критерии оценки закреплены" if v else "",
    "entry_id": lambda v, p: entry_name(v).capitalize(),
    "expert_id": lambda v, p: f"Эксперт: {user_name(v)}" if user_name(v) else "",
    "explanation": lambda v, p: (v.get("text") or "") if isinstance(v, dict) else "",
    "full_name": _fmt("Наименование"),
    "email": _fmt("Эл. почта"),
    "roles": _fmt("Роли"),
    "line": lambda v, p: f"Импорт из файла, строка {v}" if p.get("import") else "",
    "spread": lambda v, p: (f"Расхождение оценок {value_text(v)} при допустимом {value_text(p.get('limit'))} "
                            f"(максимум {value_text(p.get('max_total'))}); баллы: {value_text(p.get('totals'))}"),
    "until": _fmt("Новый срок"),
    "before": lambda v, p: f"Прежний срок: {value_text(v)}" if isinstance(v, str) else "",
    "new_term_to": _fmt("Новый срок окончания"),
    "old_term_to": _fmt("Прежний срок окончания"),
    "on": _fmt("Дата"),
    "issuer": _fmt("Кем издан"),
    # ФИП preparation (services/fip)
    "items": lambda v, p: f"Пункты: {', '.join(map(str, v))}" if isinstance(v, list) else "",
    "remarks": lambda v, p: f"Замечания к пунктам: {', '.join(map(str, v))}" if v else "",
    "ticked": lambda v, p: f"Отмечено: {'; '.join(map(str, v))}" if v else "Отметки сняты",
    "council_date": _fmt("Дата заседания совета"), "council_protocol": _fmt("Протокол №"),
    "council_decision": _fmt("Решение совета"), "submitted_on": _fmt("Дата подачи"),
    "order_date": _fmt("Дата приказа"), "term_from": _fmt("Начало срока"), "term_to": _fmt("Окончание срока"),
    "file": _fmt("Файл"),
}


def _assignment_text(ident: Any) -> str:
    a = _get("workflow_app.models.competition:ReviewAssignment", ident)
    if a is None:
        return ""
    return f"Лист эксперта {a.expert.full_name} по заявке {a.entry.code}"


def generic(p: Payload) -> list[str]:
    out = []
    for key, value in p.items():
        fmt = KEYS.get(key)
        if fmt is not None and value not in (None, "", [], {}):
            text = fmt(value, p)
            if text:
                out.append(text)
    return out


# --- events with their own shape ------------------------------------------------------------------------

def _changes(p: Payload, labels: dict[str, str], key: str = "changes") -> list[str]:
    """{"field": [before, after]} → «ФИО: «А» → «Б»» (fields without a Russian name are left out)."""
    out = []
    for name, pair in (p.get(key) or {}).items():
        if name not in labels or not isinstance(pair, (list, tuple)) or len(pair) != 2:
            continue
        out.append(f"{labels[name]}: «{value_text(pair[0])}» → «{value_text(pair[1])}»")
    return out


def _user_labels() -> dict[str, str]:
    from .users import FIELD_LABELS

    return FIELD_LABELS


def _org_labels() -> dict[str, str]:
    from .orgs import FIELD_LABELS

    return FIELD_LABELS


def _campaign_labels() -> dict[str, str]:
    from ..competition.campaigns.common import FIELD_LABELS

    return FIELD_LABELS


SETTINGS_LABELS = {
    "ministry_name": "Министерство", "full_name": "Полное наименование", "short_name": "Сокращённое наименование",
    "city": "Город", "place": "Место проведения заседаний", "signatory_position": "Должность подписанта",
    "signatory_name": "Подписант", "control_person": "Контроль возложить на",
    "order_number_format": "Формат номера приказа", "approver_ids": "Согласующие",
    "status_term_years": "Срок статуса, лет",
}


def _settings(p: Payload) -> list[str]:
    out = []
    for name, pair in (p.get("changed") or {}).items():
        if name not in SETTINGS_LABELS or not isinstance(pair, (list, tuple)) or len(pair) != 2:
            continue
        before, after = pair
        if name == "approver_ids":
            before = [user_name(i) for i in before or []]
            after = [user_name(i) for i in after or []]
        out.append(f"{SETTINGS_LABELS[name]}: «{value_text(before)}» → «{value_text(after)}»")
    return out


def _roles(p: Payload) -> list[str]:
    parts = []
    if p.get("added"):
        parts.append(f"добавлено {value_text(p['added'])}")
    if p.get("removed"):
        parts.append(f"снято {value_text(p['removed'])}")
    return [f"Роли: {'; '.join(parts)}"] if parts else []


def _track(snap: Any) -> str:
    if not isinstance(snap, dict):
        return ""
    return f"«{snap.get('name', '')}» ({snap.get('code', '')})"


def _stage(snap: Any) -> str:
    if not isinstance(snap, dict):
        return ""
    name = enum_value("workflow_app.models.competition:StageKind", snap.get("kind"))
    dates = []
    if snap.get("starts_on"):
        dates.append(f"с {value_text(snap['starts_on'])}")
    if snap.get("deadline"):
        dates.append(f"до {value_text(snap['deadline'])}")
    return f"«{name}»" + (f" ({' '.join(dates)})" if dates else "")


STAGE_FIELDS = {"starts_on": "Начало", "deadline": "Срок", "in_person": "Очный", "scored": "Оценивается",
                "score_weight": "Вес в итоговом балле"}
CRITERIA_ACTIONS = {"add": "добавлен критерий", "edit": "изменён критерий", "remove": "удалён критерий",
                    "move": "изменён порядок критериев", "stage_scoring": "изменено оценивание этапа"}


def _diff(before: Any, after: Any, labels: dict[str, str]) -> list[str]:
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    return [f"{label}: «{value_text(before.get(k))}» → «{value_text(after.get(k))}»"
            for k, label in labels.items() if before.get(k) != after.get(k) and (k in before or k in after)]


def _criteria(p: Payload) -> list[str]:
    out = [CRITERIA_ACTIONS.get(p.get("action", ""), "изменены критерии").capitalize()]
    for side in ("after", "before"):
        snap = p.get(side)
        if isinstance(snap, dict) and snap.get("name"):
            out.append(f"«{snap['name']}»")
            break
    if p.get("locked"):
        out.append("после начала оценивания")
    return out


def _dossier_schema(p: Payload) -> list[str]:
    after = p.get("after")
    n = len(after) if isinstance(after, (list, dict)) else 0
    return [f"Разделов в форме заявки: {n}"] if n else []


def _campaign_created(p: Payload) -> list[str]:
    return [f"Вид: {enum_value('workflow_app.models.competition:CampaignKind', p.get('kind'))}",
            f"год: {p.get('year')}"]


def _copied(p: Payload) -> list[str]:
    return [f"Скопирован с конкурса {p.get('source_year')} года со сдвигом дат на {p.get('years_shifted')} г.",
            f"направлений: {p.get('tracks')}, этапов: {p.get('stages')}, критериев: {p.get('criteria')}"]


def _import(p: Payload) -> list[str]:
    return [f"Файл «{p.get('file', '')}»", f"строк: {p.get('rows', 0)}, создано: {p.get('created', 0)}"]


def _decision_name(name: Any) -> str:
    return enum_value("workflow_app.models.competition:Decision", name)


def _token_details(p: Payload) -> list[str]:
    return [f"Токен «{p.get('name', '')}»", f"начинается с {p.get('token', '')}"]


DETAILS: dict[str, Callable[[Payload], list[str]]] = {
    "api_token.created": _token_details,
    "api_token.revoked": _token_details,
    "entry.attachment_added": lambda p: [f"«{p.get('file', '')}»" + (f" ({size_text(p['size'])})"
                                                                    if p.get("size") is not None else "")],
    "entry.attachment_removed": lambda p: [f"«{p.get('file', '')}»"],
    "entry.dossier_imported": lambda p: (["разделы " + ", ".join(p["sections"])] if p.get("sections") else [])
    + (["титульный лист"] if p.get("title_page") else []),
    "entry.create": lambda p: [f"Код заявки: {p.get('code', '')}", f"направление {p.get('track', '')}"],
    "entry.register_paper": lambda p: [f"Код заявки: {p.get('code', '')}", f"направление {p.get('track', '')}",
                                       f"организация: {org_name(p.get('organization_id'))}"],
    "user.updated": lambda p: _changes(p, _user_labels()),
    "user.roles_changed": _roles,
    "organization.updated": lambda p: _changes(p, _org_labels()),
    "settings.updated": _settings,
    "campaign.settings_changed": lambda p: _changes(p, _campaign_labels(), "changed"),
    "campaign.created": _campaign_created,
    "campaign.copied": _copied,
    "campaign.track_added": lambda p: [f"Направление {_track(p.get('after'))}"],
    "campaign.track_updated": lambda p: [f"Направление {_track(p.get('after'))}"]
    + _diff(p.get("before"), p.get("after"), {"name": "Название", "code": "Код",
                                               "winners_quota": "Квота победителей"}),
    "campaign.track_removed": lambda p: [f"Направление {_track(p.get('before'))}"],
    "campaign.stage_added": lambda p: [f"Этап {_stage(p.get('after'))}"],
    "campaign.stage_updated": lambda p: [f"Этап {_stage(p.get('after'))}"]
    + _diff(p.get("before"), p.get("after"), STAGE_FIELDS),
    "campaign.stage_removed": lambda p: [f"Этап {_stage(p.get('before'))}"]
    + ([f"удалено критериев: {p['criteria_removed']}"] if p.get("criteria_removed") else []),
    "campaign.criteria_changed": _criteria,
    "campaign.dossier_schema_changed": _dossier_schema,
    "campaign.regulation_uploaded": lambda p: [f"«{p.get('name', '')}»"],
    "assignment.auto_apply": lambda p: [f"Назначений: {p.get('assignments', 0)} на заявок: {p.get('entries', 0)}"]
    + ([f"не хватило экспертов заявкам: {len(p['shortfall'])}"] if p.get("shortfall") else []),
    "results.shortlist": lambda p: [f"В шорт-лист: {p.get('shortlisted', 0)}, не прошли: {p.get('not_selected', 0)}",
                                    f"порог {value_text(p.get('threshold_pct'))} %"],
    "results.panel_assigned": lambda p: [f"Экспертов: {len(p.get('experts') or [])}, "
                                         f"листов оценки создано: {p.get('created', 0)}"],
    "results.proposal_changed": lambda p: [f"Решение: {_decision_name(p.get('decision'))}"],
    "results.proposal_restored": lambda p: [f"Снято ручное решение «{_decision_name(p.get('removed_override'))}»"],
    "results.decision_approved": lambda p: [f"Победителей: {p.get('winners', 0)}, "
                                            f"не прошли отбор: {p.get('not_selected', 0)}"],
    "commission.meeting_saved": lambda p: [f"Присутствовали: {len(p.get('present') or [])}"],
    "expert.profile_edit": lambda p: [f"Эксперт: {user_name(p.get('user_id'))}"]
    + _diff(p.get("before"), p.get("after"), {"competences": "Направления", "max_load": "Предельная нагрузка",
                                               "active": "В пуле"}),
    "expert.conflict_declared": lambda p: [f"Организация: {org_name(p.get('organization_id'))}"],
    "score.save_draft": lambda p: generic(p),
    "order.created": lambda p: [f"Вид: {enum_value('workflow_app.models.orders:OrderKind', p.get('kind'))}"],
    "order.updated": lambda p: [f"Прежний заголовок: «{p['before_title']}»"] if p.get("before_title") else [],
    "order.scan_attached": lambda p: [],
    "reminder.sweep": lambda p: [f"Отправлено: {p.get('sent', 0)}",
                                 f"пропущено (срок уже прошёл): {p.get('skipped', 0)}"],
    "outbox.retry": lambda p: [f"Адресат: {p.get('recipient', '')}", f"попыток было: {p.get('attempts', 0)}"]
    + ([f"последняя ошибка: {p['last_error']}"] if p.get("last_error") else []),
    "notification.mail_mode": lambda p: [f"Несрочные письма: «{p.get('from', '')}» → «{p.get('to', '')}»"],
    "calendar.token_issued": lambda p: ["Прежний адрес отозван"] if p.get("replaced") else [],
    "group_mail.send": lambda p: [f"Тема: {p.get('subject', '')}", f"получателей: {p.get('recipients', 0)}",
                                  f"кому: {p.get('audience', '')}"],
    "organization.imported": _import,
    "user.imported": _import,
}


def details(event: str, payload: Payload | None) -> list[str]:
    """The payload's readable fields for this event (possibly none)."""
    p = payload or {}
    fn = DETAILS.get(event)
    try:
        parts = fn(p) if fn is not None else generic(p)
    except (KeyError, TypeError, ValueError, AttributeError):
        parts = generic(p)
    return [s for s in parts if s]
