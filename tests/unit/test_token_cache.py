"""The verified-token cache of shared.auth answers as verification would."""

from __future__ import annotations

import time
from datetime import timedelta

import jwt
import pytest

from shared import auth
from shared.auth import TokenCache, issue_token

SECRET = "unit-secret-of-sufficient-length-32b"


def test_a_token_is_verified_once_and_then_served_from_the_cache(monkeypatch) -> None:
    cache = TokenCache(SECRET)
    token = issue_token(SECRET, sub="e1", role="mentee", scope="school", scope_id="s1", ttl=timedelta(hours=1))
    calls = []
    decode = auth._decode_claims
    monkeypatch.setattr(auth, "_decode_claims", lambda *a: calls.append(a) or decode(*a))
    assert cache.principal(token).sub == "e1"
    assert cache.principal(token).sub == "e1"
    assert len(calls) == 1


def test_an_expired_token_is_refused_even_when_cached() -> None:
    cache = TokenCache(SECRET)
    token = issue_token(SECRET, sub="e1", role="mentee", scope="school", scope_id="s1", ttl=timedelta(seconds=1))
    cache.principal(token)
    time.sleep(2)
    with pytest.raises(jwt.ExpiredSignatureError):
        cache.principal(token)


def test_invalid_tokens_are_never_cached_and_the_cache_stays_small() -> None:
    cache = TokenCache(SECRET, size=2)
    forged = issue_token("another-secret-of-sufficient-length", sub="e1", role="mentee", scope="school", scope_id="s1",
                         ttl=timedelta(hours=1))
    for _ in range(2):
        with pytest.raises(jwt.InvalidSignatureError):
            cache.principal(forged)
    tokens = [issue_token(SECRET, sub=f"p{n}", role="mentee", scope="school", scope_id="s1", ttl=timedelta(hours=1))
              for n in range(3)]
    assert [cache.principal(t).sub for t in tokens] == ["p0", "p1", "p2"]
    assert len(cache._entries) == 2
