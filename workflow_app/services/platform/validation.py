"""Shared input checks for staff forms and imports: normalised names, INN, e-mail, field errors."""
from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.sql import ColumnElement

from ...errors import ValidationFailed
from ...listing import like_pattern

INN_RE = re.compile(r"^(\d{10}|\d{12})$")
INN_MESSAGE = "ИНН должен состоять из 10 или 12 цифр."


class FieldErrors(ValidationFailed):
    """Errors tied to form fields ({field name: Russian message}); views show each next to its field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors


def clean(text: str | None) -> str:
    """Trim and collapse inner whitespace (pasted names often carry double spaces and NBSPs)."""
    return " ".join((text or "").replace("\u00a0", " ").split())


def name_key(text: str | None) -> str:
    """Comparison key for names: case-, ё- and whitespace-insensitive."""
    return clean(text).casefold().replace("ё", "е")


def normalize_inn(text: str | None) -> str:
    return re.sub(r"[\s-]", "", text or "")


def inn_error(inn: str) -> str | None:
    return None if not inn or INN_RE.match(inn) else INN_MESSAGE


def email_error(email: str) -> str | None:
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return f"Некорректный адрес электронной почты «{email}»."
    return None


def contains_ci(col: ColumnElement, text: str) -> ColumnElement:
    """Case-insensitive substring search (Cyrillic too: SQLite gets a Unicode lower() in extensions)."""
    return col.ilike(like_pattern(text), escape="\\")
