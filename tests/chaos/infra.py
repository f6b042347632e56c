"""Private infrastructure for the chaos scenarios: a RabbitMQ node and a PostgreSQL cluster of
their own (free ports, data in a temporary folder), so that killing the broker node, restarting
PostgreSQL with `-m immediate` or raising a memory alarm never disturbs the shared servers that
other tests use. Both run as foreground children in a session of their own: kill -9 is real."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import time
from pathlib import Path

from nastavnik.processes import free_port

RABBITMQ_SERVER = os.environ.get("NASTAVNIK_CHAOS_RABBITMQ_SERVER", "/usr/lib/rabbitmq/bin/rabbitmq-server")
RABBITMQCTL = os.environ.get("NASTAVNIK_CHAOS_RABBITMQCTL", "/usr/lib/rabbitmq/bin/rabbitmqctl")


def _postgres_bin() -> Path:
    """NASTAVNIK_CHAOS_POSTGRES_BIN, else the newest Debian PostgreSQL (what .ci/run installs)."""
    if os.environ.get("NASTAVNIK_CHAOS_POSTGRES_BIN"):
        return Path(os.environ["NASTAVNIK_CHAOS_POSTGRES_BIN"])
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    return versions[-1] if versions else Path("/usr/lib/postgresql/15/bin")


POSTGRES_BIN = _postgres_bin()


def _account(name: str) -> tuple[int, int, str] | None:
    """(uid, gid, home) of the account the server must run as when we are root (Erlang and
    PostgreSQL refuse or misbehave as root), None when we are not root."""
    if os.geteuid() != 0:
        return None
    entry = pwd.getpwnam(name)
    return entry.pw_uid, entry.pw_gid, entry.pw_dir


def _own(path: Path, account: tuple[int, int, str] | None) -> None:
    if account is not None:
        for item in [path, *path.rglob("*")]:
            os.chown(item, account[0], account[1])


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(30)


class RabbitNode:
    """`rabbitmq-server` in the foreground (the Erlang VM itself, as under systemd), node
    `chaos-<port>@localhost`; its Mnesia and logs under `work_dir`."""

    def __init__(self, work_dir: Path) -> None:
        self.port = free_port()
        self.node = f"chaos-{self.port}@localhost"
        self.dir = work_dir / f"rabbit-{self.port}"
        self.dir.mkdir(parents=True)
        (self.dir / "enabled_plugins").write_text("[].\n")
        self.account = _account("rabbitmq")
        _own(self.dir, self.account)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def _env(self) -> dict[str, str]:
        env = {**os.environ, "RABBITMQ_NODENAME": self.node, "RABBITMQ_NODE_PORT": str(self.port),
               "RABBITMQ_DIST_PORT": str(free_port()), "RABBITMQ_MNESIA_BASE": str(self.dir / "mnesia"),
               "RABBITMQ_LOG_BASE": str(self.dir / "log"), "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.dir / "enabled_plugins"),
               "RABBITMQ_CONFIG_FILE": str(self.dir / "rabbitmq"), "RUNNING_UNDER_SYSTEMD": "1",
               "RABBITMQ_LOGS": str(self.dir / "log" / "node.log")}
        if self.account is not None:
            env["HOME"] = self.account[2]  # the rabbitmq account's Erlang cookie, which rabbitmqctl uses too
        return env

    def _user(self) -> dict:
        return {} if self.account is None else {"user": self.account[0], "group": self.account[1], "extra_groups": []}

    def start(self) -> None:
        log = open(self.dir / "stdout.log", "ab")  # noqa: SIM115 - owned by the child
        self.process = subprocess.Popen([RABBITMQ_SERVER], env=self._env(), stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True, cwd=self.dir, stdin=subprocess.DEVNULL, **self._user())
        deadline = time.monotonic() + 120
        while True:  # await_startup gives up at once while the node is not yet known to epmd
            try:
                self.ctl("await_startup", timeout=120)
                return
            except RuntimeError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def kill(self) -> None:
        """kill -9 of the node (the VM and its helpers): no clean shutdown, no goodbye to clients."""
        if self.process is not None:
            _kill_group(self.process)
            self.process = None

    def ctl(self, *args: str, timeout: float = 60) -> str:
        result = subprocess.run([RABBITMQCTL, "-q", "-n", self.node, *args], env=self._env(), capture_output=True,
                                text=True, timeout=timeout, cwd=self.dir, **self._user())
        if result.returncode != 0:
            raise RuntimeError(f"rabbitmqctl {' '.join(args)}: {result.stdout}{result.stderr}\n{self.log_tail()}")
        return result.stdout

    def memory_alarm(self, on: bool) -> None:
        """The memory alarm: a watermark of 1 byte blocks every publishing connection; 0.4 lifts it."""
        self.ctl("set_vm_memory_high_watermark", *(("absolute", "1") if on else ("0.4",)))

    def log_tail(self) -> str:
        path = self.dir / "stdout.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def stop(self) -> None:
        self.kill()


class PostgresCluster:
    """A PostgreSQL cluster of its own: `initdb` (trust) into `work_dir`, `postgres` in the foreground."""

    def __init__(self, work_dir: Path) -> None:
        self.port = free_port()
        self.dir = work_dir / f"pg-{self.port}"
        self.data = self.dir / "data"
        self.dir.mkdir(parents=True)
        self.account = _account("postgres")
        _own(self.dir, self.account)
        self.process: subprocess.Popen | None = None
        self._run([str(POSTGRES_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _user(self) -> dict:
        return {} if self.account is None else {"user": self.account[0], "group": self.account[1], "extra_groups": []}

    def _run(self, command: list[str]) -> None:
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=self.dir, **self._user())
        if result.returncode != 0:
            raise RuntimeError(f"{command[0]}: {result.stdout}{result.stderr}")

    def start(self) -> None:
        log = open(self.dir / "postgres.log", "ab")  # noqa: SIM115 - owned by the child
        self.process = subprocess.Popen(
            [str(POSTGRES_BIN / "postgres"), "-D", str(self.data), "-p", str(self.port), "-k", str(self.dir),
             "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=200"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=self.dir, **self._user())
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while subprocess.run([str(POSTGRES_BIN / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)]).returncode != 0:
            if self.process is None or self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not start:\n{self.log_tail()}")
            time.sleep(0.1)

    def stop_immediate(self) -> None:
        """`pg_ctl stop -m immediate`: SIGQUIT to the postmaster, no checkpoint; crash recovery at the next start."""
        if self.process is not None:
            self.process.send_signal(signal.SIGQUIT)
            self.process.wait(30)
            self.process = None

    def log_tail(self) -> str:
        path = self.dir / "postgres.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None:
            _kill_group(self.process)
            self.process = None


def available() -> str | None:
    """Why the private servers cannot run here (None when they can)."""
    for path in (RABBITMQ_SERVER, RABBITMQCTL, str(POSTGRES_BIN / "initdb")):
        if not shutil.which(path):
            return f"{path} not found"
    return None
