"""The enrolments' order rule (shared/enrolments.py) in both consumers that keep enrolments:
an `enrolled` sent before an `enrolment_ended` but delivered after it does not bring the person
back; one sent after it (a renewed enrolment) does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.contracts.envelope import new_envelope
from shared.contracts.registry import EnrolmentEnded, ParticipantEnrolled

from services.pairing.main import create_service as create_pairing
from services.pairing.models import ProgrammeEnrolment
from services.surveys.main import create_service as create_surveys
from services.surveys.models import Enrolment
from tests.component.helpers import count, deliver_raw, running

YEAR = "2026/2027"
T0 = datetime(2026, 12, 1, 10, tzinfo=UTC)


async def _deliver_at(service, data, at: datetime) -> None:
    envelope = new_envelope("registry", data)
    envelope.time = at
    await deliver_raw(service, data.event_type, envelope.model_dump_json().encode(), envelope.id)


@pytest.mark.parametrize(("factory", "model"), [(create_pairing, ProgrammeEnrolment), (create_surveys, Enrolment)],
                         ids=["pairing", "surveys"])
async def test_a_late_enrolled_event_does_not_undo_a_newer_end(settings, factory, model) -> None:
    service = factory(settings)
    enrolled = ParticipantEnrolled(participant_id="e1", programme_id="prog", school_id="s1", role="mentee", academic_year=YEAR)
    ended = EnrolmentEnded(participant_id="e1", programme_id="prog", school_id="s1", role="mentee")
    async with running(service):
        await _deliver_at(service, ended, T0 + timedelta(minutes=1))
        await _deliver_at(service, enrolled, T0)  # sent first, arrived last
        assert await count(service, model) == 0
        await _deliver_at(service, enrolled, T0 + timedelta(minutes=5))  # enrolled again later
        assert await count(service, model) == 1
        await _deliver_at(service, ended, T0 + timedelta(minutes=6))
        assert await count(service, model) == 0
