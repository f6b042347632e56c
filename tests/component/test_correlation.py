"""A request's correlation id follows it into the events it causes."""

from __future__ import annotations

import json

from sqlmodel import select

from shared.messaging.outbox import OutboxMessage

from services.registry.main import create_service
from tests.component.helpers import ADMIN, running


async def test_correlation_id_is_echoed_and_carried_by_the_event(settings) -> None:
    service = create_service(settings)
    async with running(service) as client:
        response = await client.post("/api/v1/schools", headers={**ADMIN, "X-Correlation-ID": "req-42"}, json={
            "school_id": "s1", "name": "Школа", "municipality_id": "m1", "municipality_name": "Район"})
        assert response.status_code == 201
        assert response.headers["X-Correlation-ID"] == "req-42"
        assert (await client.get("/health")).headers["X-Correlation-ID"]  # one is made when none is given
        async with service.runtime.db.sessions() as session:
            [row] = (await session.exec(select(OutboxMessage))).all()
        assert json.loads(row.body)["correlationid"] == "req-42"
