"""`nastavnik reports rebuild` and `export` on the demo region loaded through the HTTP APIs."""

from __future__ import annotations

import asyncio
import io

from openpyxl import load_workbook
from typer.testing import CliRunner

from nastavnik.cli import cli
from nastavnik.scenario import RegionScenario
from tests.flow.test_chain import YEAR, settle, values


async def test_rebuild_and_export_from_the_command_line(system, settings, monkeypatch, tmp_path) -> None:
    app, client = system
    await RegionScenario(client, settings.jwt_secret, settings.region_id).load()
    await settle(app)
    before = await values(client, "region", "test-region")
    await app.state.services["reports"].runtime.relay.wait_idle()
    for name, value in {"NASTAVNIK_DATA_DIR": str(settings.data_dir), "NASTAVNIK_REGION_ID": "test-region",
                        "NASTAVNIK_JWT_SECRET": settings.jwt_secret}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("RABBITMQ_URL", raising=False)
    runner = CliRunner()
    result = await asyncio.to_thread(runner.invoke, cli, ["reports", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Пересчитано" in result.output
    assert await values(client, "region", "test-region") == before
    target = tmp_path / "region.xlsx"
    result = await asyncio.to_thread(runner.invoke, cli, ["reports", "export", "--level", "region", "--format", "xlsx", "--academic-year", YEAR, "-o", str(target)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(io.BytesIO(target.read_bytes()))["Регион"]
    header = [c.value for c in sheet[2]]
    assert sheet.cell(3, header.index("Наставляемых, чел.") + 1).value == before["mentees_total"] == 9
