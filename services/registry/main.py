"""Composition root of the registry: builds the runtime, the use cases, the importer, the
school systems' command consumer and the HTTP app."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

from shared.auth import Authenticator
from shared.contracts.registry import (
    AccountLinkIssued,
    CommandRejected,
    ContactUpdated,
    EnrolmentEnded,
    ParticipantEnrolled,
    ParticipantRegistered,
    ParticipantUpdated,
    ParticipantWithdrawn,
    PartnerRegistered,
    PartnerUpdated,
    ProgrammeClosed,
    ProgrammeLaunched,
    ProgrammeUpdated,
    SchoolRegistered,
    SchoolUpdated,
    SessionsRevoked,
)
from shared.contracts.registry_year import (
    ActivityCancelled,
    ActivitySaved,
    CuratorAppointed,
    DocumentRecorded,
    DocumentRemoved,
    RecognitionRecorded,
    RecognitionRemoved,
    TrainingRecorded,
    TrainingRemoved,
)
from shared.http import create_service_app
from shared.runtime import ServiceRuntime, bulk_relay
from shared.settings import Settings
from shared.web import Pages
from shared.web.audit_page import audit_router

from services.registry.accounts import Accounts
from services.registry.api import build_router
from services.registry.audit import RULES
from services.registry.documents_api import UPLOAD_PREFIX, build_documents_router
from services.registry.handlers import CommandHandlers, rejection
from services.registry.importer import Importer
from services.registry.listing import Listing
from services.registry.models import TABLES
from services.registry.revocations import build_revocation_router
from services.registry.service import RegistryService
from services.registry.web import build_pages_router
from services.registry.web_accounts import build_accounts_router
from services.registry.web_documents import UPLOAD_PATH, build_documents_pages
from services.registry.web_home import build_home_router

NAME = "registry"
PUBLISHED = (
    SchoolRegistered, SchoolUpdated, PartnerRegistered, PartnerUpdated,
    ParticipantRegistered, ParticipantUpdated, ParticipantEnrolled, ParticipantWithdrawn,
    ProgrammeLaunched, ProgrammeUpdated, ProgrammeClosed, CommandRejected,
    ContactUpdated, AccountLinkIssued, EnrolmentEnded, SessionsRevoked,
    # a programme's year (issue 15): activities, training and recognition of mentors
    ActivitySaved, ActivityCancelled, TrainingRecorded, TrainingRemoved, RecognitionRecorded, RecognitionRemoved,
    DocumentRecorded, DocumentRemoved, CuratorAppointed,
)


@dataclass
class Registry:
    runtime: ServiceRuntime
    service: RegistryService
    importer: Importer
    http: FastAPI
    accounts: Accounts


def create_service(settings: Settings, *, shared_process: bool = False) -> Registry:
    # Imports write hundreds of thousands of events at once: the relay's bulk mode keeps up.
    runtime = ServiceRuntime(NAME, settings, TABLES, shared_process=shared_process, relay=bulk_relay)
    runtime.publishes(*PUBLISHED)
    service = RegistryService(runtime.db, runtime.uow, settings)
    importer = Importer(service, runtime.db, runtime.uow, settings)
    runtime.consumes_commands(CommandHandlers(service), rejection)
    # One Pages for every page of the registry (work pages in web*.py, accounts in web_accounts.py).
    pages = Pages(NAME, settings, Path(__file__).parent / "templates")
    accounts = Accounts(runtime.db, runtime.uow, settings)
    auth = Authenticator.of(settings)
    http = create_service_app(
        runtime,
        title="Nastavnik · Реестр",
        description="Регион, муниципалитеты, школы и сетевые партнёры; педагоги, обучающиеся, студенты и "
        "работодатели; программы наставничества, зачисления и согласия на обработку персональных данных "
        "(152-ФЗ). Массовая загрузка CSV/XLSX: POST /api/v1/imports.",
        routers=[audit_router(runtime.audit, pages, auth), build_router(service, importer, auth),
                 build_pages_router(service, importer, pages),
                 build_accounts_router(accounts, pages), build_revocation_router(accounts, auth), build_home_router(runtime.db, accounts, pages),
                 build_documents_router(service, auth), build_documents_pages(service, Listing(runtime.db), pages)],
        pages=pages,
        audit_rules=RULES,
        upload_routes=("/api/v1/imports", "/api/v1/import-jobs", "/imports"),
        file_routes=(UPLOAD_PREFIX, UPLOAD_PATH),  # a programme's documents: NASTAVNIK_FILE_MAX_BYTES
    )
    return Registry(runtime, service, importer, http, accounts)
