"""WTForms classes, grouped like the views. Every form speaks Russian: WTForms' own messages («Неверный
выбор», «Поле не может быть длиннее …») come from the Russian translations WTForms ships, without Babel."""
from __future__ import annotations

from datetime import date, timedelta

from flask import abort
from flask_wtf import FlaskForm
from wtforms import DateField, Form, IntegerField, ValidationError
from wtforms.meta import DefaultMeta

from ..ints import MAX_DB_INT, coerce_db_int, coerce_db_int_or_none

LOCALES = ("ru_RU", "ru")


class RuForm(FlaskForm):
    """The base of every form posted from a page (CSRF included)."""

    class Meta:
        locales = LOCALES

        def get_translations(self, form):
            # Flask-WTF would ask Flask-Babel (not installed) and fall back to English.
            return DefaultMeta.get_translations(self, form)


class RuSubForm(Form):
    """The base of forms nested in a FieldList (no CSRF of their own)."""

    class Meta:
        locales = LOCALES


class BoundedDateField(DateField):
    """A date within sensible bounds: years 2000–2100 for any date in this product, and, where a field
    says so, a window relative to today (a correction due date of 9999-12-31 is a typo, not a plan)."""

    def __init__(self, *args, days_back: int | None = None, days_ahead: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.days_back, self.days_ahead = days_back, days_ahead

    def pre_validate(self, form):
        value = self.data
        if value is None:
            return
        low, high = date(2000, 1, 1), date(2100, 12, 31)
        today = date.today()
        if self.days_back is not None:
            low = max(low, today - timedelta(days=self.days_back))
        if self.days_ahead is not None:
            high = min(high, today + timedelta(days=self.days_ahead))
        if not low <= value <= high:
            raise ValidationError(f"Укажите дату с {low:%d.%m.%Y} по {high:%d.%m.%Y}.")


class BoundedIntegerField(IntegerField):
    """An IntegerField within the database's INTEGER: 10**30 is a form error, not «integer out of range»."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not -MAX_DB_INT <= self.data <= MAX_DB_INT:
            self.data = None
            raise ValueError("Слишком большое число.")


__all__ = ["BoundedDateField", "BoundedIntegerField", "RuForm", "RuSubForm", "coerce_db_int",
           "coerce_db_int_or_none", "version_of"]


STALE_FORM = "Форма повреждена или устарела: обновите страницу и повторите действие."


def version_of(form) -> int:
    """The record version a form was opened with; anything but a plain number is a broken form (400)."""
    raw = str(form.version.data or "").strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        abort(400, description=STALE_FORM)
    return int(raw)
