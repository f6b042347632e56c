"""The scope rule every HTTP route declares next to itself: who may call it and how far its
answer reaches. It is route metadata (`openapi_extra`), so it is published in the service's
OpenAPI document as `x-scope` and read from there by the scope-matrix test
(tests/flow/test_scope_matrix.py), which calls every route with every role against its own
and another municipality's data and fails for a route without a rule.

Kinds:
- `public`: no token (probes, the AsyncAPI document).
- `region`: the same region-wide answer for every allowed role (definitions, the partners of
  the region); nothing in it belongs to one school.
- `listed`: a list filtered to the caller's scope; it never holds another scope's records.
- `own`: acts in the caller's own scope, which only the token names (a school's own
  questionnaire); no request can name another's, and the answer holds nothing of another's.
- `school`: one school's thing, named by the path or the body. An allowed role succeeds on
  its own school's (a mentor or mentee: on their own pair or record) and is refused (403 or
  404) on another's; only a region-scoped token reaches every school.

`roles`: the roles allowed at all; any other role gets 403 (or 404 where the route hides
whether the thing exists)."""

from __future__ import annotations

from typing import Any, Literal

from shared.auth import ROLES

ScopeKind = Literal["public", "region", "listed", "own", "school"]
KINDS: tuple[str, ...] = ScopeKind.__args__  # type: ignore[attr-defined]
EXTENSION = "x-scope"


def scope_rule(kind: ScopeKind, *roles: str, note: str | None = None) -> dict[str, Any]:
    """`openapi_extra` of a route: `@router.get(..., openapi_extra=scope_rule("school", *EDITORS))`.
    No roles means every role (or, for `public`, no token at all)."""
    if kind not in KINDS:
        raise ValueError(f"unknown scope kind {kind!r}; one of {', '.join(KINDS)}")
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    rule: dict[str, Any] = {"kind": kind, "roles": [] if kind == "public" else list(roles or ROLES)}
    if note:
        rule["note"] = note
    return {EXTENSION: rule}


def rule_of(operation: dict[str, Any]) -> dict[str, Any] | None:
    """The rule of an OpenAPI operation, or None when the route declares none."""
    return operation.get(EXTENSION)
