"""What the benchmarks share: the HTTP load generator and the machine's figures.

The load generator posts JSON bodies over keep-alive connections with aiohttp, which costs the
machine a fraction of what httpx does per request — on 2 cores the generator competes with the
system it measures, so its cost is printed with every result."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    accepted: int = 0
    errors: int = 0

    def percentile_ms(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


class Poster:
    """POST JSON to one of the given base URLs (round robin), `connections` kept alive."""

    def __init__(self, base_urls: list[str], connections: int) -> None:
        self.base_urls = base_urls
        self.connections = connections
        self._next = 0
        self.session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Poster:
        connector = aiohttp.TCPConnector(limit=self.connections, force_close=False)
        self.session = aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60))
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.session is not None:
            await self.session.close()

    async def post(self, path: str, body: dict, token: str, outcome: Outcome, accept: Callable[[int], bool] = lambda s: s < 300) -> dict | None:
        """One request; its latency and outcome are recorded; returns the JSON answer if accepted."""
        assert self.session is not None
        base = self.base_urls[self._next % len(self.base_urls)]
        self._next += 1
        began = time.perf_counter()
        try:
            async with self.session.post(base + path, json=body, headers={"Authorization": f"Bearer {token}"}) as response:
                answer = await response.json(content_type=None)
                status = response.status
        except (TimeoutError, aiohttp.ClientError, ValueError):
            outcome.errors += 1
            return None
        outcome.latencies.append(time.perf_counter() - began)
        if accept(status):
            outcome.accepted += 1
            return answer
        outcome.errors += 1
        return None


# -- the machine's figures ------------------------------------------------------------------


def load_average() -> str:
    """1, 5 and 15 minute load averages: how many processes wanted the machine's cores."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds_of(command: str) -> float:
    """CPU time of every process named `command` (postgres backends, beam.smp), whoever uses them."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == command:
                    total += cpu_seconds(entry.name)
            except OSError:
                pass
    return total


def cpu_by_pid(command: str) -> dict[str, float]:
    """CPU time so far of each process named `command`, by pid: a difference of two such
    readings (`grown`) is not thrown off by a process of that name ending in between."""
    figures = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == command:
                    figures[entry.name] = cpu_seconds(entry.name)
            except OSError:
                pass
    return figures


def grown(before: dict[str, float], after: dict[str, float]) -> float:
    """CPU seconds the processes spent between two `cpu_by_pid` readings (those started in
    between count whole; those ended in between are lost to the reading)."""
    return sum(value - before.get(pid, 0.0) for pid, value in after.items())


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy so far (every process on the machine, Linux /proc)."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return float("nan")
    return (sum(values[:8]) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")
