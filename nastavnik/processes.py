"""The four services as separate OS processes on a real broker and PostgreSQL, for the
integration tests and the benchmarks: a fresh vhost and fresh databases, `python -m nastavnik
serve <name>` per service, and one HTTP client that routes by the path's first segment — or
the real reverse proxy (Debian's nginx, deploy/nginx/nastavnik.conf) in front of them (NginxProxy)."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

import httpx

SERVICES = ("registry", "pairing", "surveys", "reports", "notifications", "practices")


_handed_out: set[int] = set()


def free_port() -> int:
    """A port free now and never handed out before by this process: two services given the same
    port would both look ready (the one that bound first answers /ready for both) while the other
    exits once its start-up ends and it cannot bind."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port


# -- a fresh vhost: production names (nastavnik.events, <consumer>.<key>) without interference --


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=120)


def _management(base: str) -> httpx.Client:
    parsed = urllib.parse.urlparse(base)
    return httpx.Client(base_url=base, auth=(parsed.username or "guest", parsed.password or "guest"), timeout=10)


def create_vhost(broker_url: str, management_url: str | None = None) -> str:
    """Create a vhost with full permissions for the URL's user; returns the URL of the vhost."""
    vhost = f"nst-{uuid.uuid4().hex[:10]}"
    user = urllib.parse.urlparse(broker_url).username or "guest"
    if management_url:
        with _management(management_url) as client:
            client.put(f"/api/vhosts/{vhost}").raise_for_status()
            client.put(f"/api/permissions/{vhost}/{user}", json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
    elif shutil.which("rabbitmqctl"):
        _rabbitmqctl("add_vhost", vhost)
        _rabbitmqctl("set_permissions", "-p", vhost, user, ".*", ".*", ".*")
    else:
        raise RuntimeError("cannot create a vhost: give a management URL or install rabbitmqctl")
    return urllib.parse.urlunparse(urllib.parse.urlparse(broker_url)._replace(path="/" + vhost))


def delete_vhost(vhost_url: str, management_url: str | None = None) -> None:
    vhost = urllib.parse.urlparse(vhost_url).path.lstrip("/")
    try:
        if management_url:
            with _management(management_url) as client:
                client.delete(f"/api/vhosts/{vhost}")
        elif shutil.which("rabbitmqctl"):
            _rabbitmqctl("delete_vhost", vhost)
    except Exception:  # noqa: BLE001, S110 - best effort: a leftover vhost harms nothing
        pass


async def create_databases(admin_url: str, names: tuple[str, ...] | list[str] = SERVICES, *, migrate: bool = True) -> dict[str, str]:
    """Fresh databases, by default migrated to head as an operator would (`serve` refuses an empty one)."""
    import asyncpg

    suffix = uuid.uuid4().hex[:8]
    connection = await asyncpg.connect(admin_url)
    urls = {}
    try:
        for name in names:
            database = f"nst_{suffix}_{name}"
            await connection.execute(f'CREATE DATABASE "{database}"')
            urls[name] = urllib.parse.urlunparse(urllib.parse.urlparse(admin_url)._replace(path="/" + database))
    finally:
        await connection.close()
    if migrate:
        from nastavnik.cli_migrate import service_database

        for name, url in urls.items():
            service_db = service_database(name, url)
            try:
                await service_db.upgrade()
            finally:
                await service_db.dispose()
    return urls


async def drop_databases(admin_url: str, urls: dict[str, str]) -> None:
    import asyncpg

    connection = await asyncpg.connect(admin_url)
    try:
        for url in urls.values():
            database = urllib.parse.urlparse(url).path.lstrip("/")
            await connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        await connection.close()


class ServiceProcesses:
    """`python -m nastavnik serve <name>` per service, logs in `log_dir/<name>.log`."""

    def __init__(self, broker_url: str, databases: dict[str, str], log_dir: Path, secret: str, region_id: str = "test-region",
                 extra_env: dict[str, str] | None = None) -> None:
        self.ports = {name: free_port() for name in SERVICES}
        self.processes: dict[str, subprocess.Popen] = {}
        self.broker_url = broker_url
        self.databases = databases
        self.log_dir = log_dir
        self.env = {"NASTAVNIK_JWT_SECRET": secret, "NASTAVNIK_REGION_ID": region_id, "NASTAVNIK_LOG_LEVEL": "WARNING", **(extra_env or {})}

    def start(self, name: str) -> None:
        # a data folder per process (notifications writes its mails there when no SMTP host is set)
        env = {**os.environ, "RABBITMQ_URL": self.broker_url, "DATABASE_URL": self.databases[name],
               "NASTAVNIK_DATA_DIR": str(self.log_dir / f"{name}-data"), **self.env}
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - owned by the child
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "nastavnik", "serve", name, "--host", "127.0.0.1", "--port", str(self.ports[name])],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )

    def start_all(self) -> None:
        for name in SERVICES:
            self.start(name)

    def stop(self, name: str) -> None:
        process = self.processes.pop(name)
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def log_tail(self, name: str) -> str:
        return (self.log_dir / f"{name}.log").read_text(errors="replace")[-3000:]

    async def wait_ready(self, timeout: float = 120) -> None:  # a shared 2-core machine under load starts slowly
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient() as client:
            for name in self.processes:
                while True:
                    if self.processes[name].poll() is not None:
                        raise RuntimeError(f"{name} exited:\n{self.log_tail(name)}")
                    try:
                        if (await client.get(f"http://127.0.0.1:{self.ports[name]}/ready")).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"{name} not ready:\n{self.log_tail(name)}")
                    await asyncio.sleep(0.2)

    def client(self, **kwargs) -> httpx.AsyncClient:  # noqa: ANN003
        """One client for all four: the first path segment picks the service's process."""
        return httpx.AsyncClient(transport=PrefixRouter(self.ports), base_url="http://nastavnik", timeout=30, **kwargs)


NGINX = os.environ.get("NASTAVNIK_NGINX", "/usr/sbin/nginx")


class NginxProxy:
    """Debian's nginx as a foreground child process with deploy/nginx/nastavnik.conf in front of
    `ports` (service → port on 127.0.0.1), listening on a free 127.0.0.1 port; its prefix (config,
    pid, logs, temporary files) is a folder of its own under `work_dir`."""

    def __init__(self, ports: dict[str, int], work_dir: Path, binary: str = NGINX) -> None:
        from nastavnik import proxy

        self.port = free_port()
        self.prefix = work_dir / f"nginx-{self.port}"
        (self.prefix / "tmp").mkdir(parents=True, exist_ok=True)
        server = proxy.render({name: f"127.0.0.1:{port}" for name, port in ports.items()}, f"127.0.0.1:{self.port}")
        user = "root" if os.geteuid() == 0 else None
        self.config = self.prefix / "nginx.conf"
        self.config.write_text(proxy.standalone(server, self.prefix, user), encoding="utf-8")
        self.binary = binary
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def check(self) -> None:
        """`nginx -t`: the rendered configuration is valid (raises with nginx's message)."""
        result = subprocess.run([self.binary, "-t", "-q", "-p", str(self.prefix), "-c", str(self.config)],
                                capture_output=True, text=True, timeout=30)
        if result.returncode != 0:
            raise RuntimeError(f"nginx -t failed:\n{result.stderr}")

    def start(self) -> None:
        self.check()
        log = open(self.prefix / "stderr.log", "ab")  # noqa: SIM115 - owned by the child
        self.process = subprocess.Popen(
            [self.binary, "-p", str(self.prefix), "-c", str(self.config), "-g", "daemon off;"], stdout=log, stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"nginx exited:\n{self.log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"nginx does not listen on {self.port}:\n{self.log_tail()}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()  # SIGTERM: fast shutdown of master and workers
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.process = None

    def log_tail(self) -> str:
        parts = [(self.prefix / name).read_text(errors="replace")[-2000:] for name in ("stderr.log", "error.log") if (self.prefix / name).exists()]
        return "\n".join(parts)

    def __enter__(self) -> NginxProxy:
        self.start()
        self.wait_ready()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class PrefixRouter(httpx.AsyncBaseTransport):
    def __init__(self, ports: dict[str, int]) -> None:
        self.ports = ports
        self.inner = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=200, max_keepalive_connections=100))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        service = request.url.path.split("/")[1]
        request.url = request.url.copy_with(host="127.0.0.1", port=self.ports[service])
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()
