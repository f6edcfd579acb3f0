"""The compact exceptional algebra g2 from the octonions' associative 3-form.

Run:  python examples/g2.py [--plot DIR] [--seed S]

The catalog's ``g2`` oracle is ``phi(x, y, z) = <x, yz>`` on the imaginary octonions R^7, with
three argument vectors and one 7 x 7 generator acting on each. A generic 3-form on R^7 has a
14-dimensional stabilizer; for this one it is the compact g2 = Der(O). liealg learns the 14
generators, proves them, and names the algebra from its roots and Killing form. Every generator
is antisymmetric (g2 sits inside so(7)). ``--plot DIR`` writes ``g2_generators.png`` and
``g2_dynkin.png``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import liealg
from liealg.catalog import oracles as catalog


def main(argv: list[str] | None = None) -> int:
    """Discover g2 and print what was found; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", metavar="DIR", help="write g2_generators.png and g2_dynkin.png here")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    entry = catalog.get("g2")
    oracle = entry.oracle()
    result = liealg.discover(oracle, seed=args.seed)
    ident = result.identification
    antisymmetric = sum(w == -w.T for w in result.generators)
    t = result.timings
    print(f"Oracle: {entry.title}")
    print(f"  {len(oracle.exprs[0].args)} terms, {oracle.n_vectors} argument vectors of length {oracle.matrix_size}")
    print(f"Generators: {result.dimension} (expected {entry.dimension}); certified: {result.certified}; "
          f"matches the exact solver: {result.matches_exact}")
    print(f"Final loss: {result.loss['total']:.1e}; train {t['train']:.2f} s, total {t['total']:.2f} s")
    print(f"Antisymmetric generators (g2 inside so(7)): {antisymmetric} of {result.dimension}")
    print(f"Lie algebra: {ident.name}  (also {', '.join(ident.aliases)})")
    print(f"  Killing signature (+, -, 0): {ident.killing_signature}; complex type {ident.cartan_type}; "
          f"rank {ident.rank}")
    if args.plot:
        from liealg.plots import plot_dynkin, plot_generators

        out = Path(args.plot)
        plot_generators(result.generators, title="g2: 14 generators in so(7)", path=out / "g2_generators.png")
        plot_dynkin(ident, path=out / "g2_dynkin.png")
        print(f"Plot: {out / 'g2_generators.png'}\nPlot: {out / 'g2_dynkin.png'}")
    ok = bool(result.certified and result.matches_exact and ident.name == entry.name
              and ident.killing_signature == entry.killing_signature and antisymmetric == 14)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
