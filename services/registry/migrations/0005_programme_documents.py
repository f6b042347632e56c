"""programme documents (issue 15): a programme's documents, the curator's appointment by order,
and the database file store's table registry_file (created whichever store runs)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 09:13:16.665629
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('registry_file',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('stored_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('registry_programme_document',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('programme_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('file_kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('file_size', sa.Integer(), nullable=False),
    sa.Column('file_key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('uploaded_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('uploaded_role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('uploaded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['programme_id'], ['registry_programme.id'], ),
    sa.ForeignKeyConstraint(['school_id'], ['registry_school.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('file_key')
    )
    with op.batch_alter_table('registry_programme_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registry_programme_document_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registry_programme_document_school_id'), ['school_id'], unique=False)

    op.create_table('registry_programme_curator',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('programme_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('participant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('appointed_on', sa.Date(), nullable=False),
    sa.Column('order_document_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('appointed_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['order_document_id'], ['registry_programme_document.id'], ),
    sa.ForeignKeyConstraint(['participant_id'], ['registry_participant.id'], ),
    sa.ForeignKeyConstraint(['programme_id'], ['registry_programme.id'], ),
    sa.ForeignKeyConstraint(['school_id'], ['registry_school.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('programme_id')
    )
    with op.batch_alter_table('registry_programme_curator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registry_programme_curator_order_document_id'), ['order_document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registry_programme_curator_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registry_programme_curator_school_id'), ['school_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('registry_programme_curator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registry_programme_curator_school_id'))
        batch_op.drop_index(batch_op.f('ix_registry_programme_curator_participant_id'))
        batch_op.drop_index(batch_op.f('ix_registry_programme_curator_order_document_id'))

    op.drop_table('registry_programme_curator')
    with op.batch_alter_table('registry_programme_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registry_programme_document_school_id'))
        batch_op.drop_index(batch_op.f('ix_registry_programme_document_programme_id'))

    op.drop_table('registry_programme_document')
    op.drop_table('registry_file')
