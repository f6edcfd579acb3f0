"""Exact linear algebra over the rationals: the one place liealg does it.

Every exact step of liealg (null spaces, reduced row echelon forms, coordinates in a subspace,
structure constants, the inertia of a Killing form) goes through these functions, so the fast
backend lives in one place. Matrices are ``flint.fmpq_mat`` (:data:`QMatrix`); subspaces are
the rows of a ``QMatrix`` (a basis, usually its RREF, so equal subspaces give equal matrices).

Three groups of functions:

* conversions: :func:`to_fmpq`, :func:`qmatrix`, :func:`exact_matrix`, :func:`to_sympy`,
  :func:`fmpq_to_sympy`, :func:`fmpq_to_fraction` (strings go through the safe parser :func:`liealg.parsing.parse_number`;
  floats are refused: an exact layer that accepted binary floats would not be exact);
* echelon forms and subspaces: :func:`rref`, :func:`span`, :func:`rank`, :func:`nullspace`,
  :func:`coordinates`, :func:`coordinates_in_rref`, :func:`complement_rows`, :func:`stack`,
  :func:`row`, :func:`columns`, :func:`identity`, :func:`is_zero`, :func:`inertia`;
* exact integer products in numpy (:func:`int_matmul` and its helpers): products of integer
  matrices run in float64 BLAS *only* when a bound proves every partial sum is an integer below
  2^53, so the float result is exact; otherwise in int64 (when it cannot overflow) or flint.

Why flint: pure-Python exact elimination is ~200x slower at the size of e6 (78 x 729).

>>> R, pivots = rref(qmatrix([[2, 4], [1, 2]]))
>>> R, pivots
([1, 2], (0,))
>>> nullspace(qmatrix([[1, 2]]))
[-2, 1]
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import TypeAlias

import flint
import numpy as np
import sympy as sp

from liealg.errors import LieAlgError, OptionError, OracleError
from liealg.parsing import parse_number

__all__ = [
    "EXACT_FLOAT_LIMIT",
    "ExactRational",
    "MatrixLike",
    "QMatrix",
    "columns",
    "complement_rows",
    "coordinates",
    "coordinates_in_rref",
    "exact_matrix",
    "fmpq_to_fraction",
    "fmpq_to_sympy",
    "from_numerators",
    "identity",
    "inertia",
    "int_array",
    "int_matmul",
    "is_zero",
    "lcm_of_denominators",
    "max_abs",
    "nullspace",
    "numerators",
    "prev_prime",
    "qmatrix",
    "rank",
    "row",
    "rref",
    "span",
    "stack",
    "to_fmpq",
    "to_sympy",
]

QMatrix = flint.fmpq_mat
#: What :func:`to_fmpq` accepts: an exact rational in any of the usual spellings.
ExactRational: TypeAlias = int | Fraction | sp.Expr | flint.fmpq | flint.fmpz | np.integer | str
#: Below this, float64 sums of integer products are exact.
EXACT_FLOAT_LIMIT = 2**53


# --------------------------------------------------------------------------------------------
# Conversions
# --------------------------------------------------------------------------------------------


def to_fmpq(value: ExactRational) -> flint.fmpq:
    """Convert an exact rational to ``flint.fmpq``.

    Accepts int, ``Fraction``, sympy Rational, numpy integer, flint numbers and strings (read by
    the safe parser, never evaluated). Floats are refused: an exact layer that silently accepted
    binary floats would not be exact.

    Raises
    ------
    OptionError
        When the value is not an exact rational (a float, an irrational, a symbol, text that is
        not a number).

    >>> to_fmpq(sp.Rational(3, 4)), to_fmpq("-1/2"), to_fmpq(np.int64(5))
    (3/4, -1/2, 5)
    """
    if isinstance(value, flint.fmpq):
        return value
    if isinstance(value, (int, flint.fmpz, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return flint.fmpq(int(value))
    if isinstance(value, Fraction):
        return flint.fmpq(value.numerator, value.denominator)
    if isinstance(value, str):
        try:
            value = parse_number(value)
        except OracleError as err:
            raise OptionError(str(err)) from None
    if isinstance(value, sp.Basic):
        if value.is_Rational:
            return flint.fmpq(int(value.p), int(value.q))
        kind = "complex number" if value.is_number and value.is_real is False else "value"
        raise OptionError(f"expected an exact real rational, got the {kind} {value}")
    if isinstance(value, (float, np.floating)):
        raise OptionError(
            f"floating-point value {value!r} refused: give exact numbers (int, Fraction, sympy Rational or a "
            "string like '-1/2')"
        )
    raise OptionError(f"expected an exact rational, got {type(value).__name__} {value!r}")


def qmatrix(rows: Sequence[Sequence[ExactRational]] | sp.MatrixBase, ncols: int | None = None) -> QMatrix:
    """Build an ``fmpq_mat`` from nested rows of exact rationals (or a sympy Matrix).

    ``ncols`` is needed only when ``rows`` is empty.

    >>> qmatrix([[1, "1/2"], [0, sp.Rational(-3, 2)]]).entries()
    [1, 1/2, 0, -3/2]
    """
    if isinstance(rows, sp.MatrixBase):
        r, c = rows.shape
        return flint.fmpq_mat(r, c, [to_fmpq(v) for v in rows])
    rows = list(rows)
    if not rows:
        return flint.fmpq_mat(0, ncols or 0)
    c = len(rows[0])
    flat: list[flint.fmpq] = []
    for r_ in rows:
        if len(r_) != c:
            raise OptionError(f"rows of unequal length ({len(r_)} and {c})")
        flat.extend(to_fmpq(v) for v in r_)
    return flint.fmpq_mat(len(rows), c, flat)


def fmpq_to_sympy(q: flint.fmpq) -> sp.Rational:
    """One flint rational as a sympy Rational."""
    return sp.Rational(int(q.p), int(q.q))


def fmpq_to_fraction(q: flint.fmpq) -> Fraction:
    """One flint rational as a ``fractions.Fraction``."""
    return Fraction(int(q.p), int(q.q))


def to_sympy(M: QMatrix) -> sp.ImmutableMatrix:
    """An ``fmpq_mat`` as an immutable sympy Matrix of Rationals."""
    return sp.ImmutableMatrix(M.nrows(), M.ncols(), [fmpq_to_sympy(q) for q in M.entries()])


#: A matrix as a user may give it: sympy, an integer/object numpy array, or nested rows of exact
#: numbers (strings are read by the safe parser).
MatrixLike: TypeAlias = sp.MatrixBase | np.ndarray | Sequence[Sequence[ExactRational]]


def _exact_entry(value: object, where: str, error: type[LieAlgError]) -> sp.Expr:
    """One matrix entry as a sympy number; strings through the safe parser, floats refused."""
    if isinstance(value, sp.Basic):
        if not isinstance(value, sp.Expr):
            raise error(f"{where}: {value!r} is not a number")
        return value
    if isinstance(value, (bool, np.bool_)):
        raise error(f"{where}: {value!r} is a boolean, not a number")
    if isinstance(value, (int, np.integer, flint.fmpz)):
        return sp.Integer(int(value))
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, flint.fmpq):
        return fmpq_to_sympy(value)
    if isinstance(value, str):
        try:
            return parse_number(value)
        except OracleError as err:
            raise error(f"{where}: cannot read {value[:60]!r} as an exact number: {err}") from None
    if isinstance(value, (float, complex, np.floating, np.complexfloating)):
        raise error(
            f"{where}: floating-point value {value!r} refused; give exact numbers (rationalize first: "
            "liealg.exact.rationalize)"
        )
    raise error(f"{where}: {type(value).__name__} {value!r} is not an exact number")


def exact_matrix(m: MatrixLike, *, where: str = "matrix", error: type[LieAlgError] = OptionError) -> sp.ImmutableMatrix:
    """A matrix as an immutable sympy matrix of exact numbers, converted safely.

    sympy matrices are taken as they are. Nested rows and numpy arrays are converted entry by
    entry: integers, ``Fraction`` and flint numbers exactly; strings through the safe parser
    (:func:`liealg.parsing.parse_number`: ``"1/2"``, ``"sqrt(3)/2"``, ``"I"``), never through
    ``sympify``, so no string is ever run as code; floats are refused.

    Parameters
    ----------
    m : sympy Matrix, numpy array (integer or object) or nested rows, shape (r, c)
    where : str
        How to name the matrix in messages.
    error : subclass of LieAlgError
        What to raise (the caller's context: ``NotALieAlgebraError`` for
        ``LieAlgebra.from_matrices``, ``CertificationError`` for ``certify``, ...).

    Returns
    -------
    sympy.ImmutableMatrix, shape (r, c)

    Raises
    ------
    error (default OptionError)
        An entry that is not an exact number, or rows of unequal length.

    >>> exact_matrix([["1/2", 0], [0, "-I"]])
    Matrix([
    [1/2,  0],
    [  0, -I]])
    >>> exact_matrix([["__import__('os').getcwd()"]])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    liealg.errors.OptionError: matrix[0, 0]: cannot read ...
    """
    if isinstance(m, sp.MatrixBase):
        return sp.ImmutableMatrix(m)
    if isinstance(m, np.ndarray):
        if m.dtype.kind in "fc":
            raise error(f"{where} has floating-point entries; give exact numbers (rationalize first)")
        if m.ndim != 2:
            raise error(f"{where} must be 2-dimensional, got shape {m.shape}")
        rows: Sequence[Sequence[object]] = m.tolist()
    elif isinstance(m, (str, bytes)) or not isinstance(m, Sequence):
        raise error(f"{where} must be a matrix (sympy Matrix, numpy array or nested rows), got {m!r:.60}")
    else:
        rows = m
    out: list[list[sp.Expr]] = []
    for i, r in enumerate(rows):
        if isinstance(r, (str, bytes)) or not isinstance(r, (Sequence, np.ndarray)):
            raise error(f"{where}: row {i} is not a sequence of numbers")
        out.append([_exact_entry(v, f"{where}[{i}, {j}]", error) for j, v in enumerate(r)])
    widths = {len(r) for r in out}
    if len(widths) > 1:
        raise error(f"{where}: rows of unequal length {sorted(widths)}")
    return sp.ImmutableMatrix(out)


# --------------------------------------------------------------------------------------------
# Echelon forms and subspaces
# --------------------------------------------------------------------------------------------


def identity(n: int) -> QMatrix:
    """The ``n x n`` identity matrix."""
    M = flint.fmpq_mat(n, n)
    for i in range(n):
        M[i, i] = 1
    return M


def stack(blocks: Iterable[QMatrix], ncols: int) -> QMatrix:
    """The rows of several matrices (all with ``ncols`` columns), one below the other."""
    entries: list[flint.fmpq] = []
    nrows = 0
    for B in blocks:
        if B.nrows():
            entries.extend(B.entries())
            nrows += B.nrows()
    return flint.fmpq_mat(nrows, ncols, entries) if nrows else flint.fmpq_mat(0, ncols)


def row(M: QMatrix, i: int) -> QMatrix:
    """Row ``i`` as a ``1 x ncols`` matrix."""
    nc = M.ncols()
    return flint.fmpq_mat(1, nc, M.entries()[i * nc : (i + 1) * nc])


def columns(M: QMatrix, cols: Sequence[int]) -> QMatrix:
    """The submatrix of the given columns (in that order)."""
    e = M.entries()
    nc = M.ncols()
    return flint.fmpq_mat(M.nrows(), len(cols), [e[base + c] for base in range(0, M.nrows() * nc, nc) for c in cols])


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


def span(M: QMatrix) -> QMatrix:
    """The canonical basis (RREF rows) of the row space of ``M``: equal spaces, equal matrices."""
    return rref(M)[0]


def rank(M: QMatrix) -> int:
    """Exact rank."""
    if M.nrows() == 0 or M.ncols() == 0:
        return 0
    return M.rank()


def nullspace(M: QMatrix) -> QMatrix:
    """A basis of the right null space ``{v : M v = 0}`` as the rows of a matrix.

    The basis is the canonical one read off the RREF (one row per free column, with a 1 there
    and 0 in the other free columns), so it depends only on the row space of ``M``.

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
    return flint.fmpq_mat(len(rows), nc, [x for r_ in rows for x in r_])


def coordinates_in_rref(R: QMatrix, pivots: Sequence[int], V: QMatrix) -> QMatrix | None:
    """Coordinates of the rows of ``V`` in the basis given by the rows of an RREF ``R``.

    An RREF row has 1 in its own pivot column and 0 in the other pivot columns, so the
    coordinates of a vector ``v`` in the span are just ``v[pivots]``: no solve is needed. The
    reconstruction is checked exactly.

    Returns
    -------
    fmpq_mat, shape (V.nrows(), len(pivots)), or None when some row of ``V`` is not in the span.
    """
    C = columns(V, pivots)
    if C * R != V:
        return None
    return C


def coordinates(basis: QMatrix, V: QMatrix) -> QMatrix | None:
    """Coordinates ``C`` with ``C basis = V`` (rows), or None when some row is not in the span.

    ``basis`` must have independent rows. Its RREF pivots ``P`` make ``basis[:, P]`` invertible,
    so ``C = V[:, P] basis[:, P]^-1``; the reconstruction is then checked exactly.

    Raises
    ------
    OptionError
        When the rows of ``basis`` are dependent.

    >>> coordinates(qmatrix([[1, 1], [0, 1]]), qmatrix([[2, 5]]))
    [2, 3]
    """
    if basis.nrows() == 0:
        return flint.fmpq_mat(V.nrows(), 0) if is_zero(V) else None
    _, piv = rref(basis)
    if len(piv) != basis.nrows():
        raise OptionError("coordinates: the basis rows are linearly dependent")
    C = columns(V, piv) * columns(basis, piv).inv()
    if C * basis != V:
        return None
    return C


def complement_rows(sub: QMatrix, whole: QMatrix) -> QMatrix:
    """Rows of ``whole`` (a basis) that, together with ``sub`` (inside its span), span it.

    Rows are taken greedily in order, so the choice is deterministic.
    """
    n = whole.ncols()
    current = span(sub)
    chosen: list[QMatrix] = []
    for i in range(whole.nrows()):
        w = row(whole, i)
        trial = stack([current, w], n)
        if rank(trial) > current.nrows():
            chosen.append(w)
            current = span(trial)
        if current.nrows() == whole.nrows():
            break
    return stack(chosen, n)


def is_zero(M: QMatrix) -> bool:
    """True when every entry is exactly zero."""
    return all(q == 0 for q in M.entries())


def inertia(S: QMatrix) -> tuple[int, int, int]:
    """Exact inertia ``(positive, negative, zero)`` of a symmetric rational matrix.

    The characteristic polynomial of a real symmetric matrix has only real roots, so Descartes'
    rule of signs counts its positive roots exactly (and, on ``p(-x)``, its negative roots).
    Sylvester's law makes the result an invariant of the quadratic form.

    Raises
    ------
    OptionError
        When ``S`` is not symmetric.

    >>> inertia(qmatrix([[0, 1], [1, 0]]))
    (1, 1, 0)
    """
    n = S.nrows()
    if n == 0:
        return (0, 0, 0)
    if S.transpose() != S:
        raise OptionError("inertia needs a symmetric matrix")
    # Scale to integers so flint's integer charpoly (fast, multimodular) applies.
    den = lcm_of_denominators(S.entries())
    Z = flint.fmpz_mat(n, n, [int(q * den) for q in S.entries()])
    coeffs = [int(c) for c in Z.charpoly().coeffs()]  # low degree first
    zero = 0
    while zero < len(coeffs) and coeffs[zero] == 0:
        zero += 1
    rest = coeffs[zero:]
    positive = _sign_changes(rest)
    negative = _sign_changes([c if k % 2 == 0 else -c for k, c in enumerate(rest)])
    if positive + negative + zero != n:  # impossible for a real symmetric matrix
        raise OptionError("inertia: the characteristic polynomial is not real-rooted")
    return (positive, negative, zero)


def _sign_changes(coeffs: Iterable[int]) -> int:
    signs = [c > 0 for c in coeffs if c != 0]
    return sum(1 for a, b in itertools.pairwise(signs) if a != b)


def prev_prime(p: int) -> int:
    """The largest prime below ``p`` (``p > 3``)."""
    p -= 1
    while p > 2:
        if flint.fmpz(p).is_prime():
            return p
        p -= 1
    raise OptionError("prev_prime: no prime below 3")


# --------------------------------------------------------------------------------------------
# Exact integer products (numpy)
# --------------------------------------------------------------------------------------------


def lcm_of_denominators(values: Iterable[flint.fmpq]) -> int:
    """The least common multiple of the denominators (1 for none)."""
    den = 1
    for q in {int(v.q) for v in values}:
        den = den * q // math.gcd(den, q)
    return den


def max_abs(a: np.ndarray) -> int:
    """``max |a|`` of an integer array (int64 or object), exactly; 0 for an empty array."""
    if a.size == 0:
        return 0
    if a.dtype == object:
        return int(max(abs(int(x)) for x in a.flat))
    return max(int(a.max()), -int(a.min()))  # np.abs would overflow at -2**63


def int_array(values: Sequence[int] | np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Python ints as an int64 array when they fit (with headroom for sums), else an object array."""
    if not isinstance(values, np.ndarray):
        try:
            arr = np.array(values, dtype=np.int64).reshape(shape)
        except OverflowError:
            return np.array(values, dtype=object).reshape(shape)
        if arr.size and (int(arr.max()) >= 2**62 or int(arr.min()) <= -(2**62)):
            return np.array(values, dtype=object).reshape(shape)
        return arr
    if values.dtype == object and max_abs(values) < 2**62:
        return values.astype(np.int64)
    return values


def int_matmul(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Exact product of two 2-D integer arrays (int64 or object dtype).

    float64 BLAS when ``max|A| max|B| k < 2^53`` (then every partial sum is an exactly
    representable integer), int64 when it cannot overflow, otherwise flint's exact integer
    product.
    """
    k = A.shape[1]
    ma, mb = max_abs(A), max_abs(B)
    if ma * mb * max(k, 1) < EXACT_FLOAT_LIMIT:
        out = A.astype(np.float64) @ B.astype(np.float64)
        return np.rint(out).astype(np.int64)
    if ma * mb * max(k, 1) < 2**63 - 1:
        return A.astype(np.int64) @ B.astype(np.int64)
    if A.size == 0 or B.size == 0:
        return np.zeros((A.shape[0], B.shape[1]), dtype=np.int64)
    FA = flint.fmpz_mat([[int(x) for x in r_] for r_ in A.tolist()])
    FB = flint.fmpz_mat([[int(x) for x in r_] for r_ in B.tolist()])
    P = FA * FB
    return int_array([int(x) for x in P.entries()], (A.shape[0], B.shape[1]))


def numerators(M: QMatrix) -> tuple[np.ndarray, int]:
    """``(N, den)`` with ``M = N / den``: integer numerators (numpy) and the common denominator."""
    Z, den = M.numer_denom()
    return int_array([int(x) for x in Z.entries()], (M.nrows(), M.ncols())), int(den)


def from_numerators(A: np.ndarray, den: int) -> QMatrix:
    """``A / den`` as a flint rational matrix (``A`` a 2-D integer array)."""
    r, c = A.shape
    if r == 0 or c == 0:
        return flint.fmpq_mat(r, c)
    M = flint.fmpq_mat(flint.fmpz_mat(A.tolist()))
    return M * flint.fmpq(1, den) if den != 1 else M
