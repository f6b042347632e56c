"""Bearer tokens (signed JWT) carrying a role and a scope, and the one FastAPI dependency
that enforces them on every route.

Scope levels: `region` (sees everything), `municipality` (its schools), `school` (itself).
Outside its scope a request gets 404 for a thing it may not know exists, 403 for an action."""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from typing import Literal

import jwt
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, model_validator

Role = Literal["region_admin", "municipal_coordinator", "school_curator", "mentor", "mentee", "integration",
               "data_protection_officer"]
ScopeLevel = Literal["region", "municipality", "school"]
ROLES: tuple[str, ...] = Role.__args__  # type: ignore[attr-defined]
ALGORITHM = "HS256"
COOKIE_NAME = "nastavnik_session"  # the browser session (shared.web.session)

SCOPE_OF_ROLE: dict[str, ScopeLevel] = {  # the one scope level each role acts at (issue 13, L1)
    "region_admin": "region",
    "municipal_coordinator": "municipality",
    "school_curator": "school",
    "mentor": "school",
    "mentee": "school",
    "integration": "school",
    "data_protection_officer": "region",  # reads the audit of personal data (shared/audit.py)
}
DEFAULT_SCOPE_LEVEL = SCOPE_OF_ROLE
SCOPE_NAMES = {"region": "регион", "municipality": "муниципалитет", "school": "школа"}


def role_scope_problem(role: str, scope: str) -> str | None:
    """Why a role may not act at a scope level (None: it may). A region administrator scoped to a
    school would still create schools anywhere: the role decides what a route allows, the scope
    which data, so they must agree."""
    wanted = SCOPE_OF_ROLE.get(role)
    if wanted is None or scope == wanted:
        return None
    return f"роль {role} действует только на уровне «{SCOPE_NAMES[wanted]}» ({wanted}), а не {scope}"


class Principal(BaseModel):
    """Who is calling: subject (an operator's name or a participant id), role and scope."""

    sub: str
    role: Role
    scope: ScopeLevel
    scope_id: str
    name: str | None = None  # display name, for pages
    sid: str | None = None  # browser sessions only: the session id (CSRF tokens are bound to it)
    iat: float | None = None  # issued at (whole seconds)
    ts: float | None = None  # issued at, precisely: compared with a revocation (shared/revocation.py)

    @model_validator(mode="after")
    def _role_fits_scope(self) -> Principal:
        problem = role_scope_problem(self.role, self.scope)
        if problem:
            raise ValueError(problem)
        return self

    def sees_school(self, school_id: str, municipality_id: str | None) -> bool:
        if self.scope == "region":
            return True
        if self.scope == "municipality":
            return municipality_id is not None and municipality_id == self.scope_id
        return school_id == self.scope_id

    def sees_municipality(self, municipality_id: str) -> bool:
        return self.scope == "region" or (self.scope == "municipality" and self.scope_id == municipality_id)


def issue_token(
    secret: str, *, sub: str, role: str, scope: str, scope_id: str, ttl: timedelta, extra: dict[str, object] | None = None
) -> str:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    if scope not in ("region", "municipality", "school"):
        raise ValueError(f"unknown scope {scope!r}")
    problem = role_scope_problem(role, scope)
    if problem:
        raise ValueError(problem)
    now = datetime.now(UTC)
    claims = {
        "sub": sub,
        "role": role,
        "scope": scope,
        "scope_id": scope_id,
        "iat": now,
        "exp": now + ttl,
        "ts": now.timestamp(),
        "jti": str(uuid.uuid4()),
        "iss": "nastavnik",
        **{k: v for k, v in (extra or {}).items() if v is not None},
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_token(secret: str, token: str) -> Principal:
    return _decode_claims(secret, token)[0]


def _decode_claims(secret: str, token: str, limits: Lifetimes | None = None) -> tuple[Principal, float]:
    claims = jwt.decode(token, secret, algorithms=[ALGORITHM], issuer="nastavnik", options={"require": ["exp", "sub"]})
    problem = role_scope_problem(str(claims.get("role")), str(claims.get("scope")))
    if problem:  # a token issued before roles and scopes were checked against each other
        raise jwt.InvalidTokenError(problem)
    principal, expires = Principal.model_validate(claims), float(claims["exp"])
    if limits is not None:
        longest = limits.session if principal.sid else limits.token
        issued = principal.ts or principal.iat
        if issued is None or expires - issued > longest.total_seconds() + 1:
            raise ValueError("срок действия токена больше допустимого" if issued is not None else "в токене нет времени выдачи")
    return principal, expires


class Lifetimes:
    """The longest a bearer token and a browser session may be valid (settings
    token_max_lifetime_hours and session_max_hours): a longer one is refused, whoever signed it."""

    def __init__(self, token: timedelta, session: timedelta) -> None:
        self.token = token
        self.session = session

    @classmethod
    def of(cls, settings) -> Lifetimes:  # noqa: ANN001 - shared.settings.Settings (imports this module)
        return cls(timedelta(hours=settings.token_max_lifetime_hours), timedelta(hours=settings.session_max_hours))


def revoked(principal: Principal) -> bool:
    """Issued before a revocation of its subject (shared/revocation.py)."""
    from shared.revocation import REVOKED

    return REVOKED.refuses(principal.sub, principal.ts or principal.iat)


class TokenCache:
    """Recently verified tokens → their principal, until the token expires. A client sends the
    same token with every request; verifying its signature and claims each time costs as much
    as a small request. Only valid tokens are kept, keyed by the whole token string, so a
    cached answer is the answer verification would give (until `exp`, checked on every hit)."""

    def __init__(self, secret: str, size: int = 1024, limits: Lifetimes | None = None) -> None:
        self._secret = secret
        self._size = size
        self._limits = limits
        self._entries: OrderedDict[str, tuple[Principal, float]] = OrderedDict()

    def principal(self, token: str) -> Principal:
        """The token's principal; raises jwt.PyJWTError or ValueError for an invalid token."""
        entry = self._entries.get(token)
        if entry is not None and entry[1] > time.time():
            self._entries.move_to_end(token)
            return entry[0]
        self._entries.pop(token, None)
        principal, expires = _decode_claims(self._secret, token, self._limits)
        self._entries[token] = (principal, expires)
        if len(self._entries) > self._size:
            self._entries.popitem(last=False)
        return principal


_bearer = HTTPBearer(auto_error=False, description="Токен доступа Nastavnik (JWT), выданный `nastavnik token`.")


class Authenticator:
    def __init__(self, secret: str, limits: Lifetimes | None = None) -> None:
        self._tokens = TokenCache(secret, limits=limits)

    @classmethod
    def of(cls, settings) -> Authenticator:  # noqa: ANN001 - shared.settings.Settings
        """With the settings' lifetimes: what every service uses."""
        return cls(settings.jwt_secret, Lifetimes.of(settings))

    def require(self, *roles: str):  # noqa: ANN201
        """Dependency: a valid token, with one of `roles` if given (any role otherwise)."""
        allowed = set(roles)

        async def dependency(
            request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
        ) -> Principal:
            token = credentials.credentials if credentials else None
            if token is None and request.method == "GET":
                token = request.cookies.get(COOKIE_NAME)  # pages opened in a browser
            if not token:
                raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Требуется токен доступа", {"WWW-Authenticate": "Bearer"})
            try:
                principal = self._tokens.principal(token)
            except (jwt.PyJWTError, ValueError) as exc:
                raise HTTPException(
                    status.HTTP_401_UNAUTHORIZED, f"Недействительный токен: {exc}", {"WWW-Authenticate": "Bearer"}
                ) from None
            if revoked(principal):
                raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Токен отозван: войдите снова", {"WWW-Authenticate": "Bearer"})
            request.state.principal = principal  # for the audit of the request (shared/audit.py)
            if allowed and principal.role not in allowed:
                raise HTTPException(status.HTTP_403_FORBIDDEN, f"Роль {principal.role} не может выполнить это действие")
            return principal

        return dependency
