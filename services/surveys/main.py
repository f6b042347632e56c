"""Composition root of surveys."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI

from shared.auth import Authenticator
from shared.contracts.pairing import PairFormed
from shared.contracts.registry import ParticipantRegistered
from shared.contracts.surveys import ResponseCompleted
from shared.http import create_service_app
from shared.runtime import ServiceRuntime
from shared.settings import Settings

from services.surveys import handlers
from services.surveys.api import build_router
from services.surveys.models import TABLES
from services.surveys.service import SurveysService

NAME = "surveys"


@dataclass
class Surveys:
    runtime: ServiceRuntime
    service: SurveysService
    http: FastAPI


def create_service(settings: Settings, *, shared_process: bool = False) -> Surveys:
    runtime = ServiceRuntime(NAME, settings, TABLES, shared_process=shared_process)
    runtime.publishes(ResponseCompleted)
    runtime.consumes(ParticipantRegistered, handlers.on_participant_registered)
    runtime.consumes(PairFormed, handlers.on_pair_formed)
    service = SurveysService(runtime.db, runtime.uow)
    http = create_service_app(
        runtime,
        title="Nastavnik · Анкеты",
        description="Инструменты мониторинга, ответы участников и их баллы.",
        routers=[build_router(service, Authenticator(settings.jwt_secret))],
    )
    return Surveys(runtime, service, http)
