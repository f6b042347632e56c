from __future__ import annotations

from datetime import timedelta

import jwt
import pytest

from shared.auth import Principal, decode_token, issue_token

SECRET = "unit-test-secret-0123456789-abcdefgh"


def test_token_round_trip() -> None:
    token = issue_token(SECRET, sub="anna", role="school_curator", scope="school", scope_id="s1", ttl=timedelta(hours=1))
    principal = decode_token(SECRET, token)
    assert principal.model_copy(update={"iat": None, "ts": None}) == Principal(sub="anna", role="school_curator", scope="school", scope_id="s1")
    assert principal.ts is not None and principal.iat == int(principal.ts)  # the issue time, compared with revocations


def test_token_signed_with_another_secret_is_refused() -> None:
    token = issue_token("another-secret-0123456789-abcdefghijk", sub="x", role="region_admin", scope="region", scope_id="r", ttl=timedelta(hours=1))
    with pytest.raises(jwt.InvalidSignatureError):
        decode_token(SECRET, token)


def test_expired_token_is_refused() -> None:
    token = issue_token(SECRET, sub="x", role="region_admin", scope="region", scope_id="r", ttl=timedelta(seconds=-1))
    with pytest.raises(jwt.ExpiredSignatureError):
        decode_token(SECRET, token)


def test_unknown_role_cannot_be_issued() -> None:
    with pytest.raises(ValueError, match="unknown role"):
        issue_token(SECRET, sub="x", role="director", scope="school", scope_id="s", ttl=timedelta(hours=1))


def test_scopes() -> None:
    school = Principal(sub="c", role="school_curator", scope="school", scope_id="s1")
    municipality = Principal(sub="m", role="municipal_coordinator", scope="municipality", scope_id="m1")
    region = Principal(sub="r", role="region_admin", scope="region", scope_id="r")
    assert school.sees_school("s1", "m1") and not school.sees_school("s2", "m1")
    assert municipality.sees_school("s2", "m1") and not municipality.sees_school("s3", "m2")
    assert region.sees_school("s3", "m2")
    assert not school.sees_municipality("m1") and municipality.sees_municipality("m1")
