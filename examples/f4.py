"""The compact exceptional algebra f4: automorphisms of the exceptional Jordan algebra h3(O).

Run:  python examples/f4.py [--plot DIR] [--seed S]        (15 s to a minute on 2 cores, more when they are busy)

The catalog's ``f4`` oracle is vector-valued: ``[tr A, tr(A o A), N(A)]`` on the 27 coordinates
``a, b, c, u0..u7, v0..v7, w0..w7`` of a 3 x 3 Hermitian octonionic matrix ``A``. The linear
maps preserving all three are the automorphisms of h3(O), the compact f4 (52 generators of
27 x 27). liealg learns them, rounds them to exact matrices, proves each one, and names the
algebra. Two exact checks follow: every generator kills the identity ``I = (1, 1, 1, 0, ...)``
and is antisymmetric for the positive form ``tr(A o A)``. ``--plot DIR`` writes
``f4_generators.png`` and ``f4_dynkin.png``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import sympy as sp

import liealg
from liealg.catalog import oracles as catalog


def main(argv: list[str] | None = None) -> int:
    """Discover f4 and print what was found; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", metavar="DIR", help="write f4_generators.png and f4_dynkin.png here")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    entry = catalog.get("f4")
    oracle = entry.oracle()
    result = liealg.discover(oracle, seed=args.seed)
    ident = result.identification
    unit = sp.Matrix([1, 1, 1] + [0] * 24)
    G = sp.diag(1, 1, 1, *([2] * 24))  # tr(A o A) = x^T G x
    fixes_unit = sum(w * unit == sp.zeros(27, 1) for w in result.generators)
    compact = sum(w.T * G + G * w == sp.zeros(27) for w in result.generators)
    t = result.timings
    print(f"Oracle: {entry.title}")
    print(f"  {oracle.n_outputs} components on {oracle.matrix_size} variables")
    print(f"Generators: {result.dimension} (expected {entry.dimension}); certified: {result.certified}; "
          f"matches the exact solver: {result.matches_exact}")
    print(f"Final loss: {result.loss['total']:.1e}; train {t['train']:.1f} s, exact solver {t['exact_solve']:.2f} s, "
          f"total {t['total']:.1f} s")
    print(f"Generators that fix the identity of h3(O): {fixes_unit} of {result.dimension}")
    print(f"Generators antisymmetric for tr(A o A): {compact} of {result.dimension}")
    print(f"Lie algebra: {ident.name}  (also {', '.join(ident.aliases)})")
    print(f"  Killing signature (+, -, 0): {ident.killing_signature}; complex type {ident.cartan_type}; "
          f"rank {ident.rank}")
    if args.plot:
        from liealg.plots import plot_dynkin, plot_generators

        out = Path(args.plot)
        plot_generators(result.generators, title="f4: 52 generators on h3(O)", path=out / "f4_generators.png")
        plot_dynkin(ident, path=out / "f4_dynkin.png")
        print(f"Plot: {out / 'f4_generators.png'}\nPlot: {out / 'f4_dynkin.png'}")
    ok = bool(result.certified and result.matches_exact and ident.name == entry.name
              and ident.killing_signature == entry.killing_signature and fixes_unit == compact == 52)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
