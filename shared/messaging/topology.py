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


# -- inbound: school information systems publish commands here with their own credentials ----

INBOUND_EXCHANGE_NAME = "nastavnik.inbound"
INBOUND_EXCHANGE = RabbitExchange(INBOUND_EXCHANGE_NAME, type=ExchangeType.TOPIC, durable=True)


def inbound_routing_key(school_id: str, command_type: str) -> str:
    """`school.<school id>.<command type>`, e.g. `school.s1.registry.participant.register.v1`.
    A school's broker user may publish only keys that start with `school.<its id>.`."""
    return f"school.{school_id}.{command_type}"


def school_user(school_id: str) -> str:
    """The RabbitMQ user name of a school's information system."""
    return f"school-{school_id}"


def inbound_queue(service: str, delivery_limit: int) -> RabbitQueue:
    """`<service>.inbound`: the service's commands from every school, dead-lettered like events."""
    name = f"{service}.inbound"
    return RabbitQueue(
        name,
        queue_type=QueueType.QUORUM,
        durable=True,
        routing_key=f"school.*.{service}.#",
        arguments={
            "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE_NAME,
            "x-dead-letter-routing-key": name,
            "x-delivery-limit": delivery_limit,
        },
    )


# -- outgoing: each school's information system reads its own school's events ------------------

SCHOOLS_EXCHANGE_NAME = "nastavnik.schools"
SCHOOLS_EXCHANGE = RabbitExchange(SCHOOLS_EXCHANGE_NAME, type=ExchangeType.HEADERS, durable=True)
"""A headers exchange bound to `nastavnik.events` with `#`: every event passes through it, and
the broker routes each one to the queue of the school named by its `school_id` header (stamped
by the publishing relay), so no service publishes twice."""

SCHOOL_HEADER = "school_id"


def school_outbox_queue(school_id: str) -> str:
    """The one queue a school's user may read: its own school's outgoing events."""
    return f"school.{school_id}.outbox"


def school_outbox_binding(school_id: str) -> dict[str, str]:
    """Binding arguments of a school's queue on the schools exchange."""
    return {"x-match": "all", SCHOOL_HEADER: school_id}


# -- a country of regions: each region's broker passes its region figures to the federal one ----

SCOPE_HEADER = "scope"
FEDERAL_EXCHANGE_NAME = "nastavnik.federal"
FEDERAL_EXCHANGE = RabbitExchange(FEDERAL_EXCHANGE_NAME, type=ExchangeType.HEADERS, durable=True)
"""In a region's vhost: a headers exchange bound to `nastavnik.events` with the indicators'
routing key; the federal link's queue takes from it only the region scope (`scope` header)."""
FEDERAL_ROUTING_KEY = "reports.indicators.updated.v1"
FEDERAL_LINK_QUEUE = "federal.link.reports.indicators.updated.v1"
"""The durable quorum queue in a region's vhost that the shovel empties into the federal
deployment's `nastavnik.events`: while the link is down, the region's figures wait in it."""
FEDERAL_LINK_BINDING = {"x-match": "all", SCOPE_HEADER: "region"}
