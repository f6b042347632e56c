"""Pure rules of accounts: roles from what the registry knows, password rules, lockout, safe
return paths, letter codes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from services.registry import accounts_domain as rules
from services.registry.accounts_domain import Attempts, Grant, PersonFacts, StaffFacts

NOW = datetime(2026, 12, 1, 12, 0)


def person(**changes) -> PersonFacts:
    base = {"school_id": "s1", "category": "teacher", "status": "active", "consent_recorded": True, "account_allowed": False}
    return PersonFacts(**{**base, **changes})


def test_staff_roles_come_from_the_appointment() -> None:
    assert rules.staff_grants(StaffFacts("region_admin", None), "r1") == [Grant("region_admin", "region", "r1")]
    assert rules.staff_grants(StaffFacts("municipal_coordinator", "m1"), "r1") == [Grant("municipal_coordinator", "municipality", "m1")]
    assert rules.staff_grants(StaffFacts("municipal_coordinator", None), "r1") == []
    assert rules.staff_grants(StaffFacts("region_admin", None, active=False), "r1") == []


def test_a_participant_signs_in_only_with_a_role_widest_first() -> None:
    assert rules.person_grants(person()) == []  # registered, consented, but neither enrolled nor curator
    both = rules.person_grants(person(curator=True, enrolled_as=frozenset({"mentor"})))
    assert [g.role for g in both] == ["school_curator", "mentor"] and all(g.scope == "school" and g.scope_id == "s1" for g in both)
    assert [g.role for g in rules.person_grants(person(enrolled_as=frozenset({"mentee", "mentor"})))] == ["mentor", "mentee"]
    assert [g.role for g in rules.person_grants(person(enrolled_as=frozenset({"curator"})))] == ["school_curator"]  # enrolled as curator


def test_no_account_without_consent_or_after_withdrawal() -> None:
    enrolled = frozenset({"mentee"})
    assert rules.person_grants(person(consent_recorded=False, enrolled_as=enrolled)) == []
    assert rules.person_grants(person(status="withdrawn", enrolled_as=enrolled)) == []
    assert rules.person_grants(person(status="left", enrolled_as=enrolled)) == []


def test_a_pupil_only_where_the_consent_allows_an_account_and_never_as_curator() -> None:
    pupil = {"category": "pupil", "enrolled_as": frozenset({"mentee"})}
    assert rules.person_grants(person(**pupil)) == []
    assert [g.role for g in rules.person_grants(person(**pupil, account_allowed=True))] == ["mentee"]
    assert [g.role for g in rules.person_grants(person(**pupil, account_allowed=True, curator=True))] == ["mentee"]
    assert [g.role for g in rules.person_grants(person(category="student", enrolled_as=frozenset({"mentor"})))] == ["mentor"]


@pytest.mark.parametrize(("password", "login", "problem"), [
    ("короткий", "ivanova", "не короче 10"),
    ("Ivanova@School.ru", "ivanova@school.ru", "совпадать с логином"),
    ("aaaaaaaaaaaa", "ivanova", "слишком простой"),
    ("весенний-ручей-7", "ivanova", None),
    ("0123456789", "ivanova", None),
    ("абв" * 100, "ivanova", "не длиннее 256"),
])
def test_password_rules(password: str, login: str, problem: str | None) -> None:
    found = rules.password_problem(password, login)
    assert (found is None) if problem is None else (problem in found)


def test_failures_slow_down_after_five_and_lock_after_ten_for_fifteen_minutes() -> None:
    attempts, delays = Attempts(), []
    for _ in range(9):
        delays.append(attempts.delay())
        attempts = attempts.failure(NOW)
        assert not attempts.locked(NOW)
    assert delays[:5] == [0, 0, 0, 0, 0] and delays[5:] == sorted(delays[5:]) and delays[5] > 0
    assert attempts.delay() <= rules.MAX_DELAY
    attempts = attempts.failure(NOW)
    assert attempts.locked(NOW) and attempts.locked(NOW + timedelta(minutes=14, seconds=59))
    assert not attempts.locked(NOW + timedelta(minutes=15))
    assert attempts.current(NOW + timedelta(minutes=1)) == attempts  # still locked: the count stays
    assert attempts.current(NOW + timedelta(minutes=16)) == Attempts()  # run out: a fresh count
    assert Attempts(30).delay() == rules.MAX_DELAY


@pytest.mark.parametrize(("target", "expected"), [
    ("/pairing/my", "/pairing/my"),
    ("/reports/dashboard?scope=school&scope_id=s1", "/reports/dashboard?scope=school&scope_id=s1"),
    ("https://evil.example/", "/registry/"),
    ("//evil.example/", "/registry/"),
    ("/\\evil.example", "/registry/"),
    ("javascript:alert(1)", "/registry/"),
    ("/ok\r\nSet-Cookie: x=1", "/registry/"),
    ("", "/registry/"),
    (None, "/registry/"),
])
def test_next_stays_on_the_site(target: str | None, expected: str) -> None:
    assert rules.safe_next(target, "/registry/") == expected


def test_letter_codes_are_typable_and_forgive_case_and_dashes() -> None:
    code = rules.new_short_code()
    assert len(code) == 14 and code[4] == code[9] == "-" and not set(code) & set("01OI")
    assert rules.normalise_code(code.lower().replace("-", "")) == code
    assert rules.normalise_code("not-a-code") == "not-a-code"
    assert rules.token_hash(code) != code and len(rules.token_hash(code)) == 64
