"""`nastavnik reports rebuild` and `export` on the demo region loaded through the HTTP APIs."""

from __future__ import annotations

import asyncio
import csv
import io

from openpyxl import load_workbook
from sqlmodel import select
from typer.testing import CliRunner

from nastavnik.cli import cli
from nastavnik.scenario import RegionScenario
from services.reports.models import Programme
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
    # the registry's programme launches reached reports and survived the rebuild: one title per school
    async with app.state.services["reports"].runtime.db.sessions() as session:
        titles = (await session.exec(select(Programme.title))).all()
    assert titles == ["Программа наставничества «Вместе»"] * 3
    target = tmp_path / "swot.csv"
    result = await asyncio.to_thread(runner.invoke, cli, ["reports", "export", "--format", "csv", "--table", "swot", "--academic-year", YEAR, "-o", str(target)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(target.read_bytes().decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Программа", "Код программы", "Форма наставничества", "Анкет, шт."] and rows[1:] == []  # no SWOT answers in the scenario
    result = await asyncio.to_thread(runner.invoke, cli, ["reports", "export", "--format", "csv", "--table", "pairs"])
    assert result.exit_code != 0 and "--table" in result.output
