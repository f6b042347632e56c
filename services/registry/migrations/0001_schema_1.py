"""registry: the schema of the first tagged release (schema-1, commit f41de0d)

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
    op.drop_table('registry_municipality')
    op.drop_index(op.f('ix_registry_audit_at'), table_name='registry_audit')
    op.drop_table('registry_audit')
    op.drop_index('ix_outbox_unsent', table_name='outbox', postgresql_where=sa.text('sent_at IS NULL'), sqlite_where=sa.text('sent_at IS NULL'))
    op.drop_table('outbox')
    op.drop_index(op.f('ix_inbox_received_at'), table_name='inbox')
    op.drop_index(op.f('ix_inbox_event_type'), table_name='inbox')
    op.drop_table('inbox')
