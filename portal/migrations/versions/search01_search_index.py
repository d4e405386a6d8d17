"""search: one index of units, criteria, evidence, nominations and comments, Vietnamese-insensitive
(SQLite FTS5, PostgreSQL pg_trgm), built for the rows that exist

Revision ID: search01
Revises: orgs01
Create Date: 2026-12-01 01:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'search01'
down_revision = 'orgs01'
branch_labels = None
depends_on = None


def upgrade():
    from portal.search import backend, index

    op.create_table(
        'search_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('object_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.Column('campaign_id', sa.Integer(), nullable=True),
        sa.Column('council_visible', sa.Boolean(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_entry')),
        sa.UniqueConstraint('kind', 'object_id', name=op.f('uq_search_entry_kind_object_id')),
    )
    op.create_index('ix_search_entry_scope', 'search_entry', ['kind', 'campaign_id', 'unit_id'], unique=False)
    connection = op.get_bind()
    backend.create_index_structures(connection)
    index.rebuild(connection)


def downgrade():
    from portal.search import backend

    backend.drop_index_structures(op.get_bind())
    op.drop_index('ix_search_entry_scope', table_name='search_entry')
    op.drop_table('search_entry')
