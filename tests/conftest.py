from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from shared.settings import Settings

SECRET = "test-secret-of-sufficient-length-32b"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Embedded mode: SQLite files in a fresh folder, in-memory broker."""
    return Settings(data_dir=tmp_path, jwt_secret=SECRET, region_id="test-region", rabbitmq_url=None, database_url=None)


@pytest.fixture
async def system(settings: Settings) -> AsyncIterator[tuple[object, httpx.AsyncClient]]:
    """All four services in one process on the in-memory broker, with an HTTP client."""
    from nastavnik.app import build_all_in_one

    app = build_all_in_one(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            yield app, client
