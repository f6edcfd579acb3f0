"""Unitary algebras u(2), su(2), u(3), su(3) from the catalog; su(3) next to the Gell-Mann matrices.

Run:  python examples/unitary.py [--plot DIR] [--seed S]

The catalog's oracles are complex: u(n) preserves the Hermitian form ``sum z_i conj(z_i)``;
su(n) also preserves the determinant of n vectors (which forces ``tr W = 0``). Generators are
complex n x n matrices. For su(3), ``basis="orthonormal"`` returns a basis orthonormal under
``Re tr(A B^dagger)`` with ``tr(W W^dagger) = 2``: six of its elements are exactly ``i`` times the
off-diagonal Gell-Mann matrices, and the other two span the same Cartan subalgebra as
``i lambda_3`` and ``i lambda_8``. ``--plot DIR`` writes ``su3_generators.png`` (real and
imaginary parts, as in the talk's SU(3) figure).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import sympy as sp

import liealg
from liealg.catalog import oracles as catalog

I = sp.I


def gell_mann() -> list[sp.Matrix]:
    """The eight Gell-Mann matrices lambda_1 .. lambda_8 (Hermitian, ``tr(l_a l_b) = 2 delta_ab``)."""
    s3 = 1 / sp.sqrt(3)
    return [
        sp.Matrix([[0, 1, 0], [1, 0, 0], [0, 0, 0]]),
        sp.Matrix([[0, -I, 0], [I, 0, 0], [0, 0, 0]]),
        sp.Matrix([[1, 0, 0], [0, -1, 0], [0, 0, 0]]),
        sp.Matrix([[0, 0, 1], [0, 0, 0], [1, 0, 0]]),
        sp.Matrix([[0, 0, -I], [0, 0, 0], [I, 0, 0]]),
        sp.Matrix([[0, 0, 0], [0, 0, 1], [0, 1, 0]]),
        sp.Matrix([[0, 0, 0], [0, 0, -I], [0, I, 0]]),
        s3 * sp.Matrix([[1, 0, 0], [0, 1, 0], [0, 0, -2]]),
    ]


def inner(a: sp.Matrix, b: sp.Matrix) -> sp.Expr:
    """The real inner product ``Re tr(A B^dagger)`` that training uses."""
    return sp.nsimplify(sp.re(sp.expand((a * b.H).trace())))


def in_gell_mann_terms(w: sp.Matrix) -> str:
    """Write an element of su(3) as ``sum_k c_k (i lambda_k)``; ``c_k = <W, i lambda_k> / 2``."""
    terms = []
    for k, lam in enumerate(gell_mann(), 1):
        c = sp.simplify(inner(w, I * lam) / 2)
        if c != 0:
            coef = "" if c == 1 else "-" if c == -1 else f"{sp.sstr(c)} "
            terms.append(f"{coef}i l{k}")
    return " + ".join(terms).replace("+ -", "- ")


def fmt(m: sp.Matrix) -> str:
    """A compact one-line form of a small matrix."""
    cells = [[sp.sstr(sp.nsimplify(v)) for v in m.row(i)] for i in range(m.rows)]
    width = max(2, *(len(c) for row in cells for c in row))
    return "[" + "; ".join(" ".join(f"{c:>{width}s}" for c in row) for row in cells) + "]"


def main(argv: list[str] | None = None) -> int:
    """Discover the four unitary algebras and compare su(3) with Gell-Mann; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", metavar="DIR", help="write su3_generators.png here")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    ok = True
    print(f"{'key':6s} {'dim':>3s}  {'name':24s} {'Killing (+,-,0)':15s} {'type':4s} {'certified':9s} {'time s':>6s}")
    for key in ("u(2)", "su(2)", "u(3)", "su(3)"):
        entry = catalog.get(key)
        result = liealg.discover(entry.oracle(), seed=args.seed)
        ident = result.identification
        names = {n.lower() for n in (ident.name, *ident.aliases)}
        ok &= bool(result.certified and result.matches_exact and names & {n.lower() for n in entry.names}
                   and result.dimension == entry.dimension)
        print(f"{key:6s} {result.dimension:3d}  {ident.name:24s} {str(ident.killing_signature):15s} "
              f"{ident.cartan_type:4s} {str(result.certified):9s} {result.timings['total']:6.2f}")

    su3 = liealg.discover(catalog.get("su(3)").oracle(), seed=args.seed,
                           exact=liealg.ExactConfig(basis="orthonormal"))
    gens = list(su3.generators)
    gram = sp.Matrix(len(gens), len(gens), lambda a, b: inner(gens[a], gens[b]))
    print("\nsu(3), basis='orthonormal' (Re tr(A B^dagger) = 2 delta_ab:",
          f"{gram == 2 * sp.eye(len(gens))}), next to the Gell-Mann matrices l_k:")
    lam = gell_mann()
    for k, w in enumerate(gens, 1):
        print(f"  J{k} = {fmt(w)}  = {in_gell_mann_terms(w)}")
    off_diagonal = [I * lam[k - 1] for k in (1, 2, 4, 5, 6, 7)]
    exact_matches = sum(any(w == g for w in gens) for g in off_diagonal)
    print(f"Generators equal to i l_k for the six off-diagonal l_k: {exact_matches} of 6")
    ok &= gram == 2 * sp.eye(8) and exact_matches == 6 and su3.name == "su(3)"

    if args.plot:
        from liealg.plots import plot_generators

        path = Path(args.plot) / "su3_generators.png"
        plot_generators(gens, title="su(3), orthonormal basis (Re and Im parts)", path=path)
        print(f"Plot: {path}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
