"""Accounts use cases: staff appointments, curator appointments, invitations and reset links,
passwords, sign-in with lockout, and what each person may sign in as.

A role is never stored on the account: it is resolved at each sign-in from what the registry
knows (accounts_domain.staff_grants / person_grants), so a person who is no longer enrolled or
appointed cannot sign in. Links are one-time and expiring; only their hash is stored. Grants,
passwords and links are the base's (accounts_links.py); sign-in and administration are here."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import func, or_
from sqlmodel import col, select

from shared.auth import Principal
from shared.clock import utcnow
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable

from services.registry import accounts_domain as rules
from services.registry.accounts_links import AccountsBase, IssuedLink, PersonRow, SignInFailed, _actor
from services.registry.models import (
    Account,
    AuditRecord,
    CuratorAppointment,
    Enrolment,
    Municipality,
    Participant,
    Programme,
    StaffAppointment,
)
from services.registry.revocations import revoke

_throttle = asyncio.sleep  # a seam: tests replace this, never asyncio.sleep itself (every task uses that)


class Accounts(AccountsBase):
    """The accounts use cases: AccountsBase's constructor (db, unit of work, settings, password hasher)."""

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
