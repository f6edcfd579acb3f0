"""The Lorentz algebra so(3,1) from the Minkowski interval: three rotations and three boosts.

Run:  python examples/lorentz.py [--plot DIR] [--seed S]

liealg learns six generators of ``x' = (I + eps W) x`` that keep
``x1**2 + x2**2 + x3**2 - x4**2`` unchanged, rounds them to exact matrices in the canonical
(RREF) basis, proves each one is a symmetry, and names the algebra. The antisymmetric
generators are the rotations (they mix two space coordinates), the symmetric ones the boosts
(they mix a space coordinate with time). ``--plot DIR`` writes the generator heat maps, as in
the talk's Lorentz figure, to ``DIR/lorentz_generators.png``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import sympy as sp

import liealg

FORMULA = "x1**2 + x2**2 + x3**2 - x4**2"


def describe(m: sp.Matrix) -> str:
    """Say which coordinates a rotation or boost generator mixes.

    Parameters
    ----------
    m : sympy.Matrix
        A 4 x 4 generator with one nonzero pair of entries.

    Returns
    -------
    str
        e.g. ``"rotation in the x1-x2 plane"`` or ``"boost along x3"``.
    """
    i, j = next((i, j) for i in range(4) for j in range(i + 1, 4) if m[i, j] != 0)
    if m == -m.T:
        return f"rotation in the x{i + 1}-x{j + 1} plane"
    return f"boost along x{i + 1}" if j == 3 else f"symmetric x{i + 1}-x{j + 1} (not a boost)"


def main(argv: list[str] | None = None) -> int:
    """Discover so(3,1), print the report, optionally plot; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", metavar="DIR", help="write lorentz_generators.png here")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    result = liealg.discover(FORMULA, seed=args.seed)
    ident = result.identification
    print(f"Oracle: {FORMULA}")
    print(f"Generators: {result.dimension} (certified: {result.certified}, "
          f"matches the exact solver: {result.matches_exact})")
    print(f"Final loss: {result.loss['total']:.1e}; time {result.timings['total']:.2f} s")
    rotations = [m for m in result.generators if m == -m.T]
    boosts = [m for m in result.generators if m == m.T]
    for k, m in enumerate(result.generators, 1):
        print(f"  J{k}: {describe(m):28s} {m.tolist()}")
    print(f"Rotations: {len(rotations)}, boosts: {len(boosts)}")
    print(f"Lie algebra: {ident.name}  (also {', '.join(ident.aliases)})")
    print(f"  Killing signature (+, -, 0): {ident.killing_signature}; complex type {ident.cartan_type}")
    if args.plot:
        from liealg.plots import plot_generators

        path = Path(args.plot) / "lorentz_generators.png"
        plot_generators(result.generators, title="so(3,1): rotations and boosts", path=path)
        print(f"Plot: {path}")
    ok = (result.certified and result.matches_exact and ident.name == "so(3,1)"
          and len(rotations) == 3 and len(boosts) == 3)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
