"""Thin subscribers: keep pairing's view of candidates and enrolments current."""

from __future__ import annotations

from shared.contracts.envelope import Envelope
from shared.contracts.registry import ParticipantEnrolled, ParticipantRegistered
from shared.messaging.outbox import Work

from services.pairing.models import Candidate, ProgrammeEnrolment


async def on_participant_registered(work: Work, _envelope: Envelope, event: ParticipantRegistered) -> None:
    await work.session.merge(
        Candidate(
            participant_id=event.participant_id,
            school_id=event.school_id,
            category=event.category,
            display_name=event.display_name,
            subjects=list(event.subjects),
            experience_years=event.experience_years,
            young_specialist=event.young_specialist,
            grade=event.grade,
        )
    )


async def on_participant_enrolled(work: Work, _envelope: Envelope, event: ParticipantEnrolled) -> None:
    await work.session.merge(
        ProgrammeEnrolment(
            participant_id=event.participant_id,
            programme_id=event.programme_id,
            role=event.role,
            school_id=event.school_id,
            academic_year=event.academic_year,
            capacity=event.capacity,
        )
    )
