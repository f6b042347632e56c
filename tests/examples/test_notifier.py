"""The notifier example e-mails a school's curators (a local aiosmtpd server) when a pair forms
or a campaign closes, once per event, and passes the contract kit."""

from __future__ import annotations

import sys
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from faststream.rabbit import TestRabbitBroker

from shared.contracts import BY_TYPE
from shared.contracts.envelope import new_envelope
from shared.contracts.pairing import PairFormed
from shared.contracts.testkit import check_consumer
from shared.messaging.topology import EVENTS_EXCHANGE
from shared.settings import Settings

from nastavnik.processes import free_port

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples" / "notifier"))
from notifier import SmtpConfig, create_service


class Inbox:
    def __init__(self) -> None:
        self.mails: list[tuple[list[str], object]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.mails.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, rabbitmq_url=None, database_url=None)


async def test_curators_get_one_mail_per_formed_pair(tmp_path, smtp) -> None:
    controller, inbox = smtp
    config = SmtpConfig("127.0.0.1", controller.port, "nastavnik@cro.example", {"s1": ["curator@s1.example", "deputy@s1.example"]})
    notifier = create_service(settings(tmp_path), config)
    pair = new_envelope("pairing", PairFormed(pair_id="pr1", programme_id="prog-1", school_id="s1", mentor_id="m1",
                                              mentee_ids=["t1", "t2"], form="teacher_teacher", academic_year="2026/2027"))
    other_school = new_envelope("pairing", PairFormed(pair_id="pr2", programme_id="prog-9", school_id="s9", mentor_id="m9",
                                                      mentee_ids=["t9"], form="teacher_teacher", academic_year="2026/2027"))
    async with TestRabbitBroker(notifier.runtime.broker):
        await notifier.runtime.start()
        try:
            for envelope in (pair, pair, other_school):  # the second is a redelivery
                await notifier.runtime.broker.publish(envelope.model_dump_json().encode(), exchange=EVENTS_EXCHANGE,
                                                      routing_key=envelope.type, content_type="application/json", message_id=envelope.id)
        finally:
            await notifier.runtime.stop()
    [(recipients, mail)] = inbox.mails
    assert recipients == ["curator@s1.example", "deputy@s1.example"]
    assert str(make_header(decode_header(mail["Subject"]))) == "Сформирована наставническая пара"
    assert "наставник m1, наставляемых: 2" in mail.get_payload(decode=True).decode()


async def test_curators_hear_when_a_campaign_closes(tmp_path, smtp) -> None:
    controller, inbox = smtp
    notifier = create_service(settings(tmp_path), SmtpConfig("127.0.0.1", controller.port, "n@cro.example", {"s1": ["curator@s1.example"]}))
    closed = BY_TYPE["surveys.campaign.closed.v1"].model_validate({
        "campaign_id": "c1", "instrument": {"code": "satisfaction_mentee", "version": 1}, "school_id": "s1",
        "invited": 10, "responded": 8, "response_rate": 80.0})
    envelope = new_envelope("surveys", closed)
    async with TestRabbitBroker(notifier.runtime.broker):
        await notifier.runtime.start()
        try:
            await notifier.runtime.broker.publish(envelope.model_dump_json().encode(), exchange=EVENTS_EXCHANGE,
                                                  routing_key=envelope.type, content_type="application/json", message_id=envelope.id)
        finally:
            await notifier.runtime.stop()
    [(_, mail)] = inbox.mails
    assert "ответили 8 из 10 (80 %)" in mail.get_payload(decode=True).decode()


async def test_the_notifier_and_the_template_pass_the_contract_kit(tmp_path, smtp) -> None:
    controller, _ = smtp
    notifier = create_service(settings(tmp_path / "n"), SmtpConfig("127.0.0.1", controller.port, "n@cro.example", {}))
    assert (await check_consumer(notifier.runtime))["invalid"] > 0
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples" / "consumer_template"))
    from service import create_service as create_template

    template = create_template(settings(tmp_path / "t"))
    # two valid samples of its event, two of registry.account.sessions_revoked.v1 (every runtime keeps revocations)
    assert (await check_consumer(template.runtime))["valid"] == 4
    assert len(template.seen) == 2
