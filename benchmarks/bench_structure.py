"""Structure and naming speed (issue 13): e6 in its 27 (Cartan subalgebra, roots, weights and the
four diagrams) under 10 s; naming any algebra of dimension up to 6 under 1 s.

    python benchmarks/bench_structure.py

Prints one table row per case (seconds, the answer) and exits 1 when a goal is missed.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import sympy as sp

import liealg.catalog as cat
from liealg.algebra import LieAlgebra
from liealg.catalog import exceptional
from liealg.identification import identify
from liealg.structure import structure


def small_algebras() -> list[tuple[str, LieAlgebra]]:
    sc = LieAlgebra.from_structure_constants
    E = lambda i, j, d: sp.Matrix(d, d, lambda a, b: 1 if (a, b) == (i, j) else 0)  # noqa: E731
    return [
        ("R^6", sc(6, [])),
        ("heis(3) (dim 3)", LieAlgebra.from_matrices(cat.heisenberg(1))),
        ("A3,5 (dim 3)", sc(3, [[0, 2, 0, 1], [1, 2, 1, "1/3"]])),
        ("A4,6 (dim 4)", sc(4, [[0, 3, 0, 2], [1, 3, 1, "1/2"], [1, 3, 2, -1], [2, 3, 1, 1], [2, 3, 2, "1/2"]])),
        ("A4,10 (dim 4)", sc(4, [[1, 2, 0, 1], [1, 3, 2, -1], [2, 3, 1, 1]])),
        ("sim(2) (dim 4, matrices)", LieAlgebra.from_matrices([E(0, 1, 3) - E(1, 0, 3), E(2, 2, 3), E(2, 0, 3),
                                                                E(2, 1, 3)])),
        ("gl(2,R) (dim 4)", LieAlgebra.from_matrices(cat.gl(2))),
        ("heis(5) (dim 5)", LieAlgebra.from_matrices(cat.heisenberg(2))),
        ("filiform (dim 5)", sc(5, [[0, 1, 2, 1], [0, 2, 3, 1], [0, 3, 4, 1]])),
        ("so(4) (dim 6)", LieAlgebra.from_matrices(cat.so(4))),
        ("so(3,1) (dim 6)", LieAlgebra.from_matrices(cat.so(3, 1))),
        ("iso(3) (dim 6)", LieAlgebra.from_matrices(cat.euclidean(3))),
        ("iso(2,1) (dim 6)", LieAlgebra.from_matrices(cat.poincare(1, 2))),
        ("sl(2,R)+aff(1)+u(1) (dim 6)", LieAlgebra.from_matrices(cat.direct_sum(cat.sl(2), [E(0, 0, 2), E(0, 1, 2)],
                                                                              cat.u(1)))),
    ]


def main() -> int:
    ok = True
    rows = []
    matrices = exceptional.e6_matrices()  # the input: the 78 generators (not timed)
    t0 = time.perf_counter()
    L = LieAlgebra.from_matrices(matrices)
    s = structure(L)
    from liealg.plots import plot_dynkin, plot_roots, plot_structure_constants, plot_weights

    with tempfile.TemporaryDirectory() as tmp:
        plot_roots(s, path=Path(tmp) / "roots.png")
        plot_weights(s, path=Path(tmp) / "weights.png")
        plot_dynkin(s, path=Path(tmp) / "dynkin.png")
        plot_structure_constants(L, path=Path(tmp) / "structure_constants.png")
    e6 = time.perf_counter() - t0
    ok &= e6 < 10
    rows.append(("e6 in the 27: algebra, structure, 4 plots (from the 78 matrices)", e6,
                 f"{s.cartan_type}, highest {s.highest_weight}", "< 10 s"))
    worst = 0.0
    for label, A in small_algebras():
        t0 = time.perf_counter()
        name = identify(A).name
        dt = time.perf_counter() - t0
        worst = max(worst, dt)
        rows.append((f"identify {label}", dt, name, "< 1 s"))
    ok &= worst < 1
    width = max(len(r[0]) for r in rows)
    print(f"{'case':<{width}}  {'seconds':>8}  goal    answer")
    for label, dt, answer, goal in rows:
        print(f"{label:<{width}}  {dt:8.3f}  {goal:<6}  {answer}")
    print("all goals met" if ok else "GOAL MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
