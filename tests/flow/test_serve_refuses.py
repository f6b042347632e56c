"""Issue 13, H1: `nastavnik serve` ran with the public development secret, the in-memory broker
and SQLite, silently, on every interface — a token signed with the secret published in the code
then created a school. Now `serve` refuses to start, naming each missing setting in Russian and
English, with exit code 2; only `nastavnik run` uses the embedded defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from shared.settings import DEV_JWT_SECRET, SERVICES, Settings, serve_problems

from nastavnik.processes import free_port

GOOD_SECRET = "9f2c4e6a8b0d1f3e5a7c9b1d3f5e7a9c"


def clean_env(**overrides: str) -> dict[str, str]:
    """The process's environment without any setting of Nastavnik, plus `overrides`."""
    names = {"RABBITMQ_URL", "DATABASE_URL"} | {f"{s.upper()}_DATABASE_URL" for s in SERVICES}
    env = {k: v for k, v in os.environ.items() if k not in names and not k.startswith("NASTAVNIK_")}
    return {**env, **overrides}


def serve(tmp_path: Path, env: dict[str, str], service: str = "registry") -> subprocess.CompletedProcess:
    # were it to start, it would block: the timeout turns that into a failure of the test
    return subprocess.run([sys.executable, "-m", "nastavnik", "serve", service, "--port", str(free_port())],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)


def test_serve_without_settings_refuses_to_start_and_names_what_is_missing(tmp_path: Path) -> None:
    result = serve(tmp_path, clean_env())
    assert result.returncode == 2, result.stdout + result.stderr
    assert "не запущен / not started" in result.stderr
    for missing in ("RABBITMQ_URL", "DATABASE_URL", "NASTAVNIK_JWT_SECRET", "nastavnik run"):
        assert missing in result.stderr, missing
    assert not (tmp_path / "data").exists()  # no SQLite file was created either


@pytest.mark.parametrize("secret", [DEV_JWT_SECRET, "short-secret", "a" * 40, DEV_JWT_SECRET + "-2"])
def test_serve_refuses_the_development_secret_and_weak_ones(tmp_path: Path, secret: str) -> None:
    env = clean_env(RABBITMQ_URL="amqp://guest:guest@127.0.0.1:5672/", DATABASE_URL="postgresql://postgres@127.0.0.1/x",
                    NASTAVNIK_JWT_SECRET=secret)
    result = serve(tmp_path, env, "surveys")
    assert result.returncode == 2 and "NASTAVNIK_JWT_SECRET" in result.stderr, result.stderr
    assert "RABBITMQ_URL" not in result.stderr and "DATABASE_URL" not in result.stderr  # only what is wrong is named


def test_demo_mode_cannot_be_turned_on_in_serve(tmp_path: Path) -> None:
    env = clean_env(RABBITMQ_URL="amqp://guest:guest@127.0.0.1:5672/", DATABASE_URL="postgresql://postgres@127.0.0.1/x",
                    NASTAVNIK_JWT_SECRET=GOOD_SECRET, NASTAVNIK_DEMO="true")
    result = serve(tmp_path, env)
    assert result.returncode == 2 and "NASTAVNIK_DEMO" in result.stderr, result.stderr


def test_serve_refuses_a_broker_that_is_not_amqp(tmp_path: Path) -> None:
    env = clean_env(RABBITMQ_URL="memory://", DATABASE_URL="postgresql://postgres@127.0.0.1/x", NASTAVNIK_JWT_SECRET=GOOD_SECRET)
    result = serve(tmp_path, env, "reports")
    assert result.returncode == 2 and "amqp://" in result.stderr, result.stderr


def test_a_service_specific_database_url_is_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "RABBITMQ_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PAIRING_DATABASE_URL", "postgresql://postgres@127.0.0.1/pairing")
    settings = Settings(rabbitmq_url="amqps://broker/", jwt_secret=GOOD_SECRET)
    assert serve_problems(settings, "pairing") == []
    assert any("DATABASE_URL" in p for p in serve_problems(settings, "registry"))
