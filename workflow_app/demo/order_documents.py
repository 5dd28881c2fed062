"""Demo orders as real documents: a ministry order registered from outside with its scan, and a signed order
with a multi-annex roadmap (heading lines as the institute writes them, a subtitle, abbreviations, group
rows, numbering typed by the author, a continuation row, multi-line cells). Idempotent."""
from __future__ import annotations

import io
from datetime import date

from reportlab.pdfgen import canvas
from sqlalchemy import select

from ..extensions import db
from ..machines.base import fire
from ..machines.order import order_lifecycle
from ..models import User
from ..models.orders import Order, OrderKind
from ..services import orders
from ..services.orders.external import duplicate
from ..services.platform import files
from . import demo_seeder

MINISTRY = "Министерство образования, науки и молодёжной политики Краснодарского края"
EXTERNAL_TITLE = "О присвоении статуса краевой инновационной площадки образовательным организациям в 2023 году"
ROADMAP_TITLE = ("Об утверждении дорожной карты по реализации проекта краевого ресурсного центра «Коллективное "
                 "наставничество как ресурс профессионального развития педагогов» на базе МКУ «Краснодарский "
                 "научно-методический центр» на период 2026–2028 годов")
HEADING = ["приказом ректора", "ГБОУ ИРО Краснодарского края"]
COLUMNS = ["№ п/п", "Мероприятие", "Сроки", "Целевая аудитория", "Ответственный"]
ROWS = [
    ("group", ["1. Организационные мероприятия"]),
    ("data", ["1.1.", "Разработка и утверждение положения о краевом ресурсном центре", "Сентябрь 2026 г.",
              "Руководители ОО, методисты ТМС", "Рабочая группа КРЦ"]),
    ("data", ["1.2.", "Заключение соглашений о сетевом взаимодействии с ТМС", "Октябрь 2026 г.",
              "Методисты ТМС", "Директор МКУ КНМЦ"]),
    ("data", ["1.10", "Организация работы площадок-спутников", "В течение года", "ОО-участники сети",
              "Руководители ОО"]),
    ("continuation", ["", "(продолжение) с привлечением специалистов ГБОУ ИРО Краснодарского края", "", "", ""]),
    ("group", ["2. Методическое сопровождение педагогов"]),
    ("data", ["2.1.", "Школа молодого педагога: цикл занятий\n1. Планирование урока\n2. Оценивание\n"
              "3. Классное руководство", "Ежемесячно", "Молодые педагоги", "Педагоги-наставники"]),
    ("data", ["2.2.", "Зональный семинар «Наставничество: от идеи к практике»", "Февраль 2027 г.",
              "Педагоги ОО и ДОО", "Рабочая группа КРЦ"]),
    ("group", ["3. Мониторинг"]),
    ("data", ["3.1", "Входная и итоговая диагностика профессиональных дефицитов", "Сентябрь, май",
              "Педагоги ОО-участников", "Методисты ТМС"]),
]
ABBREVIATIONS = ["ДОО – дошкольная образовательная организация", "КРЦ – краевой ресурсный центр",
                 "ОО – общеобразовательная организация", "ТМС – территориальная методическая служба"]


def _user(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def _scan_pdf(text: str) -> bytes:
    """A stand-in for a scanned page (the built-in PDF font has no Cyrillic, so the text is Latin)."""
    buf = io.BytesIO()
    page = canvas.Canvas(buf, invariant=1)
    page.drawString(72, 760, text)
    page.save()
    return buf.getvalue()


def _roadmap_json(rector: User) -> dict:
    position, name = orders.signature_of(rector)
    kinds, rows = zip(*[(k, r + [""] * (len(COLUMNS) - len(r))) for k, r in ROWS], strict=True)
    return {
        "kind": "approve_roadmap", "title": ROADMAP_TITLE,
        "preamble": "В соответствии с решением методического совета ГБОУ ИРО Краснодарского края и в целях "
                    "организации деятельности краевых ресурсных центров",
        "items": ["Утвердить дорожную карту (план мероприятий) краевого ресурсного центра (приложение 1).",
                  "Утвердить показатели результативности деятельности краевого ресурсного центра (приложение 2).",
                  "Контроль за выполнением настоящего приказа возложить на первого проректора."],
        "signatory": {"position": position, "name": name},
        "annexes": [
            {"heading_lines": ["Приложение 1", "УТВЕРЖДЕНА", *HEADING], "title": "Дорожная карта (план мероприятий)",
             "subtitle": "по реализации проекта краевого ресурсного центра на 2026–2028 годы",
             "abbreviations": ABBREVIATIONS, "columns": COLUMNS, "rows": [list(r) for r in rows],
             "row_kinds": list(kinds), "text": "", "widths": [16, 64, 30, 36, 34]},
            {"heading_lines": ["Приложение 2", "УТВЕРЖДЕНЫ", *HEADING],
             "title": "Показатели результативности деятельности КРЦ", "subtitle": "", "abbreviations": [],
             "columns": ["№", "Показатель", "2026", "2027", "2028"],
             "rows": [["1", "Количество ТМС-участников сети", "5", "7", "9"],
                      ["2", "Доля педагогов, прошедших повышение квалификации по теме проекта, %", "41", "45", "50"]],
             "row_kinds": ["data", "data"], "text": "Показатели считаются на 1 декабря отчётного года.",
             "widths": None},
        ],
    }


@demo_seeder(order=55)
def seed_order_documents() -> dict[str, int]:
    staff, rector, approver = _user("staff@iro.local"), _user("signatory@iro.local"), _user("prorector@iro.local")
    if staff is None or rector is None or approver is None:
        return {}
    created = 0
    if duplicate(MINISTRY, 2023, "3541") is None:
        scan = files.store_bytes(_scan_pdf("Order of the Ministry No 3541 of 12.12.2023 (scan)"),
                                 original_name="Приказ МОНиМП КК от 12.12.2023 № 3541.pdf",
                                 content_type=orders.PDF, user=staff)
        orders.register_external(staff, {"issuer": MINISTRY, "date": date(2023, 12, 12), "number": "3541",
                                         "title": EXTERNAL_TITLE, "kind": OrderKind.assign_status}, scan)
        created += 1
    if db.session.execute(select(Order.id).where(Order.title == ROADMAP_TITLE)).first() is None:
        order = orders.order_from_json(staff, _roadmap_json(rector))
        fire(order_lifecycle, order, "send_for_approval", actor=staff)
        orders.decide_visa(order, approver, approve=True)
        orders.sign(order, rector)
        created += 1
    return {"order_documents": created}
