"""The base of the accounts use cases (accounts.py): what each person may sign in as (their
grants, resolved from what the registry knows), the password hashing, and the one-time,
expiring links — invitations and password resets — of which only the hash is stored."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.auth import Principal
from shared.clock import utcnow
from shared.contracts.registry import AccountLinkIssued
from shared.db import Database
from shared.errors import Forbidden, NotFound, Unprocessable
from shared.messaging.outbox import UnitOfWork, Work
from shared.settings import Settings

from services.registry import accounts_domain as rules
from services.registry.models import (
    Account,
    AccountLink,
    AuditRecord,
    CuratorAppointment,
    Enrolment,
    Participant,
    Programme,
    School,
    StaffAppointment,
)

SIGN_IN_FAILED = "Неверный логин или пароль. После многих неудачных попыток вход временно блокируется."


class SignInFailed(Exception):
    """One message for an unknown login, a wrong password, a locked or disabled account."""

    def __init__(self) -> None:
        super().__init__(SIGN_IN_FAILED)


class LinkInvalid(Exception):
    def __init__(self, reason: str) -> None:  # unknown | used | expired | refused
        super().__init__(reason)
        self.reason = reason


@dataclass
class IssuedLink:
    account: Account
    token: str
    expires_at: datetime
    emailed: bool

    @property
    def path(self) -> str:
        return link_path(self.token, "invitation")


@dataclass
class PersonRow:
    """A person of a school on the accounts page."""

    participant: Participant
    account: Account | None
    roles: list[str]
    appointed: bool = False  # appointed curator of the school (not through a programme)

    @property
    def eligible(self) -> bool:
        return bool(self.roles)


def link_path(token: str, purpose: str) -> str:
    return f"/registry/invite/{token}" if purpose == "invitation" else f"/registry/reset/{token}"


def account_state(account: Account | None, now: datetime | None = None) -> str:
    """none | invited | active | locked | disabled (what the accounts page shows)."""
    if account is None:
        return "none"
    if account.state == "disabled":
        return "disabled"
    if account.locked_until is not None and account.locked_until > (now or utcnow()):
        return "locked"
    return account.state


class AccountsBase:
    """Grants, passwords and links; Accounts (accounts.py) adds sign-in and administration."""

    def __init__(self, db: Database, uow: UnitOfWork, settings: Settings, hasher: PasswordHasher | None = None) -> None:
        self.db = db
        self.uow = uow
        self.settings = settings
        self.hasher = hasher or PasswordHasher()  # argon2id, the library's current parameters
        self._dummy: str | None = None

    @property
    def _dummy_hash(self) -> str:
        """Verified against when the login is unknown: the answer takes as long as for a real one."""
        if self._dummy is None:
            self._dummy = self.hasher.hash("nastavnik-no-such-account")
        return self._dummy

    # -- who may sign in as what ------------------------------------------------------------

    async def grants(self, session: AsyncSession, account: Account) -> list[rules.Grant]:
        if account.staff_id:
            staff = await session.get(StaffAppointment, account.staff_id)
            if staff is None:
                return []
            return rules.staff_grants(rules.StaffFacts(staff.role, staff.municipality_id, staff.active), self.settings.region_id)
        person = await session.get(Participant, account.participant_id) if account.participant_id else None
        if person is None:
            return []
        return rules.person_grants(await self._facts(session, person))

    async def _facts(self, session: AsyncSession, person: Participant) -> rules.PersonFacts:
        running = col(Programme.stage) != "closed"
        enrolled = (await session.exec(
            select(Enrolment.role).join(Programme, col(Programme.id) == Enrolment.programme_id)
            .where(Enrolment.participant_id == person.id, Enrolment.active == True, running)  # noqa: E712
        )).all()
        curator = (await session.exec(
            select(Programme.id).where(Programme.curator_id == person.id, running).limit(1)
        )).first() is not None or (await session.exec(
            select(CuratorAppointment.id).where(CuratorAppointment.participant_id == person.id,
                                                CuratorAppointment.school_id == person.school_id,
                                                CuratorAppointment.active == True).limit(1)  # noqa: E712
        )).first() is not None
        return rules.PersonFacts(
            school_id=person.school_id, category=person.category, status=person.status,
            consent_recorded=person.consent_date is not None, account_allowed=person.account_allowed,
            curator=curator, enrolled_as=frozenset(enrolled),
        )

    @staticmethod
    def principal(account: Account, grant: rules.Grant) -> Principal:
        sub = account.staff_id or account.participant_id or account.id
        return Principal(sub=sub, role=grant.role, scope=grant.scope, scope_id=grant.scope_id,
                         name=account.display_name, sid=uuid.uuid4().hex)

    async def account_of(self, principal: Principal) -> Account:
        async with self.db.sessions() as session:
            account = await self._account_of(session, principal.sub)
        if account is None:
            raise NotFound("Учётная запись не найдена")
        return account

    @staticmethod
    async def _account_of(session: AsyncSession, sub: str) -> Account | None:
        return (await session.exec(
            select(Account).where(or_(Account.participant_id == sub, Account.staff_id == sub))
        )).first()

    async def roles_of(self, principal: Principal) -> list[rules.Grant]:
        async with self.db.sessions() as session:
            account = await self._account_of(session, principal.sub)
            return await self.grants(session, account) if account else []

    async def switch(self, principal: Principal, role: str) -> Principal:
        async with self.db.sessions() as session:
            account = await self._account_of(session, principal.sub)
            grants = await self.grants(session, account) if account and account.state == "active" else []
        for grant in grants:
            if grant.role == role:
                return self.principal(account, grant)
        raise Forbidden("Эта роль вам сейчас не назначена")

    def _verify(self, hashed: str, password: str) -> bool:
        try:
            return self.hasher.verify(hashed, password)
        except (VerificationError, InvalidHashError):
            return False

    # argon2 is ~50 ms of CPU by design: in a thread (the C code releases the GIL), not in the event loop
    async def _averify(self, hashed: str, password: str) -> bool:
        return await asyncio.to_thread(self._verify, hashed, password)

    async def _ahash(self, password: str) -> str:
        return await asyncio.to_thread(self.hasher.hash, password)

    # -- links: invitations and resets --------------------------------------------------------

    async def _issue(self, work: Work, account: Account, purpose: str, email: str | None, *, short: bool = False) -> IssuedLink:
        now = utcnow()
        # A fresh link replaces the person's earlier unused ones of the same purpose.
        earlier = (await work.session.exec(select(AccountLink).where(
            AccountLink.account_id == account.id, AccountLink.purpose == purpose, col(AccountLink.used_at).is_(None)))).all()
        for link in earlier:
            link.used_at = now
            work.session.add(link)
        token = rules.new_short_code() if short else rules.new_link_token()
        expires = now + rules.LINK_VALIDITY[purpose]
        work.session.add(AccountLink(id=str(uuid.uuid4()), token_hash=rules.token_hash(token), account_id=account.id,
                                     purpose=purpose, expires_at=expires))
        if email:
            work.emit(AccountLinkIssued(account_id=account.id, purpose=purpose, display_name=account.display_name,
                                        email=email, link_path=link_path(token, purpose), expires_at=expires))
        return IssuedLink(account, token, expires, bool(email))

    async def _ensure_account(self, work: Work, *, staff: StaffAppointment | None = None, person: Participant | None = None) -> Account:
        if staff is not None:
            account = (await work.session.exec(select(Account).where(Account.staff_id == staff.id))).first()
            wanted_login, name = staff.email, staff.full_name
        else:
            assert person is not None
            account = (await work.session.exec(select(Account).where(Account.participant_id == person.id))).first()
            wanted_login, name = person.contact_email, person.full_name
        if account is not None:
            account.display_name = name
            return account
        login = rules.normalise_login(wanted_login) if wanted_login else ""
        while not login or (await work.session.exec(select(Account.id).where(Account.login == login))).first():
            login = rules.new_login()  # no address, or the address is another account's login
        account = Account(id=str(uuid.uuid4()), login=login, display_name=name, staff_id=staff.id if staff else None,
                          participant_id=person.id if person else None, school_id=person.school_id if person else None)
        work.session.add(account)
        await work.session.flush()
        return account

    async def invite_person(self, participant_id: str, principal: Principal) -> IssuedLink:
        async with self.uow() as work:
            person = await self._person_in_scope(work.session, participant_id, principal)
            if not rules.person_grants(await self._facts(work.session, person)):
                raise Unprocessable("Пригласить можно только того, кто зачислен в программу или назначен куратором "
                                    "(обучающегося — если согласие разрешает учётную запись)", field="participant_id")
            account = await self._ensure_account(work, person=person)
            self._audit(work, principal, "account.invited", account.id)
            return await self._issue(work, account, "invitation", person.contact_email)

    async def invite_staff(self, staff_id: str, principal: Principal | None) -> IssuedLink:
        async with self.uow() as work:
            staff = await work.session.get(StaffAppointment, staff_id)
            if staff is None or not staff.active:
                raise NotFound("Назначение не найдено")
            account = await self._ensure_account(work, staff=staff)
            self._audit(work, principal, "account.invited", account.id)
            return await self._issue(work, account, "invitation", staff.email)

    async def invite_account(self, account_id: str, principal: Principal) -> IssuedLink:
        account = await self._account_in_scope(account_id, principal)
        if account.staff_id:
            return await self.invite_staff(account.staff_id, principal)
        return await self.invite_person(account.participant_id or "", principal)

    async def open_link(self, token: str, purpose: str) -> Account:
        async with self.db.sessions() as session:
            link, account = await self._link(session, token, purpose)
            return account

    async def _link(self, session: AsyncSession, token: str, purpose: str) -> tuple[AccountLink, Account]:
        hashes = {rules.token_hash(token), rules.token_hash(rules.normalise_code(token))}
        link = (await session.exec(select(AccountLink).where(col(AccountLink.token_hash).in_(hashes)))).first()
        if link is None or link.purpose != purpose:
            raise LinkInvalid("unknown")
        if link.used_at is not None:
            raise LinkInvalid("used")
        if link.expires_at <= utcnow():
            raise LinkInvalid("expired")
        account = await session.get(Account, link.account_id)
        if account is None or account.state == "disabled" or not await self.grants(session, account):
            raise LinkInvalid("refused")
        return link, account

    async def set_password_by_link(self, token: str, purpose: str, password: str, repeat: str) -> Principal:
        async with self.uow() as work:
            link, account = await self._link(work.session, token, purpose)
            self._check_new_password(account, password, repeat)
            now = utcnow()
            link.used_at = now
            account.password_hash = await self._ahash(password)
            account.password_changed_at = now
            account.state = "active"
            account.failed_attempts, account.locked_until = 0, None  # a reset also lifts a lock
            account.last_sign_in_at = now
            work.session.add_all([link, account])
            work.session.add(AuditRecord(actor=f"account:{account.id}", action=f"account.{purpose}.used", target=account.id))
            grants = await self.grants(work.session, account)
        return self.principal(account, grants[0])

    def _check_new_password(self, account: Account, password: str, repeat: str) -> None:
        problem = rules.password_problem(password, account.login)
        if problem:
            raise Unprocessable(problem, field="password")
        if password != repeat:
            raise Unprocessable("Пароли не совпадают", field="repeat")

    async def request_reset(self, login_or_email: str) -> None:
        """Send a reset link where an address is known; the caller answers the same either way."""
        wanted = rules.normalise_login(login_or_email)
        if not wanted:
            return
        async with self.uow() as work:
            accounts = (await work.session.exec(select(Account).where(Account.login == wanted))).all()
            if not accounts:
                staff_ids = select(StaffAppointment.id).where(func.lower(StaffAppointment.email) == wanted)
                people = select(Participant.id).where(Participant.contact_email == wanted)
                accounts = (await work.session.exec(select(Account).where(
                    or_(col(Account.staff_id).in_(staff_ids), col(Account.participant_id).in_(people))))).all()
            for account in accounts:
                if account.state != "active" or not await self.grants(work.session, account):
                    continue
                email = await self._email(work.session, account)
                if email:
                    await self._issue(work, account, "password_reset", email)

    @staticmethod
    async def _email(session: AsyncSession, account: Account) -> str | None:
        if account.staff_id:
            staff = await session.get(StaffAppointment, account.staff_id)
            return staff.email if staff else None
        person = await session.get(Participant, account.participant_id)
        return person.contact_email if person else None

    async def change_password(self, principal: Principal, current: str, password: str, repeat: str) -> None:
        async with self.uow() as work:
            account = await self._account_of(work.session, principal.sub)
            if account is None or account.password_hash is None:
                raise NotFound("Учётная запись не найдена")
            if not await self._averify(account.password_hash, current):
                raise Unprocessable("Текущий пароль указан неверно", field="current")
            self._check_new_password(account, password, repeat)
            account.password_hash = await self._ahash(password)
            account.password_changed_at = utcnow()
            work.session.add(account)
            self._audit(work, principal, "account.password_changed", account.id)

    async def school(self, school_id: str, principal: Principal) -> School:
        async with self.db.sessions() as session:
            school = await session.get(School, school_id)
        if school is None or not (principal.role == "region_admin" or (
                principal.role == "school_curator" and principal.scope_id == school_id)):
            raise NotFound("Школа не найдена")
        return school

    async def _person_in_scope(self, session: AsyncSession, participant_id: str, principal: Principal) -> Participant:
        person = await session.get(Participant, participant_id)
        if person is None or person.status != "active":
            raise NotFound("Участник не найден")
        await self.school(person.school_id, principal)
        return person

    async def _account_in_scope(self, account_id: str, principal: Principal) -> Account:
        async with self.db.sessions() as session:
            account = await session.get(Account, account_id)
        if account is None or not (principal.role == "region_admin" or (
                principal.role == "school_curator" and account.school_id == principal.scope_id)):
            raise NotFound("Учётная запись не найдена")
        return account

    @staticmethod
    def _audit(work: Work, principal: Principal | None, action: str, target: str, detail: str = "") -> None:
        work.session.add(AuditRecord(actor=_actor(principal), action=action, target=target, detail=detail,
                                     entity=action.partition(".")[0], role=principal.role if principal else ""))



def _actor(principal: Principal | None) -> str:
    if principal is None:
        return "cli"
    return f"{principal.role}:{principal.sub}@{principal.scope}:{principal.scope_id}"
