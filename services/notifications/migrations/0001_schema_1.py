"""notifications: the schema of the first tagged release (schema-1, commit f41de0d)

Revision ID: 0001
Revises:
Create Date: 2026-12-02 01:23:59
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inbox',
    sa.Column('consumer', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('event_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('received_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('consumer', 'message_id')
    )
    op.create_index(op.f('ix_inbox_event_type'), 'inbox', ['event_type'], unique=False)
    op.create_index(op.f('ix_inbox_received_at'), 'inbox', ['received_at'], unique=False)
    op.create_table('notifications_contact',
    sa.Column('participant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('participant_id')
    )
    op.create_index(op.f('ix_notifications_contact_school_id'), 'notifications_contact', ['school_id'], unique=False)
    op.create_table('notifications_mail',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('event_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('event_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('recipient_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('link', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id')
    )
    op.create_index(op.f('ix_notifications_mail_created_at'), 'notifications_mail', ['created_at'], unique=False)
    op.create_index('ix_notifications_mail_due', 'notifications_mail', ['status', 'next_attempt_at'], unique=False)
    op.create_index(op.f('ix_notifications_mail_email'), 'notifications_mail', ['email'], unique=False)
    op.create_index(op.f('ix_notifications_mail_recipient_id'), 'notifications_mail', ['recipient_id'], unique=False)
    op.create_table('notifications_withdrawn',
    sa.Column('participant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('withdrawn_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('participant_id')
    )
    op.create_table('outbox',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('event_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('correlation_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_outbox_unsent', 'outbox', ['created_at'], unique=False, postgresql_where=sa.text('sent_at IS NULL'), sqlite_where=sa.text('sent_at IS NULL'))

def downgrade() -> None:
    op.drop_index('ix_outbox_unsent', table_name='outbox', postgresql_where=sa.text('sent_at IS NULL'), sqlite_where=sa.text('sent_at IS NULL'))
    op.drop_table('outbox')
    op.drop_table('notifications_withdrawn')
    op.drop_index(op.f('ix_notifications_mail_recipient_id'), table_name='notifications_mail')
    op.drop_index(op.f('ix_notifications_mail_email'), table_name='notifications_mail')
    op.drop_index('ix_notifications_mail_due', table_name='notifications_mail')
    op.drop_index(op.f('ix_notifications_mail_created_at'), table_name='notifications_mail')
    op.drop_table('notifications_mail')
    op.drop_index(op.f('ix_notifications_contact_school_id'), table_name='notifications_contact')
    op.drop_table('notifications_contact')
    op.drop_index(op.f('ix_inbox_received_at'), table_name='inbox')
    op.drop_index(op.f('ix_inbox_event_type'), table_name='inbox')
    op.drop_table('inbox')
