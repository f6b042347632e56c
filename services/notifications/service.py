"""Use cases: keep the contact addresses, turn events into mails (in the consumer's
transaction, so one event gives one mail however often it is delivered), erase a withdrawn
person, and show operators what was sent."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, func, or_
from sqlmodel import col, select
from structlog.stdlib import BoundLogger

from shared.auth import Principal
from shared.clock import utcnow
from shared.contracts.envelope import Envelope
from shared.contracts.registry import AccountLinkIssued, ContactUpdated, ParticipantWithdrawn
from shared.contracts.surveys import CampaignReminderDue, RespondentInvited
from shared.db import Database
from shared.errors import Conflict, Forbidden, NotFound
from shared.messaging.inbox import redact_mentions
from shared.messaging.outbox import Work

from services.notifications import domain
from services.notifications.metrics import NotificationsMetrics
from services.notifications.models import Contact, Mail, Withdrawn

REGION_ADMIN = "region_admin"


@dataclass(frozen=True)
class MailList:
    mails: list[Mail]
    counts: dict[str, int]


class NotificationsService:
    def __init__(
        self, db: Database, public_url: str, metrics: NotificationsMetrics, log: BoundLogger,
        *, on_queued: Callable[[], None] = lambda: None, erase_files: Callable[[list[str]], None] = lambda _ids: None,
    ) -> None:
        self.db = db
        self.public_url = public_url
        self.metrics = metrics
        self.log = log
        self._on_queued = on_queued
        self._erase_files = erase_files

    # ---- the registry's contact addresses --------------------------------------------------

    async def record_contact(self, work: Work, event: ContactUpdated) -> None:
        session = work.session
        if await session.get(Withdrawn, event.participant_id):
            await redact_mentions(session, work.service, event.participant_id)
            return  # arrived after the withdrawal: nothing to keep
        existing = await session.get(Contact, event.participant_id)
        if event.email is None or not domain.valid_address(event.email):
            if event.email is not None:
                self.log.warning("contact.invalid_address", participant_id=event.participant_id)
            if existing is not None:
                await session.delete(existing)
            # not written to any more: what has not gone yet does not go
            await session.exec(delete(Mail).where(Mail.recipient_id == event.participant_id, Mail.status == "pending"))
            return
        await session.merge(Contact(participant_id=event.participant_id, school_id=event.school_id, email=event.email))

    async def withdraw(self, work: Work, event: ParticipantWithdrawn) -> None:
        """152-ФЗ: the address goes, and every mail to it that we keep (sent or not), and the
        copies of the events that carried it."""
        session = work.session
        contact = await session.get(Contact, event.participant_id)
        await session.merge(Withdrawn(participant_id=event.participant_id))
        addresses = {contact.email} if contact else set()
        if contact is not None:
            await session.delete(contact)
        # Surveys' mails name the participant; account mails name the account, so they are found
        # by the address (only those: a pupil's representative may share it with a sibling).
        mine = Mail.recipient_id == event.participant_id
        if addresses:
            mine = or_(mine, col(Mail.email).in_(addresses) & col(Mail.kind).in_(["invitation", "password_reset"]))
        mail_ids = list((await session.exec(select(Mail.id).where(mine))).all())
        if mail_ids:
            await session.exec(delete(Mail).where(col(Mail.id).in_(mail_ids)))
            self._erase_files(mail_ids)
        for mention in (event.participant_id, *addresses):
            await redact_mentions(session, work.service, mention)
        self.log.info("participant.erased", participant_id=event.participant_id, mails=len(mail_ids))

    # ---- events that ask for a mail --------------------------------------------------------

    async def link_issued(self, work: Work, envelope: Envelope, event: AccountLinkIssued) -> None:
        if not domain.valid_address(event.email):
            self.metrics.skipped.labels(event.event_type, "invalid_address").inc()
            self.log.warning("mail.invalid_address", account_id=event.account_id)
            return
        link = domain.full_link(self.public_url, event.link_path)
        compose = domain.invitation if event.purpose == "invitation" else domain.password_reset
        content = compose(event.display_name, link, event.expires_at)
        self._queue(work, envelope, event.purpose, event.account_id, None, event.email, content, link)

    async def respondent_link(self, work: Work, envelope: Envelope, event: RespondentInvited | CampaignReminderDue) -> None:
        session = work.session
        if await session.get(Withdrawn, event.participant_id):
            self.metrics.skipped.labels(event.event_type, "withdrawn").inc()
            return
        contact = await session.get(Contact, event.participant_id)
        if contact is None:
            self.metrics.skipped.labels(event.event_type, "no_address").inc()
            return
        link = domain.full_link(self.public_url, event.link_path)
        reminding = isinstance(event, CampaignReminderDue)
        compose = domain.reminder if reminding else domain.questionnaire
        content = compose(event.instrument.code, link, event.closes_on)
        kind = "reminder" if reminding else "questionnaire"
        self._queue(work, envelope, kind, event.participant_id, event.school_id, contact.email, content, link)

    def _queue(self, work: Work, envelope: Envelope, kind: str, recipient_id: str, school_id: str | None, email: str,
               content: domain.MailContent, link: str) -> None:
        work.session.add(Mail(
            id=str(uuid.uuid4()), event_id=envelope.id, event_type=envelope.type, kind=kind, recipient_id=recipient_id,
            school_id=school_id, email=email, subject=content.subject, text=content.text, html=content.html, link=link,
        ))
        self.metrics.queued.labels(envelope.type).inc()
        self._on_queued()  # the sender also polls, should it wake before this commit

    # ---- what operators see ----------------------------------------------------------------

    async def mails(self, principal: Principal, status: str | None = None, limit: int = 200) -> MailList:
        """The newest mails first, and how many there are in each state (region admin only)."""
        if principal.role != REGION_ADMIN:
            raise Forbidden("Письма видит только администратор региона.")
        async with self.db.sessions() as session:
            query = select(Mail).order_by(col(Mail.created_at).desc()).limit(limit)
            if status:
                query = query.where(Mail.status == status)
            mails = list((await session.exec(query)).all())
            counts = dict((await session.exec(select(Mail.status, func.count()).group_by(Mail.status))).all())
        return MailList(mails, {s: counts.get(s, 0) for s in ("pending", "sent", "bounced")})

    async def retry(self, mail_id: str, principal: Principal) -> Mail:
        """An operator sends a bounced mail once more (after the address was corrected in the
        registry: a participant's mail goes to their current address)."""
        if principal.role != REGION_ADMIN:
            raise Forbidden("Письма видит только администратор региона.")
        async with self.db.sessions() as session, session.begin():
            mail = await session.get(Mail, mail_id)
            if mail is None:
                raise NotFound("Письмо не найдено")
            if mail.status != "bounced":
                raise Conflict("Отправить снова можно только недоставленное письмо")
            contact = await session.get(Contact, mail.recipient_id)
            if contact is not None and contact.email != mail.email:
                mail.email = contact.email
            mail.status, mail.attempts, mail.next_attempt_at = "pending", 0, utcnow()
            session.add(mail)
        self._on_queued()
        return mail

    async def counts(self, principal: Principal) -> dict[str, int]:
        """Mails in each state, for the home page's to-do (region admin only; others: none)."""
        if principal.role != REGION_ADMIN:
            return {}
        async with self.db.sessions() as session:
            return dict((await session.exec(select(Mail.status, func.count()).group_by(Mail.status))).all())
