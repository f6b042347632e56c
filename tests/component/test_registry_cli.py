"""`nastavnik import` on the command line: the registry's own database from settings, the report on
the terminal and in a file, the exit code telling what happened."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nastavnik.cli import cli

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "registry"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("DATABASE_URL", "NASTAVNIK_DATABASE_URL", "REGISTRY_DATABASE_URL", "RABBITMQ_URL", "NASTAVNIK_RABBITMQ_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NASTAVNIK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NASTAVNIK_LOG_LEVEL", "WARNING")
    return tmp_path


def people(data_dir: Path) -> list[str]:
    with sqlite3.connect(data_dir / "registry.db") as db:
        return sorted(row[0] for row in db.execute("SELECT external_id FROM registry_participant"))


def test_import_all_or_nothing_then_valid_only_with_a_report(data_dir: Path) -> None:
    runner = CliRunner()
    schools = runner.invoke(cli, ["import", str(EXAMPLES / "schools.csv")])
    assert schools.exit_code == 0, schools.output
    assert "создано 2" in schools.output

    refused = runner.invoke(cli, ["import", str(EXAMPLES / "roster_bad.csv"), "--school", "s1"])
    assert refused.exit_code == 1
    assert "Ничего не записано" in refused.output and "Nothing was written" in refused.output
    assert "строка 4, столбец «Код школы»" in refused.output and "another school" in refused.output
    assert people(data_dir) == []

    report = data_dir / "отчёт.csv"
    partial = runner.invoke(cli, ["import", str(EXAMPLES / "roster_bad.csv"), "--school", "s1", "--valid-only", "--report", str(report)])
    assert partial.exit_code == 2, partial.output
    assert people(data_dir) == ["T-1"]
    with report.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0] == ["Файл", "Лист", "Строка", "Столбец", "Ячейка", "Значение", "Причина", "Reason"]
    assert [row[2] for row in rows[1:]] == ["3", "4", "5", "6", "7", "8"]
    with sqlite3.connect(data_dir / "registry.db") as db:
        pending = db.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0]
    assert pending == 3  # two schools and T-1, waiting for the registry's relay


def test_template_and_bad_arguments(data_dir: Path) -> None:
    runner = CliRunner()
    template = data_dir / "шаблон.xlsx"
    assert runner.invoke(cli, ["import", "--template", str(template)]).exit_code == 0
    from openpyxl import load_workbook

    assert load_workbook(template).sheetnames == ["Школы", "Партнёры", "Педагоги", "Обучающиеся", "Студенты", "Работодатели",
                                                  "Программы", "Зачисления"]
    imported = runner.invoke(cli, ["import", str(template)])
    assert imported.exit_code == 0, imported.output
    assert runner.invoke(cli, ["import", str(template), "--all-or-nothing", "--valid-only"]).exit_code != 0
    assert runner.invoke(cli, ["import", str(data_dir / "нет-такого.csv")]).exit_code != 0
