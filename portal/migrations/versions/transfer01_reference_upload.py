"""reference import in the browser: uploaded files kept on the server between preview and confirmation

Revision ID: transfer01
Revises: reminders01
Create Date: 2026-12-01 00:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import portal.models.base


# revision identifiers, used by Alembic.
revision = 'transfer01'
down_revision = 'reminders01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reference_upload',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('tables', sa.JSON(), nullable=False),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_reference_upload_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_reference_upload_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_upload')),
    sa.UniqueConstraint('token', name=op.f('uq_reference_upload_token'))
    )
    with op.batch_alter_table('reference_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reference_upload_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reference_upload_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('reference_upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reference_upload_user_id'))
        batch_op.drop_index(batch_op.f('ix_reference_upload_campaign_id'))
    op.drop_table('reference_upload')
