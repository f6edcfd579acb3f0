"""The wild zoo, timed: every oracle of tests/test_wild.py through the whole chain.

Prints, per oracle: the time of each stage (train, polish, rationalize, certify, algebra,
identify), the exact solver's time beside it where it applies, matches_exact, certified, the
name, and the process's peak memory; then the issue's speed goals, met or not.

    python benchmarks/bench_wild.py            # the default zoo (the 12-variable cases included)
    python benchmarks/bench_wild.py --all      # also the slow ones: SU(5) adjoint, so(18,2), 16 variables
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import test_wild  # noqa: E402  (the zoo lives with its independent answers)

import liealg  # noqa: E402

GOALS = {"2HDM": 20.0, "SU(5) adjoint Higgs": 120.0, "so(18,2)": 20.0}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def long_formula_row() -> None:
    """A 50,000-character quartic in 20 variables: parse, then build the oracle (parse + lambdify)."""
    import random

    from liealg.parsing import parse_formula

    rng = random.Random(0)
    terms: list[str] = []
    while sum(len(t) + 3 for t in terms) < 50_000:
        i, j, k, m = sorted(rng.randrange(1, 21) for _ in range(4))
        terms.append(f"{rng.randint(1, 99)}/{rng.randint(1, 9)}*x{i}*x{j}*x{k}*x{m}")
    text = " + ".join(terms)
    t0 = time.perf_counter()
    parse_formula(text)
    parsed = time.perf_counter() - t0
    t0 = time.perf_counter()
    liealg.Oracle(text, variables=" ".join(f"x{i}" for i in range(1, 21)))
    built = time.perf_counter() - t0
    print(f"a {len(text):,}-character quartic: parse {parsed:.1f} s, Oracle (parse + lambdify) {built:.1f} s "
          "(goal: seconds)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--all", action="store_true", help="include the slow oracles")
    parser.add_argument("--only", help="run the oracles whose id contains this text")
    args = parser.parse_args()
    torch.set_num_threads(2)
    liealg.discover("x1**2 + x2**2", seed=0)  # warm-up: one-off torch and sympy initialization
    header = ("oracle", "vars", "dim", "train", "polish", "ration.", "exact solve", "certify", "algebra", "identify",
              "total", "matches", "cert.", "name", "peak MB")
    rows, goals = [], []
    for case in test_wild.CASES:
        if (case.slow and not args.all) or (args.only and args.only not in case.id):
            continue
        oracle = liealg.Oracle(list(case.exprs), vectors=[[s.name for s in v] for v in case.vectors])
        start = time.perf_counter()
        result = liealg.discover(oracle, seed=0)
        wall = time.perf_counter() - start
        t = result.timings

        def fmt(key: str) -> str:
            return f"{t[key]:.2f}" if key in t else "-"

        rows.append((case.id[:44], str(len(case.vectors[0]) * len(case.vectors)), str(result.dimension), fmt("train"),
                     fmt("polish"), fmt("rationalize"), fmt("exact_solve"), fmt("certify"), fmt("algebra"),
                     fmt("identify"), f"{wall:.2f}", str(result.matches_exact), str(result.certified),
                     str(result.name), f"{peak_mb():.0f}"))
        for key, goal in GOALS.items():
            if case.id.startswith(key):
                goals.append((case.id, wall, goal))
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)))
    print()
    for name, wall, goal in goals:
        print(f"goal: {name} in under {goal:.0f} s: {wall:.1f} s, {'met' if wall < goal else 'NOT met'}")
    print(f"peak memory of the process: {peak_mb():.0f} MB (goal: under 4096)")
    long_formula_row()
    return 0


if __name__ == "__main__":
    sys.exit(main())
