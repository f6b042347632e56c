"""The commands a newcomer and an operator type, run as real processes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx

from shared.auth import decode_token

from nastavnik.processes import free_port


def nastavnik(*args: str, env: dict[str, str] | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nastavnik", *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=60, **kwargs)


def test_token_command_issues_a_scoped_token() -> None:
    secret = "cli-test-secret-of-sufficient-length"
    result = nastavnik("token", "--role", "school_curator", "--scope-id", "s1", "--sub", "anna", env={"NASTAVNIK_JWT_SECRET": secret})
    assert result.returncode == 0, result.stderr
    principal = decode_token(secret, result.stdout.strip())
    assert (principal.role, principal.scope, principal.scope_id, principal.sub) == ("school_curator", "school", "s1", "anna")


def test_token_command_refuses_an_unknown_role() -> None:
    result = nastavnik("token", "--role", "director")
    assert result.returncode != 0 and "region_admin" in result.stderr


def test_run_demo_serves_the_region_indicators(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "nastavnik", "run", "--demo", "--port", str(port)],
        cwd=tmp_path, env={**os.environ, "NASTAVNIK_LOG_LEVEL": "WARNING"}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/", timeout=5, follow_redirects=True)
                if page.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, process.stdout.read().decode()
            assert time.monotonic() < deadline, "nastavnik run --demo did not answer"
            time.sleep(0.3)
        assert "Войти как администратор региона" in page.text  # the sign-in page of the demo
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as browser:
            signed = browser.post("/registry/sign-in/demo", data={"login": "admin@demo.nastavnik"})
            assert signed.status_code == 303
            # the demo's school year goes on in the background: wait until its three schools are counted
            waited = time.monotonic() + 600
            while not re.search(r'<tr data-code="schools_total">.*?class="num value"[^>]*>3<',
                                browser.get("/reports/dashboard", timeout=60).text, re.S):
                assert process.poll() is None and time.monotonic() < waited, "the demo's schools did not reach the dashboard"
                time.sleep(1)
        assert (tmp_path / "data" / "reports.db").exists()
    finally:
        process.terminate()
        process.wait(20)
