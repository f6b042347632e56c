"""notifications: the schema of the first tagged release (schema-1, commit f41de0d)

Revision ID: 0001
Revises:
Create Date: 2026-12-02 01:22:20
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
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
    op.create_table('pairing_candidate',
    sa.Column('participant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('subjects', sa.JSON(), nullable=False),
    sa.Column('experience_years', sa.Integer(), nullable=True),
    sa.Column('young_specialist', sa.Boolean(), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('participant_id')
    )
    op.create_index(op.f('ix_pairing_candidate_school_id'), 'pairing_candidate', ['school_id'], unique=False)
    op.create_table('pairing_enrolment',
    sa.Column('participant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('programme_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('academic_year', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('participant_id', 'programme_id', 'role')
    )
    op.create_index(op.f('ix_pairing_enrolment_programme_id'), 'pairing_enrolment', ['programme_id'], unique=False)
    op.create_table('pairing_enrolment_ended',
    sa.Column('participant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('programme_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('ended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('participant_id', 'programme_id', 'role')
    )
    op.create_table('pairing_exclusion',
    sa.Column('programme_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('mentor_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('mentee_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.PrimaryKeyConstraint('programme_id', 'mentor_id', 'mentee_id')
    )
    op.create_table('pairing_matching_run',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('programme_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('started_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('mentees', sa.Integer(), nullable=False),
    sa.Column('mentors', sa.Integer(), nullable=False),
    sa.Column('matched', sa.Integer(), nullable=False),
    sa.Column('total_score', sa.Float(), nullable=False),
    sa.Column('unmatched', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_pairing_matching_run_programme_id'), 'pairing_matching_run', ['programme_id'], unique=False)
    op.create_table('pairing_matching_settings',
    sa.Column('programme_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('form', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('how', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('objective', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('weights', sa.JSON(), nullable=False),
    sa.Column('min_experience_gap', sa.Integer(), nullable=False),
    sa.Column('require_coverage', sa.Boolean(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('programme_id')
    )
    op.create_table('pairing_pair',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('programme_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('mentor_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('form', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('academic_year', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('formed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('how', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('proposal_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('ended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('end_reason', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_pairing_pair_mentor_id'), 'pairing_pair', ['mentor_id'], unique=False)
    op.create_index(op.f('ix_pairing_pair_programme_id'), 'pairing_pair', ['programme_id'], unique=False)
    op.create_index(op.f('ix_pairing_pair_school_id'), 'pairing_pair', ['school_id'], unique=False)
    op.create_table('pairing_plan',
    sa.Column('pair_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('goals', sa.JSON(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('pair_id')
    )
    op.create_table('pairing_plan_measure',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('pair_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('area', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('product', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('mentee_view', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_pairing_plan_measure_pair_id'), 'pairing_plan_measure', ['pair_id'], unique=False)
    op.create_table('pairing_preference',
    sa.Column('programme_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('mentee_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('mentor_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('programme_id', 'mentee_id', 'mentor_id')
    )
    op.create_table('pairing_profile',
    sa.Column('participant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('deficits', sa.JSON(), nullable=False),
    sa.Column('response_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('participant_id')
    )
    op.create_table('pairing_programme',
    sa.Column('programme_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('academic_year', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('programme_id')
    )
    op.create_index(op.f('ix_pairing_programme_school_id'), 'pairing_programme', ['school_id'], unique=False)
    op.create_table('pairing_proposal',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('run_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('programme_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('mentor_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('form', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('how', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('members', sa.JSON(), nullable=False),
    sa.Column('pair_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('decided_by', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_pairing_proposal_programme_id'), 'pairing_proposal', ['programme_id'], unique=False)
    op.create_index(op.f('ix_pairing_proposal_run_id'), 'pairing_proposal', ['run_id'], unique=False)
    op.create_table('pairing_school',
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('municipality_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('school_id')
    )
    op.create_index(op.f('ix_pairing_school_municipality_id'), 'pairing_school', ['municipality_id'], unique=False)
    op.create_table('pairing_withdrawn',
    sa.Column('participant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('withdrawn_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('participant_id')
    )
    op.create_table('registry_audit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('target', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_registry_audit_at'), 'registry_audit', ['at'], unique=False)
    op.create_table('registry_municipality',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('reports_campaign',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('opened', sa.Boolean(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('municipality_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('academic_year', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('invited', sa.Integer(), nullable=False),
    sa.Column('closed', sa.Boolean(), nullable=False),
    sa.Column('closed_invited', sa.Integer(), nullable=False),
    sa.Column('closed_responded', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('reports_campaign_response',
    sa.Column('campaign_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('response_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('academic_year', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('campaign_id', 'response_id')
    )
    op.create_table('reports_contribution',
    sa.Column('person', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('academic_year', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('person', 'school_id', 'academic_year', 'name')
    )
    op.create_table('reports_counter',
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('scope_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('academic_year', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'scope_id', 'academic_year', 'name')
    )
    op.create_table('reports_diagnostic',
    sa.Column('person', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('academic_year', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('order_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('scores', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('person', 'academic_year', 'stage')
    )
    op.create_table('reports_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('scope_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('academic_year', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('caused_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('values', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_reports_history_scope'), 'reports_history', ['scope'], unique=False)
    op.create_index(op.f('ix_reports_history_scope_id'), 'reports_history', ['scope_id'], unique=False)
    op.create_table('reports_measurement',
    sa.Column('person', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('academic_year', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('order_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('scores', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('person', 'academic_year', 'stage')
    )
    op.create_table('reports_mentor_load',
    sa.Column('mentor_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('academic_year', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('active_mentees', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('mentor_id', 'academic_year')
    )
    op.create_table('reports_pair',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('academic_year', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('form', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('mentor_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('mentees', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_reports_pair_mentor_id'), 'reports_pair', ['mentor_id'], unique=False)
    op.create_table('reports_parked_event',
    sa.Column('waiting_for', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('event_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('waiting_for', 'message_id')
    )
    op.create_table('reports_participant',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('young_specialist', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_reports_participant_school_id'), 'reports_participant', ['school_id'], unique=False)
    op.create_table('reports_plan_progress',
    sa.Column('pair_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('academic_year', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('order_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('measures_total', sa.Integer(), nullable=False),
    sa.Column('measures_done', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('pair_id')
    )
    op.create_table('reports_programme',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('academic_year', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('order_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('reports_role_in_year',
    sa.Column('participant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('academic_year', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('participant_id', 'academic_year', 'role')
    )
    op.create_table('reports_school',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('municipality_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('municipality_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('region_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('low_results', sa.Boolean(), nullable=False),
    sa.Column('difficult_conditions', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_reports_school_municipality_id'), 'reports_school', ['municipality_id'], unique=False)
    op.create_table('reports_school_year',
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('academic_year', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('school_id', 'academic_year')
    )
    op.create_table('reports_withdrawn',
    sa.Column('pseudonym', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('pseudonym')
    )
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
    op.create_table('pairing_pair_mentee',
    sa.Column('pair_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('mentee_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['pair_id'], ['pairing_pair.id'], ),
    sa.PrimaryKeyConstraint('pair_id', 'mentee_id')
    )
    op.create_index(op.f('ix_pairing_pair_mentee_mentee_id'), 'pairing_pair_mentee', ['mentee_id'], unique=False)
    op.create_table('registry_partner',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('municipality_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('registered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['registry_municipality.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('registry_school',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('municipality_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('low_results', sa.Boolean(), nullable=False),
    sa.Column('difficult_conditions', sa.Boolean(), nullable=False),
    sa.Column('registered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['municipality_id'], ['registry_municipality.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_registry_school_municipality_id'), 'registry_school', ['municipality_id'], unique=False)
    op.create_table('registry_staff',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('full_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('municipality_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('appointed_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('appointed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['registry_municipality.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_registry_staff_email'), 'registry_staff', ['email'], unique=False)
    op.create_table('registry_participant',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('external_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('full_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('subjects', sa.JSON(), nullable=False),
    sa.Column('position', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('experience_years', sa.Integer(), nullable=True),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('age_band', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('qualification', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('newly_arrived', sa.Boolean(), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=True),
    sa.Column('partner_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('young_specialist', sa.Boolean(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('consent_by', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('consent_representative', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('consent_document', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('consent_date', sa.Date(), nullable=True),
    sa.Column('account_allowed', sa.Boolean(), nullable=False),
    sa.Column('contact_email', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('announced', sa.Boolean(), nullable=False),
    sa.Column('withdrawn_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('withdrawal_reason', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('external_id_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('registered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['partner_id'], ['registry_partner.id'], ),
    sa.ForeignKeyConstraint(['school_id'], ['registry_school.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('school_id', 'external_id', name='uq_registry_participant_external')
    )
    op.create_index(op.f('ix_registry_participant_school_id'), 'registry_participant', ['school_id'], unique=False)
    op.create_index('ix_registry_participant_tombstone', 'registry_participant', ['school_id', 'external_id_hash'], unique=False)
    op.create_table('registry_account',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('login', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('staff_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('participant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_sign_in_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('password_changed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['participant_id'], ['registry_participant.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['registry_staff.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('login'),
    sa.UniqueConstraint('participant_id'),
    sa.UniqueConstraint('staff_id')
    )
    op.create_index(op.f('ix_registry_account_school_id'), 'registry_account', ['school_id'], unique=False)
    op.create_table('registry_curator',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('participant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('appointed_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('appointed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['registry_participant.id'], ),
    sa.ForeignKeyConstraint(['school_id'], ['registry_school.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('school_id', 'participant_id', name='uq_registry_curator')
    )
    op.create_index(op.f('ix_registry_curator_participant_id'), 'registry_curator', ['participant_id'], unique=False)
    op.create_index(op.f('ix_registry_curator_school_id'), 'registry_curator', ['school_id'], unique=False)
    op.create_table('registry_programme',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('academic_year', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('forms', sa.JSON(), nullable=False),
    sa.Column('curator_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('launched_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['curator_id'], ['registry_participant.id'], ),
    sa.ForeignKeyConstraint(['school_id'], ['registry_school.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('school_id', 'code', name='uq_registry_programme_code')
    )
    op.create_index(op.f('ix_registry_programme_school_id'), 'registry_programme', ['school_id'], unique=False)
    op.create_table('registry_account_link',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('account_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['registry_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index(op.f('ix_registry_account_link_account_id'), 'registry_account_link', ['account_id'], unique=False)
    op.create_table('registry_enrolment',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('participant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('programme_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('enrolled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('ended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['participant_id'], ['registry_participant.id'], ),
    sa.ForeignKeyConstraint(['programme_id'], ['registry_programme.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('participant_id', 'programme_id', 'role', name='uq_registry_enrolment')
    )
    op.create_index(op.f('ix_registry_enrolment_participant_id'), 'registry_enrolment', ['participant_id'], unique=False)
    op.create_index(op.f('ix_registry_enrolment_programme_id'), 'registry_enrolment', ['programme_id'], unique=False)

def downgrade() -> None:
    op.drop_index(op.f('ix_registry_enrolment_programme_id'), table_name='registry_enrolment')
    op.drop_index(op.f('ix_registry_enrolment_participant_id'), table_name='registry_enrolment')
    op.drop_table('registry_enrolment')
    op.drop_index(op.f('ix_registry_account_link_account_id'), table_name='registry_account_link')
    op.drop_table('registry_account_link')
    op.drop_index(op.f('ix_registry_programme_school_id'), table_name='registry_programme')
    op.drop_table('registry_programme')
    op.drop_index(op.f('ix_registry_curator_school_id'), table_name='registry_curator')
    op.drop_index(op.f('ix_registry_curator_participant_id'), table_name='registry_curator')
    op.drop_table('registry_curator')
    op.drop_index(op.f('ix_registry_account_school_id'), table_name='registry_account')
    op.drop_table('registry_account')
    op.drop_index('ix_registry_participant_tombstone', table_name='registry_participant')
    op.drop_index(op.f('ix_registry_participant_school_id'), table_name='registry_participant')
    op.drop_table('registry_participant')
    op.drop_index(op.f('ix_registry_staff_email'), table_name='registry_staff')
    op.drop_table('registry_staff')
    op.drop_index(op.f('ix_registry_school_municipality_id'), table_name='registry_school')
    op.drop_table('registry_school')
    op.drop_table('registry_partner')
    op.drop_index(op.f('ix_pairing_pair_mentee_mentee_id'), table_name='pairing_pair_mentee')
    op.drop_table('pairing_pair_mentee')
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
    op.drop_table('reports_withdrawn')
    op.drop_table('reports_school_year')
    op.drop_index(op.f('ix_reports_school_municipality_id'), table_name='reports_school')
    op.drop_table('reports_school')
    op.drop_table('reports_role_in_year')
    op.drop_table('reports_programme')
    op.drop_table('reports_plan_progress')
    op.drop_index(op.f('ix_reports_participant_school_id'), table_name='reports_participant')
    op.drop_table('reports_participant')
    op.drop_table('reports_parked_event')
    op.drop_index(op.f('ix_reports_pair_mentor_id'), table_name='reports_pair')
    op.drop_table('reports_pair')
    op.drop_table('reports_mentor_load')
    op.drop_table('reports_measurement')
    op.drop_index(op.f('ix_reports_history_scope_id'), table_name='reports_history')
    op.drop_index(op.f('ix_reports_history_scope'), table_name='reports_history')
    op.drop_table('reports_history')
    op.drop_table('reports_diagnostic')
    op.drop_table('reports_counter')
    op.drop_table('reports_contribution')
    op.drop_table('reports_campaign_response')
    op.drop_table('reports_campaign')
    op.drop_table('registry_municipality')
    op.drop_index(op.f('ix_registry_audit_at'), table_name='registry_audit')
    op.drop_table('registry_audit')
    op.drop_table('pairing_withdrawn')
    op.drop_index(op.f('ix_pairing_school_municipality_id'), table_name='pairing_school')
    op.drop_table('pairing_school')
    op.drop_index(op.f('ix_pairing_proposal_run_id'), table_name='pairing_proposal')
    op.drop_index(op.f('ix_pairing_proposal_programme_id'), table_name='pairing_proposal')
    op.drop_table('pairing_proposal')
    op.drop_index(op.f('ix_pairing_programme_school_id'), table_name='pairing_programme')
    op.drop_table('pairing_programme')
    op.drop_table('pairing_profile')
    op.drop_table('pairing_preference')
    op.drop_index(op.f('ix_pairing_plan_measure_pair_id'), table_name='pairing_plan_measure')
    op.drop_table('pairing_plan_measure')
    op.drop_table('pairing_plan')
    op.drop_index(op.f('ix_pairing_pair_school_id'), table_name='pairing_pair')
    op.drop_index(op.f('ix_pairing_pair_programme_id'), table_name='pairing_pair')
    op.drop_index(op.f('ix_pairing_pair_mentor_id'), table_name='pairing_pair')
    op.drop_table('pairing_pair')
    op.drop_table('pairing_matching_settings')
    op.drop_index(op.f('ix_pairing_matching_run_programme_id'), table_name='pairing_matching_run')
    op.drop_table('pairing_matching_run')
    op.drop_table('pairing_exclusion')
    op.drop_table('pairing_enrolment_ended')
    op.drop_index(op.f('ix_pairing_enrolment_programme_id'), table_name='pairing_enrolment')
    op.drop_table('pairing_enrolment')
    op.drop_index(op.f('ix_pairing_candidate_school_id'), table_name='pairing_candidate')
    op.drop_table('pairing_candidate')
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
