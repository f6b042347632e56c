"""Errors a use case raises, mapped once to HTTP statuses (see shared.http)."""

from __future__ import annotations


class UseCaseError(Exception):
    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(UseCaseError):
    status_code = 404


class Forbidden(UseCaseError):
    status_code = 403


class Conflict(UseCaseError):
    status_code = 409


class Unprocessable(UseCaseError):
    status_code = 422
