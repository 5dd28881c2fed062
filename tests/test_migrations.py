"""The schema comes only from Alembic: an upgraded database equals the models, both ways round."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from workflow_app.extensions import db
from workflow_app.models.search import include_object
from workflow_app.services.platform.reference import load_municipalities

pytestmark = pytest.mark.commits  # migrates its own connection up and down


def _diff():
    with db.engine.connect() as conn:
        # The full-text index lives outside the models (models/search.py): the same hook as autogenerate's.
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object})
        return compare_metadata(ctx, db.metadata)


def test_upgraded_database_matches_models(app):
    with app.app_context():
        assert _diff() == []


@pytest.mark.slow
def test_downgrade_then_upgrade_round_trips(app):
    directory = app.extensions["migrate"].directory
    with app.app_context():
        db.session.remove()
        downgrade(directory=directory, revision="base")
        left = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert left == set()
        upgrade(directory=directory)
        assert _diff() == []
        load_municipalities()
        db.session.commit()
