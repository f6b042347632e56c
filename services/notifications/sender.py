"""Delivery of the mails the consumer committed: a loop takes the pending mails that are due
and hands them to a transport — an SMTP server, or (embedded mode, no server configured) a
folder of .eml files.

- The server away (no connection, a timeout, a 4xx reply): the mail stays pending and is
  tried again later, with a doubling delay; nothing is lost.
- A 5xx reply (unknown mailbox, refused): the mail is bounced — kept as a dead letter for
  operators (the mail page, a metric, a log line), never tried again.

Delivery is at least once: a crash between the server's acceptance and the commit of "sent"
sends that mail once more. Replicas on PostgreSQL share the work: each mail is claimed with
FOR UPDATE SKIP LOCKED for the length of its delivery."""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import aiosmtplib
from sqlalchemy import delete, func
from sqlmodel import col, select
from structlog.stdlib import BoundLogger

from shared.clock import utcnow
from shared.db import Database
from shared.periodic import Periodic
from shared.settings import Settings

from services.notifications import domain
from services.notifications.metrics import NotificationsMetrics
from services.notifications.models import Mail


class DeliveryFailed(Exception):
    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


def message_of(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = domain.smtp_address(mail.email)
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=mail.id, domain="nastavnik")
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


class SmtpTransport:
    """One connection per round, reused for its mails; a failure drops the connection."""

    def __init__(self, settings: Settings) -> None:
        assert settings.smtp_host
        self.settings = settings
        self._client: aiosmtplib.SMTP | None = None

    async def deliver(self, mail: Mail, message: EmailMessage) -> None:
        try:
            if self._client is None:
                s = self.settings
                client = aiosmtplib.SMTP(
                    hostname=s.smtp_host, port=s.smtp_port, timeout=s.smtp_timeout,
                    use_tls=s.smtp_security == "tls", start_tls=s.smtp_security == "starttls",
                )
                await client.connect()
                if s.smtp_username:
                    await client.login(s.smtp_username, s.smtp_password or "")
                self._client = client
            await self._client.send_message(message)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            await self.close()
            codes = [r.code for r in exc.recipients]
            raise DeliveryFailed(_reason(exc.recipients[0]), permanent=all(domain.is_permanent_refusal(c) for c in codes)) from None
        except aiosmtplib.SMTPResponseException as exc:  # sender refused, data refused, auth, ...
            await self.close()
            raise DeliveryFailed(_reason(exc), permanent=domain.is_permanent_refusal(exc.code)) from None
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:  # no server, broken connection
            await self.close()
            raise DeliveryFailed(f"сервер почты недоступен: {exc!r}", permanent=False) from None

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                await client.quit()
            except Exception:  # noqa: BLE001 - already gone
                client.close()


def _reason(exc: aiosmtplib.SMTPResponseException) -> str:
    return f"{exc.code} {exc.message}"[:500]


class FolderTransport:
    """Embedded mode: each mail becomes `<folder>/<mail id>.eml` (written whole, then renamed)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def deliver(self, mail: Mail, message: EmailMessage) -> None:
        await asyncio.to_thread(self._write, mail.id, bytes(message))

    def _write(self, mail_id: str, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.folder / f".{mail_id}.tmp"
        temporary.write_bytes(data)
        os.replace(temporary, self.folder / f"{mail_id}.eml")

    async def close(self) -> None:
        return None

    def erase(self, mail_ids: list[str]) -> None:
        for mail_id in mail_ids:
            (self.folder / f"{mail_id}.eml").unlink(missing_ok=True)


class MailSender:
    def __init__(
        self, db: Database, transport: SmtpTransport | FolderTransport, sender: str, metrics: NotificationsMetrics, log: BoundLogger,
        *, poll_interval: float = 5.0, retry_base: float = 5.0, retry_cap: float = 900.0, batch_size: int = 50,
        retention: timedelta | None = None, prune_every: float = 3600.0,
    ) -> None:
        self.db = db
        self.transport = transport
        self.sender = sender
        self.metrics = metrics
        self.log = log
        self.poll_interval = poll_interval
        self.retry_base = retry_base
        self.retry_cap = retry_cap
        self.batch_size = batch_size
        self.retention = retention
        self.prune_every = prune_every
        self._pruned_at = float("-inf")
        self._one_round = asyncio.Lock()  # one round at a time: SQLite has no row locks to keep two from sending one mail
        self._rounds: Periodic | None = None

    def notify(self) -> None:
        """A mail was committed: deliver now rather than at the next poll."""
        if self._rounds is not None:
            self._rounds.wake()

    def start(self) -> None:
        self._rounds = Periodic("notifications-sender", self._round, self._sleep_for, self.log, failure_event="mail.round_failed")
        self._rounds.start()

    async def stop(self) -> None:
        if self._rounds is not None:
            await self._rounds.stop()
            self._rounds = None
        await self.transport.close()

    async def _round(self) -> None:
        await self.send_due()
        await self._prune_when_due()

    async def _prune_when_due(self) -> None:
        now = asyncio.get_running_loop().time()
        if self.retention is not None and now - self._pruned_at >= self.prune_every:
            self._pruned_at = now
            pruned = await self.prune()
            if pruned:
                self.log.info("mail.pruned", mails=pruned)

    async def prune(self) -> int:
        """Delete the mails sent or bounced longer ago than the retention, and their files: their
        texts hold personal links, kept no longer than operators need them. Pending mails stay."""
        if self.retention is None:
            return 0
        cutoff = utcnow() - self.retention
        async with self.db.sessions() as session, session.begin():
            old = col(Mail.status).in_(["sent", "bounced"]) & (col(Mail.created_at) < cutoff)
            ids = list((await session.exec(select(Mail.id).where(old))).all())
            if ids:
                await session.exec(delete(Mail).where(col(Mail.id).in_(ids)))
        if ids and isinstance(self.transport, FolderTransport):
            self.transport.erase(ids)
        return len(ids)

    async def _sleep_for(self) -> float:
        """Until the earliest pending mail is due, at most the poll interval."""
        async with self.db.sessions() as session:
            due = (await session.exec(select(func.min(Mail.next_attempt_at)).where(Mail.status == "pending"))).one()
            pending = (await session.exec(select(func.count()).select_from(Mail).where(Mail.status == "pending"))).one()
        self.metrics.pending.set(pending)
        if due is None:
            return self.poll_interval
        if due.tzinfo is None:  # SQLite gives naive UTC
            due = due.replace(tzinfo=utcnow().tzinfo)
        return max(0.05, min(self.poll_interval, (due - utcnow()).total_seconds()))

    async def send_due(self) -> int:
        """Deliver the pending mails that are due, one transaction each; returns how many went.
        The round stops at the first temporary failure: the server is likely away for all."""
        sent = 0
        async with self._one_round:
            try:
                while sent < self.batch_size:
                    outcome = await self._send_one()
                    if outcome is None or outcome == "retry":
                        break
                    sent += outcome == "sent"
            finally:
                await self.transport.close()
        return sent

    async def _send_one(self) -> str | None:
        async with self.db.sessions() as session, session.begin():
            query = (
                select(Mail).where(Mail.status == "pending", col(Mail.next_attempt_at) <= utcnow())
                .order_by(col(Mail.next_attempt_at), col(Mail.created_at)).limit(1)
            )
            if self.db.is_postgres:
                query = query.with_for_update(skip_locked=True)
            mail = (await session.exec(query)).first()
            if mail is None:
                return None
            try:
                try:
                    await self.transport.deliver(mail, message_of(mail, self.sender))
                except DeliveryFailed:
                    raise
                except Exception as exc:  # unforeseen (a full disk, a bug): backed off, so it blocks no other mail
                    raise DeliveryFailed(f"ошибка отправки: {exc!r}"[:500], permanent=False) from exc
            except DeliveryFailed as failure:
                mail.attempts += 1
                mail.last_error = failure.reason
                if failure.permanent:
                    mail.status = "bounced"
                    self.metrics.bounced.inc()
                    self.log.warning("mail.bounced", mail_id=mail.id, kind=mail.kind, reason=failure.reason)
                    outcome = "bounced"
                else:
                    delay = domain.retry_delay(mail.attempts, self.retry_base, self.retry_cap)
                    mail.next_attempt_at = utcnow() + timedelta(seconds=delay)
                    self.metrics.send_failures.inc()
                    self.log.warning("mail.retry_later", mail_id=mail.id, attempts=mail.attempts, retry_in=delay, reason=failure.reason)
                    outcome = "retry"
            else:
                mail.status = "sent"
                mail.sent_at = utcnow()
                mail.attempts += 1
                mail.last_error = None
                self.metrics.sent.inc()
                outcome = "sent"
            session.add(mail)
        return outcome
