"""Thin subscribers: who may answer, in which programme and pair; erasure on withdrawal; and
the answers school systems submit as commands."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import ValidationError

from shared.audit import pseudonymise
from shared.contracts.envelope import Envelope
from shared.contracts.pairing import PairFormed
from shared.contracts.registry import (
    EnrolmentEnded,
    ParticipantEnrolled,
    ParticipantRegistered,
    ParticipantUpdated,
    ParticipantWithdrawn,
    ProgrammeLaunched,
    ProgrammeUpdated,
    SchoolRegistered,
    SchoolUpdated,
)
from shared.contracts.surveys import SUBMIT_RESPONSE, CommandError, CommandRejected, SubmitResponse
from shared.enrolments import admit_enrolment, end_enrolment
from shared.errors import UseCaseError
from shared.messaging.inbound import Command
from shared.messaging.inbound import CommandRejected as Reject
from shared.messaging.inbox import redact_mentions
from shared.messaging.outbox import Work

from services.surveys.domain_submit import Submission, caller_key
from services.surveys.library import InvalidAnswers
from services.surveys.models import EndedEnrolment, Enrolment, PairMembership, Programme, Respondent, School, Withdrawn
from services.surveys.service import SurveysService


async def on_school(work: Work, envelope: Envelope, event: SchoolRegistered | SchoolUpdated) -> None:
    """Registered and updated come through different queues: the newer state wins."""
    school = await work.session.get(School, event.school_id)
    if school is None:
        work.session.add(School(school_id=event.school_id, municipality_id=event.municipality_id, as_of=envelope.time,
                                name=event.name, municipality_name=event.municipality_name))
    elif _aware(envelope.time) >= _aware(school.as_of):
        school.municipality_id = event.municipality_id
        school.name, school.municipality_name = event.name, event.municipality_name
        school.as_of = envelope.time
        work.session.add(school)


def _aware(moment: datetime) -> datetime:
    """SQLite gives timestamps back without their zone; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def on_participant_registered(work: Work, envelope: Envelope, event: ParticipantRegistered) -> None:
    if await _withdrew(work, envelope, event.participant_id):
        return
    await work.session.merge(
        Respondent(participant_id=event.participant_id, school_id=event.school_id, category=event.category,
                   display_name=event.display_name)
    )


async def on_participant_updated(work: Work, envelope: Envelope, event: ParticipantUpdated) -> None:
    """The whole current state: the name curators see on the campaign pages follows the registry."""
    await on_participant_registered(work, envelope, event)  # type: ignore[arg-type]


async def on_programme(work: Work, _envelope: Envelope, event: ProgrammeLaunched | ProgrammeUpdated) -> None:
    await work.session.merge(Programme(programme_id=event.programme_id, school_id=event.school_id,
                                       academic_year=event.academic_year, title=event.title, forms=list(event.forms)))


async def on_participant_enrolled(work: Work, envelope: Envelope, event: ParticipantEnrolled) -> None:
    if await _withdrew(work, envelope, event.participant_id):
        return
    if not await admit_enrolment(work.session, EndedEnrolment, (event.participant_id, event.programme_id, event.role), envelope.time):
        return  # this enrolment was ended after it was announced
    await work.session.merge(
        Enrolment(participant_id=event.participant_id, programme_id=event.programme_id, role=event.role,
                  school_id=event.school_id, academic_year=event.academic_year)
    )


async def on_enrolment_ended(work: Work, envelope: Envelope, event: EnrolmentEnded) -> None:
    """The person leaves this programme's audience (they stay a respondent of the school)."""
    key = (event.participant_id, event.programme_id, event.role)
    await end_enrolment(work.session, Enrolment, EndedEnrolment, key, envelope.time)


async def _withdrew(work: Work, envelope: Envelope, participant_id: str) -> bool:
    """A registry event that arrived after the person's withdrawal: nothing of it is kept."""
    if await work.session.get(Withdrawn, participant_id) is None:
        return False
    await redact_mentions(work.session, work.service, participant_id, message_id=envelope.id)
    return True


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
                programme_id=event.programme_id,
                form=event.form,
            )
        )


def on_participant_withdrawn(service: SurveysService):  # noqa: ANN201
    async def handler(work: Work, _envelope: Envelope, event: ParticipantWithdrawn) -> None:
        await service.erase_participant(work, event.participant_id)
        await work.session.merge(Withdrawn(participant_id=event.participant_id))
        await redact_mentions(work.session, work.service, event.participant_id)
        await pseudonymise(work.session, work.service, event.participant_id)  # the audit keeps a pseudonym only

    return handler


def on_command(service: SurveysService):  # noqa: ANN201
    """`surveys.response.submit.v1` from a school system: validated like every other answer;
    the school's credentials reach only respondents of that school."""

    async def handler(work: Work, command: Command) -> None:
        if command.type != SUBMIT_RESPONSE:
            raise Reject(f"Неизвестная команда {command.type}; поддерживается {SUBMIT_RESPONSE}")
        try:
            body = SubmitResponse.model_validate(command.data)
        except ValidationError as exc:
            errors = [{"field": ".".join(["data", *map(str, e["loc"])]), "message": e["msg"]} for e in exc.errors()]
            raise Reject("Команда не соответствует схеме surveys.response.submit.v1", errors) from None
        submission = Submission(
            instrument=body.instrument, respondent_id=body.respondent_id, answers=body.answers,
            submission_id=caller_key(f"school|{command.school_id}", body.submission_id), role=body.role, stage=body.stage, campaign_id=body.campaign_id,
            channel="command",
        )
        try:
            await service.submit_in(work, submission, lambda r: r.school_id == command.school_id)
        except InvalidAnswers as exc:
            errors = [{"field": f"data.answers.{p.item}", "message": p.message} for p in exc.problems]
            raise Reject("Ответы не приняты: ошибки в вопросах", errors) from None
        except UseCaseError as exc:
            raise Reject(exc.message, [{"field": f"data.{exc.field}" if exc.field else "", "message": exc.message}]) from None

    return handler


def rejection(command: Command | None, school_id: str, reason: str, errors: list[dict[str, str]]) -> CommandRejected:
    submission_id = command.data.get("submission_id") if command is not None and isinstance(command.data, dict) else None
    return CommandRejected(
        command_id=command.envelope.id if command else None,
        command_type=command.type if command else None,
        school_id=school_id,
        reason=reason,
        errors=[CommandError(**e) for e in errors],
        submission_id=submission_id if isinstance(submission_id, str) else None,
    )
