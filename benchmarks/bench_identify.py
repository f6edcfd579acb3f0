"""Timing of exact structure constants and identification (a script, not a test).

    python benchmarks/bench_identify.py            # the table below
    python benchmarks/bench_identify.py --repeat 3 # best of 3
    python benchmarks/bench_identify.py --so 16 20 24 28 32   # so(n) growth only
    python benchmarks/bench_identify.py --save     # also write benchmarks/results/identify.json (the docs show it)

Columns:
  matrices  LieAlgebra.from_matrices (RREF, commutators, exact coordinates, closure check)
  sc+jacobi LieAlgebra.from_json of the exact structure constants (parsing + exact Jacobi check)
  identify  identify() on the algebra built from structure constants
Goals (IDENTIFICATION.md, 2-core CPU): so(10) identify < 2 s; 78-dim algebras < 20 s.
With --so: from_matrices and identify of so(n) (dimension n(n-1)/2) for the given n, and the
growth exponents k (time ~ dim^k, least squares on log-log); goals (issue 16): so(24), dim 276,
named in < 3 s, and so(32), dim 496, in < 30 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import liealg.catalog as cat  # noqa: E402
from liealg.algebra import LieAlgebra  # noqa: E402
from liealg.identification import identify  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import record  # benchmarks/record.py: saved results


def cases():
    out = [
        ("so(10)", lambda: cat.so(10)),
        ("so(5,5)", lambda: cat.so(5, 5)),
        ("su(6)", lambda: cat.su(6)),
        ("sp(8,R)", lambda: cat.sp(8)),
        ("so(13) (B6)", lambda: cat.so(13)),
        ("sp(12,R) (C6)", lambda: cat.sp(12)),
        ("poincare(1,9)", lambda: cat.poincare(1, 9)),
        ("u(8)", lambda: cat.u(8)),
    ]
    try:
        from liealg.catalog import exceptional as ex
    except ImportError:
        ex = None
    for label, fn in [("g2", "g2_matrices"), ("G2(2)", "g2_split_matrices"), ("f4", "f4_matrices"),
                      ("E6(-26)", "e6_matrices")]:
        if ex is not None and hasattr(ex, fn):
            out.append((label, getattr(ex, fn)))
    return out


def best_of(repeat: int, fn):
    best, value = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - t)
    return best, value


def growth(dims: list[int], times: list[float]) -> float:
    """Least-squares slope of log(time) against log(dim)."""
    import numpy as np

    if len(dims) < 2:
        return float("nan")
    return float(np.polyfit(np.log(dims), np.log(times), 1)[0])


def so_growth(ns: list[int], repeat: int) -> None:
    header = f"{'algebra':8s} {'dim':>4s} {'name':10s} {'from_matrices':>14s} {'identify':>9s} {'both':>7s}"
    print(header)
    print("-" * len(header))
    dims, t_mats, t_ids, t_boths = [], [], [], []
    for n in ns:
        mats = cat.so(n)
        t_mat, t_id = float("inf"), float("inf")
        for _ in range(repeat):
            t = time.perf_counter()
            L = LieAlgebra.from_matrices(mats)
            t_mat = min(t_mat, time.perf_counter() - t)
            t = time.perf_counter()
            res = identify(L)  # a fresh algebra each time: nothing cached from a previous run
            t_id = min(t_id, time.perf_counter() - t)
        dims.append(L.dim)
        t_mats.append(t_mat)
        t_ids.append(max(t_id, 1e-3))
        t_boths.append(t_mat + t_id)
        print(f"so({n}){'':{max(0, 4 - len(str(n)))}s} {L.dim:4d} {res.name:10s} {t_mat:13.2f}s {t_id:8.2f}s "
              f"{t_mat + t_id:6.2f}s", flush=True)
    print(f"growth exponents (time ~ dim^k): from_matrices k = {growth(dims, t_mats):.2f}, "
          f"identify k = {growth(dims, t_ids):.2f}, both k = {growth(dims, t_boths):.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=1, help="best of N runs (default 1)")
    ap.add_argument("--so", type=int, nargs="+", metavar="N", help="only so(N) for these N, with growth exponents")
    ap.add_argument("--save", action="store_true", help="write benchmarks/results/identify.json")
    args = ap.parse_args()
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}")
    if args.so:
        so_growth(args.so, args.repeat)
        return
    header = f"{'algebra':16s} {'dim':>4s} {'name':22s} {'type':8s} {'matrices':>9s} {'sc+jacobi':>10s} {'identify':>9s}"
    print(header)
    print("-" * len(header))
    rows: list[list[object]] = []
    for label, make in cases():
        mats = make()
        t_mat, L = best_of(args.repeat, lambda: LieAlgebra.from_matrices(mats))
        data = L.to_json()
        t_sc, L2 = best_of(args.repeat, lambda: LieAlgebra.from_json(data))
        t_id, res = best_of(args.repeat, lambda: identify(L2))
        print(f"{label:16s} {L.dim:4d} {res.name:22s} {res.cartan_type:8s} {t_mat:8.2f}s {t_sc:9.2f}s {t_id:8.2f}s",
              flush=True)
        rows.append([label, L.dim, res.name, res.cartan_type, f"{t_mat:.2f}", f"{t_sc:.2f}", f"{t_id:.2f}"])
    if args.save:
        path = record.save(
            "identify", title="Exact structure constants and identification", script="benchmarks/bench_identify.py",
            command="python benchmarks/bench_identify.py" + (f" --repeat {args.repeat}" if args.repeat != 1 else ""),
            columns=["algebra", "dim", "name", "type", "matrices s", "sc+jacobi s", "identify s"], rows=rows,
            notes=["matrices: LieAlgebra.from_matrices (RREF, commutators, exact coordinates, closure check); "
                   "sc+jacobi: LieAlgebra.from_json of the exact structure constants (parsing and the exact Jacobi "
                   "check); identify: identify() on that algebra",
                   "goals (IDENTIFICATION.md, 2-core CPU): so(10) identified in under 2 s, 78-dimensional algebras "
                   "in under 20 s"])
        print(f"saved {path}")


if __name__ == "__main__":
    main()
