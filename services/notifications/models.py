"""Notifications' own tables: where each person may be written to (from the registry's
events), who withdrew, and every mail with its delivery state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from shared.clock import utcnow


class Contact(SQLModel, table=True):
    """A participant's contact address, which they (or a pupil's legal representative) agreed to."""

    __tablename__ = "notifications_contact"

    participant_id: str = Field(primary_key=True)
    school_id: str = Field(index=True)
    email: str
    updated_at: datetime = Field(default_factory=utcnow)


class Withdrawn(SQLModel, table=True):
    """People who withdrew: a contact event that arrives late (its own queue) is not kept."""

    __tablename__ = "notifications_withdrawn"

    participant_id: str = Field(primary_key=True)
    withdrawn_at: datetime = Field(default_factory=utcnow)


class Mail(SQLModel, table=True):
    """One mail per consumed event (`event_id` unique), pending until the sender delivers it."""

    __tablename__ = "notifications_mail"
    __table_args__ = (Index("ix_notifications_mail_due", "status", "next_attempt_at"),)

    id: str = Field(primary_key=True)
    event_id: str = Field(unique=True)
    event_type: str
    kind: str  # domain.MailKind
    recipient_id: str = Field(index=True, description="The participant (surveys' events) or the account (registry's).")
    school_id: str | None = None
    email: str = Field(index=True)
    subject: str
    text: str = Field(sa_type=Text)
    html: str = Field(sa_type=Text)
    link: str
    status: str = "pending"  # domain.MailStatus
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    last_error: str | None = None
    created_at: datetime = Field(default_factory=utcnow, index=True)
    sent_at: datetime | None = None


TABLES: list[type[SQLModel]] = [Contact, Withdrawn, Mail]
