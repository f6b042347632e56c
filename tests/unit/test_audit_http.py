"""Issue 13: the client address of an audit entry, what the access log may show of a path, and the
revocation list's rule."""

from __future__ import annotations

from shared.audit import client_address, loggable_path, pseudonym
from shared.revocation import Revoked

TRUSTED = frozenset({"127.0.0.1", "::1"})


def scope(peer: str, forwarded: str | None = None) -> dict:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded is not None else []
    return {"client": (peer, 5000), "headers": headers}


def test_the_client_is_the_peer_unless_the_peer_is_a_trusted_proxy() -> None:
    assert client_address(scope("198.51.100.4", "203.0.113.7"), TRUSTED) == "198.51.100.4"  # a forged header is ignored
    assert client_address(scope("127.0.0.1", "203.0.113.7"), TRUSTED) == "203.0.113.7"
    # the client may send its own X-Forwarded-For: only what the trusted proxy appended counts
    assert client_address(scope("127.0.0.1", "10.9.9.9, 203.0.113.7"), TRUSTED) == "203.0.113.7"
    assert client_address(scope("127.0.0.1", "203.0.113.7, 127.0.0.1"), TRUSTED) == "203.0.113.7"
    assert client_address(scope("127.0.0.1", "not-an-address"), TRUSTED) == "127.0.0.1"
    assert client_address(scope("127.0.0.1"), TRUSTED) == "127.0.0.1"


def test_personal_links_never_reach_the_access_log() -> None:
    assert loggable_path("/registry/invite/s3cr3t-token") == "/registry/invite/…"
    assert loggable_path("/surveys/form/abc/") == "/surveys/form/…/"
    assert loggable_path("/registry/people/p-1") == "/registry/people/p-1"


def test_a_revocation_refuses_what_was_issued_before_it_only() -> None:
    revoked = Revoked()
    revoked.note("p-1", 1000.0)
    revoked.note("p-1", 900.0)  # an older revocation arriving late changes nothing
    assert revoked.refuses("p-1", 999.5) and revoked.refuses("p-1", None)
    assert not revoked.refuses("p-1", 1000.0) and not revoked.refuses("p-2", 1.0)


def test_the_pseudonym_is_one_way_and_stable() -> None:
    assert pseudonym("p-1") == pseudonym("p-1") != pseudonym("p-2")
    assert "p-1" not in pseudonym("p-1") and pseudonym("p-1").startswith("anon-")
