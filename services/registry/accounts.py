"""Accounts use cases: staff appointments, curator appointments, invitations and reset links,
passwords, sign-in with lockout, and what each person may sign in as.

A role is never stored on the account: it is resolved at each sign-in from what the registry
knows (accounts_domain.staff_grants / person_grants), so a person who is no longer enrolled or
appointed cannot sign in. Links are one-time and expiring; only their hash is stored."""

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
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from shared.messaging.outbox import UnitOfWork, Work
from shared.settings import Settings

from services.registry import accounts_domain as rules
from services.registry.models import (
    Account,
    AccountLink,
    AuditRecord,
    CuratorAppointment,
    Enrolment,
    Municipality,
    Participant,
    Programme,
    School,
    StaffAppointment,
)
from services.registry.revocations import revoke

_throttle = asyncio.sleep  # a seam: tests replace this, never asyncio.sleep itself (every task uses that)

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


class Accounts:
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

    # -- sign-in ------------------------------------------------------------------------------

    async def sign_in(self, login: str, password: str) -> Principal:
        """The principal of the person's widest role; SignInFailed (one message) otherwise."""
        now = utcnow()
        async with self.db.sessions() as session:
            account = (await session.exec(select(Account).where(Account.login == rules.normalise_login(login)))).first()
        if account is None or account.password_hash is None:
            await self._averify(self._dummy_hash, password)  # the same work as for a real account
            raise SignInFailed
        delay = rules.Attempts(account.failed_attempts, account.locked_until).current(now).delay()
        if delay:
            await _throttle(delay)  # slow down guessing; the lock below stops it
        checked = account.password_hash
        correct = await self._averify(checked, password)
        async with self.uow() as work:
            # the row locked (PostgreSQL): parallel guesses are counted one by one, none slips past the lock
            account = await work.session.get(Account, account.id, with_for_update=True, populate_existing=True)
            correct = correct and account.password_hash == checked
            attempts = rules.Attempts(account.failed_attempts, account.locked_until).current(now)
            grants = await self.grants(work.session, account)
            if attempts.locked(now) or account.state != "active" or not correct or not grants:
                if not correct and not attempts.locked(now):
                    attempts = attempts.failure(now)
                    if attempts.locked(now):
                        work.session.add(AuditRecord(actor="system", action="account.locked", target=account.id))
                account.failed_attempts, account.locked_until = attempts.failed, attempts.locked_until
                work.session.add(account)
                failed = True
            else:
                account.failed_attempts, account.locked_until = 0, None
                account.last_sign_in_at = now
                if self.hasher.check_needs_rehash(account.password_hash):  # parameters changed since it was set
                    account.password_hash = await self._ahash(password)
                work.session.add(account)
                failed = False
        if failed:
            raise SignInFailed
        return self.principal(account, grants[0])

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

    # -- the region admin: staff and accounts ------------------------------------------------

    async def appoint_staff(self, full_name: str, email: str, role: str, municipality_id: str | None,
                            principal: Principal | None) -> StaffAppointment:
        full_name, email = full_name.strip(), email.strip().lower()
        if not full_name:
            raise Unprocessable("Укажите фамилию, имя и отчество", field="full_name")
        if "@" not in email or "." not in email.split("@")[-1] or " " in email:
            raise Unprocessable("Укажите адрес электронной почты, например ivanova@example.ru", field="email")
        if role not in rules.STAFF_ROLES:
            raise Unprocessable("Выберите роль", field="role")
        async with self.uow() as work:
            if role == "municipal_coordinator":
                if not municipality_id or await work.session.get(Municipality, municipality_id) is None:
                    raise Unprocessable("Выберите муниципалитет", field="municipality_id")
            else:
                municipality_id = None
            taken = (await work.session.exec(select(StaffAppointment.id).where(
                func.lower(StaffAppointment.email) == email, StaffAppointment.active == True))).first()  # noqa: E712
            if taken:
                raise Conflict("Сотрудник с таким адресом уже назначен", field="email")
            row = StaffAppointment(id=str(uuid.uuid4()), full_name=full_name, email=email, role=role,
                                   municipality_id=municipality_id, appointed_by=_actor(principal))
            work.session.add(row)
            self._audit(work, principal, "staff.appointed", row.id, role)
            return row

    async def staff(self) -> list[tuple[StaffAppointment, Account | None]]:
        async with self.db.sessions() as session:
            rows = (await session.exec(
                select(StaffAppointment, Account).join(Account, col(Account.staff_id) == StaffAppointment.id, isouter=True)
                .order_by(StaffAppointment.full_name))).all()
        return [(staff, account) for staff, account in rows]

    async def municipalities(self) -> list[Municipality]:
        async with self.db.sessions() as session:
            return list((await session.exec(select(Municipality).order_by(Municipality.name))).all())

    async def accounts(self, principal: Principal, *, query: str = "", state: str = "", limit: int = 200) -> list[Account]:
        if principal.role != "region_admin":
            raise Forbidden("Все учётные записи видит администратор региона")
        statement = select(Account).order_by(Account.display_name).limit(limit)
        if query:
            # SQLite's LIKE folds only ASCII case: match the spellings people type (иван → Иванова)
            text = query.strip()
            spellings = {text, text.lower(), text.capitalize(), text.title(), text.upper()}
            statement = statement.where(or_(*(col(Account.display_name).like(f"%{v}%") for v in spellings),
                                            col(Account.login).like(f"%{text.lower()}%")))
        if state == "locked":
            statement = statement.where(col(Account.locked_until) > utcnow())
        elif state:
            statement = statement.where(Account.state == state)
        async with self.db.sessions() as session:
            return list((await session.exec(statement)).all())

    async def _account_in_scope(self, account_id: str, principal: Principal) -> Account:
        async with self.db.sessions() as session:
            account = await session.get(Account, account_id)
        if account is None or not (principal.role == "region_admin" or (
                principal.role == "school_curator" and account.school_id == principal.scope_id)):
            raise NotFound("Учётная запись не найдена")
        return account

    async def set_state(self, account_id: str, action: str, principal: Principal) -> Account:
        """unlock | disable | enable (the region admin; a curator for the people of their school)."""
        await self._account_in_scope(account_id, principal)
        async with self.uow() as work:
            account = await work.session.get(Account, account_id)
            if action == "unlock":
                account.failed_attempts, account.locked_until = 0, None
            elif action == "disable":
                if principal.sub in (account.staff_id, account.participant_id):
                    raise Conflict("Свою учётную запись отключить нельзя", field="account")
                account.state = "disabled"
            elif action == "enable":
                account.state = "active" if account.password_hash else "invited"
            else:
                raise Unprocessable("Неизвестное действие", field="action")
            work.session.add(account)
            self._audit(work, principal, f"account.{action}", account.id)
            if action == "disable":
                await revoke(work, account.staff_id or account.participant_id or account.id, "account_disabled")
            return account

    async def revoke_sessions(self, subject_id: str, principal: Principal) -> None:
        """The region administrator ends every session and token of a person (an account's staff
        or participant id, or the subject of a token from `nastavnik token`)."""
        if principal.role != "region_admin":
            raise Forbidden("Отзывать сеансы может администратор региона")
        subject_id = subject_id.strip()
        if not subject_id or len(subject_id) > 200:
            raise Unprocessable("Укажите идентификатор учётной записи или субъекта токена", field="subject_id")
        async with self.uow() as work:
            await revoke(work, subject_id, "administrator")
            self._audit(work, principal, "sessions.revoked", subject_id)

    async def revoke_account_sessions(self, account_id: str, principal: Principal) -> None:
        account = await self._account_in_scope(account_id, principal)
        await self.revoke_sessions(account.staff_id or account.participant_id or account.id, principal)

    # -- a school's people -------------------------------------------------------------------

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

    async def people(self, school_id: str, principal: Principal) -> list[PersonRow]:
        """The active people of a school with their account and the roles they could sign in with."""
        await self.school(school_id, principal)
        async with self.db.sessions() as session:
            people = (await session.exec(select(Participant).where(
                Participant.school_id == school_id, Participant.status == "active").order_by(Participant.full_name))).all()
            accounts = {a.participant_id: a for a in (await session.exec(select(Account).where(Account.school_id == school_id))).all()}
            running = {p.id: p for p in (await session.exec(select(Programme).where(
                Programme.school_id == school_id, col(Programme.stage) != "closed"))).all()}
            enrolments = (await session.exec(select(Enrolment).where(
                col(Enrolment.programme_id).in_(list(running)), Enrolment.active == True))).all()  # noqa: E712
            appointed = set((await session.exec(select(CuratorAppointment.participant_id).where(
                CuratorAppointment.school_id == school_id, CuratorAppointment.active == True))).all())  # noqa: E712
        roles: dict[str, set[str]] = {}
        for enrolment in enrolments:
            roles.setdefault(enrolment.participant_id, set()).add(enrolment.role)
        curators = appointed | {p.curator_id for p in running.values() if p.curator_id}
        rows = []
        for person in people:
            facts = rules.PersonFacts(school_id, person.category, person.status, person.consent_date is not None,
                                      person.account_allowed, person.id in curators, frozenset(roles.get(person.id, ())))
            rows.append(PersonRow(person, accounts.get(person.id), [g.role for g in rules.person_grants(facts)], person.id in appointed))
        return rows

    async def appoint_curator(self, participant_id: str, principal: Principal) -> None:
        async with self.uow() as work:
            person = await self._person_in_scope(work.session, participant_id, principal)
            if person.category == "pupil":
                raise Unprocessable("Куратором назначают педагога или сотрудника, не обучающегося", field="participant_id")
            if person.consent_date is None:
                raise Unprocessable("Сначала внесите согласие на обработку персональных данных", field="participant_id")
            row = (await work.session.exec(select(CuratorAppointment).where(
                CuratorAppointment.school_id == person.school_id, CuratorAppointment.participant_id == person.id))).first()
            if row is None:
                row = CuratorAppointment(id=str(uuid.uuid4()), school_id=person.school_id, participant_id=person.id,
                                         appointed_by=_actor(principal))
            row.active = True
            work.session.add(row)
            self._audit(work, principal, "curator.appointed", person.id)
            await revoke(work, person.id, "role_changed")

    async def revoke_curator(self, participant_id: str, principal: Principal) -> None:
        """End an appointment as the school's curator (a programme's curator is changed on the programme)."""
        if principal.sub == participant_id:
            raise Conflict("Снять с кураторства себя нельзя: это сделает другой куратор или администратор", field="participant_id")
        async with self.uow() as work:
            person = await self._person_in_scope(work.session, participant_id, principal)
            rows = (await work.session.exec(select(CuratorAppointment).where(
                CuratorAppointment.participant_id == person.id, CuratorAppointment.active == True))).all()  # noqa: E712
            for row in rows:
                row.active = False
                work.session.add(row)
            self._audit(work, principal, "curator.revoked", person.id)
            await revoke(work, person.id, "role_changed")

    async def letters(self, school_id: str, principal: Principal) -> list[IssuedLink]:
        """Fresh invitation links for the people of a school who may sign in but have no password yet."""
        rows = [r for r in await self.people(school_id, principal)
                if r.eligible and (r.account is None or r.account.state == "invited")]
        issued = []
        async with self.uow() as work:
            for row in rows:
                person = await work.session.get(Participant, row.participant.id)
                account = await self._ensure_account(work, person=person)
                issued.append(await self._issue(work, account, "invitation", None, short=True))  # on paper: no mail
            self._audit(work, principal, "account.letters", school_id, str(len(issued)))
        return issued

    # -- the first administrator, the demo -------------------------------------------------

    async def create_admin(self, full_name: str, email: str) -> IssuedLink:
        staff = await self.appoint_staff(full_name, email, "region_admin", None, None)
        return await self.invite_staff(staff.id, None)

    async def set_password(self, account_id: str, password: str) -> None:
        """Demo accounts only (nastavnik run --demo): a known password without a link."""
        async with self.uow() as work:
            account = await work.session.get(Account, account_id)
            account.password_hash = await self._ahash(password)
            account.state = "active"
            work.session.add(account)

    async def demo_account(self, login: str) -> Principal:
        """Demo mode: the one-click sign-in as a demo login (its widest role)."""
        async with self.db.sessions() as session:
            account = (await session.exec(select(Account).where(Account.login == login))).first()
            grants = await self.grants(session, account) if account else []
        if not grants:
            raise NotFound("Демонстрационная учётная запись не найдена")
        return self.principal(account, grants[0])

    async def person_account(self, participant_id: str, login: str, principal: Principal | None) -> Account:
        """An account with a chosen login (demo)."""
        async with self.uow() as work:
            person = await work.session.get(Participant, participant_id)
            account = await self._ensure_account(work, person=person)
            account.login = login
            work.session.add(account)
            return account

    @staticmethod
    def _audit(work: Work, principal: Principal | None, action: str, target: str, detail: str = "") -> None:
        work.session.add(AuditRecord(actor=_actor(principal), action=action, target=target, detail=detail,
                                     entity=action.partition(".")[0], role=principal.role if principal else ""))


def _actor(principal: Principal | None) -> str:
    if principal is None:
        return "cli"
    return f"{principal.role}:{principal.sub}@{principal.scope}:{principal.scope_id}"
