"""The audit journal for staff: filtering, Russian labels, export. Rows are written by `workflow_app.audit`."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Select, or_, select

from ...actors import SYSTEM_PREFIX
from ...audit import object_ref
from ...extensions import db
from ...machines.base import Lifecycle
from ...models import AuditEvent
from ...timeutil import local_midnight_utc
from .audit_words import prefetch

# --- the staff journal: filtering, labels, export ---------------------------------------------

# Russian names of events that are not lifecycle transitions (those take the transition's label).
EVENT_LABELS: dict[str, str] = {
    "auth.login": "Вход в систему",
    "auth.login_failed": "Неудачная попытка входа",
    "auth.logout": "Выход из системы",
    "auth.password_changed": "Смена пароля",
    "auth.password_reset": "Пароль задан по ссылке восстановления",
    "auth.reset_requested": "Запрос восстановления пароля",
    "outbox.retry": "Повторная отправка письма",
    "notification.mail_mode": "Изменён способ получения писем",
    "calendar.token_issued": "Создан адрес личного календаря",
    "calendar.token_revoked": "Отозван адрес личного календаря",
    "group_mail.send": "Письмо группе адресатов",
    "reminder.sweep": "Рассылка напоминаний о сроках",
    "overdue.marked": "Срок истёк: задание отмечено как просроченное",
    "reminder.rule_saved": "Изменены правила напоминаний",
    "report.saved": "Сохранён отчёт", "report.file_added": "Приложен файл к отчёту",
    "report.file_removed": "Удалён файл отчёта", "report.due_date_changed": "Перенесён срок представления отчёта",
    "termination_proposal.raised": "Предложено досрочное прекращение статуса",
    "termination_proposal.dismissed": "Предложение о прекращении статуса отклонено",
    "termination_proposal.ordered": "По предложению подготовлен приказ о прекращении статуса",
    "user.created": "Создана учётная запись",
    "user.updated": "Изменены данные пользователя",
    "user.roles_changed": "Изменены роли",
    "user.invited": "Отправлена ссылка для входа",
    "user.imported": "Импорт пользователей из файла",
    "organization.created": "Добавлена организация",
    "organization.updated": "Изменены данные организации",
    "organization.imported": "Импорт организаций из файла",
    "settings.updated": "Изменены настройки учреждения",
    "status_type.created": "Добавлен тип статуса",
    "status_type.updated": "Изменён тип статуса",
    "termination_ground.updated": "Изменены основания досрочного прекращения статуса",
    "status_award.imported": "Импорт реестра статусов из файла",
    "api_token.created": "Выпущен токен API",
    "api_token.revoked": "Отозван токен API",
    "order.imported": "Проект приказа загружен из JSON",
    "status_application.created": "Создана заявка на статус",
    "status_application.edited": "Изменена заявка на статус",
    "status_application.order_prepared": "Подготовлен проект приказа о присвоении статуса",
    "roadmap.created": "Создана дорожная карта",
    "roadmap.edited": "Изменена дорожная карта",
    "roadmap.order_prepared": "Подготовлен проект приказа об утверждении дорожной карты",
    "roadmap.noted": "Записан анализ содержания дорожной карты",
    "roadmap.report_saved": "Сохранён отчёт о выполнении дорожной карты",
    "fip.opened": "Открыта подготовка заявки ФИП", "fip.form_saved": "Сохранены пункты заявки ФИП",
    "fip.infographic": "Загружена инфографика заявки ФИП", "fip.remarks": "Замечания методиста к заявке ФИП",
    "fip.checks": "Отмечены проверки готовности к ФИП",
    "campaign.created": "Создан конкурс",
    "campaign.copied": "Конкурс создан копированием",
    "campaign.settings_changed": "Изменены настройки конкурса",
    "campaign.dossier_schema_changed": "Изменена форма заявки",
    "campaign.regulation_uploaded": "Загружено положение о конкурсе",
    "campaign.track_added": "Добавлено направление",
    "campaign.track_updated": "Изменено направление",
    "campaign.track_removed": "Удалено направление",
    "campaign.stage_added": "Добавлен этап",
    "campaign.stage_updated": "Изменён этап",
    "campaign.stage_removed": "Удалён этап",
    "campaign.criteria_changed": "Изменены критерии оценки",
    "entry.create": "Создана заявка",
    "entry.coapplicant_added": "В команду заявки добавлен соучастник",
    "entry.coapplicant_removed": "Соучастник исключён из команды заявки",
    "entry.register_paper": "Заявка зарегистрирована по бумажной заявке",
    "entry.attachment_added": "Приложен файл",
    "entry.attachment_removed": "Удалён файл",
    "entry.dossier_imported": "Разделы заявки загружены из JSON",
    "entry.extension": "Продлён срок подачи заявки",
    "entry.divergent": "Оценки экспертов разошлись",
    "assignment.create": "Эксперт назначен автоматически",
    "assignment.auto_apply": "Автоматическое распределение заявок по экспертам",
    "assignment.manual": "Эксперт назначен вручную",
    "assignment.replacement": "Предложена замена эксперта",
    "assignment.extra": "Назначен дополнительный эксперт",
    "assignment.panel": "Эксперт включён в комиссию очного этапа",
    "expert.profile_edit": "Изменена анкета эксперта",
    "expert.pool_from_holders": "Пул экспертов пополнен держателями статусов",
    "preset.copied": "Шаблон конкурса скопирован",
    "preset.edited": "Шаблон конкурса изменён",
    "expert.conflict_declared": "Заявлен конфликт интересов",
    "score.save_draft": "Сохранён черновик оценки",
    "results.shortlist": "Сформирован шорт-лист",
    "results.panel_assigned": "Назначена комиссия очного этапа",
    "results.proposal_changed": "Изменено предлагаемое решение",
    "results.proposal_restored": "Восстановлено расчётное решение",
    "results.decision_approved": "Утверждено решение по итогам конкурса",
    "commission.meeting_saved": "Сохранены данные заседания комиссии",
    "appeal.submitted": "Подана апелляция",
    "appeal.settings_changed": "Изменены сроки апелляций",
    "appeal.amending_order": "Подготовлен проект приказа о внесении изменений по апелляции",
    "assignment.rescored_by_appeal": "Оценки изменены по апелляции",
    "calendar.day_set": "Изменён календарь нерабочих дней",
    "calendar.day_removed": "День удалён из календаря нерабочих дней",
    "order.created": "Создан проект приказа",
    "order.updated": "Изменён проект приказа",
    "order.visa_approved": "Виза: согласовано",
    "order.visa_returned": "Виза: возвращено с замечаниями",
    "order.scan_attached": "Приложен скан подписанного приказа",
}
OBJECT_LABELS: dict[str, str] = {"auth": "Вход в систему", "system": "Система", "outbox": "Письмо",
                                 "app_setting": "Настройки учреждения", "import": "Импорт из файла",
                                 "expert_conflict": "Конфликт интересов", "expert_profile": "Анкета эксперта",
                                 "commission_meeting": "Заседание комиссии", "status_type": "Тип статуса",
                                 "termination_ground": "Основания прекращения статуса",
                                 "calendar_day": "Календарь нерабочих дней"}


def _lifecycles_by_object_type() -> dict:
    return {lc.object_type: lc for lc in Lifecycle.registry.values()}


def _lifecycle_for(row: AuditEvent):
    by_type = _lifecycles_by_object_type()
    lc = by_type.get(row.object_type)
    if lc is None:
        lc = Lifecycle.registry.get(row.event.split(".", 1)[0])
    return lc


def state_label(lc, state_name: str | None) -> str:
    if not state_name:
        return ""
    if lc is not None and state_name in lc.states.__members__:
        return lc.states[state_name].value
    return state_name


def event_label(row: AuditEvent) -> str:
    """Always Russian: a named event, a lifecycle transition, or — for a name nobody labelled — a neutral
    «Изменение: <object>» rather than the dotted code."""
    if row.event in EVENT_LABELS:
        return EVENT_LABELS[row.event]
    lc = _lifecycle_for(row)
    trigger = row.event.split(".", 1)[-1]
    if lc is not None and row.event.startswith(lc.name + ".") and trigger in lc.transitions:
        return lc.transitions[trigger].label
    return "Изменение"


def object_type_options() -> list[tuple[str, str]]:
    """(value, label) pairs for the object filter: lifecycle objects plus the platform's own."""
    opts = {lc.object_type: lc.title for lc in _lifecycles_by_object_type().values()}
    opts.update(OBJECT_LABELS)
    return sorted(opts.items(), key=lambda kv: kv[1])


def event_options() -> list[tuple[str, str]]:
    opts = dict(EVENT_LABELS)
    for lc in Lifecycle.registry.values():
        for t in lc.transitions.values():
            opts[f"{lc.name}.{t.trigger}"] = f"{lc.title}: {t.label}"
    return sorted(opts.items(), key=lambda kv: kv[1])


def system_actor(row: AuditEvent) -> str:
    """«Система: <cause>» when the system acted (no actor id, the cause in `subject`), else ""."""
    if row.actor_id is None and (row.subject or "").startswith(SYSTEM_PREFIX):
        return row.subject
    return ""


def describe(row: AuditEvent) -> dict:
    """What the journal and the history panels show for a row: labels instead of codes, the payload as
    readable fields (`details`), and the whole as one Russian sentence (`sentence`)."""
    from .audit_words import details, reason_text

    lc = _lifecycle_for(row)
    obj_label = lc.title if lc is not None and lc.object_type == row.object_type else \
        OBJECT_LABELS.get(row.object_type, "Объект")
    label = event_label(row)
    fields = details(row.event, row.payload)
    if len(fields) == 1 and fields[0].startswith("«"):
        sentence = f"{label} {fields[0]}"  # Приложен файл «Устав.pdf» (1,2 МБ)
    elif len(fields) == 1 and len(fields[0]) <= 40:
        sentence = f"{label} ({fields[0]})"  # Виза: согласовано (раунд 1)
    else:
        sentence = label + (": " + "; ".join(fields) if fields else "")
    return {
        "event": label,
        "system": system_actor(row),
        "object": obj_label,
        "from": state_label(lc, row.from_state),
        "to": state_label(lc, row.to_state),
        "details": fields,
        "sentence": sentence,
        "reason": reason_text(row.reason),
        "payload": "; ".join(fields),
    }


@dataclass
class JournalFilter:
    object_type: str = ""
    object_id: int | None = None
    actor: str = ""
    event: str = ""
    date_from: date | None = None
    date_to: date | None = None
    errors: list[str] = field(default_factory=list)

    NAMES = ("object_type", "object_id", "actor", "event", "date_from", "date_to")




def journal_query(f: JournalFilter) -> Select:
    """Newest first. Dates are whole days in the display time zone (Moscow), converted to UTC."""
    from ...listing import like_pattern
    from ...models import User

    stmt = select(AuditEvent)
    if f.object_type:
        stmt = stmt.where(AuditEvent.object_type == f.object_type)
    if f.object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == f.object_id)
    if f.event:
        stmt = stmt.where(AuditEvent.event.startswith(f.event, autoescape=True))
    if f.actor:
        pattern = like_pattern(f.actor)
        people = select(User.id).where(or_(User.full_name.ilike(pattern, escape="\\"),
                                           User.email.ilike(pattern, escape="\\")))
        # Failed logins have no actor: the address typed is in `subject`.
        stmt = stmt.where(or_(AuditEvent.actor_id.in_(people),
                              AuditEvent.subject.ilike(pattern, escape="\\")))
    if f.date_from:
        stmt = stmt.where(AuditEvent.at >= local_midnight_utc(f.date_from))
    if f.date_to:
        stmt = stmt.where(AuditEvent.at < local_midnight_utc(f.date_to + timedelta(days=1)))
    return stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


EXPORT_HEADERS = ("Время (МСК)", "Событие", "Код события", "Пользователь", "Эл. почта / введённый адрес",
                  "Объект", "Номер объекта", "Из состояния", "В состояние", "Причина", "Данные", "IP")
EXPORT_LIMIT = 100_000


def object_history(obj, limit: int = 200) -> list[AuditEvent]:
    """The audit events about one object (an entry, a user, an organisation), newest first, with the
    names their payloads refer to loaded for the whole list."""
    object_type, object_id = object_ref(obj)
    rows = list(db.session.execute(
        select(AuditEvent).where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    ).unique().scalars())
    prefetch(rows)
    return rows


def journal_rows(f: JournalFilter):
    """Rows for the Excel export, streamed in batches: one query, no per-row loading."""
    from sqlalchemy.orm import lazyload

    from ...models import User

    stmt = (journal_query(f).options(lazyload(AuditEvent.actor))
            .outerjoin(User, User.id == AuditEvent.actor_id)
            .add_columns(User.full_name, User.email)
            .limit(EXPORT_LIMIT).execution_options(yield_per=1000))
    for batch in db.session.execute(stmt).partitions():
        prefetch(row for row, _, _ in batch)
        yield from (_export_row(row, name, email) for row, name, email in batch)


def _export_row(row: AuditEvent, name: str | None, email: str | None) -> tuple:
    d = describe(row)
    typed = "" if d["system"] else row.subject  # the system's cause is in the user column, not here
    return (row.at, d["event"], row.event, name or d["system"], email or typed, d["object"], row.object_id,
            d["from"], d["to"], d["reason"], d["payload"], row.ip)
