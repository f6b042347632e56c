"""Thin subscribers: keep pairing's view of candidates, schools, enrolments and deficit
profiles current; withdrawals end pairs and erase the person's data."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from shared.audit import pseudonymise
from shared.contracts.envelope import Envelope
from shared.contracts.registry import (
    EnrolmentEnded,
    ParticipantEnrolled,
    ParticipantRegistered,
    ParticipantWithdrawn,
    PartnerRegistered,
    PartnerUpdated,
    ProgrammeLaunched,
    ProgrammeUpdated,
    SchoolRegistered,
)
from shared.contracts.surveys import ResponseCompleted
from shared.enrolments import admit_enrolment, end_enrolment
from shared.messaging.inbox import redact_mentions
from shared.messaging.outbox import Work

from services.pairing.models import Candidate, EndedEnrolment, Partner, Programme, ProgrammeEnrolment, School, Withdrawn
from services.pairing.service import PairingService


async def on_school_registered(work: Work, _envelope: Envelope, event: SchoolRegistered) -> None:
    await work.session.merge(School(school_id=event.school_id, municipality_id=event.municipality_id))


async def on_programme(work: Work, _envelope: Envelope, event: ProgrammeLaunched | ProgrammeUpdated) -> None:
    """Titles for the pages (the matching page lists the school's programmes by name)."""
    await work.session.merge(
        Programme(
            programme_id=event.programme_id,
            school_id=event.school_id,
            title=event.title,
            academic_year=event.academic_year,
            stage=event.stage,
        )
    )


async def on_participant_registered(work: Work, envelope: Envelope, event: ParticipantRegistered) -> None:
    if await work.session.get(Withdrawn, event.participant_id):
        await redact_mentions(work.session, work.service, event.participant_id, message_id=envelope.id)
        return  # arrived after the withdrawal: nothing to keep
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
            newly_arrived=event.newly_arrived,
            self_determination=event.self_determination,
            class_direction=event.class_direction,
            partner_id=event.partner_id,
        )
    )


async def on_partner(work: Work, _envelope: Envelope, event: PartnerRegistered | PartnerUpdated) -> None:
    """A network partner's name and kind: what field its students and employers show pupils."""
    await work.session.merge(Partner(partner_id=event.partner_id, name=event.name, kind=event.kind))


async def on_participant_enrolled(work: Work, envelope: Envelope, event: ParticipantEnrolled) -> None:
    if await work.session.get(Withdrawn, event.participant_id):
        await redact_mentions(work.session, work.service, event.participant_id, message_id=envelope.id)
        return
    if not await admit_enrolment(work.session, EndedEnrolment, (event.participant_id, event.programme_id, event.role), envelope.time):
        return  # this enrolment was ended after it was announced
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


async def on_enrolment_ended(work: Work, envelope: Envelope, event: EnrolmentEnded) -> None:
    """The person leaves the programme's pool; pairs already formed stay until the curator ends them."""
    await end_enrolment(work.session, ProgrammeEnrolment, EndedEnrolment, (event.participant_id, event.programme_id, event.role),
                        envelope.time)


def on_participant_withdrawn(service: PairingService) -> Callable[[Work, Envelope, ParticipantWithdrawn], Awaitable[None]]:
    async def handle(work: Work, _envelope: Envelope, event: ParticipantWithdrawn) -> None:
        await service.withdraw(work, event)
        await redact_mentions(work.session, work.service, event.participant_id)
        await pseudonymise(work.session, work.service, event.participant_id)  # the audit keeps a pseudonym only

    return handle


def on_response_completed(service: PairingService) -> Callable[[Work, Envelope, ResponseCompleted], Awaitable[None]]:
    async def handle(work: Work, _envelope: Envelope, event: ResponseCompleted) -> None:
        await service.record_profile(work, event)

    return handle
