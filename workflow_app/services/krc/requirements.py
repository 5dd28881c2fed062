"""Figures an application states against the minimum requirements of its status type, and the shortfalls."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from ...models.status_type import StatusType
from ..platform.validation import FieldErrors

MAX_FIGURE = Decimal("1000000")


def field_name(code: str) -> str:
    """The form field of a requirement's figure."""
    return f"fig_{code}"


def _number(text: Any) -> float | int | None:
    raw = str(text if text is not None else "").strip().replace(",", ".").replace("\u00a0", "").replace(" ", "")
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError from None
    if not value.is_finite() or value < 0 or value > MAX_FIGURE:
        raise ValueError
    return int(value) if value == value.to_integral_value() else float(value)


def read(text: Any) -> float | int | None:
    """The number typed, or None when blank or not a valid figure (for a preview; `parse` refuses)."""
    try:
        return _number(text)
    except ValueError:
        return None


def parse(st: StatusType, values: dict[str, Any]) -> list[dict]:
    """The type's requirements with the stated figure of each ({field_name(code): text}); a blank is None
    (allowed in a draft), anything but a non-negative number is a field error in Russian."""
    out, errors = [], {}
    for req in st.requirements or []:
        name = field_name(req["code"])
        try:
            value = _number(values.get(name))
        except ValueError:
            errors[name] = f"«{req['name']}»: укажите число от 0 до {MAX_FIGURE:,}".replace(",", " ") + "."
            continue
        out.append({"code": req["code"], "name": req["name"], "min": req["min"], "unit": req.get("unit", ""),
                    "value": value})
    if errors:
        raise FieldErrors(errors)
    return out


def blank(st: StatusType) -> list[dict]:
    return [{**{k: r.get(k, "") for k in ("code", "name", "min", "unit")}, "value": None}
            for r in st.requirements or []]


def is_short(figure: dict) -> bool:
    return figure.get("value") is not None and figure["value"] < figure["min"]


def shortfalls(figures: list[dict]) -> list[dict]:
    """The requirements whose stated figure is below the minimum."""
    return [f for f in figures if is_short(f)]


def missing(figures: list[dict]) -> list[dict]:
    return [f for f in figures if f.get("value") is None]


def describe(figure: dict) -> str:
    """«Продукты …: 2 шт. при минимуме 3 шт.»"""
    unit = f" {figure['unit']}" if figure.get("unit") else ""
    return f"{figure['name']}: {_fmt(figure['value'])}{unit} при минимуме {_fmt(figure['min'])}{unit}"


def _fmt(value: Any) -> str:
    return str(value).replace(".", ",") if value is not None else "—"
