"""Event contracts: the only thing services share about each other."""

from shared.contracts.catalogue import BY_TYPE, EVENTS, event_class, producer_of
from shared.contracts.envelope import Envelope, EventData, new_envelope

__all__ = ["BY_TYPE", "EVENTS", "Envelope", "EventData", "event_class", "new_envelope", "producer_of"]
