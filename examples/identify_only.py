"""Name a Lie algebra from its structure constants alone: no oracle, no training.

Run:  python examples/identify_only.py [--plot DIR]

``LieAlgebra.from_structure_constants(dim, [[i, j, k, c], ...])`` takes the brackets
``[e_i, e_j] = sum_k c e_k`` (0-based, ``i < j``, exact numbers; unlisted brackets are zero) and
checks the Jacobi identity exactly. ``identify`` then names the real algebra: the Killing
signature tells su(2) from sl(2,R), the derived and central series name the solvable ones
(Heisenberg, the Euclidean plane, ax+b), and the root system names the semisimple ones.
``--plot DIR`` writes the Dynkin diagram of the last algebra (so(4) = su(2) + su(2)).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from liealg import LieAlgebra, LieAlgError, identify

# name -> (dim, brackets [i, j, k, c]); c may be an int or an exact string such as "-1/2".
EXAMPLES: dict[str, tuple[int, list[list]]] = {
    "angular momentum [L1, L2] = L3 (cyclic)": (3, [[0, 1, 2, 1], [1, 2, 0, 1], [0, 2, 1, -1]]),
    "[h, e] = 2e, [h, f] = -2f, [e, f] = h": (3, [[0, 1, 1, 2], [0, 2, 2, -2], [1, 2, 0, 1]]),
    "Heisenberg [x, p] = c": (3, [[0, 1, 2, 1]]),
    "Euclidean plane [J, P1] = P2, [J, P2] = -P1": (3, [[0, 1, 2, 1], [0, 2, 1, -1]]),
    "ax+b [a, b] = b": (2, [[0, 1, 1, 1]]),
    "two commuting angular momenta (dim 6)": (6, [[0, 1, 2, 1], [1, 2, 0, 1], [0, 2, 1, -1],
                                                   [3, 4, 5, 1], [4, 5, 3, 1], [3, 5, 4, -1]]),
}
EXPECTED = {"angular momentum [L1, L2] = L3 (cyclic)": "su(2)", "[h, e] = 2e, [h, f] = -2f, [e, f] = h": "sl(2,R)",
            "Heisenberg [x, p] = c": "heis(3)", "Euclidean plane [J, P1] = P2, [J, P2] = -P1": "iso(2)",
            "ax+b [a, b] = b": "aff(1)", "two commuting angular momenta (dim 6)": "su(2) ⊕ su(2)"}


def main(argv: list[str] | None = None) -> int:
    """Identify each example algebra; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", metavar="DIR", help="write the Dynkin diagram of so(4) here")
    args = parser.parse_args(argv)

    ok = True
    ident = None
    print(f"{'structure constants':46s} {'name':14s} {'aliases':34s} {'Killing (+,-,0)':15s} solvable")
    for label, (dim, brackets) in EXAMPLES.items():
        algebra = LieAlgebra.from_structure_constants(dim, brackets)
        ident = identify(algebra)
        print(f"{label:46s} {ident.name:14s} {', '.join(ident.aliases[:3]):34s} "
              f"{str(ident.killing_signature):15s} {ident.solvable}")
        ok &= ident.name == EXPECTED[label]

    print("\nA table that is not a Lie algebra is refused, with the failing triple:")
    try:
        LieAlgebra.from_structure_constants(3, [[0, 1, 2, 1], [1, 2, 0, 1], [0, 2, 0, 1]])
        ok = False
    except LieAlgError as exc:
        print(f"  {exc}")

    if args.plot and ident is not None:
        from liealg.plots import plot_dynkin

        path = Path(args.plot) / "so4_dynkin.png"
        plot_dynkin(ident, path=path)
        print(f"Plot: {path}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
