"""Physics potentials from their fields: the SM Higgs, two Higgs doublets, the SU(5) adjoint Higgs.

Each potential is built as a physicist writes it, with sympy: complex doublets and their
Hermitian products for the two-Higgs-doublet model, a traceless Hermitian 5x5 matrix and
``trace`` for SU(5), then handed to ``liealg.discover`` as a real polynomial in the real fields.
The symmetry algebra comes back exact, certified and named:

    SM Higgs                 so(4) = su(2) + su(2)   (custodial symmetry)
    two Higgs doublets       su(2) + u(1)             (SU(2)_L x U(1)_Y) for generic couplings,
                             + u(1) with Peccei-Quinn couplings (m12 = l5 = l6 = l7 = 0)
    SU(5) adjoint Higgs      su(5)                    (24 fields, 24 generators)

Run: ``python examples/physics_potentials.py [--plot DIR]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import sympy as sp

import liealg

R = sp.Rational


def doublet(prefix: str) -> tuple[sp.Matrix, list[sp.Symbol]]:
    """A complex doublet of four real fields, written out by hand."""
    a = sp.symbols(f"{prefix}1:5", real=True)
    return sp.Matrix([a[0] + sp.I * a[1], a[2] + sp.I * a[3]]), list(a)


def two_higgs_doublet(m11, m22, m12, l1, l2, l3, l4, l5) -> tuple[sp.Expr, list[sp.Symbol]]:
    """V(P1, P2) with real couplings (CP-conserving, l6 = l7 = 0)."""
    P1, a = doublet("a")
    P2, b = doublet("b")
    n1, n2, n12 = (P1.H * P1)[0], (P2.H * P2)[0], (P1.H * P2)[0]
    n21 = sp.conjugate(n12)
    half = R(1, 2)  # exact: a float 1/2 would make the coefficients inexact
    V = (m11 * n1 + m22 * n2 - m12 * (n12 + n21) + half * l1 * n1**2 + half * l2 * n2**2 + l3 * n1 * n2
         + l4 * n12 * n21 + half * l5 * (n12**2 + n21**2))
    return sp.expand(sp.re(sp.expand(V))), a + b


def su5_adjoint(a, b, c) -> tuple[sp.Expr, list[sp.Symbol]]:
    """-tr S^2 + a (tr S^2)^2 + b tr S^4 + c tr S^3 for a traceless Hermitian 5x5 matrix S."""
    d = sp.symbols("d1:5", real=True)
    S = sp.zeros(5, 5)
    fields = list(d)
    for i in range(4):
        S[i, i] = d[i]
    S[4, 4] = -sum(d)
    for i in range(5):
        for j in range(i + 1, 5):
            re, im = sp.symbols(f"r{i + 1}{j + 1} i{i + 1}{j + 1}", real=True)
            S[i, j], S[j, i] = re + sp.I * im, re - sp.I * im
            fields += [re, im]
    S2 = S * S
    V = -S2.trace() + a * S2.trace() ** 2 + b * (S2 * S2).trace() + c * (S2 * S).trace()
    return sp.expand(V), fields


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", metavar="DIR", help="write su5_generators.png here")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    H, h = doublet("h")
    cases = [
        ("SM Higgs", sp.expand(-(H.H * H)[0] + (H.H * H)[0] ** 2), h, "so(4)"),
        ("2HDM, generic couplings", *two_higgs_doublet(-1, -2, R(1, 3), 2, 3, R(1, 2), R(-1, 5), R(1, 7)), None),
        ("2HDM, Peccei-Quinn", *two_higgs_doublet(-1, -2, 0, 2, 3, R(1, 2), R(-1, 5), 0), None),
        ("SU(5) adjoint Higgs", *su5_adjoint(R(1, 3), R(1, 5), R(1, 7)), "su(5)"),
    ]
    ok = True
    results = {}
    for name, V, fields, expected in cases:
        start = time.perf_counter()
        result = liealg.discover(V, variables=[f.name for f in fields], seed=args.seed)
        results[name] = result
        seconds = time.perf_counter() - start
        print(f"{name}: {len(fields)} fields, {len(str(V))} characters")
        print(f"   {result.dimension} generators, exact and certified: {bool(result.certified)}, "
              f"matches the exact solver: {result.matches_exact}; Lie algebra: {result.name} ({seconds:.1f} s)")
        ok &= bool(result.certified) and bool(result.matches_exact)
        if expected is not None:
            ok &= expected in {result.name, *result.identification.aliases}
    pq, generic = results["2HDM, Peccei-Quinn"], results["2HDM, generic couplings"]
    print(f"Peccei-Quinn couplings add {pq.dimension - generic.dimension} generator(s): "
          f"{generic.name} -> {pq.name}")
    ok &= pq.dimension == generic.dimension + 1
    if args.plot:
        from liealg.plots import plot_generators

        path = Path(args.plot) / "su5_generators.png"
        plot_generators(results["SU(5) adjoint Higgs"].generators, title="su(5) on the 24 adjoint fields", path=path)
        print(f"Plot: {path}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
