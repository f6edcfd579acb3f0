"""so(3) from a classifier: points in 3-D whose class depends only on their distance from the origin.

Run:  python examples/data_radius_classifier.py [--points 6000] [--flip 0.02] [--plot DIR]

Three classes: inside radius 1.3, between 1.3 and 2.1, outside; a fraction ``--flip`` of the
labels is replaced by a random class (label noise). liealg fits a classifier network to the
labelled points; its logits (each class's log-odds against the first) are the oracle, and the
rotations that leave them unchanged are found, counted from the spectrum, and named. The data
fill the space, so no direction is left unconstrained.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from liealg.data import discover_data, save_data_plots


def points(m: int, flip: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(m, 3))
    r = np.linalg.norm(x, axis=1)
    label = (r > 1.3).astype(int) + (r > 2.1).astype(int)
    flipped = rng.random(m) < flip
    label[flipped] = rng.integers(0, 3, size=int(flipped.sum()))
    return x, label


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=6000)
    parser.add_argument("--flip", type=float, default=0.02, help="fraction of labels replaced at random")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plot", metavar="DIR")
    args = parser.parse_args(argv)

    x, label = points(args.points, args.flip, args.seed)
    result = discover_data(x, label, features=["x", "y", "z"], seed=args.seed)
    print(result.summary())
    print()
    print(f"Fit: {result.fit.describe()}")
    print(f"Spectral gap: {result.spectral_gap:.2f} decades; dimension {result.dimension}")
    aliases = result.identification.aliases if result.identification is not None else ()
    print(f"Lie algebra: {result.name} (numeric; also {', '.join(aliases)})")
    if args.plot:
        for path in save_data_plots(result, args.plot, prefix="data_radius"):
            print(f"Plot: {path}")
    return 0 if result.name == "su(2)" and result.dimension == 3 else 1


if __name__ == "__main__":
    sys.exit(main())
