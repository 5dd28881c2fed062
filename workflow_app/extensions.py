"""Flask extensions, created unbound; create_app() binds them."""
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so Alembic migrations are identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()


def _unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


def _unicode_upper(value):
    return value.upper() if isinstance(value, str) else value


@event.listens_for(Engine, "connect")
def _sqlite_functions(dbapi_connection, connection_record):
    """Make SQLite answer like PostgreSQL where the app relies on it.

    Its lower()/upper() fold ASCII only, so ILIKE (lower(a) LIKE lower(b)) missed Cyrillic: they are
    replaced with Python's Unicode-aware versions. entry_search_text() is the full-text index's extraction
    (models/search.py), which PostgreSQL does in SQL."""
    import math
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
        dbapi_connection.create_function("upper", 1, _unicode_upper, deterministic=True)
        # The full-text index's triggers (migration 0016_dossier_search) extract the text with it.
        from .services.competition.search import sqlite_document_text

        dbapi_connection.create_function("entry_search_text", 5, sqlite_document_text, deterministic=True)
        # sqrt() exists only when SQLite was built with its math functions (the ranking's z-scores).
        try:
            dbapi_connection.execute("SELECT sqrt(4)")
        except sqlite3.OperationalError:
            dbapi_connection.create_function(
                "sqrt", 1, lambda x: None if x is None or x < 0 else math.sqrt(x), deterministic=True)
