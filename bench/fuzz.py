"""The long fuzz run: the parser, the citation finder and the search query language over 100,000
generated inputs.

The targets and input strategies are those of the short CI run (tests/fuzzing.py): arbitrary text
and real 2020 record fragments mutated. Every input either parses (its properties holding) or
raises the documented ParseError (the query language: QueryError); anything else is counted as a crash, shown with its input, and
the run goes on.

    python bench/fuzz.py [--inputs 100000] [--seed 1] [--only "citations"]
    python bench/fuzz.py --inputs 20000 --only "search query"

Prints per target: inputs run, parse errors (the documented outcome), crashes, inputs/s.
Exits 1 when there was a crash.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")  # the query target compiles through haystack
import django  # noqa: E402

django.setup()

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

from tests.fuzzing import TARGETS  # noqa: E402


def run_target(name: str, inputs: int, random_seed: int) -> tuple[Counter, list[str], float]:
    strategy, check = TARGETS[name]
    counts: Counter = Counter()
    crashes: list[str] = []

    @seed(random_seed)
    @settings(
        max_examples=inputs, deadline=None, database=None, derandomize=False, suppress_health_check=list(HealthCheck)
    )
    @given(strategy())
    def run(text: str) -> None:
        counts["inputs"] += 1
        try:
            check(text)  # returns on the documented ParseError
        except Exception as exc:  # any other exception, or a broken property, is a finding: counted, shown
            counts["crashes"] += 1
            if len(crashes) < 20:
                crashes.append(f"{type(exc).__name__}: {str(exc)[:200]} <- {text[:300]!r}")

    started = time.perf_counter()
    run()
    return counts, crashes, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=100_000, help="total over all targets")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=list(TARGETS), help="one target")
    args = parser.parse_args(argv)
    names = [args.only] if args.only else list(TARGETS)
    per_target = args.inputs // len(names)
    total = Counter()
    print(f"{'target':18} {'inputs':>8} {'crashes':>8} {'inputs/s':>9}")
    for name in names:
        counts, crashes, seconds = run_target(name, per_target, args.seed)
        total.update(counts)
        print(f"{name:18} {counts['inputs']:8d} {counts['crashes']:8d} {counts['inputs'] / seconds:9.0f}", flush=True)
        for crash in crashes:
            print(f"    {crash}")
    print(f"{'total':18} {total['inputs']:8d} {total['crashes']:8d}")
    return 1 if total["crashes"] else 0


if __name__ == "__main__":
    sys.exit(main())
