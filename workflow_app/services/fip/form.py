"""The federal form (domain §3.3): 18 numbered items, prefilled from the КИП dossier where it has the data.

Storage (`FipCase.form`): {"1": "text", …, "4": grid dict, "11": grid dict, "13": grid dict}; item 10 is
the infographic file (`FipCase.infographic_file_id`). Text items are plain text (each line a paragraph in
print); tables have the one grid shape (services/documents/grid.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...documents import fip as fip_doc
from ...errors import ValidationFailed
from ...models.fip_case import FipCase
from ..competition import richtext
from ..documents.grid import Grid, GridError, grid_from_json
from ..platform import files
from ..platform.validation import FieldErrors

TEXT, GRID, FILE = "text", "grid", "file"
MAX_TEXT = 20_000


@dataclass(frozen=True)
class Item:
    number: str
    title: str
    kind: str = TEXT
    columns: tuple[str, ...] = ()
    required: bool = True
    hint: str = ""


ITEMS: tuple[Item, ...] = (
    Item("1", "Наименование проекта и его тема"),
    Item("2", "Цель (цели) проекта"),
    Item("3", "Задачи проекта"),
    Item("4", "Ключевые этапы реализации по годам", GRID, ("Год", "Этап и его содержание")),
    Item("5", "Этап реализации проекта на момент подачи заявки"),
    Item("6", "Охват и целевые группы"),
    Item("7", "Концепция проекта и её обоснование федеральными, региональными и локальными актами"),
    Item("8", "Краткое описание проекта", hint="Не более половины страницы A4 в печатной форме."),
    Item("9", "Новизна (инновационность) проекта"),
    Item("10", "Модель (инфографика)", FILE, hint="Изображение PNG, JPEG или GIF."),
    Item("11", "Проведённые мероприятия", GRID, ("Дата", "Мероприятие", "Ссылка")),
    Item("12", "Достигнутые результаты"),
    Item("13", "Продукты инновационной деятельности", GRID, ("Продукт", "Библиографическое описание или ссылка")),
    Item("14", "Социальная значимость проекта"),
    Item("15", "Ссылка на страницу проекта на сайте организации"),
    Item("16", "Публикации по теме проекта", required=False),
    Item("17", "Сетевые сообщества, участники сети", required=False),
    Item("18", "Подтверждающие документы", required=False),
)
BY_NUMBER = {i.number: i for i in ITEMS}
GRIDS = tuple(i for i in ITEMS if i.kind == GRID)


def empty_grid(item: Item) -> dict:
    return Grid(columns=list(item.columns)).to_json()


def value(case: FipCase, number: str) -> Any:
    """The stored value of an item: text, or a grid dict (an empty one with the form's columns)."""
    item = BY_NUMBER[number]
    raw = (case.form or {}).get(number)
    if item.kind == GRID:
        return raw if isinstance(raw, dict) else empty_grid(item)
    return raw if isinstance(raw, str) else ""


def is_filled(case: FipCase, number: str) -> bool:
    item = BY_NUMBER[number]
    if item.kind == FILE:
        return case.infographic_file_id is not None
    v = value(case, number)
    return any(any(str(c).strip() for c in r) for r in v.get("rows") or []) if item.kind == GRID else bool(v.strip())


def missing(case: FipCase) -> list[Item]:
    return [i for i in ITEMS if i.required and not is_filled(case, i.number)]


# --- saving -----------------------------------------------------------------------------------------

def parse_items(raw: dict[str, Any]) -> dict[str, Any]:
    """Check items given by number (text, or a table as grid JSON/dict); errors keyed «item_N»."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for number, given in raw.items():
        item = BY_NUMBER.get(str(number))
        if item is None or item.kind == FILE:
            errors[f"item_{number}"] = (f"Пункта {number} нет в форме (пункты 1–18; инфографика пункта 10 "
                                        "загружается файлом)." if item is None else
                                        "Инфографика пункта 10 загружается файлом.")
            continue
        if item.kind == GRID:
            try:
                out[item.number] = grid_from_json(given, fixed_columns=list(item.columns)).to_json()
            except GridError as exc:
                errors[f"item_{item.number}"] = f"Пункт {item.number}: {exc}"
            continue
        if given is None:
            given = ""
        if not isinstance(given, str):
            errors[f"item_{item.number}"] = f"Пункт {item.number}: ожидается текст."
            continue
        text = given.replace("\r\n", "\n").strip()
        if len(text) > MAX_TEXT:
            errors[f"item_{item.number}"] = (f"Пункт {item.number}: {len(text)} символов, допускается не более "
                                             f"{MAX_TEXT}.")
        elif item.number == fip_doc.DESCRIPTION_ITEM and not fip_doc.fits_half_page(text):
            over = fip_doc.description_height_pt(text) / fip_doc.half_page_pt()
            errors[f"item_{item.number}"] = (
                f"Пункт 8: краткое описание занимает {over:.0%} половины страницы A4 в печатной форме; "
                "сократите его до половины страницы.")
        else:
            out[item.number] = text
    if errors:
        raise FieldErrors(errors)
    return out


def merged(case: FipCase, items: dict[str, Any]) -> dict[str, Any]:
    return {**(case.form or {}), **parse_items(items)}


# --- prefill from the КИП dossier ------------------------------------------------------------------

def _text(dossier: dict, *keys: str) -> str:
    texts = (richtext.to_text(dossier.get(k)) for k in keys if isinstance(dossier.get(k), str))
    return "\n\n".join(t for t in texts if t)


def _rows(section: Any) -> list[list[str]]:
    """A dossier table as rows: a list of rows, or the grid dict (data rows only)."""
    if isinstance(section, dict):
        kinds = section.get("row_kinds") or []
        return [[str(c) for c in r] for n, r in enumerate(section.get("rows") or [])
                if (kinds[n] if n < len(kinds) else "data") == "data"]
    if isinstance(section, list):
        return [[str(c) for c in r] for r in section if isinstance(r, list)]
    return []


def _grid(item: Item, rows: list[list[str]]) -> dict:
    return Grid(columns=list(item.columns), rows=rows, row_kinds=["data"] * len(rows)).to_json()


def prefill(dossier: dict, *, organization: str, theme: str,
            reported: dict[str, list[dict[str, str]]] | None = None) -> dict[str, Any]:
    """Items the КИП dossier answers (keys of the «Инновационный поиск» form, domain §3.1); events and
    products the dossier does not list come from the accepted reports (`reported`: rows of the reports'
    «events» and «products» tables by column name)."""
    d = dossier or {}
    form: dict[str, Any] = {"1": f"{organization}. Тема проекта: «{theme}»." if theme else organization}
    for number, keys in (("2", ("2.1",)), ("6", ("2.4",)), ("7", ("1.1", "1.2")), ("8", ("2.2",)),
                         ("9", ("1.3",)), ("12", ("1.4",)), ("17", ("4.1",))):
        text = _text(d, *keys)
        if number == fip_doc.DESCRIPTION_ITEM and text and not fip_doc.fits_half_page(text):
            continue  # too long for item 8: the author writes a short one
        if text:
            form[number] = text
    plan = [[r[0], " — ".join(c for c in r[1:] if c)] for r in _rows(d.get("6")) if r]
    if plan:
        form["4"] = _grid(BY_NUMBER["4"], plan)
    events = [[r[1] if len(r) > 1 else "", r[0], ""] for r in _rows(d.get("3.3")) if r]
    if events:
        form["11"] = _grid(BY_NUMBER["11"], events)
    products = [[p, ""] for p in _text(d, "2.3").split("\n") if p.strip()]
    if products:
        form["13"] = _grid(BY_NUMBER["13"], products)
    got = reported or {}
    if "11" not in form and got.get("events"):
        form["11"] = _grid(BY_NUMBER["11"], [[r.get("Дата", ""), r.get("Мероприятие", ""), ""]
                                             for r in got["events"]])
    if "13" not in form and got.get("products"):
        form["13"] = _grid(BY_NUMBER["13"], [[r.get("Продукт", ""), r.get("Ссылка", "")]
                                             for r in got["products"]])
    members = [" — ".join(c for c in r if c) for r in _rows(d.get("4.3"))]
    if members:
        form["17"] = "\n".join(filter(None, [form.get("17", ""), "Участники сети:", *members]))
    return form


# --- the document -------------------------------------------------------------------------------------

def document(case: FipCase, content: dict | None = None, *, draft: bool = True) -> fip_doc.FipApplicationDoc:
    """The application as the federal form prints it (`content`: a round's frozen items, else the form)."""
    form = case.form if content is None else content
    items = []
    for item in ITEMS:
        raw = (form or {}).get(item.number)
        if item.kind == GRID:
            grid = grid_from_json(raw if isinstance(raw, dict) else None, fixed_columns=list(item.columns))
            items.append(fip_doc.FipItem(item.number, item.title, table=grid.to_table()))
        elif item.kind == FILE:
            f = case.infographic
            items.append(fip_doc.FipItem(item.number, item.title, text=f"Рис. Модель проекта ({f.original_name})",
                                         picture=files.read_stored(f)) if f is not None else
                         fip_doc.FipItem(item.number, item.title))
        else:
            items.append(fip_doc.FipItem(item.number, item.title, text=raw if isinstance(raw, str) else ""))
    org = case.organization
    return fip_doc.FipApplicationDoc(
        organization=org.full_name, municipality=org.municipality.name, project=case.project, year=case.year,
        head_name=org.head_name or "", items=tuple(items), draft=draft)


def require_items(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict) or not raw:
        raise ValidationFailed("Передайте пункты формы по номерам: {\"8\": \"…\"}.")
    return raw
