"""WTForms classes, grouped like the views. Every form speaks Russian: WTForms' own messages («Неверный
выбор», «Поле не может быть длиннее …») come from the Russian translations WTForms ships, without Babel."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Form
from wtforms.meta import DefaultMeta

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
