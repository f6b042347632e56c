"""Broker topology, outbox, inbox and the consumer wrapper every service uses."""
