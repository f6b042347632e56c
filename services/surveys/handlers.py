"""Thin subscribers: who may answer, and in which pair."""

from __future__ import annotations

from shared.contracts.envelope import Envelope
from shared.contracts.pairing import PairFormed
from shared.contracts.registry import ParticipantRegistered
from shared.messaging.outbox import Work

from services.surveys.models import PairMembership, Respondent


async def on_participant_registered(work: Work, _envelope: Envelope, event: ParticipantRegistered) -> None:
    await work.session.merge(
        Respondent(participant_id=event.participant_id, school_id=event.school_id, category=event.category)
    )


async def on_pair_formed(work: Work, _envelope: Envelope, event: PairFormed) -> None:
    members = [(event.mentor_id, "mentor")] + [(mentee, "mentee") for mentee in event.mentee_ids]
    for participant_id, role in members:
        await work.session.merge(
            PairMembership(
                pair_id=event.pair_id,
                participant_id=participant_id,
                role=role,
                school_id=event.school_id,
                academic_year=event.academic_year,
            )
        )
