"""The hottest frames of py-spy profiles (bench/indicator_lag.py --profile), as text.

py-spy's `raw` output is collapsed stacks, one line per distinct stack: `frame;frame;…;leaf N`.
For each file this prints the samples, then the frames with the most samples of their own
(self: the leaf of the stack) and the frames with the most samples under them (inclusive: on
the stack, counted once per stack), by function and module. speedscope or flamegraph.pl draw
the same files as flame graphs.

    .venv/bin/python bench/profile_summary.py bench/profiles/*.txt --top 20
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path


def _short(frame: str) -> str:
    """`function (path/to/site-packages/pkg/module.py:12)` → `function (pkg/module.py)`."""
    match = re.match(r"(.*?) \((.*?)(?::\d+)?\)$", frame.strip())
    if not match:
        return frame.strip()
    function, path = match.groups()
    for marker in ("site-packages/", "/work/main/", "lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{function} ({path})"


def profile(text: str) -> tuple[int, Counter[str], Counter[str]]:
    """(all samples, self samples by frame, inclusive samples by frame)."""
    own: Counter[str] = Counter()
    under: Counter[str] = Counter()
    total = 0
    for line in text.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        total += samples
        frames = [_short(f) for f in stack.split(";") if f.strip()]
        if not frames:
            continue
        own[frames[-1]] += samples
        for frame in set(frames):
            under[frame] += samples
    return total, own, under


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("profiles", nargs="+")
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args()
    for path in args.profiles:
        total, own, under = profile(Path(path).read_text())
        print(f"\n{path}: {total} samples")
        print("  self:")
        for name, samples in own.most_common(args.top):
            print(f"    {100 * samples / max(total, 1):5.1f}%  {name}")
        print("  inclusive:")
        for name, samples in under.most_common(args.top):
            print(f"    {100 * samples / max(total, 1):5.1f}%  {name}")


if __name__ == "__main__":
    main()
