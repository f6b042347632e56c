"""Issue 13: logs without personal data. An error raised on a row (a database constraint, an invalid
body) quotes the values it failed on; the log processor keeps the error and drops the values."""

from __future__ import annotations

import json
import sqlite3

import pytest
import sqlalchemy
import structlog
from pydantic import BaseModel, ValidationError

from shared.logging import redact_personal_data

NAME = "Смирнов Илья Олегович"


def rendered(**event: object) -> str:
    event = structlog.processors.format_exc_info(None, "error", {"event": "event.failed", **event})
    return structlog.processors.JSONRenderer(ensure_ascii=False)(None, "error", redact_personal_data(None, "error", event))


def test_a_database_error_keeps_its_reason_and_loses_the_row() -> None:
    engine = sqlalchemy.create_engine("sqlite://")
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text("CREATE TABLE person (id TEXT PRIMARY KEY, full_name TEXT NOT NULL UNIQUE)"))
        conn.execute(sqlalchemy.text("INSERT INTO person VALUES ('p1', :n)"), {"n": NAME})
    with pytest.raises(sqlalchemy.exc.IntegrityError) as caught, engine.begin() as conn:
        conn.execute(sqlalchemy.text("INSERT INTO person VALUES ('p2', :n)"), {"n": NAME})
    assert NAME in str(caught.value)  # what would have reached the log
    line = rendered(exc_info=caught.value, error=repr(caught.value))
    assert NAME not in line and "UNIQUE constraint failed" in line and "IntegrityError" in line
    assert isinstance(caught.value.orig, sqlite3.IntegrityError)


def test_a_validation_error_loses_its_input_values() -> None:
    class Person(BaseModel):
        full_name: str
        grade: int

    with pytest.raises(ValidationError) as caught:
        Person.model_validate({"full_name": NAME, "grade": NAME})
    line = rendered(exc_info=caught.value)
    assert NAME not in line and "grade" in line


def test_fields_named_like_personal_data_are_masked() -> None:
    event = json.loads(rendered(full_name=NAME, email="a@example.ru", participant_id="p-1"))
    assert event["full_name"] == event["email"] == "[redacted]" and event["participant_id"] == "p-1"
