"""reports: the schema of the first tagged release (schema-1, commit f41de0d)

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

def downgrade() -> None:
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
    op.drop_index('ix_outbox_unsent', table_name='outbox', postgresql_where=sa.text('sent_at IS NULL'), sqlite_where=sa.text('sent_at IS NULL'))
    op.drop_table('outbox')
    op.drop_index(op.f('ix_inbox_received_at'), table_name='inbox')
    op.drop_index(op.f('ix_inbox_event_type'), table_name='inbox')
    op.drop_table('inbox')
