"""The browser session: an HttpOnly cookie holding a signed session token, and the CSRF token
bound to it.

The session token is a bearer token of shared.auth with two more claims, `sid` (the session)
and `name` (who, for the pages), so that every service verifies it with the key it already has
and none has to ask the registry. The registry issues it at sign-in (services/registry/accounts).
A form that changes something carries `csrf_token` = HMAC(key, sid): a page of another site
cannot read it, so a forged post is refused (synchroniser token without server state)."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import timedelta

from starlette.responses import Response

from shared.auth import COOKIE_NAME, Principal, issue_token

SESSION_TTL = timedelta(hours=8)  # a working day; the cookie dies with it
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


def issue_session(secret: str, principal: Principal, *, ttl: timedelta = SESSION_TTL) -> str:
    """A session token for `principal` (a fresh sid each sign-in). Every service refuses one
    valid longer than the setting session_max_hours (shared.auth.Lifetimes)."""
    return issue_token(
        secret, sub=principal.sub, role=principal.role, scope=principal.scope, scope_id=principal.scope_id, ttl=ttl,
        extra={"sid": principal.sid or uuid.uuid4().hex, "name": principal.name},
    )


def set_session_cookie(response: Response, token: str, *, secure: bool = False, ttl: timedelta = SESSION_TTL) -> None:
    # Lax, not Strict: a link from an e-mail (an invitation, a questionnaire) arrives signed in.
    # Cross-site posts are stopped by the CSRF token, not by the cookie.
    response.set_cookie(COOKIE_NAME, token, max_age=int(ttl.total_seconds()), path="/", httponly=True, samesite="lax", secure=secure)


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="lax")


def csrf_token(secret: str, principal: Principal) -> str:
    """The form token of this session ('' for a principal without a session: a bearer token,
    whose requests carry no ambient credential and need none)."""
    if not principal.sid:
        return ""
    return hmac.new(secret.encode(), f"csrf:{principal.sid}".encode(), hashlib.sha256).hexdigest()[:40]


def csrf_matches(secret: str, principal: Principal, presented: str | None) -> bool:
    expected = csrf_token(secret, principal)
    return bool(expected) and presented is not None and hmac.compare_digest(expected, presented)
