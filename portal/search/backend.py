"""The database-specific part of search, in one place.

SQLite: an FTS5 table over ``search_entry.body`` (external content, kept in step by triggers on
``search_entry``); a query term is a phrase whose last word may be a prefix.
PostgreSQL: a trigram (pg_trgm) GIN index on ``search_entry.body``; a query term is a LIKE on the
start of a word, which the index answers. Both see the same folded text (portal.search.text), so
both find the same rows.
"""
from __future__ import annotations

import sqlalchemy as sa

from portal.models import SearchEntry

FTS_TABLE = "search_fts"
TRGM_INDEX = "ix_search_entry_body_trgm"

_SQLITE_DDL = [
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(body, content='search_entry', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    f"CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, body) VALUES (new.id, new.body); END",
    f"CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, body) VALUES ('delete', old.id, old.body); END",
    f"CREATE TRIGGER search_entry_au AFTER UPDATE ON search_entry BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, body) VALUES ('delete', old.id, old.body); "
    f"INSERT INTO {FTS_TABLE}(rowid, body) VALUES (new.id, new.body); END",
]


def create_index_structures(connection) -> None:
    """Build the full-text structures over ``search_entry`` (the migration calls this)."""
    if connection.dialect.name == "postgresql":
        available = connection.execute(sa.text(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).scalar()
        if available:
            connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            connection.execute(sa.text(
                f"CREATE INDEX {TRGM_INDEX} ON search_entry USING gin (body gin_trgm_ops)"))
        return  # without pg_trgm the same LIKE works, by reading the table
    for statement in _SQLITE_DDL:
        connection.execute(sa.text(statement))


def drop_index_structures(connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text(f"DROP INDEX IF EXISTS {TRGM_INDEX}"))
        return
    for trigger in ("search_entry_ai", "search_entry_ad", "search_entry_au"):
        connection.execute(sa.text(f"DROP TRIGGER IF EXISTS {trigger}"))
    connection.execute(sa.text(f"DROP TABLE IF EXISTS {FTS_TABLE}"))


def owns(name: str | None) -> bool:
    """Schema objects built here and not by the models (the migrations check leaves them out)."""
    return bool(name) and (name == TRGM_INDEX or name.startswith(FTS_TABLE))


def matches(dialect: str, terms: list[str]):
    """The condition on ``search_entry`` for rows whose text holds every term (each at a word's start;
    its last word may be cut short). Terms are folded text: only a–z, 0–9 and single spaces."""
    if dialect == "postgresql":
        return sa.and_(*(SearchEntry.body.like(f"% {term}%") for term in terms))
    expression = " ".join(f'"{term}"*' for term in terms)
    fts = sa.table(FTS_TABLE, sa.column("rowid"))
    return SearchEntry.id.in_(sa.select(fts.c.rowid).where(sa.text(f"{FTS_TABLE} MATCH :fts_query")
                                                           .bindparams(fts_query=expression)))
