"""Notifier: e-mails a school's curators when a pair forms or a survey campaign closes.

A real consumer service on the shared kit: its own queues (`notifier.pairing.pair.formed.v1`,
`notifier.surveys.campaign.closed.v1`), inbox, dead-letter queues and metrics. Events carry no
e-mail addresses (only what consumers need), so the curators' addresses are the notifier's own
configuration: NOTIFIER_CURATORS="school-1=a@school1.ru;b@school1.ru,school-2=c@school2.ru".

Delivery is at least once: the mail is sent inside the consumer's transaction, so a crash
between sending and committing sends it again on redelivery (never zero times)."""

from __future__ import annotations

import asyncio
import os
import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage

from fastapi import FastAPI

from shared.contracts import BY_TYPE
from shared.contracts.envelope import Envelope, EventData
from shared.contracts.pairing import PairFormed
from shared.http import create_service_app
from shared.messaging.outbox import Work
from shared.runtime import ServiceRuntime
from shared.settings import Settings

NAME = "notifier"
CAMPAIGN_CLOSED = "surveys.campaign.closed.v1"


@dataclass
class SmtpConfig:
    host: str = "127.0.0.1"
    port: int = 25
    sender: str = "nastavnik@example.org"
    curators: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> SmtpConfig:
        curators = {}
        for item in filter(None, os.environ.get("NOTIFIER_CURATORS", "").split(",")):
            school, _, addresses = item.partition("=")
            curators[school.strip()] = [a.strip() for a in addresses.split(";") if a.strip()]
        return cls(os.environ.get("NOTIFIER_SMTP_HOST", "127.0.0.1"), int(os.environ.get("NOTIFIER_SMTP_PORT", "25")),
                   os.environ.get("NOTIFIER_FROM", "nastavnik@example.org"), curators)


def message_for(event: EventData) -> tuple[str, str] | None:
    """(subject, text) in Russian for the curators, or None."""
    if isinstance(event, PairFormed):
        mentees = len(event.mentee_ids)
        return ("Сформирована наставническая пара",
                f"В программе {event.programme_id} сформирована пара ({event.form}): наставник {event.mentor_id}, "
                f"наставляемых: {mentees}. Учебный год {event.academic_year}.\n\n"
                "Откройте «Наставник», чтобы утвердить план развития.")
    if event.event_type == CAMPAIGN_CLOSED:
        rate = getattr(event, "response_rate", None)
        return ("Анкетирование завершено",
                f"Кампания {event.campaign_id} закрыта: ответили {event.responded} из {event.invited}"
                + (f" ({rate:.0f} %)" if rate is not None else "") + ".\n\nРезультаты — в разделе «Отчёты».")
    return None


def send_mail(config: SmtpConfig, to: list[str], subject: str, text: str) -> None:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = config.sender, ", ".join(to), subject
    mail.set_content(text)
    with smtplib.SMTP(config.host, config.port, timeout=10) as smtp:
        smtp.send_message(mail)


@dataclass
class Notifier:
    runtime: ServiceRuntime
    http: FastAPI


def create_service(settings: Settings, config: SmtpConfig | None = None, *, shared_process: bool = False) -> Notifier:
    config = config or SmtpConfig.from_env()
    runtime = ServiceRuntime(NAME, settings, tables=[], shared_process=shared_process)
    sent = runtime.metrics.registry  # notifier's own metric, on the same registry as the kit's
    from prometheus_client import Counter

    mails = Counter("notifier_mails_sent", "E-mails sent to curators, by event type.", ["event_type"], registry=sent)

    async def on_event(work: Work, envelope: Envelope, event: EventData) -> None:
        school_id = getattr(event, "school_id", None)
        addresses = config.curators.get(school_id or "", [])
        content = message_for(event)
        if not addresses or content is None:
            runtime.log.info("notifier.nobody_to_tell", event_type=envelope.type)
            return
        await asyncio.to_thread(send_mail, config, addresses, *content)
        mails.labels(envelope.type).inc()

    runtime.consumes(PairFormed, on_event)
    if CAMPAIGN_CLOSED in BY_TYPE:
        runtime.consumes(BY_TYPE[CAMPAIGN_CLOSED], on_event)
    http = create_service_app(runtime, title="Nastavnik · notifier", description="E-mails to curators.", routers=[])
    return Notifier(runtime, http)
