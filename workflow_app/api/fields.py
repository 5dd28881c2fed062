"""Field helpers shared by the API's schemas (Russian messages where marshmallow's are English)."""
from __future__ import annotations

import enum

import marshmallow as ma

from ..ints import MAX_DB_INT


def enum_field(cls: type[enum.Enum], description: str, **kw) -> ma.fields.Enum:
    """An enum given and returned by its member's name (`open`, `OO`, …)."""
    return ma.fields.Enum(cls, error_messages={"unknown": "Допустимые значения: {choices}."},
                          metadata={"description": description}, **kw)


def db_int(description: str, *, minimum: int = 1, strict: bool = True, **kw) -> ma.fields.Integer:
    """An integer the database can hold (an id, a version): out of the INTEGER range it is a 422 naming
    the field, never an overflow inside the driver. `strict`: a JSON number only (a query string's
    value is text, so there it is False)."""
    return ma.fields.Integer(
        strict=strict, validate=ma.validate.Range(
            min=minimum, max=MAX_DB_INT, error=f"Нужно целое число от {minimum} до {MAX_DB_INT}."),
        metadata={"description": description}, **kw)
