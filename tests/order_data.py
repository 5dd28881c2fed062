"""Real-shaped order data for tests: the order with a 236-character title and a 49-row roadmap annex
(group rows «НАПРАВЛЕНИЕ …», numbering «1.1.», «1.10», «3.1» typed by the author, continuation rows with an
empty №, multi-line cells, «ѐ» and a Latin «C» inside a Cyrillic word), in the public JSON shape of
services/orders/order_json.py. The JSON API tests load the same file."""
from __future__ import annotations

import copy
import json
from pathlib import Path

from workflow_app.models import Role

from .factories import make_user

ROADMAP_FILE = Path(__file__).parent / "data" / "order_roadmap.json"
_ROADMAP = json.loads(ROADMAP_FILE.read_text(encoding="utf-8"))


def roadmap_order() -> dict:
    """A fresh copy of the order JSON (tests may change it)."""
    return copy.deepcopy(_ROADMAP)


def roadmap_signatory():
    """The user the order's `signatory` names («Ректор», «Т.А. Гайдук»)."""
    rector = make_user("rector@x.ru", Role.signatory, name="Гайдук Татьяна Алексеевна")
    rector.position = "Ректор"
    return rector


def cell_lines(order_json: dict) -> list[str]:
    """Every line of every cell, heading line, title, subtitle and abbreviation of the annexes: what the
    PDF and DOCX must show."""
    out: list[str] = []
    for annex in order_json["annexes"]:
        out += annex["heading_lines"] + [annex["title"], annex["subtitle"]] + annex["abbreviations"]
        out += [line for row in annex["rows"] for cell in row for line in cell.split("\n")]
    return [line.strip() for line in out if line.strip()]
