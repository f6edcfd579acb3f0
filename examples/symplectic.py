"""The symplectic algebra sp(4,R) from the symplectic form omega(x, y) on R^4.

Run:  python examples/symplectic.py [--plot DIR] [--seed S]

The oracle ``omega(x, y) = x1 y3 + x2 y4 - x3 y1 - x4 y2`` takes two argument vectors and one
4 x 4 generator acts on both. ``omega(Wx, y) + omega(x, Wy) = 0`` for all ``x, y`` means
``W^T J + J W = 0`` with ``J = [[0, I], [-I, 0]]``: the 10-dimensional sp(4,R), which liealg
names by its isomorphism class ``so(3,2)`` (alias ``sp(4,R)``, type B2 = C2). ``--plot DIR``
writes ``sp4_generators.png`` and the Dynkin diagram ``sp4_dynkin.png``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import sympy as sp

import liealg
from liealg.catalog import oracles as catalog


def main(argv: list[str] | None = None) -> int:
    """Discover sp(4,R), check W^T J + J W = 0 exactly; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", metavar="DIR", help="write sp4_generators.png and sp4_dynkin.png here")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    entry = catalog.get("sp(4,R)")
    oracle = entry.oracle()
    result = liealg.discover(oracle, seed=args.seed)
    ident = result.identification
    J = sp.Matrix([[0, 0, 1, 0], [0, 0, 0, 1], [-1, 0, 0, 0], [0, -1, 0, 0]])
    preserves = all(w.T * J + J * w == sp.zeros(4) for w in result.generators)

    print(f"Oracle: {oracle.formula_text()}")
    print(f"  argument vectors: {'; '.join(' '.join(s.name for s in v) for v in oracle.vectors)}")
    print(f"Generators: {result.dimension} (expected {entry.dimension}); certified: {result.certified}; "
          f"matches the exact solver: {result.matches_exact}; time {result.timings['total']:.2f} s")
    for k, w in enumerate(result.generators, 1):
        print(f"  J{k:<2d} = {w.tolist()}")
    print(f"Every generator satisfies W^T J + J W = 0 exactly: {preserves}")
    print(f"Lie algebra: {ident.name}  (also {', '.join(ident.aliases)})")
    print(f"  Killing signature (+, -, 0): {ident.killing_signature}; complex type {ident.cartan_type}; "
          f"real rank {ident.ideals[0].real_rank}")
    if args.plot:
        from liealg.plots import plot_dynkin, plot_generators

        out = Path(args.plot)
        plot_generators(result.generators, title="sp(4,R)", path=out / "sp4_generators.png")
        plot_dynkin(ident, path=out / "sp4_dynkin.png")
        print(f"Plot: {out / 'sp4_generators.png'}\nPlot: {out / 'sp4_dynkin.png'}")
    names = {n.lower() for n in (ident.name, *ident.aliases)}
    ok = bool(result.certified and result.matches_exact and preserves and "sp(4,r)" in names
              and ident.killing_signature == entry.killing_signature)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
