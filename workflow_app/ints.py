"""Whole numbers typed by people or hand-edited in links, bounded by the database's integer columns.

`"٥".isdigit()` and `"²".isdigit()` are true, `int("²")` fails and `int("99999999999")` is a number no
PostgreSQL INTEGER holds («integer out of range»): ids and numbers from a request go through here, and
anything but plain ASCII digits within the column range counts as absent (a 404, a form error).
"""
from __future__ import annotations

MAX_DB_INT = 2**31 - 1
OUT_OF_RANGE = "Введите целое число от 0 до 2147483647."


def db_int(raw, default: int | None = None) -> int | None:
    """The non-negative INTEGER `raw` spells in ASCII digits (spaces around allowed), else `default`."""
    if isinstance(raw, bool):
        return default
    if isinstance(raw, int):
        return raw if 0 <= raw <= MAX_DB_INT else default
    text = str(raw if raw is not None else "").strip()
    if not text or len(text) > 10 or not text.isascii() or not text.isdigit():
        return default
    value = int(text)
    return value if value <= MAX_DB_INT else default


def query_int(name: str, default: int | None = None) -> int | None:
    """An integer query-string argument of the current request (see db_int)."""
    from flask import request

    return db_int(request.args.get(name), default)


def coerce_db_int(value) -> int:
    """A WTForms `coerce` for id choices: raises ValueError (a form error) outside INTEGER."""
    result = db_int(value)
    if result is None:
        raise ValueError(OUT_OF_RANGE)
    return result


def coerce_db_int_or_none(value) -> int | None:
    """As coerce_db_int, with the empty «not chosen» option as None."""
    if value in (None, "", "None"):
        return None
    return coerce_db_int(value)
