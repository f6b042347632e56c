"""Composition root of notifications: invitations, questionnaire links and reminders by mail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI

from shared.auth import Authenticator
from shared.contracts.registry import AccountLinkIssued, ContactUpdated, ParticipantWithdrawn
from shared.contracts.surveys import CampaignReminderDue, RespondentInvited
from shared.http import create_service_app
from shared.runtime import ServiceRuntime
from shared.settings import Settings
from shared.web import Pages
from shared.web.audit_page import audit_router

from services.notifications import handlers
from services.notifications.api import build_router
from services.notifications.audit import RULES
from services.notifications.metrics import NotificationsMetrics
from services.notifications.models import TABLES
from services.notifications.sender import FolderTransport, MailSender, SmtpTransport
from services.notifications.service import NotificationsService
from services.notifications.web import build_pages_router

NAME = "notifications"


@dataclass
class Notifications:
    runtime: ServiceRuntime
    service: NotificationsService
    http: FastAPI
    sender: MailSender
    folder: Path | None
    """Where mails go in the embedded mode (no SMTP host); None with a mail server."""


def create_service(settings: Settings, *, shared_process: bool = False) -> Notifications:
    runtime = ServiceRuntime(NAME, settings, TABLES, shared_process=shared_process)
    metrics = NotificationsMetrics(runtime.metrics.registry)
    folder = None if settings.smtp_host else (settings.data_dir / "mail").resolve()
    transport = FolderTransport(folder) if folder else SmtpTransport(settings)
    retention = timedelta(days=settings.mail_retention_days) if settings.mail_retention_days else None
    sender = MailSender(runtime.db, transport, settings.mail_from, metrics, runtime.log, retention=retention)
    runtime.on_start(sender.start)  # the mail sender runs while the runtime does
    runtime.on_stop(sender.stop)
    service = NotificationsService(
        runtime.db, settings.public_url, metrics, runtime.log, on_queued=sender.notify,
        erase_files=transport.erase if isinstance(transport, FolderTransport) else lambda _ids: None,
    )
    runtime.consumes(AccountLinkIssued, handlers.on_link_issued(service))
    runtime.consumes(ContactUpdated, handlers.on_contact_updated(service))
    runtime.consumes(ParticipantWithdrawn, handlers.on_participant_withdrawn(service))
    runtime.consumes(RespondentInvited, handlers.on_respondent_link(service))
    runtime.consumes(CampaignReminderDue, handlers.on_respondent_link(service))
    pages = Pages(NAME, settings, Path(__file__).parent / "templates")
    auth = Authenticator.of(settings)
    http = create_service_app(
        runtime,
        title="Nastavnik · Уведомления",
        description="Письма людям: приглашения, ссылки на анкеты и напоминания.",
        routers=[audit_router(runtime.audit, pages, auth), build_router(service, auth),
                 build_pages_router(service, pages, folder=str(folder) if folder else None, demo=settings.demo)],
        pages=pages,
        audit_rules=RULES,
    )
    return Notifications(runtime, service, http, sender, folder)
