"""Field helpers shared by the API's schemas (Russian messages where marshmallow's are English)."""
from __future__ import annotations

import enum

import marshmallow as ma


def enum_field(cls: type[enum.Enum], description: str, **kw) -> ma.fields.Enum:
    """An enum given and returned by its member's name (`open`, `OO`, …)."""
    return ma.fields.Enum(cls, error_messages={"unknown": "Допустимые значения: {choices}."},
                          metadata={"description": description}, **kw)
