"""The school developers' example (examples/school_client, plain pika) works on the real broker
with a school's own credentials: its commands are accepted and reach the services' queues."""

from __future__ import annotations

import json
import sys
import urllib.parse
import uuid
from pathlib import Path

import pika
import pytest
from typer.testing import CliRunner

from shared.contracts.registry import RegisterParticipant
from shared.contracts.surveys import SubmitResponse
from shared.messaging.topology import INBOUND_EXCHANGE_NAME

from nastavnik.cli import cli
from nastavnik.cli_operators import delete_school_user
from tests import infra

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples" / "school_client"))
from client import SchoolClient

pytestmark = pytest.mark.integration


@pytest.fixture
def school(vhost_url: str) -> tuple[str, str]:
    management = infra.management_url()
    if not management:
        infra._unavailable("RabbitMQ management API", f"{infra.MANAGEMENT_ENV} is not set and no local management API answers")
    school_id, password = f"s{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    result = CliRunner().invoke(cli, ["broker", "school-access", school_id, "--password", password, "--apply",
                                      "--management-url", management, "--rabbitmq-url", vhost_url])
    assert result.exit_code == 0, result.output
    parsed = urllib.parse.urlparse(vhost_url)
    url = urllib.parse.urlunparse(parsed._replace(netloc=f"school-{school_id}:{password}@{parsed.hostname}:{parsed.port}"))
    yield school_id, url
    delete_school_user(management, school_id)


def test_the_example_registers_a_person_and_submits_a_questionnaire(vhost_url: str, school: tuple[str, str]) -> None:
    school_id, url = school
    admin = pika.BlockingConnection(pika.URLParameters(vhost_url))
    channel = admin.channel()
    for service in ("registry", "surveys"):  # the services' queues, as the runtime declares them
        channel.queue_declare(f"{service}.inbound", durable=True, arguments={"x-queue-type": "quorum"})
        channel.queue_bind(f"{service}.inbound", INBOUND_EXCHANGE_NAME, f"school.*.{service}.#")

    client = SchoolClient(url, school_id)
    registered = client.register_participant("erp-1", "Смирнов Илья Олегович", category="teacher",
                                             consent={"given_by": "self", "document": "№ 15"})
    submitted = client.submit_questionnaire("p-1", "satisfaction_mentee", 1, {"program_effectiveness": 9}, "erp-survey-0001")
    with pytest.raises(pika.exceptions.ChannelClosedByBroker, match="ACCESS_REFUSED"):
        client.channel.basic_publish(INBOUND_EXCHANGE_NAME, "school.other.registry.participant.register.v1", b"{}")
    client.close()

    for service, command_id, model in (("registry", registered, RegisterParticipant), ("surveys", submitted, SubmitResponse)):
        method, properties, body = channel.basic_get(f"{service}.inbound", auto_ack=True)
        assert method is not None, f"nothing reached {service}.inbound"
        envelope = json.loads(body)
        assert (properties.message_id, envelope["id"], properties.user_id) == (command_id, command_id, f"school-{school_id}")
        assert method.routing_key == f"school.{school_id}.{model.command_type}" and envelope["type"] == model.command_type
        model.model_validate(envelope["data"])  # the example follows the command's contract
        assert channel.basic_get(f"{service}.inbound", auto_ack=True)[0] is None
    admin.close()
