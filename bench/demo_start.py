"""How long `nastavnik run --demo` takes to start on a fresh data folder: from the process's
spawn until the sign-in page answers (the demo people and accounts exist), and until the demo's
school year has been played in the background (the log line `demo.loaded`); then the restart on
the same folder (the demo is already there). Prints each run and the medians, with the machine's
load average (on a shared machine it is part of every figure).

    .venv/bin/python bench/demo_start.py --runs 3
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(data_dir: Path, timeout: float) -> tuple[float, float]:
    """(seconds until the sign-in page answers, seconds until the demo year is loaded)."""
    port = free_port()
    env = {**os.environ, "NASTAVNIK_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
    env.pop("RABBITMQ_URL", None)
    env.pop("DATABASE_URL", None)
    began = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "nastavnik", "run", "--demo", "--port", str(port)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    loaded: list[float] = []

    def watch() -> None:
        with open(data_dir.parent / f"demo-start-{port}.log", "w") as log:  # kept for a look when a start goes wrong
            for line in process.stdout:  # type: ignore[union-attr]
                log.write(line)
                if '"demo.loaded"' in line or '"demo.already_loaded"' in line:
                    loaded.append(time.perf_counter() - began)

    threading.Thread(target=watch, daemon=True).start()
    answered = None
    try:
        while time.perf_counter() - began < timeout:
            if process.poll() is not None:
                raise RuntimeError(f"nastavnik run --demo exited with {process.returncode}")
            if answered is None:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/registry/sign-in", timeout=30).status_code == 200:
                        answered = time.perf_counter() - began
                except httpx.HTTPError:
                    pass
            if answered is not None and loaded:
                return answered, loaded[0]
            time.sleep(0.1)
        raise RuntimeError("the demo did not start in time")
    finally:
        process.terminate()
        process.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    first, filled, again = [], [], []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as folder:
            load = os.getloadavg()[0]
            answered, loaded = start(Path(folder), args.timeout)
            first.append(answered)
            filled.append(loaded)
            again.append(start(Path(folder), args.timeout)[0])
            print(f"run {run + 1}: sign-in page after {answered:.1f} s, the year played after {loaded:.1f} s, "
                  f"restart {again[-1]:.1f} s (load average {load:.1f})", flush=True)
    print(f"median: sign-in page {statistics.median(first):.1f} s, year played {statistics.median(filled):.1f} s, "
          f"restart {statistics.median(again):.1f} s")


if __name__ == "__main__":
    main()
