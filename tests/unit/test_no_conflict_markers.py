"""No merge left both sides behind: no tracked text file holds a conflict marker line."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARKERS = ("<<<<<<< ", ">>>>>>> ")
TEXT = (".py", ".md", ".toml", ".html", ".css", ".js", ".yml", ".yaml", ".json", ".txt", ".mako", ".conf", ".sh", ".cfg")


def tracked_text_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False)
    names = listed.stdout.splitlines() if listed.returncode == 0 else [str(p.relative_to(ROOT)) for p in ROOT.rglob("*")]
    return [ROOT / name for name in names if name.endswith(TEXT) and "vendor/" not in name and (ROOT / name).is_file()]


def test_no_conflict_markers() -> None:
    found = []
    for path in tracked_text_files():
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if line.startswith(MARKERS):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line[:40]}")
    assert not found, "merge conflict markers left in:\n" + "\n".join(found)
