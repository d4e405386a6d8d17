"""The schema built by `flask db upgrade` matches the models (on SQLite and PostgreSQL alike)."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.extensions import db
from portal.models import Base
from portal.search.backend import owns


def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": lambda name, _type, _parents: not owns(name)})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
