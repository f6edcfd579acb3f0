"""Timing of the subalgebra survey and of a stabilizer (a script, not a test).

    python benchmarks/bench_subalgebras.py

Rows:
  lorentz survey   liealg.subalgebras.subalgebras on x1^2+x2^2+x3^2-x4^2, 8 seeds, k = 1..5
                   (k = 5 has no subalgebra: proved, not trained). Goal (issue 12): < 60 s.
  su5 discovery    discover(method="exact") on the SU(5) adjoint Higgs potential (24 fields).
  su5 stabilizer   the stabilizer at S = diag(2,2,2,-3,-3) beyond the discovery (exact null
                   space, naming su(3)+su(2)+u(1), the branching). Goal: < 120 s.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from liealg import Oracle, discover
from liealg.catalog.physics import su5_adjoint
from liealg.subalgebras import stabilizer, subalgebras


def main() -> None:
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    rows = []
    t = time.perf_counter()
    survey = subalgebras("x1**2 + x2**2 + x3**2 - x4**2", dims=[1, 2, 3, 4, 5], seeds=8, seed=0)
    rows.append(("lorentz survey (8 seeds, k=1..5)", time.perf_counter() - t, 60.0,
                 ", ".join(f"k={c.dimension}: {c.name or 'family'} x{c.count}" for c in survey.classes)
                 + f"; k=5: {'none exists' if 5 in survey.impossible else '?'}"))
    p = su5_adjoint()
    oracle = Oracle(p.expr, variables=[v.name for v in p.variables])
    t = time.perf_counter()
    result = discover(oracle, method="exact")
    rows.append(("su5 discovery (exact)", time.perf_counter() - t, None, str(result.name)))
    assert result.generators is not None
    t = time.perf_counter()
    s = stabilizer(result.generators, "sd1=2, sd2=2, sd3=2, sd4=-3", variables=[v.name for v in p.variables])
    rows.append(("su5 stabilizer (beyond discovery)", time.perf_counter() - t, 120.0,
                 f"{s.name}, {s.n_broken} broken, {s.branching_text}"))
    print(f"{'case':36s} {'seconds':>8s} {'goal':>6s}  result")
    for name, seconds, goal, what in rows:
        print(f"{name:36s} {seconds:8.1f} {'' if goal is None else f'{goal:.0f}':>6s}  {what}")


if __name__ == "__main__":
    main()
