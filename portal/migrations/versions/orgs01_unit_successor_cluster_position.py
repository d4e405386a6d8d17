"""units and clusters in the browser: a unit's successor, row versions, the clusters' order

Revision ID: orgs01
Revises: criteria01
Create Date: 2026-12-01 00:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'orgs01'
down_revision = 'criteria01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('successor_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_index(batch_op.f('ix_unit_successor_id'), ['successor_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_unit_successor_id_unit'), 'unit', ['successor_id'], ['id'])
    with op.batch_alter_table('cluster', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('cluster', schema=None) as batch_op:
        batch_op.drop_column('version')
        batch_op.drop_column('position')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_unit_successor_id_unit'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_unit_successor_id'))
        batch_op.drop_column('version')
        batch_op.drop_column('successor_id')
