"""Composition root of pairing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

from shared.auth import Authenticator
from shared.contracts.pairing import (
    MatchingCompleted,
    MeetingRecorded,
    MeetingRemoved,
    PairEnded,
    PairFormed,
    PlanMeasureCompleted,
    PlanUpdated,
)
from shared.contracts.registry import (
    EnrolmentEnded,
    ParticipantEnrolled,
    ParticipantRegistered,
    ParticipantUpdated,
    ParticipantWithdrawn,
    PartnerRegistered,
    PartnerUpdated,
    ProgrammeLaunched,
    ProgrammeUpdated,
    SchoolRegistered,
)
from shared.contracts.surveys import ResponseCompleted
from shared.http import create_service_app
from shared.messaging.batching import each
from shared.runtime import ServiceRuntime
from shared.settings import Settings
from shared.web import Pages
from shared.web.audit_page import audit_router

from services.pairing import handlers
from services.pairing.api import build_router
from services.pairing.audit import RULES
from services.pairing.models import TABLES
from services.pairing.service import PairingService, reads_profile
from services.pairing.web import build_pages

NAME = "pairing"


@dataclass
class Pairing:
    runtime: ServiceRuntime
    service: PairingService
    http: FastAPI


def create_service(settings: Settings, *, shared_process: bool = False) -> Pairing:
    runtime = ServiceRuntime(NAME, settings, TABLES, shared_process=shared_process)
    runtime.publishes(PairFormed, PairEnded, MatchingCompleted, PlanUpdated, PlanMeasureCompleted, MeetingRecorded, MeetingRemoved)
    service = PairingService(runtime.db, runtime.uow)
    runtime.consumes(SchoolRegistered, handlers.on_school_registered)
    runtime.consumes(ParticipantRegistered, handlers.on_participant_registered)
    runtime.consumes(ParticipantUpdated, handlers.on_participant_registered)  # names on the pages follow the registry
    runtime.consumes(PartnerRegistered, handlers.on_partner)  # what field a student or employer mentor shows
    runtime.consumes(PartnerUpdated, handlers.on_partner)
    runtime.consumes(ProgrammeLaunched, handlers.on_programme)
    runtime.consumes(ProgrammeUpdated, handlers.on_programme)
    runtime.consumes(ParticipantEnrolled, handlers.on_participant_enrolled)
    runtime.consumes(EnrolmentEnded, handlers.on_enrolment_ended)
    runtime.consumes(ParticipantWithdrawn, handlers.on_participant_withdrawn(service))
    # every completed questionnaire of the region passes here; only the deficit diagnostic is
    # read, in batches (as many as queued up per transaction), the others are let go at once
    runtime.consumes_in_batches(
        [ResponseCompleted], each(handlers.on_response_completed(service)), relevant=reads_profile
    )
    pages = Pages(NAME, settings, Path(__file__).parent / "templates")
    auth = Authenticator.of(settings)
    http = create_service_app(
        runtime,
        title="Nastavnik · Подбор пар",
        description="Пары «наставник – наставляемый», их формирование и планы развития.",
        routers=[audit_router(runtime.audit, pages, auth), build_router(service, auth), build_pages(service, pages)],
        pages=pages,
        audit_rules=RULES,
    )
    return Pairing(runtime, service, http)
