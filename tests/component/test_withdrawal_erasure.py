"""152-ФЗ withdrawal in the consumers that keep no history (pairing, surveys): the person's
data leaves their inboxes too, also when a registry event about them arrives after the
withdrawal (events of different types travel on different queues, so that happens)."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from shared.contracts.registry import ParticipantEnrolled, ParticipantRegistered, ParticipantWithdrawn
from shared.messaging.inbox import InboxMessage

from services.pairing.main import create_service as create_pairing
from services.pairing.models import Candidate
from services.surveys.main import create_service as create_surveys
from services.surveys.models import Respondent
from tests.component.helpers import count, deliver, running

NAME = "Сидорова Анна Петровна"
YEAR = "2026/2027"


def registered(pid: str = "p1") -> ParticipantRegistered:
    return ParticipantRegistered(participant_id=pid, school_id="s1", category="teacher", display_name=NAME if pid == "p1" else pid)


def enrolled(pid: str = "p1") -> ParticipantEnrolled:
    return ParticipantEnrolled(participant_id=pid, programme_id="prog", school_id="s1", role="mentee", academic_year=YEAR)


WITHDRAWN = ParticipantWithdrawn(participant_id="p1", school_id="s1", reason="consent_withdrawn")


async def inbox_bodies(service) -> dict[str, str]:
    async with service.runtime.db.sessions() as session:
        return {row.message_id: row.body for row in (await session.exec(select(InboxMessage))).all()}


@pytest.mark.parametrize(("create", "person_table"), [(create_pairing, Candidate), (create_surveys, Respondent)])
async def test_withdrawal_erases_the_kept_bodies_and_keeps_their_ids(settings, create, person_table) -> None:
    service = create(settings)
    async with running(service):
        registered_id = await deliver(service, registered())
        await deliver(service, registered("p2"))
        await deliver(service, enrolled())
        assert NAME in (await inbox_bodies(service))[registered_id]

        await deliver(service, WITHDRAWN)

        bodies = await inbox_bodies(service)
        assert all(NAME not in body for body in bodies.values())
        erased = json.loads(bodies[registered_id])
        assert erased["id"] == registered_id and erased["type"] == "registry.participant.registered.v1"
        assert "display_name" not in json.dumps(erased)
        others = [json.loads(body)["data"] for body in bodies.values()]
        assert {"participant_id": "p2", "display_name": "p2"}.items() <= next(d for d in others if d.get("participant_id") == "p2").items()
        assert await count(service, person_table) == 1  # p2 only
        # a redelivery of the registration is still recognised as a duplicate: nothing comes back
        await deliver(service, registered(), envelope_id=registered_id)
        assert await count(service, person_table) == 1


@pytest.mark.parametrize(("create", "person_table"), [(create_pairing, Candidate), (create_surveys, Respondent)])
async def test_a_registration_arriving_after_the_withdrawal_is_neither_applied_nor_kept(settings, create, person_table) -> None:
    service = create(settings)
    async with running(service):
        await deliver(service, WITHDRAWN)
        late_registration = await deliver(service, registered())
        late_enrolment = await deliver(service, enrolled())

        assert await count(service, person_table) == 0
        bodies = await inbox_bodies(service)
        assert NAME not in bodies[late_registration]
        assert '"prog"' not in bodies[late_enrolment]
