"""Exact linear algebra over the rationals, on python-flint.

Every exact step of liealg (null spaces, reduced row echelon forms, solving for structure
constants, the inertia of a Killing form) goes through these few functions, so the fast
backend lives in one place. Matrices are ``flint.fmpq_mat``; helpers convert from and to
``fractions.Fraction``, sympy numbers and nested lists.

Why flint: pure-Python exact elimination is ~200x slower at the size of e6 (78 x 729).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Iterable, Sequence

import flint
import sympy as sp

__all__ = [
    "QMatrix",
    "to_fmpq",
    "qmatrix",
    "to_sympy",
    "rref",
    "rank",
    "nullspace",
    "coordinates_in_rref",
    "inertia",
    "is_zero",
]

QMatrix = flint.fmpq_mat


def to_fmpq(value: object) -> flint.fmpq:
    """Convert an exact rational (int, Fraction, sympy Rational, fmpq) to ``flint.fmpq``.

    Floats are refused: an exact layer that silently accepted binary floats would not be exact.

    >>> to_fmpq(sp.Rational(3, 4))
    3/4
    """
    if isinstance(value, flint.fmpq):
        return value
    if isinstance(value, (int, flint.fmpz)) and not isinstance(value, bool):
        return flint.fmpq(int(value))
    if isinstance(value, Fraction):
        return flint.fmpq(value.numerator, value.denominator)
    if isinstance(value, sp.Basic):
        if value.is_Rational:
            return flint.fmpq(int(value.p), int(value.q))
        raise TypeError(f"expected an exact rational, got the sympy value {value!r}")
    raise TypeError(f"expected an exact rational, got {type(value).__name__} {value!r}")


def qmatrix(rows: Sequence[Sequence[object]] | sp.MatrixBase, ncols: int | None = None) -> QMatrix:
    """Build an ``fmpq_mat`` from nested rows of exact rationals (or a sympy Matrix).

    ``ncols`` is needed only when ``rows`` is empty.
    """
    if isinstance(rows, sp.MatrixBase):
        r, c = rows.shape
        return flint.fmpq_mat(r, c, [to_fmpq(v) for v in rows])
    rows = list(rows)
    if not rows:
        return flint.fmpq_mat(0, ncols or 0)
    c = len(rows[0])
    flat = []
    for row in rows:
        if len(row) != c:
            raise ValueError("rows of unequal length")
        flat.extend(to_fmpq(v) for v in row)
    return flint.fmpq_mat(len(rows), c, flat)


def fmpq_to_sympy(q: flint.fmpq) -> sp.Rational:
    """One flint rational as a sympy Rational."""
    return sp.Rational(int(q.p), int(q.q))


def to_sympy(M: QMatrix) -> sp.Matrix:
    """An ``fmpq_mat`` as a sympy Matrix of Rationals."""
    return sp.Matrix(M.nrows(), M.ncols(), [fmpq_to_sympy(q) for q in M.entries()])


def rref(M: QMatrix) -> tuple[QMatrix, tuple[int, ...]]:
    """Reduced row echelon form without zero rows, and the pivot columns.

    Returns
    -------
    R : fmpq_mat, shape (r, ncols)
        The nonzero rows of the RREF; ``r`` is the rank.
    pivots : tuple of int
        Column of the leading 1 of each row.
    """
    if M.nrows() == 0 or M.ncols() == 0:
        return flint.fmpq_mat(0, M.ncols()), ()
    R, r = M.rref()
    entries = R.entries()
    nc = M.ncols()
    pivots = []
    for i in range(r):
        for j in range(nc):
            if entries[i * nc + j] != 0:
                pivots.append(j)
                break
    kept = flint.fmpq_mat(r, nc, entries[: r * nc])
    return kept, tuple(pivots)


def rank(M: QMatrix) -> int:
    """Exact rank."""
    if M.nrows() == 0 or M.ncols() == 0:
        return 0
    return M.rank()


def nullspace(M: QMatrix) -> QMatrix:
    """A basis of the right null space ``{v : M v = 0}`` as the rows of a matrix.

    The basis is the canonical one read off the RREF (one row per free column, with a 1 there),
    so it depends only on the row space of ``M``.

    Returns
    -------
    fmpq_mat, shape (ncols - rank, ncols)
    """
    nc = M.ncols()
    R, pivots = rref(M)
    pivot_set = set(pivots)
    free = [j for j in range(nc) if j not in pivot_set]
    rows = []
    entries = R.entries()
    for f in free:
        v = [flint.fmpq(0)] * nc
        v[f] = flint.fmpq(1)
        for i, p in enumerate(pivots):
            v[p] = -entries[i * nc + f]
        rows.append(v)
    if not rows:
        return flint.fmpq_mat(0, nc)
    return flint.fmpq_mat(len(rows), nc, [x for row in rows for x in row])


def coordinates_in_rref(R: QMatrix, pivots: Sequence[int], V: QMatrix) -> QMatrix | None:
    """Coordinates of the rows of ``V`` in the basis given by the rows of an RREF ``R``.

    An RREF row has 1 in its own pivot column and 0 in the other pivot columns, so the
    coordinates of a vector ``v`` in the span are just ``v[pivots]``: no solve is needed. The
    reconstruction is checked exactly.

    Returns
    -------
    fmpq_mat, shape (V.nrows(), len(pivots)), or None when some row of ``V`` is not in the span.
    """
    nv, nc = V.nrows(), V.ncols()
    ventries = V.entries()
    C = flint.fmpq_mat(nv, len(pivots), [ventries[i * nc + p] for i in range(nv) for p in pivots])
    if C * R != V:
        return None
    return C


def inertia(S: QMatrix) -> tuple[int, int, int]:
    """Exact inertia ``(positive, negative, zero)`` of a symmetric rational matrix.

    The characteristic polynomial of a real symmetric matrix has only real roots, so Descartes'
    rule of signs counts its positive roots exactly (and, on ``p(-x)``, its negative roots).
    Sylvester's law makes the result an invariant of the quadratic form.
    """
    n = S.nrows()
    if n == 0:
        return (0, 0, 0)
    if S.transpose() != S:
        raise ValueError("inertia needs a symmetric matrix")
    # Scale to integers so flint's integer charpoly (fast, multimodular) applies.
    den = 1
    for q in S.entries():
        den = den * int(q.q) // _gcd(den, int(q.q))
    Z = flint.fmpz_mat(n, n, [int(q * den) for q in S.entries()])
    coeffs = [int(c) for c in Z.charpoly().coeffs()]  # low degree first
    zero = 0
    while zero < len(coeffs) and coeffs[zero] == 0:
        zero += 1
    rest = coeffs[zero:]
    positive = _sign_changes(rest)
    negative = _sign_changes([c if k % 2 == 0 else -c for k, c in enumerate(rest)])
    if positive + negative + zero != n:  # impossible for a symmetric matrix; guard anyway
        raise ArithmeticError("characteristic polynomial is not real-rooted")
    return (positive, negative, zero)


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


def _sign_changes(coeffs: Iterable[int]) -> int:
    signs = [c > 0 for c in coeffs if c != 0]
    return sum(1 for a, b in zip(signs, signs[1:]) if a != b)


def is_zero(M: QMatrix) -> bool:
    """True when every entry is exactly zero."""
    return all(q == 0 for q in M.entries())
