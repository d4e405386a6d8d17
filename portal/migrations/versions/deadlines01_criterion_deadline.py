"""criteria: an item's own reporting deadline where it differs from the campaign's

Revision ID: deadlines01
Revises: accounts01
Create Date: 2026-12-01 00:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'deadlines01'
down_revision = 'accounts01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.drop_column('deadline')
