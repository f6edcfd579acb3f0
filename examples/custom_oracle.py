"""Your own oracle: a formula of several vectors, a vector-valued formula, and a torch function.

Run:  python examples/custom_oracle.py [--plot DIR] [--seed S]

1. Several argument vectors: ``x1*y2 - x2*y1`` (the area spanned by two vectors in the plane).
   One 2 x 2 generator acts on ``x`` and ``y`` alike; the area is kept by sl(2,R).
   The Minkowski product of two 4-vectors gives so(3,1).
2. A vector-valued oracle (a list of formulas, all kept): the Minkowski interval together with
   the time coordinate ``x4``: the Lorentz transformations that fix a timelike vector are the
   rotations, so(3) (the little group of a massive particle). Fixing the spacelike ``x3``
   instead leaves so(2,1).
3. A callable oracle: any torch function, here a Gaussian ``exp(-|x|^2)`` on R^3, wrapped with
   ``Oracle.from_callable``. Training and rounding work as for formulas; a callable cannot be
   proved symbolically, so the certificate is skipped and the notes say so.

``--plot DIR`` writes ``custom_generators.png`` (the sl(2,R) generators) and
``callable_loss.png`` (the loss curves of the callable run).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

import liealg


def gaussian(x: torch.Tensor) -> torch.Tensor:
    """``exp(-|x|^2)`` for a batch ``(m, 3)`` of points: an oracle given as a torch function."""
    return torch.exp(-(x ** 2).sum(-1))


def line(label: str, result: "liealg.Discovery") -> str:
    """One report line: what was found, and whether it is exact and proved."""
    return (f"{label:52s} dim {result.dimension:2d}  {str(result.name):8s} certified {str(result.certified):5s} "
            f"exact-solver match {str(result.matches_exact):5s} {result.timings['total']:5.2f} s")


def main(argv: list[str] | None = None) -> int:
    """Run the three kinds of user oracle; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", metavar="DIR", help="write custom_generators.png and callable_loss.png here")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    ok = True

    print("1. Several argument vectors (one generator acts on each)")
    area = liealg.discover("x1*y2 - x2*y1", vectors="x1 x2; y1 y2", seed=args.seed)
    print(line("x1*y2 - x2*y1, vectors x; y", area))
    for k, w in enumerate(area.generators, 1):
        print(f"     J{k} = {w.tolist()}")
    minkowski = liealg.Oracle("x1*y1 + x2*y2 + x3*y3 - x4*y4", vectors=[["x1", "x2", "x3", "x4"],
                                                                          ["y1", "y2", "y3", "y4"]])
    lorentz = liealg.discover(minkowski, seed=args.seed)
    print(line("x1*y1 + x2*y2 + x3*y3 - x4*y4, vectors x; y", lorentz))
    ok &= area.name == "sl(2,R)" and lorentz.name == "so(3,1)" and bool(area.certified and lorentz.certified)

    print("\n2. A vector-valued oracle (every component is kept)")
    little = liealg.discover(["x1**2 + x2**2 + x3**2 - x4**2", "x4"], seed=args.seed)
    print(line("[x1**2 + x2**2 + x3**2 - x4**2, x4]", little))
    spacelike = liealg.discover(["x1**2 + x2**2 + x3**2 - x4**2", "x3"], seed=args.seed)
    print(line("[x1**2 + x2**2 + x3**2 - x4**2, x3]", spacelike))
    names = {n.lower() for n in (little.name, *little.identification.aliases)}
    ok &= "so(3)" in names and spacelike.name == "sl(2,R)" and bool(little.certified and spacelike.certified)

    print("\n3. A callable oracle (a torch function)")
    oracle = liealg.Oracle.from_callable(gaussian, 3, name="gaussian")
    blob = liealg.discover(oracle, seed=args.seed)
    print(line("exp(-|x|^2) as a torch function on R^3", blob))
    for k, w in enumerate(blob.generators, 1):
        print(f"     J{k} = {w.tolist()}")
    for note in blob.notes:
        print(f"   note: {note}")
    ok &= blob.dimension == 3 and blob.name == "su(2)" and blob.certified is None

    if args.plot:
        from liealg.plots import plot_generators, plot_history

        out = Path(args.plot)
        plot_generators(area.generators, title="sl(2,R) from x1*y2 - x2*y1", path=out / "custom_generators.png")
        plot_history(blob.training.history, path=out / "callable_loss.png")
        print(f"Plot: {out / 'custom_generators.png'}\nPlot: {out / 'callable_loss.png'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
