"""Search ignores case for Cyrillic on both databases (SQLite folds ASCII only by itself)."""
from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.listing import like_pattern
from workflow_app.models import Organization

from .factories import make_org


def test_lower_case_cyrillic_finds_capitalised_names(ctx):
    make_org("Гимназия Борисова", full_name="Гимназия имени Борисова")
    make_org("Лицей № 4", full_name="Лицей № 4")
    found = db.session.execute(select(Organization.short_name).where(
        Organization.full_name.ilike(like_pattern("борисова"), escape="\\"))).scalars().all()
    assert found == ["Гимназия Борисова"]
    found = db.session.execute(select(Organization.short_name).where(
        Organization.full_name.ilike(like_pattern("ЛИЦЕЙ"), escape="\\"))).scalars().all()
    assert found == ["Лицей № 4"]
