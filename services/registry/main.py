"""Composition root of the registry: builds the runtime, the use cases and the HTTP app."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI

from shared.auth import Authenticator
from shared.contracts.registry import ParticipantEnrolled, ParticipantRegistered, SchoolRegistered
from shared.http import create_service_app
from shared.runtime import ServiceRuntime
from shared.settings import Settings

from services.registry.api import build_router
from services.registry.models import TABLES
from services.registry.service import RegistryService

NAME = "registry"


@dataclass
class Registry:
    runtime: ServiceRuntime
    service: RegistryService
    http: FastAPI


def create_service(settings: Settings, *, shared_process: bool = False) -> Registry:
    runtime = ServiceRuntime(NAME, settings, TABLES, shared_process=shared_process)
    runtime.publishes(SchoolRegistered, ParticipantRegistered, ParticipantEnrolled)
    service = RegistryService(runtime.db, runtime.uow, settings)
    http = create_service_app(
        runtime,
        title="Nastavnik · Реестр",
        description="Школы, участники, программы наставничества и зачисления региона.",
        routers=[build_router(service, Authenticator(settings.jwt_secret))],
    )
    return Registry(runtime, service, http)
