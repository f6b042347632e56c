"""pairing: the schema of the first tagged release (schema-1, commit f41de0d)

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
    op.create_table('pairing_pair_mentee',
    sa.Column('pair_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('mentee_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['pair_id'], ['pairing_pair.id'], ),
    sa.PrimaryKeyConstraint('pair_id', 'mentee_id')
    )
    op.create_index(op.f('ix_pairing_pair_mentee_mentee_id'), 'pairing_pair_mentee', ['mentee_id'], unique=False)

def downgrade() -> None:
    op.drop_index(op.f('ix_pairing_pair_mentee_mentee_id'), table_name='pairing_pair_mentee')
    op.drop_table('pairing_pair_mentee')
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
    op.drop_index(op.f('ix_inbox_received_at'), table_name='inbox')
    op.drop_index(op.f('ix_inbox_event_type'), table_name='inbox')
    op.drop_table('inbox')
