"""The exceptional algebra E6(-26): linear maps preserving the cubic norm of h3(O).

Run:  python examples/e6.py [--plot DIR] [--seed S]        (15 s to a minute on 2 cores, more when they are busy)

The catalog's ``e6`` oracle is the cubic norm ``N(A)`` (the octonionic determinant, 89 terms)
of a 3 x 3 Hermitian octonionic matrix, in 27 variables. Its linear symmetries form the real
form E6(-26) (EIV): 78 generators of 27 x 27, Killing signature (26, 52, 0), maximal compact
subalgebra f4, real rank 2. liealg learns all 78, makes them exact, proves each one, and names
the real form. ``--plot DIR`` writes ``e6_generators.png`` and ``e6_dynkin.png``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import liealg
from liealg.catalog import oracles as catalog


def main(argv: list[str] | None = None) -> int:
    """Discover e6 and print what was found; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", metavar="DIR", help="write e6_generators.png and e6_dynkin.png here")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    entry = catalog.get("e6")
    oracle = entry.oracle()
    result = liealg.discover(oracle, seed=args.seed)
    ident = result.identification
    t = result.timings
    nonzero = sum(sum(1 for v in w if v != 0) for w in result.generators)
    print(f"Oracle: {entry.title}")
    print(f"  {len(oracle.exprs[0].args)} terms in {oracle.matrix_size} variables")
    print(f"Generators: {result.dimension} (expected {entry.dimension}); certified: {result.certified}; "
          f"matches the exact solver: {result.matches_exact}")
    print(f"Final loss: {result.loss['total']:.1e}; train {t['train']:.1f} s, exact solver {t['exact_solve']:.2f} s, "
          f"total {t['total']:.1f} s")
    print(f"Nonzero entries in the 78 exact generators: {nonzero} (of {78 * 27 * 27})")
    print(f"Lie algebra: {ident.name}  (also {', '.join(ident.aliases)})")
    print(f"  Killing signature (+, -, 0): {ident.killing_signature}; complex type {ident.cartan_type}; "
          f"real rank {ident.ideals[0].real_rank}")
    if args.plot:
        from liealg.plots import plot_dynkin, plot_generators

        out = Path(args.plot)
        plot_generators(result.generators, title="E6(-26): 78 generators on h3(O)", path=out / "e6_generators.png")
        plot_dynkin(ident, path=out / "e6_dynkin.png")
        print(f"Plot: {out / 'e6_generators.png'}\nPlot: {out / 'e6_dynkin.png'}")
    names = {n.lower() for n in (ident.name, *ident.aliases)}
    ok = bool(result.certified and result.matches_exact and entry.name.lower() in names
              and ident.killing_signature == entry.killing_signature)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
