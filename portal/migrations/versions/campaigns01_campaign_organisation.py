"""campaign: the organisation's full name and place, and a row version for the edit form

Revision ID: campaigns01
Revises: a41c7e9d2b10
Create Date: 2026-12-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'campaigns01'
down_revision = 'a41c7e9d2b10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organization_name', sa.String(length=300), nullable=False,
                                      server_default='Ban Tổ chức Tỉnh ủy Đồng Nai'))
        batch_op.add_column(sa.Column('organization_place', sa.String(length=200), nullable=False,
                                      server_default='Đồng Nai'))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.alter_column('organization_name', server_default=None)
        batch_op.alter_column('organization_place', server_default=None)
        batch_op.alter_column('version', server_default=None)


def downgrade():
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('version')
        batch_op.drop_column('organization_place')
        batch_op.drop_column('organization_name')
