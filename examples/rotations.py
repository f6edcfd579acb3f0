"""Rotations: so(n) from x1**2 + ... + xn**2 for n = 2..5, and the talk's N_g scan for so(3).

Run:  python examples/rotations.py [--plot DIR] [--seed S] [--max-n N]

For each n, liealg learns all n(n-1)/2 generators; in the canonical (RREF) basis they come out
as exactly the E_ij - E_ji (i < j), each proved a symmetry. Then the scan trains N_g = 1..4
generators of so(3) with the closure term on: the loss reaches zero only at N_g = 1 and 3 (so(3)
has no 2-dimensional subalgebra, and only 3 generators). ``--plot DIR`` writes
``so3_scan.png`` (loss vs N_g) and ``so5_generators.png`` (heat maps).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import sympy as sp

import liealg
from liealg.training import scan


def rotation_basis(n: int) -> list[sp.Matrix]:
    """The standard basis E_ij - E_ji (i < j) of so(n), in RREF order.

    Parameters
    ----------
    n : int
        Size of the matrices.

    Returns
    -------
    list of sympy.Matrix
    """
    out = []
    for i in range(n):
        for j in range(i + 1, n):
            m = sp.zeros(n)
            m[i, j], m[j, i] = 1, -1
            out.append(m)
    return out


def main(argv: list[str] | None = None) -> int:
    """Discover so(2)..so(N), scan so(3); return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", metavar="DIR", help="write so3_scan.png and so5_generators.png here")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-n", type=int, default=5, help="largest n (default 5)")
    args = parser.parse_args(argv)

    ok = True
    last = None
    print(f"{'n':>2s}  {'formula':38s} {'dim':>3s}  {'name':22s} {'E_ij - E_ji':11s} {'certified':9s} {'time s':>6s}")
    for n in range(2, args.max_n + 1):
        formula = " + ".join(f"x{i}**2" for i in range(1, n + 1))
        result = liealg.discover(formula, seed=args.seed)
        standard = list(result.generators) == rotation_basis(n)
        names = {result.name, *result.identification.aliases}
        shown = result.name if result.name == f"so({n})" else f"{result.name} = so({n})"
        print(f"{n:2d}  {formula:38s} {result.dimension:3d}  {shown:22s} {str(standard):11s} "
              f"{str(result.certified):9s} {result.timings['total']:6.2f}")
        ok &= standard and bool(result.certified) and f"so({n})" in names
        last = result

    print("\nN_g scan for so(3) (closure on): the loss vanishes only where a subalgebra exists")
    sc = scan(liealg.Oracle("x1**2 + x2**2 + x3**2"), 4, seed=args.seed)
    print(f"{'N_g':>3s}  {'total':>9s}  {'invariance':>10s}  {'orthogon.':>9s}  {'closure':>9s}  found")
    for i, n in enumerate(sc.n_generators):
        t = sc.terms
        print(f"{n:3d}  {sc.total[i]:9.2e}  {t['invariance'][i]:10.2e}  {t['orthogonality'][i]:9.2e}  "
              f"{t['closure'][i]:9.2e}  {'yes' if sc.success[i] else 'no'}")
    print(f"Largest N_g that succeeds: {sc.dimension}")
    ok &= tuple(sc.success) == (True, False, True, False)

    if args.plot:
        from liealg.plots import plot_generators, plot_scan

        out = Path(args.plot)
        out.mkdir(parents=True, exist_ok=True)
        fig = plot_scan(sc)
        # Exactly-zero terms (closure and orthogonality with one generator) are drawn at the
        # plot's clip floor; keep the axis on the range where the losses live.
        fig.axes[0].set_ylim(1e-20, 1e3)
        fig.savefig(out / "so3_scan.png", dpi=110, bbox_inches="tight")
        print(f"Plot: {out / 'so3_scan.png'}")
        if last is not None:
            path = out / f"so{args.max_n}_generators.png"
            plot_generators(last.generators, title=f"so({args.max_n}): E_ij - E_ji", path=path)
            print(f"Plot: {path}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
