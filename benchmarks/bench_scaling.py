"""Cost curves: time and peak memory against n for so(n), stage by stage, with growth exponents.

Each n runs in its own process (so that peak memory is that run's): the oracle x1^2 + ... + xn^2,
then training (the dimension from the spectrum, then n(n-1)/2 generators), the exact solver, and
naming (exact structure constants, then identify). The table prints the seconds of each stage
and the process's peak memory; the exponents are least-squares slopes of log(time) against
log(n) over the largest sizes measured. The reference code of the method needed 790 s for so(10)
with closure off (floats only, no name).

    python benchmarks/bench_scaling.py                    # n = 3, 4, 6, 8, 12, 16, 20, 24, 32
    python benchmarks/bench_scaling.py --n 3 8 16 --plot docs/img/scaling.png
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time
import liealg
from liealg.algebra import LieAlgebra
from liealg.exact import solve_symmetries
from liealg.identification import identify
from liealg.training import fit_auto

n = int(sys.argv[1])
phi = liealg.Oracle(" + ".join(f"x{i}**2" for i in range(1, n + 1)))
liealg.discover("x1**2 + x2**2", seed=0)  # one-off initialization out of the figures
t = time.perf_counter(); result, dim, _ = fit_auto(phi, seed=0); train = time.perf_counter() - t
t = time.perf_counter(); exact = solve_symmetries(phi); solve = time.perf_counter() - t
t = time.perf_counter(); algebra = LieAlgebra.from_matrices(list(exact)); build = time.perf_counter() - t
t = time.perf_counter(); name = identify(algebra).name; name_time = time.perf_counter() - t
print(json.dumps({"n": n, "dim": dim, "train": train, "converged": bool(result.converged), "solve": solve,
                  "algebra": build, "identify": name_time, "name": name,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(n: int) -> dict:
    r = subprocess.run([sys.executable, "-c", CHILD, str(n)], capture_output=True, text=True, cwd=ROOT, timeout=3600)
    if r.returncode != 0:
        raise SystemExit(f"so({n}) failed:\n{r.stderr[-2000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def exponent(ns: list[int], values: list[float]) -> float:
    """Slope of log(value) against log(n) over the upper half of the sizes."""
    pts = [(n, v) for n, v in zip(ns, values) if v > 0][len(ns) // 2:]
    if len(pts) < 2:
        return float("nan")
    x, y = np.log([p[0] for p in pts]), np.log([p[1] for p in pts])
    return float(np.polyfit(x, y, 1)[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, nargs="+", default=[3, 4, 6, 8, 12, 16, 20, 24, 32])
    parser.add_argument("--plot", metavar="PNG", help="draw time and memory against n")
    args = parser.parse_args()
    rows = []
    for n in args.n:
        row = measure(n)
        rows.append(row)
        print(f"so({n:2d}): dim {row['dim']:4d}  train {row['train']:8.2f} s  solve {row['solve']:6.2f} s  "
              f"algebra {row['algebra']:7.2f} s  identify {row['identify']:7.2f} s  peak {row['peak_mb']:7.0f} MB  "
              f"{row['name']}", flush=True)
    ns = [r["n"] for r in rows]
    print()
    for stage in ("train", "solve", "algebra", "identify", "peak_mb"):
        print(f"growth exponent of {stage:8s} (time ~ n^k, largest sizes): k = {exponent(ns, [r[stage] for r in rows]):.2f}")
    print("reference code of the method: so(10), 45 generators, closure off: 790 s, floats, no name")
    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
        for stage in ("train", "solve", "algebra", "identify"):
            ax1.loglog(ns, [max(r[stage], 1e-4) for r in rows], "o-", label=stage)
        ax1.loglog([10], [790], "k*", markersize=12, label="reference code, so(10)")
        ax1.set_xlabel("n (so(n): n(n-1)/2 generators)")
        ax1.set_ylabel("seconds")
        ax1.legend(fontsize=8)
        ax2.loglog(ns, [r["peak_mb"] for r in rows], "o-")
        ax2.set_xlabel("n")
        ax2.set_ylabel("peak memory (MB)")
        fig.tight_layout()
        Path(args.plot).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(args.plot, dpi=100)
        print(f"Plot: {args.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
