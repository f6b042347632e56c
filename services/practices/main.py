"""Composition root of practices: the region's bank of effective mentoring practices (seed 002,
003, 004) with its review, and the regional roadmap. A service of its own on the shared kit: it
knows schools and people from the registry's events only, and tells reports by its own events."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

from shared.auth import Authenticator
from shared.contracts.practices import PracticeStatusChanged, RoadmapItemSaved
from shared.contracts.registry import (
    ParticipantRegistered,
    ParticipantUpdated,
    ParticipantWithdrawn,
    SchoolRegistered,
    SchoolUpdated,
)
from shared.files import file_store
from shared.http import create_service_app
from shared.runtime import ServiceRuntime
from shared.settings import Settings
from shared.web import Pages
from shared.web.audit_page import audit_router

from services.practices import handlers
from services.practices.api import FILES_PATH, build_router
from services.practices.audit import RULES
from services.practices.metrics import PracticesMetrics
from services.practices.models import TABLES
from services.practices.service import PracticesService
from services.practices.web import UPLOAD_PAGES, build_pages_router

NAME = "practices"


@dataclass
class Practices:
    runtime: ServiceRuntime
    service: PracticesService
    http: FastAPI


def create_service(settings: Settings, *, shared_process: bool = False) -> Practices:
    runtime = ServiceRuntime(NAME, settings, TABLES, shared_process=shared_process)
    metrics = PracticesMetrics(runtime.metrics.registry)
    store = file_store(settings, NAME, runtime.db.url)
    service = PracticesService(runtime.db, runtime.uow, store, settings, metrics, runtime.log)
    runtime.publishes(PracticeStatusChanged, RoadmapItemSaved)
    runtime.consumes(SchoolRegistered, handlers.on_school(service))
    runtime.consumes(SchoolUpdated, handlers.on_school(service))
    runtime.consumes(ParticipantRegistered, handlers.on_person(service))
    runtime.consumes(ParticipantUpdated, handlers.on_person(service))
    runtime.consumes(ParticipantWithdrawn, handlers.on_participant_withdrawn(service))
    pages = Pages(NAME, settings, Path(__file__).parent / "templates")
    auth = Authenticator.of(settings)
    http = create_service_app(
        runtime,
        title="Nastavnik · Банк практик",
        description="Банк эффективных наставнических практик региона с экспертизой и поиском; региональная дорожная карта.",
        routers=[audit_router(runtime.audit, pages, auth), build_router(service, auth), build_pages_router(service, pages)],
        pages=pages,
        audit_rules=RULES,
        upload_routes=(FILES_PATH, *UPLOAD_PAGES),
    )
    return Practices(runtime, service, http)
