"""`nastavnik users`: the first region administrator is created from the terminal, comes in by
the printed link, and the operator can list, re-invite and unlock accounts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx

from shared.settings import Settings

from nastavnik.app import build_all_in_one
from tests.conftest import SECRET


def users(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NASTAVNIK_DATA_DIR": str(data_dir), "NASTAVNIK_JWT_SECRET": SECRET, "NASTAVNIK_LOG_LEVEL": "WARNING",
           "NASTAVNIK_PUBLIC_URL": "https://nastavnik.region.example"}
    env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "nastavnik", "users", *args], capture_output=True, text=True, env=env, timeout=120)


async def test_the_first_administrator_comes_in_by_the_printed_link(tmp_path: Path) -> None:
    created = users(tmp_path, "create-admin", "--name", "Орлова Вера Николаевна", "--email", "Orlova@Region.example")
    assert created.returncode == 0, created.stderr
    link = re.search(r"https://nastavnik\.region\.example(/registry/invite/\S+)", created.stdout)
    assert link and "логин orlova@region.example" in created.stdout
    again = users(tmp_path, "create-admin", "--name", "Другая", "--email", "orlova@region.example")
    assert again.returncode == 1 and "уже назначен" in again.stderr

    settings = Settings(data_dir=tmp_path, jwt_secret=SECRET, region_id="test-region", rabbitmq_url=None, database_url=None)
    app = build_all_in_one(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            r = await client.post(link.group(1), data={"password": "первый-вход-2026", "repeat": "первый-вход-2026"})
            assert r.status_code == 303
            home = await client.get("/registry/")
            assert "Орлова Вера Николаевна" in home.text and "администратор региона" in home.text
            assert (await client.get("/registry/accounts")).status_code == 200
    listed = users(tmp_path, "list", "--state", "active")
    assert "orlova@region.example" in listed.stdout and "активна" in listed.stdout
    unlocked = users(tmp_path, "unlock", "orlova@region.example")
    assert unlocked.returncode == 0 and "Разблокирована" in unlocked.stdout
    reinvited = users(tmp_path, "invite", "orlova@region.example")
    assert reinvited.returncode == 0 and "/registry/invite/" in reinvited.stdout
