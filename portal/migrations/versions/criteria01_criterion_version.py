"""criteria: a row version on each criterion, so two administrators editing it get the conflict message

Revision ID: criteria01
Revises: awards01
Create Date: 2026-12-01 00:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'criteria01'
down_revision = 'awards01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.drop_column('version')
