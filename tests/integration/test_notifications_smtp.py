"""Notifications against a real SMTP server (aiosmtpd, started by the test on a free port):
delivered with the right recipient, subject and link; the server away → the mail waits and
goes when it is back; a recipient refused with 550 → bounced, never tried again.

Needs no broker or PostgreSQL (in-memory broker, SQLite): the point is the mail server."""

from __future__ import annotations

import asyncio
import email
import email.policy
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from shared.contracts.registry import AccountLinkIssued, ContactUpdated
from shared.contracts.surveys import InstrumentRef, RespondentInvited
from shared.settings import Settings

from nastavnik.processes import free_port
from services.notifications.main import create_service
from services.notifications.models import Mail
from tests.component.helpers import deliver, running
from tests.conftest import SECRET

PUBLIC = "https://nastavnik.example.ru"


class Mailbox:
    """An aiosmtpd handler: keeps what it accepts, refuses the addresses in `unknown` with 550."""

    def __init__(self, unknown: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.unknown = set(unknown)
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refused: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.unknown:
            self.refused.append(address)
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, mailbox: Mailbox, port: int) -> None:
        self.mailbox = mailbox
        self.port = port
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp():
    server = SmtpServer(Mailbox({"nobody@school1.ru"}), free_port())
    server.start()
    yield server
    server.stop()


def make_service(tmp_path: Path, port: int):
    settings = Settings(data_dir=tmp_path, jwt_secret=SECRET, region_id="test-region", rabbitmq_url=None, database_url=None,
                        public_url=PUBLIC, smtp_host="127.0.0.1", smtp_port=port, smtp_timeout=2)
    service = create_service(settings)
    service.sender.poll_interval = service.sender.retry_base = 0.2  # a test cannot wait minutes
    return service


def invitation(account_id: str, address: str) -> AccountLinkIssued:
    return AccountLinkIssued(account_id=account_id, purpose="invitation", display_name="Иванова Мария Петровна", email=address,
                             link_path=f"/registry/invite/tok-{account_id}", expires_at=datetime(2026, 12, 8, 9, 30, tzinfo=UTC))


async def mails(service) -> list[Mail]:
    async with service.runtime.db.sessions() as session:
        return list((await session.exec(select(Mail).order_by(Mail.created_at))).all())


async def until(check, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(0.05)


async def test_a_mail_reaches_the_server_with_recipient_subject_and_link(smtp: SmtpServer, tmp_path: Path) -> None:
    service = make_service(tmp_path, smtp.port)
    async with running(service):
        await deliver(service, invitation("acc-1", "ivanova@school1.ru"), source="registry")
        await deliver(service, ContactUpdated(participant_id="p1", school_id="s1", email="p1@school1.ru"), source="registry")
        await deliver(service, RespondentInvited(campaign_id="c1", participant_id="p1", school_id="s1",
                                                 instrument=InstrumentRef(code="deficit_self_diagnosis", version=1),
                                                 closes_on=date(2026, 12, 20), link_path="/surveys/form/f-p1"), source="surveys")

        async def both_sent() -> bool:
            return len(smtp.mailbox.messages) == 2 and all(m.status == "sent" for m in await mails(service))

        assert await until(both_sent), f"sent: {smtp.mailbox.messages}, mails: {[(m.status, m.last_error) for m in await mails(service)]}"
    (to_invitee, invitation_mail), (to_respondent, questionnaire_mail) = sorted(
        smtp.mailbox.messages, key=lambda item: item[0])
    assert to_invitee == ["ivanova@school1.ru"] and invitation_mail["To"] == "ivanova@school1.ru"
    assert invitation_mail["Subject"] == "Приглашение в систему «Наставник»"
    assert f"{PUBLIC}/registry/invite/tok-acc-1" in invitation_mail.get_body(("plain",)).get_content()
    assert f'href="{PUBLIC}/registry/invite/tok-acc-1"' in invitation_mail.get_body(("html",)).get_content()
    assert to_respondent == ["p1@school1.ru"]
    assert questionnaire_mail["Subject"] == "Анкета: Самодиагностика профессиональных дефицитов педагога"
    text = questionnaire_mail.get_body(("plain",)).get_content()
    assert f"{PUBLIC}/surveys/form/f-p1" in text and "20.12.2026" in text


async def test_the_server_away_keeps_mails_pending_until_it_is_back(tmp_path: Path) -> None:
    port = free_port()
    smtp = SmtpServer(Mailbox(), port)  # not started yet: the mail server is away
    service = make_service(tmp_path, port)
    try:
        async with running(service):
            for n in range(3):
                await deliver(service, invitation(f"acc-{n}", f"teacher{n}@school1.ru"), source="registry")

            async def tried_and_waiting() -> bool:
                found = await mails(service)
                return len(found) == 3 and any(m.attempts >= 2 for m in found) and all(m.status == "pending" for m in found)

            assert await until(tried_and_waiting), [(m.status, m.attempts) for m in await mails(service)]
            assert all(m.last_error for m in await mails(service) if m.attempts)

            smtp.start()

            async def all_sent() -> bool:
                return all(m.status == "sent" for m in await mails(service)) and len(smtp.mailbox.messages) == 3

            assert await until(all_sent, timeout=15), [(m.status, m.attempts, m.last_error) for m in await mails(service)]
            assert sorted(to[0] for to, _ in smtp.mailbox.messages) == [f"teacher{n}@school1.ru" for n in range(3)]
    finally:
        smtp.stop()


async def test_a_refused_recipient_is_bounced_and_not_retried(smtp: SmtpServer, tmp_path: Path) -> None:
    service = make_service(tmp_path, smtp.port)
    async with running(service) as client:
        await deliver(service, invitation("acc-x", "nobody@school1.ru"), source="registry")
        await deliver(service, invitation("acc-y", "ivanova@school1.ru"), source="registry")

        async def settled() -> bool:
            found = {m.email: m for m in await mails(service)}
            return len(found) == 2 and found["nobody@school1.ru"].status == "bounced" and found["ivanova@school1.ru"].status == "sent"

        assert await until(settled), [(m.email, m.status, m.last_error) for m in await mails(service)]
        await asyncio.sleep(1.0)  # several sender rounds: a bounced mail must not be tried again
        bounced = next(m for m in await mails(service) if m.email == "nobody@school1.ru")
        metrics = (await client.get("/metrics")).text
    assert bounced.attempts == 1 and smtp.mailbox.refused == ["nobody@school1.ru"]
    assert bounced.last_error.startswith("550")
    assert [to for to, _ in smtp.mailbox.messages] == [["ivanova@school1.ru"]]
    assert "notifications_mail_bounced_total 1.0" in metrics


@pytest.mark.integration
async def test_two_replicas_on_postgresql_and_rabbitmq_send_each_mail_once(smtp: SmtpServer, vhost_url: str,
                                                                            databases: dict[str, str], tmp_path: Path) -> None:
    """Production shape: the events come through the real broker, the mails are in PostgreSQL,
    and two replicas' senders share them (FOR UPDATE SKIP LOCKED): every mail goes exactly once,
    a redelivered event included."""
    from shared.contracts.envelope import new_envelope
    from shared.messaging.topology import EVENTS_EXCHANGE

    replicas = [create_service(Settings(
        data_dir=tmp_path / f"r{n}", jwt_secret=SECRET, region_id="test-region", rabbitmq_url=vhost_url,
        database_url=databases["notifications"], public_url=PUBLIC, smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_timeout=2,
    )) for n in range(2)]
    for replica in replicas:
        replica.sender.poll_interval = replica.sender.retry_base = 0.2
        await replica.runtime.start()
    try:
        broker = replicas[0].runtime.broker
        for n in range(20):
            envelope = new_envelope("registry", invitation(f"acc-{n}", f"teacher{n}@school1.ru"))
            for _ in range(2 if n == 7 else 1):  # one event delivered twice
                await broker.publish(envelope.model_dump_json().encode(), exchange=EVENTS_EXCHANGE, routing_key=envelope.type,
                                     content_type="application/json", message_id=envelope.id, persist=True)

        async def all_sent() -> bool:
            found = await mails(replicas[0])
            return len(found) == 20 and all(m.status == "sent" for m in found)

        assert await until(all_sent, timeout=30), [(m.status, m.last_error) for m in await mails(replicas[0])]
        await asyncio.sleep(0.5)  # any second delivery would have happened by now
    finally:
        for replica in replicas:
            await replica.runtime.stop()
    received = sorted(to[0] for to, _ in smtp.mailbox.messages)
    assert received == sorted(f"teacher{n}@school1.ru" for n in range(20)), received
