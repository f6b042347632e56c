"""Names and arguments of everything declared on the broker. One place for each."""

from __future__ import annotations

from faststream.rabbit import ExchangeType, QueueType, RabbitExchange, RabbitQueue

EVENTS_EXCHANGE_NAME = "nastavnik.events"
DEAD_LETTER_EXCHANGE_NAME = "nastavnik.dlx"

EVENTS_EXCHANGE = RabbitExchange(EVENTS_EXCHANGE_NAME, type=ExchangeType.TOPIC, durable=True)
DEAD_LETTER_EXCHANGE = RabbitExchange(DEAD_LETTER_EXCHANGE_NAME, type=ExchangeType.DIRECT, durable=True)


def queue_name(consumer: str, routing_key: str) -> str:
    """`<consumer>.<routing key>`, e.g. `reports.surveys.response.completed.v1`."""
    return f"{consumer}.{routing_key}"


def dead_letter_queue_name(queue: str) -> str:
    return f"{queue}.dlq"


def consumer_queue(consumer: str, routing_key: str, delivery_limit: int) -> RabbitQueue:
    """A durable quorum queue that dead-letters to `<queue>.dlq` after `delivery_limit`
    deliveries or at once on reject (set explicitly so RabbitMQ 3.10 and 4.x behave alike)."""
    name = queue_name(consumer, routing_key)
    return RabbitQueue(
        name,
        queue_type=QueueType.QUORUM,
        durable=True,
        routing_key=routing_key,
        arguments={
            "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE_NAME,
            "x-dead-letter-routing-key": name,
            "x-delivery-limit": delivery_limit,
        },
    )


def dead_letter_queue(queue: str) -> RabbitQueue:
    """`<queue>.dlq`, bound to the dead-letter exchange with the queue's own name."""
    return RabbitQueue(
        dead_letter_queue_name(queue),
        queue_type=QueueType.QUORUM,
        durable=True,
        routing_key=queue,
    )
