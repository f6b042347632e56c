"""Composition root of reports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from sqlmodel import func, select

from shared.auth import Authenticator
from shared.contracts.pairing import PairEnded, PairFormed, PlanMeasureCompleted, PlanUpdated
from shared.contracts.registry import (
    ParticipantEnrolled,
    ParticipantRegistered,
    ParticipantUpdated,
    ParticipantWithdrawn,
    ProgrammeLaunched,
    ProgrammeUpdated,
    SchoolRegistered,
)
from shared.contracts.reports import IndicatorsUpdated
from shared.contracts.surveys import CampaignClosed, CampaignOpened, InstrumentSaved, ResponseCompleted
from shared.http import create_service_app
from shared.runtime import ServiceRuntime
from shared.settings import Settings
from shared.web import Pages

from services.reports.api import build_router
from services.reports.handlers import make_handler
from services.reports.metrics import ReportsMetrics
from services.reports.models import TABLES, ParkedEvent
from services.reports.service import ReportsService
from services.reports.web import build_pages
from services.reports.web_analysis import build_analysis_pages
from services.reports.year import YEAR_EVENTS

NAME = "reports"
CONSUMED = (
    SchoolRegistered,
    ParticipantRegistered,
    ParticipantEnrolled,
    ParticipantUpdated,
    ParticipantWithdrawn,
    PairFormed,
    PairEnded,
    ResponseCompleted,
    PlanUpdated,
    PlanMeasureCompleted,
    CampaignOpened,
    CampaignClosed,
    ProgrammeLaunched,
    ProgrammeUpdated,
    InstrumentSaved,
    *YEAR_EVENTS,
)


@dataclass
class Reports:
    runtime: ServiceRuntime
    service: ReportsService
    http: FastAPI


def create_service(settings: Settings, *, shared_process: bool = False) -> Reports:
    runtime = ServiceRuntime(NAME, settings, TABLES, shared_process=shared_process)
    runtime.publishes(IndicatorsUpdated)
    metrics = ReportsMetrics(runtime.metrics.registry)
    service = ReportsService(runtime.db, settings.region_id, metrics, settings.region_name)
    runtime.consumes_in_batches(CONSUMED, make_handler(service))

    async def count_parked() -> None:
        async with runtime.db.sessions() as session:
            metrics.parked.set((await session.exec(select(func.count()).select_from(ParkedEvent))).one())

    runtime.on_scrape(count_parked)
    pages = Pages(NAME, settings, Path(__file__).parent / "templates")
    http = create_service_app(
        runtime,
        title="Nastavnik · Отчёты",
        description="Показатели мониторинга школ, муниципалитетов и региона.",
        routers=[build_router(service, Authenticator.of(settings)), build_pages(service, pages),
                 build_analysis_pages(service, pages)],
        pages=pages,
    )
    return Reports(runtime, service, http)
