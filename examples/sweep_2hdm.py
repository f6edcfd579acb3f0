"""The two-Higgs-doublet model: where in its couplings does the symmetry grow?

Run:  python examples/sweep_2hdm.py [--plot DIR] [--method exact|train] [--executor local|dask]
                                    [--workers N] [--scheduler ADDRESS] [--json PATH] [--max-seconds S]

Two complex doublets Phi1, Phi2 (8 real fields p1..p8) and the general potential

    V = m11 Phi1'Phi1 + m22 Phi2'Phi2 - m12 (Phi1'Phi2 + h.c.)
        + l1/2 (Phi1'Phi1)^2 + l2/2 (Phi2'Phi2)^2 + l3 (Phi1'Phi1)(Phi2'Phi2) + l4 |Phi1'Phi2|^2
        + [l5/2 (Phi1'Phi2)^2 + l6 (Phi1'Phi1)(Phi1'Phi2) + l7 (Phi2'Phi2)(Phi1'Phi2) + h.c.]

with real couplings (the squared masses written m11, m22, m12). Every point has the gauge
symmetry SU(2)_L x U(1)_Y: su(2) + u(1), dimension 4. Two sweeps find where it grows, and why.

The (l4, l5) map, with m11 = -1, m22 = -2, l1 = 2, l2 = 3, l3 = 1/2 and m12 = l6 = l7 = 0:

* l5 = 0: a Peccei-Quinn U(1), Phi2 -> e^{i a} Phi2 (it needs m12 = l5 = l6 = l7 = 0): dimension 5;
* l5 = l4: the custodial SU(2): only Re(Phi1'Phi2) enters, which the 2x2 matrices
  (i sigma2 Phi_a^*, Phi_a) keep under SU(2)_L x SU(2)_R: su(2) + su(2), dimension 6;
* l5 = -l4 (allowed because m12 = l6 = l7 = 0): the custodial SU(2) of (Phi1, i Phi2): dimension 6;
* l4 = l5 = 0: V depends on Phi1'Phi1 and Phi2'Phi2 alone: SO(4) x SO(4), dimension 12.

The Higgs-family line, with m11 = m22 = -1, l1 = l2 = 2, l4 = 1, m12 = l5 = l6 = l7 = 0 (so
Peccei-Quinn, dimension 5, everywhere), over l3:

* l1 = l2 = l3 + l4 (l3 = 1): the Higgs-family U(2) rotating Phi1 into Phi2 (V is a function of
  Tr M and det M, M_ab = Phi_a'Phi_b): su(2) + su(2) + u(1), dimension 7;
* l1 = l2 = l3 (l3 = 2): the same U(2) in the basis (Phi1, i sigma2 Phi2^*), because
  |Phi1'Phi2|^2 + |Phi1' i sigma2 Phi2^*|^2 = (Phi1'Phi1)(Phi2'Phi2): dimension 7.

``tests/test_sweep.py`` checks these conditions with the exact solver, independently of this
script. ``--method train`` runs the whole chain with training at every point (slower: see
docs/sweeps.md); ``--executor dask`` runs the points on a Dask cluster.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import sympy as sp

from liealg.config import TrainConfig
from liealg.plots import plot_symmetry_map
from liealg.sweeps import make_executor, sweep

FIELDS = sp.symbols("p1:9", real=True)
COUPLINGS = sp.symbols("m11 m22 m12 l1 l2 l3 l4 l5 l6 l7", real=True)


def potential() -> sp.Expr:
    """The 2HDM potential in the 8 real fields, with the 10 real couplings as free symbols."""
    p = FIELDS
    phi1 = (p[0] + sp.I * p[1], p[2] + sp.I * p[3])
    phi2 = (p[4] + sp.I * p[5], p[6] + sp.I * p[7])

    def dot(a, b):  # a'b
        return sp.expand(sum(sp.conjugate(x) * y for x, y in zip(a, b)))

    A, B, C = dot(phi1, phi1), dot(phi2, phi2), dot(phi1, phi2)
    Cc = sp.conjugate(C)
    m11, m22, m12, l1, l2, l3, l4, l5, l6, l7 = COUPLINGS
    V = (m11 * A + m22 * B - m12 * (C + Cc) + l1 / 2 * A**2 + l2 / 2 * B**2 + l3 * A * B + l4 * C * Cc
         + (l5 / 2 * C**2 + l6 * A * C + l7 * B * C) + (l5 / 2 * Cc**2 + l6 * A * Cc + l7 * B * Cc))
    V = sp.expand(V)
    assert V.is_real or sp.im(V) == 0
    return V


# The (l4, l5) map: the fixed couplings and the grid.
MAP_FIXED = {"m11": -1, "m22": -2, "m12": 0, "l1": 2, "l2": 3, "l3": "1/2", "l6": 0, "l7": 0}
MAP_GRID = {"l4": "-1,0,1/2,1", "l5": "-1,0,1/2,1"}
# The Higgs-family line over l3.
LINE_FIXED = {"m11": -1, "m22": -1, "m12": 0, "l1": 2, "l2": 2, "l4": 1, "l5": 0, "l6": 0, "l7": 0}
LINE_GRID = {"l3": "0,1/2,1,3/2,2"}


def expected_map(l4: sp.Rational, l5: sp.Rational) -> tuple[int, str]:
    """What the (l4, l5) map must show at a point (derived in the module docstring)."""
    if l4 == 0 and l5 == 0:
        return 12, "SO(4) x SO(4): only Phi1'Phi1 and Phi2'Phi2 enter"
    if l5 == 0:
        return 5, "Peccei-Quinn U(1)"
    if l5 == l4:
        return 6, "custodial SU(2)"
    if l5 == -l4:
        return 6, "custodial SU(2) of (Phi1, i Phi2)"
    return 4, "generic: SU(2)_L x U(1)_Y"


def expected_line(l3: sp.Rational) -> tuple[int, str]:
    """What the Higgs-family line must show at a point."""
    if l3 == 1:
        return 7, "Higgs-family U(2)"
    if l3 == 2:
        return 7, "Higgs-family U(2) of (Phi1, i sigma2 Phi2*)"
    return 5, "Peccei-Quinn U(1)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plot", metavar="DIR")
    ap.add_argument("--method", choices=("exact", "train"), default="exact")
    ap.add_argument("--executor", choices=("local", "dask"), default="local")
    ap.add_argument("--workers", type=int, default=None, help="worker processes (default: the cores)")
    ap.add_argument("--scheduler", metavar="ADDRESS", help="with --executor dask: a running scheduler")
    ap.add_argument("--json", metavar="PATH")
    ap.add_argument("--max-seconds", type=float, default=None, help="time budget of each point")
    args = ap.parse_args(argv)

    V = potential()
    variables = [str(s) for s in FIELDS]
    training = TrainConfig(max_seconds=args.max_seconds) if args.max_seconds else None
    ok = True
    # One executor for both sweeps: its worker processes start (import torch) once.
    with make_executor(args.executor, workers=args.workers, scheduler=args.scheduler) as executor:
        for title, fixed, grid, expected, json_path in (
            ("(l4, l5) map", MAP_FIXED, MAP_GRID, expected_map, args.json),
            ("Higgs-family line over l3", LINE_FIXED, LINE_GRID, expected_line, None),
        ):
            params = {**{k: [v] for k, v in fixed.items()}, **grid}
            result = sweep(V, params, variables=variables, method=args.method, training=training,
                           executor=executor, json_path=json_path)
            print(f"== 2HDM {title}; fixed: {', '.join(f'{k}={v}' for k, v in fixed.items())}")
            print(f"{len(result.points)} points, method {result.method}, executor {result.executor} "
                  f"({result.workers} workers), {result.seconds:.1f} s")
            axes = list(grid)
            for p in result.points:
                values = [sp.Rational(p.params[a]) for a in axes]
                dim, why = expected(*values)
                good = p.status == "ok" and p.dimension == dim
                ok &= good
                shown = ", ".join(f"{a}={p.params[a]:>4}" for a in axes)
                mark = "" if good else "   <-- UNEXPECTED"
                print(f"{shown}: {p.name or '-':32s} dim {p.dimension!s:>2}  {why}{mark}")
            if args.plot:
                path = Path(args.plot) / f"2hdm_{'map' if len(axes) == 2 else 'line'}.png"
                plot_symmetry_map(result, path=path, parameters=axes)
                print(f"Plot: {path}")
            print()
    print("all known symmetric points found" if ok else "NOT all known symmetric points were found")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
