"""Contracts: the envelope, the catalogue, and generated schemas that must not drift."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from shared.contracts import BY_TYPE, EVENTS, Envelope, event_class, new_envelope, producer_of
from shared.contracts.registry import SchoolRegistered
from shared.contracts.surveys import ResponseCompleted
from shared.messaging.consumer import InvalidEvent, parse_event

from nastavnik.contracts_doc import GENERATED_DIR, generated_files

SCHOOL = SchoolRegistered(school_id="s1", name="Школа № 1", municipality_id="m1", municipality_name="Район", region_id="r")


def test_envelope_is_cloudevents_with_routing_key_as_type() -> None:
    envelope = new_envelope("registry", SCHOOL, correlation_id="req-1")
    body = json.loads(envelope.model_dump_json())
    assert body["specversion"] == "1.0"
    assert body["type"] == "registry.school.registered.v1"
    assert body["source"] == "/nastavnik/registry"
    assert body["subject"] == "s1"
    assert body["datacontenttype"] == "application/json"
    assert body["correlationid"] == "req-1"
    assert body["data"]["municipality_name"] == "Район"
    assert len(body["id"]) == 36 and body["time"]


def test_event_types_follow_the_naming_convention_and_are_unique() -> None:
    assert len(BY_TYPE) == len(EVENTS)
    for event in EVENTS:
        producer, entity, fact, version = event.event_type.split(".")
        assert producer in {"registry", "pairing", "surveys", "reports", "practices"}
        assert version.startswith("v") and version[1:].isdigit()
        assert producer_of(event.event_type) == producer
        assert event.description, f"{event.event_type} has no description"


def test_consumers_ignore_fields_they_do_not_know() -> None:
    envelope = new_envelope("registry", SCHOOL)
    raw = json.loads(envelope.model_dump_json())
    raw["newattribute"] = "x"
    raw["data"]["added_later"] = 42
    parsed, data = parse_event(json.dumps(raw).encode(), SchoolRegistered)
    assert data.school_id == "s1" and parsed.id == envelope.id


def test_invalid_data_names_the_field() -> None:
    envelope = new_envelope("registry", SCHOOL)
    raw = json.loads(envelope.model_dump_json())
    del raw["data"]["school_id"]
    with pytest.raises(InvalidEvent, match="school_id"):
        parse_event(json.dumps(raw).encode(), SchoolRegistered)


def test_a_message_of_another_type_is_invalid() -> None:
    body = new_envelope("registry", SCHOOL).model_dump_json().encode()
    with pytest.raises(InvalidEvent, match="expected surveys.response.completed.v1"):
        parse_event(body, ResponseCompleted)


def test_garbage_is_invalid() -> None:
    with pytest.raises(InvalidEvent):
        parse_event(b"\xff not json", SchoolRegistered)


def test_scores_and_year_are_validated() -> None:
    with pytest.raises(ValidationError):
        ResponseCompleted(
            response_id="r", instrument={"code": "x", "version": 0}, respondent_id="p", respondent_role="mentee",
            school_id="s", academic_year="2026", scores={},
        )


def test_unknown_event_type_is_refused() -> None:
    with pytest.raises(KeyError):
        event_class("registry.school.demolished.v1")


def test_envelope_requires_source_and_type() -> None:
    with pytest.raises(ValidationError):
        Envelope.model_validate({"data": {}})


def test_committed_schemas_and_asyncapi_match_the_code() -> None:
    """Fails when a contract changed and `nastavnik contracts` was not run."""
    for name, content in generated_files().items():
        path = GENERATED_DIR / name
        assert path.exists(), f"{name} is not committed: run `nastavnik contracts`"
        assert path.read_text(encoding="utf-8") == content, f"{name} drifted from the code: run `nastavnik contracts`"
    committed = {p.relative_to(GENERATED_DIR).as_posix() for p in GENERATED_DIR.rglob("*.json")}
    assert committed == set(generated_files()), "stale generated files"


def test_asyncapi_lists_every_event_and_who_sends_and_receives_it() -> None:
    document = json.loads((GENERATED_DIR / "asyncapi.json").read_text(encoding="utf-8"))
    assert document["asyncapi"].startswith("3.")
    assert {c["address"] for c in document["channels"].values()} == set(BY_TYPE) | {
        "school.{schoolId}.{commandType}", "school.{schoolId}.outbox", "{queue}.dlq"}  # commands, a school's feed, dead letters
    actions = {(op["action"], op["channel"]["$ref"].rsplit("/", 1)[1]) for op in document["operations"].values()}
    assert ("send", "surveys_response_completed_v1") in actions
    assert ("receive", "surveys_response_completed_v1") in actions


def test_the_committed_schemas_require_the_cloudevents_attributes_and_check_time() -> None:
    import jsonschema

    from shared.contracts.envelope import new_envelope, parse_envelope
    from shared.contracts.registry import SchoolRegistered
    from shared.contracts.testkit import schema_of

    event = SchoolRegistered(school_id="s1", name="Школа", municipality_id="m1", municipality_name="Район", region_id="r")
    good = json.loads(new_envelope("registry", event).model_dump_json())
    schema = schema_of(event.event_type)
    assert set(schema["required"]) >= {"specversion", "id", "source", "type", "time", "data"}
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert list(validator.iter_errors(good)) == []
    assert list(validator.iter_errors({**good, "time": "yesterday"}))  # the format checker works (rfc3339-validator)
    for name in ("specversion", "id", "time"):
        loose = {k: v for k, v in good.items() if k != name}
        assert list(validator.iter_errors(loose))
        with pytest.raises(ValueError, match=name):
            parse_envelope(json.dumps(loose))
