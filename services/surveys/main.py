"""Composition root of surveys."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

from shared.auth import Authenticator
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
from shared.contracts.surveys import (
    CampaignClosed,
    CampaignOpened,
    CampaignReminderDue,
    CommandRejected,
    InstrumentSaved,
    RespondentInvited,
    ResponseCompleted,
)
from shared.http import create_service_app
from shared.runtime import ServiceRuntime
from shared.settings import Settings
from shared.web import Pages
from shared.web.audit_page import audit_router

from services.surveys import handlers
from services.surveys.api import build_router
from services.surveys.audit import RULES
from services.surveys.models import TABLES
from services.surveys.schedule import CampaignSchedule
from services.surveys.service import SurveysService
from services.surveys.views import SurveyViews
from services.surveys.web import build_form_router
from services.surveys.web_answers import build_answer_pages
from services.surveys.web_campaigns import build_campaign_pages
from services.surveys.web_my import build_my_pages

NAME = "surveys"


@dataclass
class Surveys:
    runtime: ServiceRuntime
    service: SurveysService
    http: FastAPI
    schedule: CampaignSchedule


def create_service(settings: Settings, *, shared_process: bool = False) -> Surveys:
    runtime = ServiceRuntime(NAME, settings, TABLES, shared_process=shared_process)
    runtime.publishes(ResponseCompleted, CampaignOpened, CampaignClosed, CampaignReminderDue, CommandRejected, RespondentInvited,
                      InstrumentSaved)
    service = SurveysService(runtime.db, runtime.uow, settings.region_id)
    schedule = CampaignSchedule(service, settings.surveys_schedule_interval, settings.surveys_reminder_days_before, runtime.log)
    # started after the runtime (the relay publishes what it emits), stopped before it; `nastavnik
    # run` and `serve` both start a service through `runtime.start()`, so both run the schedule
    runtime.on_start(schedule.start)
    runtime.on_stop(schedule.stop)
    runtime.consumes(SchoolRegistered, handlers.on_school)
    runtime.consumes(SchoolUpdated, handlers.on_school)
    runtime.consumes(ParticipantRegistered, handlers.on_participant_registered)
    runtime.consumes(ParticipantUpdated, handlers.on_participant_updated)
    runtime.consumes(ProgrammeLaunched, handlers.on_programme)
    runtime.consumes(ProgrammeUpdated, handlers.on_programme)
    runtime.consumes(ParticipantEnrolled, handlers.on_participant_enrolled)
    runtime.consumes(EnrolmentEnded, handlers.on_enrolment_ended)
    runtime.consumes(ParticipantWithdrawn, handlers.on_participant_withdrawn(service))
    runtime.consumes(PairFormed, handlers.on_pair_formed)
    runtime.consumes_commands(handlers.on_command(service), handlers.rejection)
    pages = Pages(NAME, settings, Path(__file__).parent / "templates")
    views = SurveyViews(service)
    auth = Authenticator.of(settings)
    http = create_service_app(
        runtime,
        title="Nastavnik · Анкеты",
        description="Инструменты мониторинга, опросы, ответы участников (веб-форма, API, команды школ) и их баллы.",
        routers=[audit_router(runtime.audit, pages, auth), build_router(service, auth), build_form_router(service),
                 build_campaign_pages(pages, service, views), build_my_pages(pages, views),
                 build_answer_pages(pages, service)],
        pages=pages,
        audit_rules=RULES,
    )
    return Surveys(runtime, service, http, schedule)
