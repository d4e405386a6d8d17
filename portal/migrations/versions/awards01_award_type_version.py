"""award types: a row version for the administrator's edit form

Revision ID: awards01
Revises: transfer01
Create Date: 2026-12-01 00:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'awards01'
down_revision = 'transfer01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('award_type', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('award_type', schema=None) as batch_op:
        batch_op.drop_column('version')
