"""A school information system talking to Nastavnik with plain `pika` (no Nastavnik code).

It registers a person, learns the person's `participant_id` from the answer in the school's own
queue (the event whose `correlationid` is the command's id), and submits a questionnaire the
school collected itself — commands on the inbound exchange, with the school's own broker user
(`nastavnik broker school-access`).
Run it:

    NASTAVNIK_AMQP_URL=amqp://school-s1:<password>@broker:5672/ NASTAVNIK_SCHOOL_ID=s1 \\
        python examples/school_client/client.py

See docs/school-integration.md for every field and the answers (rejections) to expect."""

from __future__ import annotations

import json
import os
import time
import uuid
from datetime import UTC, datetime

import pika

INBOUND_EXCHANGE = "nastavnik.inbound"
# The items of the mentee's satisfaction questionnaire, version 1, each rated 1–10: the codes are
# those of GET /surveys/api/v1/instruments (and the AsyncAPI document's SubmitResponse).
SATISFACTION_MENTEE_V1 = {"effectiveness": 9, "comfort": 8, "meetings_useful": 7, "joint_work": 10, "expectations_met": 6}


class SchoolClient:
    def __init__(self, amqp_url: str, school_id: str, system: str = "school-erp") -> None:
        self.school_id = school_id
        self.user = pika.URLParameters(amqp_url).credentials.username  # school-<id>
        self.source = f"/schools/{school_id}/{system}"
        self.connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
        self.channel = self.connection.channel()
        self.channel.confirm_delivery()  # publish() raises unless the broker confirmed (and routed) it
        self.other_events: list[dict] = []

    def send(self, command_type: str, data: dict, command_id: str | None = None) -> str:
        """Publish one command; returns its id (resend with the same id after a failure: it is applied once)."""
        command_id = command_id or str(uuid.uuid4())
        envelope = {
            "specversion": "1.0",
            "id": command_id,
            "source": self.source,
            "type": command_type,
            "time": datetime.now(UTC).isoformat(),
            "datacontenttype": "application/json",
            "data": data,
        }
        self.channel.basic_publish(
            exchange=INBOUND_EXCHANGE,
            routing_key=f"school.{self.school_id}.{command_type}",
            body=json.dumps(envelope, ensure_ascii=False).encode(),
            properties=pika.BasicProperties(
                content_type="application/json",
                message_id=command_id,
                user_id=self.user,  # the broker checks it is the connection's user
                delivery_mode=pika.DeliveryMode.Persistent,
            ),
            mandatory=True,  # unroutable → pika.exceptions.UnroutableError instead of silence
        )
        return command_id

    def register_participant(self, external_id: str, full_name: str, **fields) -> str:  # noqa: ANN003
        return self.send("registry.participant.register.v1", {"external_id": external_id, "full_name": full_name, **fields})

    def submit_questionnaire(self, respondent_id: str, instrument: str, version: int, answers: dict, submission_id: str) -> str:
        return self.send("surveys.response.submit.v1", {
            "instrument": {"code": instrument, "version": version},
            "respondent_id": respondent_id,
            "answers": answers,
            "submission_id": submission_id,
        })

    def result_of(self, command_id: str, timeout: float = 30.0) -> dict:
        """The event that answers a command — its `correlationid` is the command's id — from the
        school's own queue `school.<id>.outbox`: `registry.participant.registered.v1` (its
        `data.participant_id` is the id to use from now on), or a `*.command.rejected.v1`.
        Other events read meanwhile are kept in `self.other_events` for the school to process."""
        deadline = time.monotonic() + timeout
        queue = f"school.{self.school_id}.outbox"
        while time.monotonic() < deadline:
            method, _properties, body = self.channel.basic_get(queue)
            if method is None:
                time.sleep(0.2)
                continue
            event = json.loads(body)
            self.channel.basic_ack(method.delivery_tag)
            if event.get("correlationid") == command_id:
                return event
            self.other_events.append(event)
        raise TimeoutError(f"no answer to command {command_id} in {queue} within {timeout} s")

    def close(self) -> None:
        self.connection.close()


def main() -> None:
    client = SchoolClient(os.environ["NASTAVNIK_AMQP_URL"], os.environ["NASTAVNIK_SCHOOL_ID"])
    try:
        registered = client.register_participant(
            "erp-teacher-42", "Смирнов Илья Олегович", category="teacher",
            subjects=["математика и информатика"], experience_years=1, birth_year=2000,
            consent={"given_by": "self", "document": "№ 15 от 01.09.2026"},
        )
        print("registration sent:", registered)
        answer = client.result_of(registered)
        if answer["type"] != "registry.participant.registered.v1":
            raise SystemExit(f"registration rejected: {answer['data']}")
        participant_id = answer["data"]["participant_id"]
        print("registered as participant", participant_id)
        # Surveys accept the mentee questionnaire once the curator has enrolled the person as a mentee.
        submitted = client.submit_questionnaire(
            respondent_id=participant_id, instrument="satisfaction_mentee", version=1,
            answers=SATISFACTION_MENTEE_V1, submission_id="erp-survey-2026-0001",
        )
        print("questionnaire sent:", submitted)
    finally:
        client.close()


if __name__ == "__main__":
    main()
