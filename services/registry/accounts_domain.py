"""Pure rules of accounts: who may sign in with which role, password rules, the lockout policy,
safe return paths. No I/O: services/registry/accounts.py feeds them what the registry knows."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256  # limits on input (issue 13): a longer one is refused, not hashed
SLOW_AFTER = 5  # failures in a row before each next attempt is slowed down
LOCK_AFTER = 10  # failures in a row that lock the account
LOCK_FOR = timedelta(minutes=15)
MAX_DELAY = 2.0  # seconds
LINK_VALIDITY = {"invitation": timedelta(days=14), "password_reset": timedelta(hours=24)}

RANK = ("region_admin", "data_protection_officer", "municipal_coordinator", "school_curator", "mentor", "mentee")
"""Roles from the widest to the narrowest: a person with several signs in with the first one
and may switch to another (see docs/registry.md)."""

STAFF_ROLES = ("region_admin", "municipal_coordinator", "data_protection_officer")
"""Region staff the administrator appoints; the data-protection officer (ответственный за
обработку персональных данных, 152-ФЗ ст. 22.1) reads the audit of personal data (shared/audit.py)."""


@dataclass(frozen=True)
class Grant:
    """One role a person may act in, with its scope (as shared.auth.Principal has them)."""

    role: str
    scope: str
    scope_id: str


@dataclass(frozen=True)
class StaffFacts:
    role: str
    municipality_id: str | None
    active: bool = True


@dataclass(frozen=True)
class PersonFacts:
    """What the registry knows about a participant that decides their roles."""

    school_id: str
    category: str
    status: str
    consent_recorded: bool
    account_allowed: bool
    curator: bool = False  # curator of a running programme of the school, or appointed curator of the school
    enrolled_as: frozenset[str] = field(default_factory=frozenset)  # roles of active enrolments in running programmes (curator too)


def staff_grants(facts: StaffFacts, region_id: str) -> list[Grant]:
    if not facts.active:
        return []
    if facts.role in ("region_admin", "data_protection_officer"):
        return [Grant(facts.role, "region", region_id)]
    if facts.role == "municipal_coordinator" and facts.municipality_id:
        return [Grant("municipal_coordinator", "municipality", facts.municipality_id)]
    return []


def may_have_account(facts: PersonFacts) -> bool:
    """An active person with recorded consent; a pupil only where the consent allows an account."""
    if facts.status != "active" or not facts.consent_recorded:
        return False
    return facts.category != "pupil" or facts.account_allowed


def person_grants(facts: PersonFacts) -> list[Grant]:
    """The roles a participant may sign in with now, widest first (empty: may not sign in)."""
    if not may_have_account(facts):
        return []
    roles = set(facts.enrolled_as) & {"mentor", "mentee"}
    if (facts.curator or "curator" in facts.enrolled_as) and facts.category != "pupil":
        roles.add("school_curator")
    return [Grant(role, "school", facts.school_id) for role in RANK if role in roles]


def password_problem(password: str, login: str) -> str | None:
    """Why a new password is not accepted (Russian, for the form), or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Пароль должен быть не короче {MIN_PASSWORD_LENGTH} символов"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Пароль должен быть не длиннее {MAX_PASSWORD_LENGTH} символов"
    if password.strip().casefold() == login.strip().casefold():
        return "Пароль не должен совпадать с логином"
    if len(set(password)) < 3:
        return "Пароль слишком простой: используйте разные символы"
    return None


@dataclass(frozen=True)
class Attempts:
    """Failed sign-ins in a row and the lock, as stored on the account."""

    failed: int = 0
    locked_until: datetime | None = None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now

    def current(self, now: datetime) -> Attempts:
        """A lock that has run out starts a fresh count."""
        if self.locked_until is not None and self.locked_until <= now:
            return Attempts()
        return self

    def delay(self) -> float:
        """Seconds to wait before answering the next attempt: none for the first few, then growing."""
        if self.failed < SLOW_AFTER:
            return 0.0
        return min(MAX_DELAY, 0.25 * 2 ** (self.failed - SLOW_AFTER))

    def failure(self, now: datetime) -> Attempts:
        failed = self.failed + 1
        return Attempts(failed, now + LOCK_FOR if failed >= LOCK_AFTER else self.locked_until)


def safe_next(target: str | None, default: str) -> str:
    """Where to go after sign-in: only a path of this site (no scheme, no host, no '//')."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if any(ord(c) < 32 for c in target):
        return default
    return target


def normalise_login(login: str) -> str:
    return login.strip().casefold()


def new_link_token() -> str:
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    """Only this is stored: a leaked table gives no usable link."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_login() -> str:
    """A login for a person without an e-mail address: short, unambiguous digits, on their letter."""
    return "n" + "".join(secrets.choice("23456789") for _ in range(7))


SHORT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper and typed


def new_short_code() -> str:
    """A printed letter's code (60 bits, one-time, 14 days): XXXX-XXXX-XXXX."""
    raw = "".join(secrets.choice(SHORT_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(code: str) -> str:
    """What a person typed from the letter, back to the code's form (case and dashes forgiven)."""
    raw = "".join(c for c in code.upper() if c.isalnum())
    if len(raw) != 12 or any(c not in SHORT_ALPHABET for c in raw):
        return code
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
