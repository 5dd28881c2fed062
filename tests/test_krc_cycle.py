"""The КРЦ/ЛСВ cycle end to end through the web: a ТМС application below a minimum requirement is flagged
before submission; staff accept it, the методический совет approves it, the granting order is prepared and,
once signed, the award exists and is in the public registry. A roadmap with group rows is submitted,
returned, resubmitted, approved; «Подготовить приказ» puts its rows into the order's annex; staff write a
content note; the completion report records facts against the plan rows."""
from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.machines import fire
from workflow_app.machines.order import order_lifecycle
from workflow_app.models import AuditEvent, OrgType, Role
from workflow_app.models.orders import Order, OrderKind
from workflow_app.models.roadmap import Roadmap, RoadmapStatus
from workflow_app.models.status_application import ApplicationStatus, StatusApplication
from workflow_app.models.status_award import AwardStatus, StatusAward
from workflow_app.services import orders
from workflow_app.services.krc import roadmaps
from workflow_app.services.platform import settings
from workflow_app.timeutil import today_local

from .factories import make_org, make_user
from .helpers import login, norm, pdf_text, post_form


def _people():
    tms = make_org("МКУ ЦРО Сочи", "sochi", org_type=OrgType.TMS, full_name="МКУ «Центр развития образования» г. Сочи")
    holder = make_user("tms@x.ru", (Role.applicant, tms), name="Петрова Анна Сергеевна")
    staff = make_user("staff@x.ru", Role.staff, name="Ковалёва Ирина Петровна")
    approver = make_user("prorector@x.ru", Role.staff, name="Проректор Первый")
    rector = make_user("rector@x.ru", Role.signatory, name="Гайдук Татьяна Алексеевна")
    rector.position = "Ректор"
    settings.update_institution({"approver_ids": [approver.id]}, staff)
    return tms, holder, staff, approver, rector


def _as(app, email):
    c = _Client(app.test_client())
    r = login(c, email)
    assert r.status_code == 302, r.get_data(as_text=True)[-600:]
    return c


def _next_request() -> None:
    """The test's app context is shared by its client requests: forget a refused request's rollback mark,
    as a new request would."""
    from flask import g

    g.pop("rollback_only", None)
    for key in ("_login_user", "csrf_token"):
        g.pop(key, None)


class _Client:
    """A test client whose every request starts like a new one in the shared context (see above)."""

    def __init__(self, client):
        self.client = client

    def get(self, *args, **kw):
        _next_request()
        return self.client.get(*args, **kw)

    def post(self, *args, **kw):
        _next_request()
        return self.client.post(*args, **kw)


def _sign(order: Order, staff, approver, rector) -> None:
    fire(order_lifecycle, order, "send_for_approval", actor=staff)
    orders.decide_visa(order, approver, approve=True)
    orders.sign(order, rector)


FIGURES = {"fig_products": "2", "fig_events": "3", "fig_network": "7", "fig_teachers_trained": "45,5"}


def test_application_flagged_then_granted_by_the_signed_order_and_in_the_registry(app, ctx):
    tms, holder, staff, approver, rector = _people()
    year = today_local().year
    c = _as(app, "tms@x.ru")
    r = post_form(c, "/krc/applications/new", {
        "organization_id": tms.id, "status_type": "KRC", "year": year, "theme": "Наставничество в сети ТМС",
        "summary": "Сеть из семи ТМС, методические дни.", **FIGURES})
    assert r.status_code == 302, r.get_data(as_text=True)
    application = db.session.execute(select(StatusApplication)).scalar_one()
    url = f"/krc/applications/{application.id}"
    page = c.get(url).get_data(as_text=True)
    # before submission: the shortfall in red with its numbers, the met ones not flagged
    assert 'data-shortfall="products"' in page and "Ниже минимума: 2 шт. при минимуме 3 шт." in page
    assert 'data-shortfall="events"' not in page and 'data-shortfall="teachers_trained"' not in page
    assert application.shortfalls == 1 and application.status == ApplicationStatus.draft

    # a blank figure blocks submission and changes nothing
    r = post_form(c, url, {"version": application.version, "theme": application.theme, "summary": "Текст",
                           **{**FIGURES, "fig_network": ""}, "then": "submit"})
    assert r.status_code == 409
    assert "Участники авторской методической сети" in r.get_data(as_text=True)
    _next_request()
    db.session.expire_all()
    assert db.session.get(StatusApplication, application.id).status == ApplicationStatus.draft

    r = post_form(c, url, {"version": application.version, "theme": application.theme,
                           "summary": application.summary, **FIGURES, "then": "submit"})
    assert r.status_code == 302
    db.session.expire_all()
    application = db.session.get(StatusApplication, application.id)
    assert application.status == ApplicationStatus.submitted
    submitted = db.session.execute(select(AuditEvent).where(AuditEvent.event == "status_application.submit")
                                   ).scalar_one()
    assert submitted.payload["shortfalls"] == ["products"]

    s = _as(app, "staff@x.ru")
    listing = s.get(f"/krc/applications?flagged=1&year={year}&type=KRC").get_data(as_text=True)
    assert "МКУ ЦРО Сочи" in listing and 'data-flag="shortfall"' in listing
    assert "МКУ ЦРО Сочи" not in s.get("/krc/applications?type=LSV").get_data(as_text=True)
    assert s.get("/krc/applications?export=xlsx").headers["Content-Type"].startswith(
        "application/vnd.openxmlformats")
    assert c.get("/krc/applications").status_code == 403  # the holder has no staff list
    page = s.get(url).get_data(as_text=True)
    assert 'name="trigger" value="return"' in page and 'id="reason-return"' in page
    assert 'data-confirm="Передать заявку на методический совет?"' in page
    assert 'name="trigger" value="accept"' not in c.get(url).get_data(as_text=True)  # staff only

    r = post_form(s, f"{url}/act", {"trigger": "accept", "version": application.version}, form_url=url)
    assert r.status_code == 302
    db.session.expire_all()
    application = db.session.get(StatusApplication, application.id)
    assert application.status == ApplicationStatus.under_review
    # the council's decision needs its protocol
    r = post_form(s, f"{url}/council", {"outcome": "approve", "council_date": today_local().isoformat(),
                                        "council_number": "", "version": application.version}, form_url=url)
    _next_request()
    db.session.expire_all()
    assert db.session.get(StatusApplication, application.id).status == ApplicationStatus.under_review
    r = post_form(s, f"{url}/council", {"outcome": "approve", "council_date": today_local().isoformat(),
                                        "council_number": "4", "decision": "Присвоить статус КРЦ",
                                        "version": application.version}, form_url=url)
    db.session.expire_all()
    application = db.session.get(StatusApplication, application.id)
    assert application.status == ApplicationStatus.council_approved
    assert (application.council_number, application.council_decision) == ("4", "Присвоить статус КРЦ")

    r = post_form(s, f"{url}/order", {"term_from": date(year, 1, 1).isoformat(),
                                      "term_to": date(year + 2, 12, 31).isoformat()}, form_url=url)
    assert r.status_code == 302 and "/orders/" in r.headers["Location"]
    order = db.session.execute(select(Order).where(Order.kind == OrderKind.assign_status)).scalar_one()
    assert "протокол от" in order.preamble and "№ 4" in order.preamble
    assert order.annexes[0]["rows"][0][1] == "МКУ «Центр развития образования» г. Сочи"
    assert db.session.execute(select(StatusAward)).first() is None  # nothing granted before signing

    _sign(order, staff, approver, rector)
    db.session.expire_all()
    application = db.session.get(StatusApplication, application.id)
    assert application.status == ApplicationStatus.granted
    award = application.award
    assert award.status == AwardStatus.active and award.granted_by_order_id == order.id
    assert award.status_type.code == "KRC" and award.theme == "Наставничество в сети ТМС"
    public = _Client(app.test_client()).get("/registry?type=КРЦ").get_data(as_text=True)
    assert "Наставничество в сети ТМС" in public


PLAN = {"columns": roadmaps.COLUMNS,
        "rows": [["1. Организационные мероприятия", "", "", "", ""],
                 ["1.1.", "Семинар для ТМС", "март", "методисты", "Петрова А.С."],
                 ["", "продолжение: итоги семинара", "", "", ""],
                 ["1.2.", "Вебинар", "апрель", "педагоги", "Петрова А.С."],
                 ["2. Методические мероприятия", "", "", "", ""],
                 ["2.1.", "Методический день", "октябрь", "педагоги", "Сидоров В.В."]],
        "row_kinds": ["group", "data", "continuation", "data", "group", "data"], "widths": None}


def test_roadmap_submitted_returned_approved_ordered_noted_and_reported(app, ctx):
    tms, holder, staff, approver, rector = _people()
    year = today_local().year
    c = _as(app, "tms@x.ru")
    r = post_form(c, "/krc/roadmaps/new", {"organization_id": tms.id, "year": year, "title": "",
                                           "plan": json.dumps(PLAN, ensure_ascii=False)})
    assert r.status_code == 302, r.get_data(as_text=True)
    roadmap = db.session.execute(select(Roadmap)).scalar_one()
    url = f"/krc/roadmaps/{roadmap.id}"
    assert [row["kind"] for row in roadmaps.plan_rows(roadmap)] == PLAN["row_kinds"]
    assert roadmaps.plan_rows(roadmap)[0]["activity"] == "1. Организационные мероприятия"
    assert "МКУ ЦРО Сочи" in c.get("/krc/my").get_data(as_text=True)

    r = post_form(c, url, {"version": roadmap.version, "title": roadmap.title,
                           "plan": json.dumps(PLAN, ensure_ascii=False), "then": "submit"})
    assert r.status_code == 302
    s = _as(app, "staff@x.ru")
    db.session.expire_all()
    roadmap = db.session.get(Roadmap, roadmap.id)
    assert roadmap.status == RoadmapStatus.submitted
    page = s.get(url).get_data(as_text=True)
    assert 'name="trigger" value="return"' in page and 'data-confirm="Утвердить дорожную карту?"' in page
    # returning needs remarks
    post_form(s, f"{url}/act", {"trigger": "return", "version": roadmap.version, "reason": ""}, form_url=url)
    _next_request()
    db.session.expire_all()
    assert db.session.get(Roadmap, roadmap.id).status == RoadmapStatus.submitted
    post_form(s, f"{url}/act", {"trigger": "return", "version": roadmap.version,
                                "reason": "Добавьте ответственных"}, form_url=url)
    db.session.expire_all()
    roadmap = db.session.get(Roadmap, roadmap.id)
    assert roadmap.status == RoadmapStatus.returned and "Добавьте ответственных" in c.get(url).get_data(as_text=True)
    post_form(c, url, {"version": roadmap.version, "title": roadmap.title,
                       "plan": json.dumps(PLAN, ensure_ascii=False), "then": "submit"})
    db.session.expire_all()
    roadmap = db.session.get(Roadmap, roadmap.id)
    assert roadmap.status == RoadmapStatus.resubmitted
    assert c.post(f"{url}/act", data={"trigger": "approve"}).status_code in (400, 403)  # holder cannot approve
    _next_request()
    post_form(s, f"{url}/act", {"trigger": "approve", "version": roadmap.version}, form_url=url)
    db.session.expire_all()
    roadmap = db.session.get(Roadmap, roadmap.id)
    assert roadmap.status == RoadmapStatus.approved and roadmap.approved_by_id == staff.id

    r = post_form(s, f"{url}/order", {}, form_url=url)
    assert r.status_code == 302
    order = db.session.execute(select(Order).where(Order.kind == OrderKind.approve_roadmap)).scalar_one()
    annex = order.annexes[0]
    assert annex["columns"] == roadmaps.COLUMNS and annex["rows"] == PLAN["rows"]
    assert annex["row_kinds"] == PLAN["row_kinds"]
    assert annex["heading_lines"][0] == "Приложение № 1" and "УТВЕРЖДЕНА" in annex["heading_lines"]
    assert db.session.get(Roadmap, roadmap.id).order_id == order.id
    printed = norm(pdf_text(orders.render(order, "pdf")))
    assert "1. Организационные мероприятия" in printed and "Семинар для ТМС" in printed
    assert "продолжение: итоги семинара" in printed

    post_form(s, f"{url}/notes", {"noted_on": today_local().isoformat(),
                                  "text": "Мероприятия раздела 2 не обеспечены ресурсами."}, form_url=url)
    page = s.get(url).get_data(as_text=True)
    assert "Мероприятия раздела 2 не обеспечены ресурсами." in page and "Ковалёва Ирина Петровна" in page

    report_url = f"{url}/report"
    db.session.expire_all()
    roadmap = db.session.get(Roadmap, roadmap.id)
    # «moved» needs the new date; nothing is saved
    r = post_form(c, report_url, {"version": roadmap.version, "fact_1": "done", "fact_3": "moved",
                                  "fact_5": "partly", "then": "submit"})
    assert r.status_code == 422 and "укажите новый срок" in r.get_data(as_text=True)
    _next_request()
    db.session.expire_all()
    assert db.session.get(Roadmap, roadmap.id).completion == []
    # a row without its fact blocks submission
    r = post_form(c, report_url, {"version": roadmap.version, "fact_1": "done", "then": "submit"})
    assert "не указано выполнение" in r.get_data(as_text=True)
    _next_request()
    db.session.expire_all()
    roadmap = db.session.get(Roadmap, roadmap.id)
    r = post_form(c, report_url, {"version": roadmap.version, "fact_1": "done", "comment_1": "32 участника",
                                  "fact_3": "moved", "new_date_3": f"{year + 1}-02-15", "fact_5": "not_done",
                                  "comment_5": "Карантин", "then": "submit"})
    assert r.status_code == 302
    db.session.expire_all()
    roadmap = db.session.get(Roadmap, roadmap.id)
    assert roadmap.status == RoadmapStatus.reported
    by_row = {row["index"]: row["report"] for row in roadmaps.plan_vs_fact(roadmap)}
    assert by_row[1]["fact"] == "done" and by_row[1]["comment"] == "32 участника"
    assert by_row[3] == {"row": 3, "fact": "moved", "new_date": f"{year + 1}-02-15", "comment": ""}
    assert by_row[5]["fact"] == "not_done" and by_row[0] is None and by_row[2] is None


def test_pages_render_and_refuse_by_role(app, ctx):
    tms, holder, staff, approver, rector = _people()
    school = make_org("Школа", "sochi", org_type=OrgType.OO)
    make_user("school@x.ru", (Role.applicant, school))
    c, s = _as(app, "tms@x.ru"), _as(app, "staff@x.ru")
    page = c.get("/krc/applications/new").get_data(as_text=True)
    assert "Доля педагогов, прошедших повышение квалификации" in page and "Краевой ресурсный центр (КРЦ)" in page
    assert "Лидер сетевого взаимодействия (ЛСВ)" in page and "Краевая инновационная площадка" not in page
    lsv = post_form(c, "/krc/applications/new", {"step": "type", "organization_id": tms.id, "status_type": "LSV",
                                                 "year": 2026}).get_data(as_text=True)
    assert "У этого статуса нет минимальных требований" in lsv
    assert c.get("/krc/roadmaps/new").status_code == 200 and c.get("/krc/roadmaps").status_code == 403
    assert c.get("/krc/deadlines").status_code == 403
    school_client = _as(app, "school@x.ru")
    assert school_client.get("/krc/my").status_code == 403
    assert school_client.get(f"/krc/applications/new?org={tms.id}").status_code == 403
    for url in ("/krc/applications", "/krc/roadmaps", "/krc/roadmaps?export=xlsx", "/krc/deadlines"):
        assert s.get(url).status_code == 200, url
    assert "Заявок не найдено" in s.get("/krc/applications?q=нет-такой").get_data(as_text=True)
    r = post_form(s, "/krc/deadlines", {"year": today_local().year,
                                        "roadmap_approval": date(today_local().year, 8, 20).isoformat(),
                                        "completion_report": date(today_local().year, 11, 25).isoformat()})
    assert r.status_code == 302
    assert "до 20.08." in s.get("/krc/roadmaps").get_data(as_text=True)
