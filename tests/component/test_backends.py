"""Each component test runs on both backends (tests/component/conftest.py): a service's database
is the one its backend names, and a service the test builds with its own settings follows."""

from __future__ import annotations

from pathlib import Path

from shared.settings import Settings

from services.surveys.main import create_service
from tests.component.helpers import running
from tests.conftest import SECRET


async def test_the_service_keeps_its_data_where_the_backend_says(backend: str, settings: Settings) -> None:
    service = create_service(settings)
    async with running(service):
        assert service.runtime.db.is_postgres == (backend == "postgres")


async def test_settings_a_test_builds_itself_follow_the_backend(backend: str, tmp_path: Path) -> None:
    own = Settings(data_dir=tmp_path / "own", jwt_secret=SECRET, region_id="r", rabbitmq_url=None, database_url=None)
    service = create_service(own)
    async with running(service):
        assert service.runtime.db.is_postgres == (backend == "postgres")
