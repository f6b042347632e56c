from __future__ import annotations

from faststream.rabbit import QueueType

from shared.messaging.topology import (
    DEAD_LETTER_EXCHANGE_NAME,
    EVENTS_EXCHANGE,
    consumer_queue,
    dead_letter_queue,
    dead_letter_queue_name,
    queue_name,
)


def test_exchange_is_the_durable_topic_exchange() -> None:
    assert EVENTS_EXCHANGE.name == "nastavnik.events"
    assert EVENTS_EXCHANGE.type.value == "topic"
    assert EVENTS_EXCHANGE.durable


def test_queue_names_are_consumer_dot_routing_key() -> None:
    assert queue_name("reports", "surveys.response.completed.v1") == "reports.surveys.response.completed.v1"
    assert dead_letter_queue_name("reports.surveys.response.completed.v1") == "reports.surveys.response.completed.v1.dlq"


def test_consumer_queue_is_quorum_with_delivery_limit_and_dead_lettering() -> None:
    queue = consumer_queue("reports", "pairing.pair.formed.v1", delivery_limit=5)
    assert queue.name == "reports.pairing.pair.formed.v1"
    assert queue.arguments["x-queue-type"] == QueueType.QUORUM.value
    assert queue.durable and not queue.auto_delete
    assert queue.routing_key == "pairing.pair.formed.v1"
    assert queue.arguments["x-dead-letter-exchange"] == DEAD_LETTER_EXCHANGE_NAME
    assert queue.arguments["x-dead-letter-routing-key"] == queue.name
    assert queue.arguments["x-delivery-limit"] == 5


def test_dead_letter_queue_is_bound_by_the_queue_name() -> None:
    dlq = dead_letter_queue("reports.pairing.pair.formed.v1")
    assert dlq.name == "reports.pairing.pair.formed.v1.dlq"
    assert dlq.routing_key == "reports.pairing.pair.formed.v1"
    assert dlq.durable
