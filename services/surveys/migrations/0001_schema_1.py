"""surveys: the schema of the first tagged release (schema-1, commit f41de0d)

Revision ID: 0001
Revises:
Create Date: 2026-12-02 01:23:58
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
    op.create_table('surveys_answer_read',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('reader_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('reader_role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('read_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('what', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('response_ids', sa.JSON(), nullable=False),
    sa.Column('filter', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_surveys_answer_read_read_at'), 'surveys_answer_read', ['read_at'], unique=False)
    op.create_index(op.f('ix_surveys_answer_read_reader_id'), 'surveys_answer_read', ['reader_id'], unique=False)
    op.create_table('surveys_campaign',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('instrument_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('instrument_version', sa.Integer(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('municipality_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('programme_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('form', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('opened_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('opened_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_surveys_campaign_school_id'), 'surveys_campaign', ['school_id'], unique=False)
    op.create_table('surveys_enrolment',
    sa.Column('participant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('programme_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('academic_year', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('participant_id', 'programme_id', 'role')
    )
    op.create_index(op.f('ix_surveys_enrolment_programme_id'), 'surveys_enrolment', ['programme_id'], unique=False)
    op.create_index(op.f('ix_surveys_enrolment_school_id'), 'surveys_enrolment', ['school_id'], unique=False)
    op.create_table('surveys_enrolment_ended',
    sa.Column('participant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('programme_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('ended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('participant_id', 'programme_id', 'role')
    )
    op.create_table('surveys_instrument',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('owner_scope', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('owner_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('used', sa.Boolean(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('code', 'version')
    )
    op.create_index(op.f('ix_surveys_instrument_owner_id'), 'surveys_instrument', ['owner_id'], unique=False)
    op.create_table('surveys_invitation',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('campaign_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('participant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('token', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('draft', sa.JSON(), nullable=False),
    sa.Column('response_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('reminded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token')
    )
    op.create_index(op.f('ix_surveys_invitation_campaign_id'), 'surveys_invitation', ['campaign_id'], unique=False)
    op.create_index(op.f('ix_surveys_invitation_participant_id'), 'surveys_invitation', ['participant_id'], unique=False)
    op.create_table('surveys_pair_membership',
    sa.Column('pair_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('participant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('academic_year', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('programme_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('form', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('formed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('pair_id', 'participant_id')
    )
    op.create_index(op.f('ix_surveys_pair_membership_participant_id'), 'surveys_pair_membership', ['participant_id'], unique=False)
    op.create_table('surveys_programme',
    sa.Column('programme_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('academic_year', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('forms', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('programme_id')
    )
    op.create_index(op.f('ix_surveys_programme_school_id'), 'surveys_programme', ['school_id'], unique=False)
    op.create_table('surveys_reminder',
    sa.Column('invitation_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('campaign_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('invitation_id', 'due_on')
    )
    op.create_index(op.f('ix_surveys_reminder_campaign_id'), 'surveys_reminder', ['campaign_id'], unique=False)
    op.create_table('surveys_respondent',
    sa.Column('participant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.PrimaryKeyConstraint('participant_id')
    )
    op.create_index(op.f('ix_surveys_respondent_school_id'), 'surveys_respondent', ['school_id'], unique=False)
    op.create_table('surveys_response',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('submission_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('instrument_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('instrument_version', sa.Integer(), nullable=False),
    sa.Column('respondent_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('respondent_role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('academic_year', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('pair_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('campaign_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('anonymised', sa.Boolean(), nullable=False),
    sa.Column('completed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('submission_id')
    )
    op.create_index(op.f('ix_surveys_response_campaign_id'), 'surveys_response', ['campaign_id'], unique=False)
    op.create_index(op.f('ix_surveys_response_instrument_code'), 'surveys_response', ['instrument_code'], unique=False)
    op.create_index(op.f('ix_surveys_response_respondent_id'), 'surveys_response', ['respondent_id'], unique=False)
    op.create_index(op.f('ix_surveys_response_school_id'), 'surveys_response', ['school_id'], unique=False)
    op.create_table('surveys_school',
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('municipality_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('as_of', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('municipality_name', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.PrimaryKeyConstraint('school_id')
    )
    op.create_index(op.f('ix_surveys_school_municipality_id'), 'surveys_school', ['municipality_id'], unique=False)
    op.create_table('surveys_withdrawn',
    sa.Column('participant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('participant_id')
    )

def downgrade() -> None:
    op.drop_table('surveys_withdrawn')
    op.drop_index(op.f('ix_surveys_school_municipality_id'), table_name='surveys_school')
    op.drop_table('surveys_school')
    op.drop_index(op.f('ix_surveys_response_school_id'), table_name='surveys_response')
    op.drop_index(op.f('ix_surveys_response_respondent_id'), table_name='surveys_response')
    op.drop_index(op.f('ix_surveys_response_instrument_code'), table_name='surveys_response')
    op.drop_index(op.f('ix_surveys_response_campaign_id'), table_name='surveys_response')
    op.drop_table('surveys_response')
    op.drop_index(op.f('ix_surveys_respondent_school_id'), table_name='surveys_respondent')
    op.drop_table('surveys_respondent')
    op.drop_index(op.f('ix_surveys_reminder_campaign_id'), table_name='surveys_reminder')
    op.drop_table('surveys_reminder')
    op.drop_index(op.f('ix_surveys_programme_school_id'), table_name='surveys_programme')
    op.drop_table('surveys_programme')
    op.drop_index(op.f('ix_surveys_pair_membership_participant_id'), table_name='surveys_pair_membership')
    op.drop_table('surveys_pair_membership')
    op.drop_index(op.f('ix_surveys_invitation_participant_id'), table_name='surveys_invitation')
    op.drop_index(op.f('ix_surveys_invitation_campaign_id'), table_name='surveys_invitation')
    op.drop_table('surveys_invitation')
    op.drop_index(op.f('ix_surveys_instrument_owner_id'), table_name='surveys_instrument')
    op.drop_table('surveys_instrument')
    op.drop_table('surveys_enrolment_ended')
    op.drop_index(op.f('ix_surveys_enrolment_school_id'), table_name='surveys_enrolment')
    op.drop_index(op.f('ix_surveys_enrolment_programme_id'), table_name='surveys_enrolment')
    op.drop_table('surveys_enrolment')
    op.drop_index(op.f('ix_surveys_campaign_school_id'), table_name='surveys_campaign')
    op.drop_table('surveys_campaign')
    op.drop_index(op.f('ix_surveys_answer_read_reader_id'), table_name='surveys_answer_read')
    op.drop_index(op.f('ix_surveys_answer_read_read_at'), table_name='surveys_answer_read')
    op.drop_table('surveys_answer_read')
    op.drop_index('ix_outbox_unsent', table_name='outbox', postgresql_where=sa.text('sent_at IS NULL'), sqlite_where=sa.text('sent_at IS NULL'))
    op.drop_table('outbox')
    op.drop_index(op.f('ix_inbox_received_at'), table_name='inbox')
    op.drop_index(op.f('ix_inbox_event_type'), table_name='inbox')
    op.drop_table('inbox')
