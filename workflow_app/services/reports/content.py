"""What a report holds and how its input is checked.

A report's `content` is a dict: each list is one user-edited table in the shared grid shape
(services/documents/grid.py), each free-text section a string, the share of teachers trained a number as
typed («41» or «41,5») or empty. `parse` turns the form's POST into that dict and refuses bad input with
a Russian message naming the table, row and column (`FieldErrors`, one per field).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ..documents.grid import Grid, GridError, grid_from_json
from ..platform.validation import FieldErrors

# Outcome of a planned activity, as the holder writes it in the «Выполнение» column.
DONE, PARTLY, NOT_DONE, MOVED = "выполнено", "частично", "не выполнено", "перенесено"
OUTCOMES = (DONE, PARTLY, NOT_DONE, MOVED)
LEVELS = ("муниципальный", "зональный", "краевой", "межрегиональный", "всероссийский", "международный")


@dataclass(frozen=True)
class TableSpec:
    key: str
    title: str
    columns: tuple[str, ...]
    final_only: bool = False


ACTIVITIES = TableSpec("activities", "Выполнение плана-графика", (
    "№", "Мероприятие плана", "Срок по плану", "Выполнение", "Новый срок", "Подтверждение (ссылки)",
    "Комментарий"))
PRODUCTS = TableSpec("products", "Продукты инновационной деятельности", ("Продукт", "Вид продукта", "Ссылка"))
EVENTS = TableSpec("events", "Проведённые мероприятия", ("Дата", "Мероприятие", "Уровень", "Участников"))
PUBLICATIONS = TableSpec("publications", "Публикации", ("Библиографическая запись", "Ссылка"))
NETWORK = TableSpec("network", "Участники сети", ("Организация", "Муниципалитет", "Роль в сети"))
RESULTS = TableSpec("results", "Достижение ожидаемых результатов проекта", (
    "Ожидаемый результат", "Предложение заявки", "Достигнутый результат"), final_only=True)
TABLES = (ACTIVITIES, PRODUCTS, EVENTS, PUBLICATIONS, NETWORK, RESULTS)

TEXTS = (("summary", "Основные итоги периода"), ("problems", "Трудности и пути их решения"),
         ("plans", "Планы на следующий период"))
TEACHERS = "teachers_trained"
TEXT_LIMIT = 20_000

_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.I)


def tables_for(final: bool) -> tuple[TableSpec, ...]:
    return tuple(t for t in TABLES if final or not t.final_only)


def empty_grid(spec: TableSpec) -> dict:
    return Grid(columns=list(spec.columns)).to_json()


def grid_of(content: dict, spec: TableSpec) -> Grid:
    """The stored table (already checked when saved), or an empty one with the form's columns."""
    try:
        return grid_from_json(content.get(spec.key)) if content.get(spec.key) else Grid(list(spec.columns))
    except GridError:
        return Grid(list(spec.columns))


def parse_date(text: str) -> date | None:
    try:
        return datetime.strptime(text.strip(), "%d.%m.%Y").date()
    except ValueError:
        return None


def parse_percent(text: str | None) -> Decimal | None:
    """«41», «41,5», «41 %» → Decimal; empty → None; anything else raises ValueError."""
    raw = (text or "").replace("%", "").replace(",", ".").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError("Доля педагогов: укажите число от 0 до 100, например 41 или 41,5.") from None
    if not value.is_finite() or not 0 <= value <= 100:
        raise ValueError("Доля педагогов: укажите число от 0 до 100, например 41 или 41,5.")
    return value


def _col(grid: Grid, name: str) -> int:
    return grid.columns.index(name)


def _data_rows(grid: Grid):
    for n, (row, kind) in enumerate(zip(grid.rows, grid.row_kinds, strict=False), start=1):
        if kind == "data":
            yield n, row


def count_rows(content: dict, spec: TableSpec) -> int:
    """Rows of a stored table that record something: data rows with a filled cell (group headings and
    continuation rows are not items)."""
    grid = grid_of(content, spec)
    return sum(1 for _, row in _data_rows(grid) if any(v.strip() for v in row))


def _links(text: str) -> list[str]:
    return [p for p in re.split(r"[\s,;]+", text.strip()) if p]


def _check_rows(spec: TableSpec, grid: Grid) -> None:
    """Row-level rules of a table; raises GridError naming the row and the column."""
    def where(n: int, col: str) -> str:
        return f"Строка {n}, столбец «{col}»"

    for n, row in _data_rows(grid):
        cell = dict(zip(grid.columns, row, strict=False))
        if spec is ACTIVITIES:
            outcome = cell["Выполнение"].strip().lower()
            if outcome not in OUTCOMES:
                raise GridError(f"{where(n, 'Выполнение')}: укажите одно из значений: " + ", ".join(OUTCOMES) + ".")
            new_date = cell["Новый срок"].strip()
            if outcome == MOVED and parse_date(new_date) is None:
                raise GridError(f"{where(n, 'Новый срок')}: мероприятие перенесено — укажите новую дату "
                                "в виде ДД.ММ.ГГГГ.")
            if outcome != MOVED and new_date:
                raise GridError(f"{where(n, 'Новый срок')}: новый срок указывается только для перенесённых "
                                "мероприятий.")
            bad = [u for u in _links(cell["Подтверждение (ссылки)"]) if not _URL.match(u)]
            if bad:
                raise GridError(f"{where(n, 'Подтверждение (ссылки)')}: «{bad[0]}» — не ссылка; укажите адреса "
                                "вида https://… через пробел (файлы прикладываются ниже).")
        elif spec is EVENTS:
            if parse_date(cell["Дата"]) is None:
                raise GridError(f"{where(n, 'Дата')}: укажите дату в виде ДД.ММ.ГГГГ.")
            if not cell["Мероприятие"].strip():
                raise GridError(f"{where(n, 'Мероприятие')}: укажите название мероприятия.")
            if cell["Уровень"].strip().lower() not in LEVELS:
                raise GridError(f"{where(n, 'Уровень')}: укажите одно из значений: " + ", ".join(LEVELS) + ".")
            if not cell["Участников"].strip().isdigit():
                raise GridError(f"{where(n, 'Участников')}: укажите число участников цифрами.")
        elif spec in (PRODUCTS, PUBLICATIONS):
            link = cell["Ссылка"].strip()
            if link and not _URL.match(link):
                raise GridError(f"{where(n, 'Ссылка')}: «{link}» — не ссылка; укажите адрес вида https://….")
            first = spec.columns[0]
            if not cell[first].strip():
                raise GridError(f"{where(n, first)}: заполните.")


def parse(form: Any, final: bool) -> dict:
    """The form's POST (a MultiDict: one JSON field per table, one per text) → content; FieldErrors
    ({field: message}) on bad input."""
    content: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for spec in tables_for(final):
        try:
            grid = grid_from_json(form.get(spec.key) or None, fixed_columns=list(spec.columns))
            _check_rows(spec, grid)
        except GridError as exc:
            errors[spec.key] = f"{spec.title}: {exc}"
            continue
        content[spec.key] = grid.to_json()
    try:
        share = parse_percent(form.get(TEACHERS))
        content[TEACHERS] = "" if share is None else str(share).replace(".", ",")
    except ValueError as exc:
        errors[TEACHERS] = str(exc)
    for key, title in TEXTS:
        text = (form.get(key) or "").replace("\r\n", "\n").strip()
        if len(text) > TEXT_LIMIT:
            errors[key] = f"Раздел «{title}»: {len(text)} символов, допускается не более {TEXT_LIMIT}."
        content[key] = text
    if errors:
        raise FieldErrors(errors)
    return content


def missing(content: dict, final: bool) -> list[str]:
    """What a report must have before it is submitted (Russian, one line each); empty when complete."""
    out = []
    if grid_of(content, ACTIVITIES).is_empty():
        out.append("таблица выполнения плана-графика не заполнена")
    if not (content.get("summary") or "").strip():
        out.append("не заполнен раздел «Основные итоги периода»")
    if final and grid_of(content, RESULTS).is_empty():
        out.append("итоговый отчёт: не заполнена таблица достижения ожидаемых результатов")
    return out
