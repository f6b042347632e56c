"""HTTP routes of pairing: the curator's matching flow, pairs, preferences and development plans."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, status

from shared.auth import Authenticator, Principal
from shared.http import correlation_id
from shared.scopes import scope_rule

from services.pairing.meetings_api import meeting_routes
from services.pairing.schemas import (
    EndIn,
    ExclusionIn,
    MatchingSettingsIn,
    MatchingSettingsOut,
    MeasureIn,
    MeasureOut,
    MeasureResultIn,
    MentorLimitsIn,
    MentorLimitsOut,
    MentorPreferencesIn,
    PairIn,
    PairOut,
    PlanIn,
    PlanOut,
    PreferencesIn,
    ProposalOut,
    RejectIn,
    ReplaceIn,
    RunIn,
    RunOut,
    SubjectVocabularyIn,
    SubjectVocabularyOut,
)
from services.pairing.service import CURATORS, PairingService
from services.pairing.vocabulary import SubjectVocabulary

PAIR_PEOPLE = (*CURATORS, "mentor", "mentee")


def build_router(service: PairingService, auth: Authenticator) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["pairing"])
    curator = Depends(auth.require(*CURATORS))
    subjects = SubjectVocabulary(service.db, service.uow)

    @router.get("/subjects", summary="Словарь предметов региона", openapi_extra=scope_rule("region", *CURATORS))
    async def get_subjects(principal: Principal = curator) -> SubjectVocabularyOut:
        return SubjectVocabularyOut.model_validate(await subjects.get())

    @router.put("/subjects", summary="Заменить словарь предметов региона", openapi_extra=scope_rule("region", "region_admin"))
    async def put_subjects(
        body: SubjectVocabularyIn, request: Request, principal: Principal = Depends(auth.require("region_admin"))
    ) -> SubjectVocabularyOut:
        return SubjectVocabularyOut.model_validate(await subjects.replace(body.command(), principal, correlation_id(request)))

    @router.post(
        "/programmes/{programme_id}/pairs", status_code=status.HTTP_201_CREATED, summary="Сформировать пару вручную",
        openapi_extra=scope_rule("school", *CURATORS),
    )
    async def form_pair(
        programme_id: str, body: PairIn, request: Request, principal: Principal = Depends(auth.require(*CURATORS))
    ) -> PairOut:
        return PairOut.model_validate(await service.form_pair(programme_id, body.command(), principal, correlation_id(request)))

    @router.get("/programmes/{programme_id}/pairs", summary="Пары программы", openapi_extra=scope_rule("listed", *CURATORS, note="the pairs of the caller's schools in the programme"))
    async def list_pairs(programme_id: str, principal: Principal = Depends(auth.require(*CURATORS))) -> list[PairOut]:
        return [PairOut.model_validate(p) for p in await service.pairs(programme_id, principal)]

    @router.post("/programmes/{programme_id}/pairs/{pair_id}/end", summary="Завершить пару (выполнено или досрочно)", openapi_extra=scope_rule("school", *CURATORS))
    async def end_pair(programme_id: str, pair_id: str, body: EndIn, request: Request, principal: Principal = curator) -> PairOut:
        return PairOut.model_validate(await service.end_pair(programme_id, pair_id, body.command(), principal, correlation_id(request)))

    _matching_routes(router, service, curator)
    _preference_routes(router, service, auth)
    _plan_routes(router, service, auth)
    meeting_routes(router, service, auth)
    return router


def _matching_routes(router: APIRouter, service: PairingService, curator: Any) -> None:
    """A programme's matching rules, its runs and their proposals, and the pairs it must not propose."""

    @router.get("/programmes/{programme_id}/matching/settings", summary="Правила подбора пар программы", openapi_extra=scope_rule("school", *CURATORS))
    async def get_settings(programme_id: str, principal: Principal = curator) -> MatchingSettingsOut:
        return MatchingSettingsOut.model_validate(await service.settings(programme_id, principal))

    @router.put("/programmes/{programme_id}/matching/settings", summary="Изменить правила и веса подбора", openapi_extra=scope_rule("school", *CURATORS))
    async def put_settings(
        programme_id: str, body: MatchingSettingsIn, request: Request, principal: Principal = curator
    ) -> MatchingSettingsOut:
        return MatchingSettingsOut.model_validate(await service.update_settings(programme_id, body.command(), principal, correlation_id(request)))

    @router.post(
        "/programmes/{programme_id}/matching/runs", status_code=status.HTTP_201_CREATED, summary="Подобрать пары для всей программы",
        openapi_extra=scope_rule("school", *CURATORS),
    )
    async def run_matcher(programme_id: str, request: Request, body: RunIn | None = None, principal: Principal = curator) -> RunOut:
        return RunOut.model_validate(await service.run_matcher(programme_id, (body or RunIn()).command(), principal, correlation_id(request)))

    @router.get("/programmes/{programme_id}/matching/runs/{run_id}", summary="Результат подбора с объяснением", openapi_extra=scope_rule("school", *CURATORS))
    async def get_run(programme_id: str, run_id: str, principal: Principal = curator) -> RunOut:
        return RunOut.model_validate(await service.run(programme_id, run_id, principal))

    @router.get("/programmes/{programme_id}/proposals/{proposal_id}", summary="Предложенная пара: баллы по критериям", openapi_extra=scope_rule("school", *CURATORS))
    async def get_proposal(programme_id: str, proposal_id: str, principal: Principal = curator) -> ProposalOut:
        return ProposalOut.model_validate(await service.proposal(programme_id, proposal_id, principal))

    @router.post(
        "/programmes/{programme_id}/proposals/{proposal_id}/confirm",
        status_code=status.HTTP_201_CREATED,
        summary="Подтвердить предложенную пару",
        openapi_extra=scope_rule("school", *CURATORS),
    )
    async def confirm(programme_id: str, proposal_id: str, request: Request, principal: Principal = curator) -> PairOut:
        return PairOut.model_validate(await service.confirm(programme_id, proposal_id, principal, correlation_id(request)))

    @router.post("/programmes/{programme_id}/proposals/{proposal_id}/reject", summary="Отклонить предложенную пару", openapi_extra=scope_rule("school", *CURATORS))
    async def reject(
        programme_id: str, proposal_id: str, request: Request, body: RejectIn | None = None, principal: Principal = curator
    ) -> ProposalOut:
        return ProposalOut.model_validate(await service.reject(programme_id, proposal_id, (body or RejectIn()).command(), principal, correlation_id(request)))

    @router.post(
        "/programmes/{programme_id}/proposals/{proposal_id}/replace",
        status_code=status.HTTP_201_CREATED,
        summary="Заменить наставника в предложении вручную",
        openapi_extra=scope_rule("school", *CURATORS),
    )
    async def replace(
        programme_id: str, proposal_id: str, body: ReplaceIn, request: Request, principal: Principal = curator
    ) -> PairOut:
        return PairOut.model_validate(await service.replace(programme_id, proposal_id, body.command(), principal, correlation_id(request)))

    @router.post(
        "/programmes/{programme_id}/exclusions", status_code=status.HTTP_204_NO_CONTENT, summary="Запретить пару для подбора",
        openapi_extra=scope_rule("school", *CURATORS),
    )
    async def exclude(programme_id: str, body: ExclusionIn, request: Request, principal: Principal = curator) -> None:
        await service.exclude(programme_id, body.command(), principal, correlation_id(request))


def _preference_routes(router: APIRouter, service: PairingService, auth: Authenticator) -> None:
    """What mentees and mentors prefer, and the limits a mentor sets on what matching may give them."""

    @router.put(
        "/programmes/{programme_id}/preferences/{mentee_id}", summary="Предпочтения наставляемого (рейтинг наставников)",
        openapi_extra=scope_rule("school", *CURATORS, "mentee", note="a mentee: their own preferences only"),
    )
    async def put_preferences(
        programme_id: str,
        mentee_id: str,
        body: PreferencesIn,
        request: Request,
        principal: Principal = Depends(auth.require(*CURATORS, "mentee")),
    ) -> list[str]:
        return await service.set_preferences(programme_id, mentee_id, body.command(), principal, correlation_id(request))

    @router.put(
        "/programmes/{programme_id}/mentor-preferences/{mentor_id}", summary="Предпочтения наставника (рейтинг наставляемых)",
        openapi_extra=scope_rule("school", *CURATORS, "mentor", note="a mentor: their own preferences only"),
    )
    async def put_mentor_preferences(
        programme_id: str,
        mentor_id: str,
        body: MentorPreferencesIn,
        request: Request,
        principal: Principal = Depends(auth.require(*CURATORS, "mentor")),
    ) -> list[str]:
        return await service.set_mentor_preferences(programme_id, mentor_id, body.command(), principal, correlation_id(request))

    @router.get(
        "/programmes/{programme_id}/mentor-limits/{mentor_id}", summary="Ограничения наставника (отказы, классы)",
        openapi_extra=scope_rule("school", *CURATORS, "mentor", note="a mentor: their own limits only"),
    )
    async def get_mentor_limits(
        programme_id: str, mentor_id: str, principal: Principal = Depends(auth.require(*CURATORS, "mentor"))
    ) -> MentorLimitsOut:
        return MentorLimitsOut.model_validate(await service.mentor_limits(programme_id, mentor_id, principal))

    @router.put(
        "/programmes/{programme_id}/mentor-limits/{mentor_id}", summary="Ограничения наставника (отказы, классы)",
        openapi_extra=scope_rule("school", *CURATORS, "mentor", note="a mentor: their own limits only"),
    )
    async def put_mentor_limits(
        programme_id: str,
        mentor_id: str,
        body: MentorLimitsIn,
        request: Request,
        principal: Principal = Depends(auth.require(*CURATORS, "mentor")),
    ) -> MentorLimitsOut:
        return MentorLimitsOut.model_validate(await service.set_mentor_limits(programme_id, mentor_id, body.command(), principal, correlation_id(request)))


def _plan_routes(router: APIRouter, service: PairingService, auth: Authenticator) -> None:
    """A pair's development plan (ИОМ): its goals and measures."""

    @router.get("/pairs/{pair_id}/plan", summary="План развития пары (ИОМ)", openapi_extra=scope_rule("school", *PAIR_PEOPLE, note="a mentor or mentee: their own pair only"))
    async def get_plan(pair_id: str, principal: Principal = Depends(auth.require(*PAIR_PEOPLE))) -> PlanOut:
        return PlanOut.model_validate(await service.plan(pair_id, principal))

    @router.put("/pairs/{pair_id}/plan/goals", summary="Цели плана по областям дефицитов", openapi_extra=scope_rule("school", *CURATORS, "mentor", note="a mentor: their own pair only; the mentee records results only"))
    async def put_goals(
        pair_id: str, body: PlanIn, request: Request, principal: Principal = Depends(auth.require(*PAIR_PEOPLE))
    ) -> PlanOut:
        return PlanOut.model_validate(await service.set_goals(pair_id, body.command(), principal, correlation_id(request)))

    @router.post("/pairs/{pair_id}/plan/measures", status_code=status.HTTP_201_CREATED, summary="Мероприятие дорожной карты", openapi_extra=scope_rule("school", *CURATORS, "mentor", note="a mentor: their own pair only; the mentee records results only"))
    async def add_measure(
        pair_id: str, body: MeasureIn, request: Request, principal: Principal = Depends(auth.require(*PAIR_PEOPLE))
    ) -> MeasureOut:
        return MeasureOut.model_validate(await service.add_measure(pair_id, body.command(), principal, correlation_id(request)))

    @router.patch("/pairs/{pair_id}/plan/measures/{measure_id}", summary="Результат мероприятия и отношение наставляемого", openapi_extra=scope_rule("school", *PAIR_PEOPLE, note="a mentor or mentee: their own pair only"))
    async def record_result(
        pair_id: str,
        measure_id: str,
        body: MeasureResultIn,
        request: Request,
        principal: Principal = Depends(auth.require(*PAIR_PEOPLE)),
    ) -> MeasureOut:
        return MeasureOut.model_validate(await service.record_result(pair_id, measure_id, body.command(), principal, correlation_id(request)))
