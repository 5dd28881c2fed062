"""Each order kind: how its draft is prefilled from data, and what signing it changes."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ...actors import SystemActor
from ...errors import ValidationFailed
from ...extensions import db
from ...machines.base import fire
from ...machines.campaign import campaign_lifecycle
from ...machines.order import order_lifecycle
from ...machines.status_award import award_lifecycle
from ...models import Organization, User
from ...models.competition import Campaign, CampaignStatus, Decision, Entry
from ...models.orders import Order, OrderKind, OrderStatus
from ...models.status_award import AwardStatus, StatusAward
from ...models.status_type import StatusType
from ..documents.grid import Grid, GridError, grid_from_json
from ..platform import settings
from ..statuses import awards as status_awards
from ..statuses import types as status_types
from .drafting import prefill
from .signing import effect

ROADMAP_COLUMNS = ("№", "Мероприятие", "Сроки", "Целевая аудитория", "Ответственный")
AWARD_TABLE = ["№", "Образовательная организация", "Муниципальное образование", "Тема проекта",
               "Срок реализации"]
# Millimetres of the 180 mm text width: wide enough that «Муниципальное» and «реализации» never break.
AWARD_WIDTHS = [10, 58, 36, 48, 28]


def in_year(campaign: Campaign) -> str:
    """« в 2026 году» unless the campaign's name already says the year («… 2026»)."""
    return "" if str(campaign.year) in campaign.name else f" в {campaign.year} году"


def term_label(start: date, end: date) -> str:
    return f"{start.year}–{end.year} гг."


# --- conduct a competition ------------------------------------------------------------------------

@prefill(OrderKind.conduct_competition)
def _conduct(inst: dict, campaign: Campaign, **_) -> dict:
    stages = [s for s in campaign.stages if s.deadline or s.starts_on]
    rows = []
    for n, s in enumerate(stages, start=1):
        start = f"{s.starts_on:%d.%m.%Y}" if s.starts_on else ""
        end = f"{s.deadline:%d.%m.%Y}" if s.deadline else ""
        rows.append([str(n), s.kind.value, f"{start} – {end}".strip(" –")])
    tracks = "; ".join(t.name for t in campaign.tracks)
    return {
        "title": f"О проведении образовательного конкурса «{campaign.name}»{in_year(campaign)}",
        "preamble": (f"В целях выявления и поддержки инновационных проектов образовательных организаций "
                     f"Краснодарского края, в соответствии с планом работы {inst['short_name']} на "
                     f"{campaign.year} год"),
        "items": [
            {"text": f"Провести образовательный конкурс «{campaign.name}»{in_year(campaign)} "
                     f"по направлениям: {tracks}.", "subitems": []},
            {"text": "Утвердить сроки проведения этапов конкурса (приложение № 1).", "subitems": []},
            {"text": "Утвердить состав конкурсной комиссии (приложение № 2).", "subitems": []},
            {"text": "Центру научно-методического и инновационного развития обеспечить организационно-"
                     "методическое сопровождение конкурса.", "subitems": []},
        ],
        "annexes": [
            {"title": f"Сроки проведения этапов конкурса «{campaign.name}»", "approved_word": "УТВЕРЖДЕНЫ",
             "table": {"headers": ["№", "Этап", "Сроки"], "rows": rows}},
            {"title": "Состав конкурсной комиссии", "approved_word": "УТВЕРЖДЕН",
             "table": {"headers": ["№", "Фамилия, имя, отчество", "Должность", "Роль в комиссии"],
                       "rows": []}},
        ],
        "campaign_id": campaign.id,
        "effects": {"campaign_id": campaign.id},
    }


# --- approve the results of a competition (grants КИП) --------------------------------------------

def winners(campaign: Campaign) -> list[Entry]:
    """The approved winners, in track order and place (`standings.decided_winners`)."""
    from ..competition.standings import decided_winners

    return decided_winners(campaign)


@prefill(OrderKind.approve_results)
def _results(inst: dict, campaign: Campaign, **_) -> dict:
    won = winners(campaign)
    if not won:
        raise ValidationFailed("В конкурсе нет победителей: сначала утвердите решение комиссии.")
    years = int(inst.get("status_term_years", 3))
    start = date(campaign.year + 1, 1, 1)
    end = date(campaign.year + years, 12, 31)
    rows = [[str(n), e.organization.full_name, e.organization.municipality.name, e.title,
             term_label(start, end)] for n, e in enumerate(won, start=1)]
    return {
        "title": f"Об утверждении итогов образовательного конкурса «{campaign.name}»{in_year(campaign)}",
        "preamble": (f"На основании протокола заседания конкурсной комиссии и в соответствии с положением "
                     f"о конкурсе «{campaign.name}»"),
        "items": [
            {"text": f"Утвердить итоги конкурса «{campaign.name}»{in_year(campaign)}.", "subitems": []},
            {"text": "Присвоить статус краевой инновационной площадки образовательным организациям — "
                     "победителям конкурса (приложение № 1).", "subitems": []},
            {"text": "Центру научно-методического и инновационного развития обеспечить научно-методическое "
                     "сопровождение деятельности краевых инновационных площадок.", "subitems": []},
        ],
        "annexes": [{"title": "Список образовательных организаций, которым присвоен статус краевой "
                              "инновационной площадки", "approved_word": "УТВЕРЖДЕН",
                     "table": {"headers": AWARD_TABLE, "rows": rows, "widths": AWARD_WIDTHS}}],
        "campaign_id": campaign.id,
        "effects": {"campaign_id": campaign.id, "status_type": "KIP",
                    "term_from": start.isoformat(), "term_to": end.isoformat(),
                    "entry_ids": [e.id for e in won]},
    }


def _signed(order: Order) -> SystemActor:
    """Changes an order makes when it is signed are the system's, caused by the signing."""
    return SystemActor(f"подписание приказа № {order.number}")


def _grant(order: Order, actor: User, org_id: int, status_type: StatusType, theme: str,
           term_from: date, term_to: date, entry_id: int | None = None) -> StatusAward:
    return status_awards.grant(order, _signed(order), org_id, status_type, theme, term_from, term_to,
                               entry_id, today=order.order_date)


@effect(OrderKind.approve_results)
def _apply_results(order: Order, actor: User) -> list[str]:
    eff = order.effects
    entries = db.session.execute(select(Entry).where(Entry.id.in_(eff["entry_ids"]))).scalars().all()
    changed = []
    for e in entries:
        if e.decision != Decision.winner:
            continue
        a = _grant(order, actor, e.organization_id, status_types.by_code(eff["status_type"]), e.title,
                   date.fromisoformat(eff["term_from"]), date.fromisoformat(eff["term_to"]), e.id)
        changed.append(f"status_award:{a.id}")
    campaign = db.session.get(Campaign, eff["campaign_id"])
    if campaign.status == CampaignStatus.decision:
        fire(campaign_lifecycle, campaign, "close", actor=_signed(order),
             reason=f"Итоги утверждены приказом № {order.number}")
        changed.append(f"campaign:{campaign.id}:closed")
    return changed


# --- assign a status (КИП, КРЦ/РЦОО, ЛСВ…) to listed organisations --------------------------------

@prefill(OrderKind.assign_status)
def _assign(inst: dict, status_type: StatusType, awards: list[dict], **_) -> dict:
    """awards: [{"organization_id", "theme", "term_from": date, "term_to": date}]"""
    if not awards:
        raise ValidationFailed("Выберите хотя бы одну организацию.")
    orgs = {o.id: o for o in db.session.execute(
        select(Organization).where(Organization.id.in_([a["organization_id"] for a in awards]))).scalars()}
    rows = [[str(n), orgs[a["organization_id"]].full_name, orgs[a["organization_id"]].municipality.name,
             a["theme"], term_label(a["term_from"], a["term_to"])] for n, a in enumerate(awards, start=1)]
    return {
        "title": f"О присвоении статуса «{status_type.label}»",
        "preamble": f"На основании решения методического совета {inst['short_name']}",
        "items": [{"text": f"Присвоить статус «{status_type.label}» образовательным организациям "
                           "(приложение № 1).", "subitems": []}],
        "annexes": [{"title": f"Список организаций, которым присвоен статус «{status_type.label}»",
                     "table": {"headers": AWARD_TABLE, "rows": rows, "widths": AWARD_WIDTHS}}],
        "effects": {"status_type": status_type.code, "awards": [
            {**a, "term_from": a["term_from"].isoformat(), "term_to": a["term_to"].isoformat()}
            for a in awards]},
    }


@effect(OrderKind.assign_status)
def _apply_assign(order: Order, actor: User) -> list[str]:
    st = status_types.by_code(order.effects["status_type"])
    out, by_org = [], {}
    for a in order.effects["awards"]:
        award = _grant(order, actor, a["organization_id"], st, a["theme"],
                       date.fromisoformat(a["term_from"]), date.fromisoformat(a["term_to"]))
        by_org[a["organization_id"]] = award.id
        out.append(f"status_award:{award.id}")
    if order.effects.get("application_ids"):  # drafted from applications (services/krc): they are granted now
        from ..krc.applications import granted_by_order

        out += granted_by_order(order, by_org)
    return out


# --- approve a roadmap ------------------------------------------------------------------------------

@prefill(OrderKind.approve_roadmap)
def _roadmap(inst: dict, organization: Organization, title: str, grid: Grid | None = None, **_) -> dict:
    """The roadmap annex is the author's table as typed (№ verbatim, group and continuation rows)."""
    grid = grid or Grid(columns=list(ROADMAP_COLUMNS))
    return {
        "title": f"Об утверждении дорожной карты {title}",
        "preamble": f"В целях организации деятельности {organization.short_name}",
        "items": [{"text": f"Утвердить дорожную карту {title} (приложение № 1).", "subitems": []}],
        "annexes": [{"title": f"Дорожная карта {title}", "approved_word": "УТВЕРЖДЕНА", **grid.to_json()}],
        "effects": {"organization_id": organization.id},
    }


# --- extend / complete / terminate a status ---------------------------------------------------------

def _award_rows(awards: list[StatusAward]) -> list[list[str]]:
    return [[str(n), a.organization.full_name, a.organization.municipality.name, a.theme,
             term_label(a.term_from, a.term_to)] for n, a in enumerate(awards, start=1)]


def _awards(ids: list[int]) -> list[StatusAward]:
    found = list(db.session.execute(select(StatusAward).where(StatusAward.id.in_(ids))
                                    .order_by(StatusAward.id)).scalars())
    if not found:
        raise ValidationFailed("Выберите хотя бы один действующий статус.")
    return found


def _status_change(verb: str, title: str, grounds: str, awards: list[StatusAward], extra: dict) -> dict:
    if not grounds.strip():
        raise ValidationFailed("Укажите основание.")
    return {
        "title": title,
        "preamble": grounds.strip(),
        "items": [{"text": f"{verb} (приложение № 1).", "subitems": []}],
        "annexes": [{"title": "Список организаций", "table": {"headers": AWARD_TABLE, "widths": AWARD_WIDTHS,
                                                             "rows": _award_rows(awards)}}],
        "effects": {"award_ids": [a.id for a in awards], "grounds": grounds.strip(), **extra},
    }


@prefill(OrderKind.extend_status)
def _extend(inst: dict, award_ids: list[int], grounds: str, new_term_to: date, **_) -> dict:
    awards = _awards(award_ids)
    return _status_change(f"Продлить срок действия статуса до {new_term_to:%d.%m.%Y}",
                          "О продлении срока действия статуса", grounds, awards,
                          {"new_term_to": new_term_to.isoformat()})


@prefill(OrderKind.complete_status)
def _complete(inst: dict, award_ids: list[int], grounds: str, **_) -> dict:
    return _status_change("Считать завершённой деятельность площадок в связи с окончанием срока",
                          "О завершении деятельности инновационных площадок", grounds, _awards(award_ids), {})


@prefill(OrderKind.terminate_status)
def _terminate(inst: dict, award_ids: list[int], grounds: str, **_) -> dict:
    return _status_change("Досрочно прекратить действие статуса",
                          "О досрочном прекращении статуса", grounds, _awards(award_ids), {})


def _fire_awards(order: Order, actor: User, trigger: str) -> list[str]:
    out = []
    for award in _awards(order.effects["award_ids"]):
        payload = {"order_id": order.id, "order_number": order.number}
        if trigger == "extend":
            payload["new_term_to"] = order.effects["new_term_to"]
        # The lifecycle's effects move the term (extend) or record the ending order and reason.
        fire(award_lifecycle, award, trigger, actor=_signed(order),
             reason=order.effects.get("grounds", ""), payload=payload)
        out.append(f"status_award:{award.id}:{trigger}")
    return out


effect(OrderKind.extend_status)(lambda o, a: _fire_awards(o, a, "extend"))
effect(OrderKind.complete_status)(lambda o, a: _fire_awards(o, a, "complete"))
effect(OrderKind.terminate_status)(lambda o, a: _fire_awards(o, a, "terminate"))


# --- amend or cancel an earlier order ---------------------------------------------------------------

def _target_prefill(verb: str, kind: OrderKind, target: Order) -> dict:
    if target.status != OrderStatus.signed:
        raise ValidationFailed("Изменить или отменить можно только действующий подписанный приказ.")
    ref = f"приказ {settings.institution()['short_name']} от {target.order_date:%d.%m.%Y} № {target.number}"
    return {
        "title": f"{'О внесении изменений в' if kind == OrderKind.amend else 'Об отмене'} приказ"
                 f"{'' if kind == OrderKind.amend else 'а'} от {target.order_date:%d.%m.%Y} № {target.number}",
        "preamble": "",
        "items": [{"text": f"{verb} {ref} «{target.title}».", "subitems": []}],
        "target_order_id": target.id,
        "effects": {"target_order_id": target.id},
    }


@prefill(OrderKind.amend)
def _amend(inst: dict, target: Order, **_) -> dict:
    return _target_prefill("Внести изменения в", OrderKind.amend, target)


@prefill(OrderKind.cancel)
def _cancel(inst: dict, target: Order, **_) -> dict:
    return _target_prefill("Отменить", OrderKind.cancel, target)


@effect(OrderKind.amend)
def _apply_amend(order: Order, actor: User) -> list[str]:
    target = db.session.get(Order, order.effects["target_order_id"])
    fire(order_lifecycle, target, "amend", actor=_signed(order),
         payload={"by_order_id": order.id, "by_number": order.number})
    return [f"order:{target.id}:amended"]


@effect(OrderKind.cancel)
def _apply_cancel(order: Order, actor: User) -> list[str]:
    target = db.session.get(Order, order.effects["target_order_id"])
    fire(order_lifecycle, target, "cancel", actor=_signed(order),
         payload={"by_order_id": order.id, "by_number": order.number})
    out = [f"order:{target.id}:cancelled"]
    granted = db.session.execute(select(StatusAward).where(
        StatusAward.granted_by_order_id == target.id,
        StatusAward.status.in_([AwardStatus.scheduled, AwardStatus.active, AwardStatus.suspended]))).scalars().all()
    for award in granted:
        fire(award_lifecycle, award, "terminate", actor=_signed(order),
             reason=f"Приказ № {target.number} отменён приказом № {order.number}",
             payload={"order_id": order.id, "order_number": order.number})
        out.append(f"status_award:{award.id}:terminate")
    return out




# --- the «new order» form: turn what staff chose into the sources of a kind's prefill ---------------

def _find_org(text: str) -> Organization:
    name = text.strip()
    found = db.session.execute(select(Organization).where(
        (Organization.full_name == name) | (Organization.short_name == name))).scalars().all()
    if len(found) != 1:
        raise ValidationFailed(
            f"Организация «{name}» не найдена." if not found else
            f"Наименование «{name}» подходит нескольким организациям: укажите полное наименование.")
    return found[0]


def sources_from_form(kind: OrderKind, v: dict) -> dict:
    """v: the form's values. Returns keyword arguments for create_draft, or raises ValidationFailed."""
    if kind in (OrderKind.conduct_competition, OrderKind.approve_results):
        campaign = db.session.get(Campaign, v.get("campaign_id") or 0)
        if campaign is None:
            raise ValidationFailed("Выберите конкурс.")
        return {"campaign": campaign}
    if kind in (OrderKind.amend, OrderKind.cancel):
        target = db.session.get(Order, v.get("target_order_id") or 0)
        if target is None:
            raise ValidationFailed("Выберите подписанный приказ.")
        return {"target": target}
    if kind == OrderKind.assign_status:
        if not v.get("term_from") or not v.get("term_to") or v["term_from"] > v["term_to"]:
            raise ValidationFailed("Укажите срок статуса: дата начала не позже даты окончания.")
        awards = []
        for n, line in enumerate((v.get("organizations") or "").splitlines(), start=1):
            if not line.strip():
                continue
            name, _, theme = line.partition("|")
            if not theme.strip():
                raise ValidationFailed(f"Строка {n}: укажите тему проекта после «|».")
            awards.append({"organization_id": _find_org(name).id, "theme": theme.strip(),
                           "term_from": v["term_from"], "term_to": v["term_to"]})
        return {"status_type": status_types.by_code(v.get("status_type") or "KRC"), "awards": awards}
    if kind == OrderKind.approve_roadmap:
        org = db.session.get(Organization, v.get("organization_id") or 0)
        if org is None:
            raise ValidationFailed("Выберите организацию.")
        try:
            grid = grid_from_json(v.get("roadmap_rows") or None)
        except GridError as exc:
            raise ValidationFailed(f"Дорожная карта: {exc}") from None
        if not grid.columns:
            grid = Grid(columns=list(ROADMAP_COLUMNS))
        return {"organization": org, "title": (v.get("roadmap_title") or org.short_name).strip(), "grid": grid}
    if kind in (OrderKind.extend_status, OrderKind.complete_status, OrderKind.terminate_status):
        out = {"award_ids": list(v.get("award_ids") or []), "grounds": v.get("grounds") or ""}
        if kind == OrderKind.extend_status:
            if not v.get("term_to"):
                raise ValidationFailed("Укажите новый срок окончания статуса.")
            out["new_term_to"] = v["term_to"]
        return out
    return {}
