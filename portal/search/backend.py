"""The database-specific part of search, in one place.

SQLite: an FTS5 table over ``search_entry.body`` (external content, kept in step by triggers on
``search_entry``); a query term is a phrase whose last word may be a prefix.
PostgreSQL: a trigram (pg_trgm) GIN index on ``search_entry.body``; a query term is a LIKE on the
start of a word, which the index answers. Both see the same folded text (portal.search.text), so
both find the same rows.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.models import SearchEntry

FTS_TABLE = "search_fts"
TRGM_INDEX = "ix_search_entry_body_trgm"

# The FTS table holds, beside the text, the entry's scope as words ("kevidence c3 u125 v"), so that
# who may find what is part of the full-text match and the newest matches come first without
# reading every match of a common word.
_SCOPE = ("'k' || {row}.kind || ' c' || coalesce({row}.campaign_id, 0) || ' u' || coalesce({row}.unit_id, 0)"
          " || CASE WHEN {row}.council_visible THEN ' v' ELSE '' END")
_INSERT = f"INSERT INTO {FTS_TABLE}(rowid, scope, body) VALUES (new.id, {_SCOPE.format(row='new')}, new.body);"
_DELETE = (f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, scope, body) "
           f"VALUES ('delete', old.id, {_SCOPE.format(row='old')}, old.body);")
_SQLITE_DDL = [
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(scope, body, content='', "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    f"CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN {_INSERT} END",
    f"CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN {_DELETE} END",
    f"CREATE TRIGGER search_entry_au AFTER UPDATE ON search_entry BEGIN {_DELETE} {_INSERT} END",
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


@dataclass(frozen=True)
class Scope:
    """Which entries a search may return: one kind; None leaves that column free."""
    kind: str
    campaign_id: int | None = None
    unit_id: int | None = None
    council_only: bool = False

    def conditions(self) -> list:
        conditions = [SearchEntry.kind == self.kind]
        if self.campaign_id is not None:
            conditions.append(SearchEntry.campaign_id == self.campaign_id)
        if self.unit_id is not None:
            conditions.append(SearchEntry.unit_id == self.unit_id)
        if self.council_only:
            conditions.append(SearchEntry.council_visible.is_(True))
        return conditions

    def words(self) -> str:
        words = [f"k{self.kind}"]
        if self.campaign_id is not None:
            words.append(f"c{self.campaign_id}")
        if self.unit_id is not None:
            words.append(f"u{self.unit_id}")
        if self.council_only:
            words.append("v")
        return " AND ".join(words)


def matching(dialect: str, terms: list[str], scope: Scope, limit: int):
    """The ids of the newest ``limit`` objects in ``scope`` whose text holds every term (each at a
    word's start; its last word may be cut short). Terms are folded text: only a–z, 0–9 and spaces."""
    statement = sa.select(SearchEntry.object_id)
    if dialect == "postgresql":
        return (statement.where(*scope.conditions(), *(SearchEntry.body.like(f"% {term}%") for term in terms))
                .order_by(SearchEntry.id.desc()).limit(limit))
    # The scope is in the match: the newest matches are found in the FTS index alone, then read by key.
    expression = f"scope : ({scope.words()}) AND body : (" + " ".join(f'"{term}"*' for term in terms) + ")"
    fts = sa.table(FTS_TABLE, sa.column("rowid"))
    newest = (sa.select(fts.c.rowid).where(sa.text(f"{FTS_TABLE} MATCH :fts_query").bindparams(fts_query=expression))
              .order_by(fts.c.rowid.desc()).limit(limit))
    return statement.where(SearchEntry.id.in_(newest)).order_by(SearchEntry.id.desc())
