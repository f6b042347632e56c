"""Surveys use cases: validate answers, score them, store and announce the response."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date

from sqlmodel import col, select

from shared.auth import Principal
from shared.clock import academic_year_of
from shared.contracts.surveys import InstrumentRef, ResponseCompleted
from shared.db import Database
from shared.errors import NotFound, Unprocessable, UseCaseError
from shared.messaging.outbox import UnitOfWork

from services.surveys import domain
from services.surveys.models import PairMembership, Respondent, SurveyResponse
from services.surveys.schemas import InstrumentOut, ResponseIn, ResponseOut

STAFF = ("region_admin", "municipal_coordinator", "school_curator", "integration")


class InvalidAnswers(UseCaseError):
    status_code = 422

    def __init__(self, problems: list[domain.AnswerProblem]) -> None:
        super().__init__("; ".join(f"{p.item}: {p.message}" for p in problems))
        self.problems = problems


class SurveysService:
    def __init__(self, db: Database, uow: UnitOfWork) -> None:
        self.db = db
        self.uow = uow

    def instruments(self) -> list[InstrumentOut]:
        return [
            InstrumentOut(
                code=i.code,
                version=i.version,
                title=i.title,
                respondent_role=i.respondent_role,
                description=i.description,
                items=[asdict(item) for item in i.items],
                scales={k: list(v) for k, v in i.scales.items()},
            )
            for i in domain.BUILT_IN.values()
        ]

    async def submit(self, request: ResponseIn, principal: Principal, correlation_id: str | None = None) -> tuple[ResponseOut, bool]:
        """Store a completed response; (response, created). A retried submission_id returns the first."""
        instrument = domain.BUILT_IN.get((request.instrument.code, request.instrument.version))
        if instrument is None:
            known = sorted(v for c, v in domain.BUILT_IN if c == request.instrument.code)
            if known:
                raise Unprocessable(
                    f"Версия {request.instrument.version} анкеты {request.instrument.code} не существует; есть: {known}",
                    field="instrument.version",
                )
            raise Unprocessable(f"Анкета {request.instrument.code} не найдена", field="instrument.code")
        problems = domain.answer_problems(instrument, request.answers)
        if problems:
            raise InvalidAnswers(problems)
        submission_id = request.submission_id or str(uuid.uuid4())
        async with self.uow(correlation_id) as work:
            existing = (
                await work.session.exec(select(SurveyResponse).where(SurveyResponse.submission_id == submission_id))
            ).first()
            if existing:
                if existing.respondent_id != request.respondent_id:
                    raise NotFound("Ответ не найден")
                return _out(existing), False
            respondent = await work.session.get(Respondent, request.respondent_id)
            if respondent is None or not _may_answer_for(principal, respondent):
                raise NotFound(f"Респондент {request.respondent_id} не найден")
            membership = (
                await work.session.exec(
                    select(PairMembership)
                    .where(
                        PairMembership.participant_id == respondent.participant_id,
                        PairMembership.role == instrument.respondent_role,
                    )
                    .order_by(col(PairMembership.formed_at).desc())
                )
            ).first()
            response = SurveyResponse(
                id=str(uuid.uuid4()),
                submission_id=submission_id,
                instrument_code=instrument.code,
                instrument_version=instrument.version,
                respondent_id=respondent.participant_id,
                respondent_role=instrument.respondent_role,
                school_id=respondent.school_id,
                academic_year=membership.academic_year if membership else academic_year_of(date.today()),
                pair_id=membership.pair_id if membership else None,
                stage=request.stage,
                answers=dict(request.answers),
                scores=domain.score(instrument, request.answers),
            )
            work.session.add(response)
            work.emit(
                ResponseCompleted(
                    response_id=response.id,
                    instrument=InstrumentRef(code=instrument.code, version=instrument.version),
                    respondent_id=response.respondent_id,
                    respondent_role=response.respondent_role,  # type: ignore[arg-type]
                    school_id=response.school_id,
                    academic_year=response.academic_year,
                    pair_id=response.pair_id,
                    stage=response.stage,  # type: ignore[arg-type]
                    scores=response.scores,
                )
            )
        return _out(response), True


def _may_answer_for(principal: Principal, respondent: Respondent) -> bool:
    if principal.role in ("mentor", "mentee"):
        return principal.sub == respondent.participant_id
    if principal.role in STAFF:
        return principal.scope in ("region", "municipality") or principal.scope_id == respondent.school_id
    return False


def _out(row: SurveyResponse) -> ResponseOut:
    return ResponseOut(
        id=row.id,
        submission_id=row.submission_id,
        instrument=InstrumentRef(code=row.instrument_code, version=row.instrument_version),
        respondent_id=row.respondent_id,
        respondent_role=row.respondent_role,
        school_id=row.school_id,
        academic_year=row.academic_year,
        pair_id=row.pair_id,
        stage=row.stage,
        scores=row.scores,
    )
