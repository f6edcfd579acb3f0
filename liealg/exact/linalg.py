"""Exact linear algebra over the rationals: the one place liealg does it.

Every exact step of liealg (null spaces, reduced row echelon forms, coordinates in a subspace,
structure constants, the inertia of a Killing form) goes through these functions, so the fast
backend lives in one place. Matrices are ``flint.fmpq_mat`` (:data:`QMatrix`); subspaces are
the rows of a ``QMatrix`` (a basis, usually its RREF, so equal subspaces give equal matrices).

Three groups of functions:

* conversions: :func:`to_fmpq`, :func:`qmatrix`, :func:`exact_matrix`, :func:`to_sympy`,
  :func:`fmpq_to_sympy`, :func:`fmpq_to_fraction` (strings go through the safe parser
  :func:`liealg.parsing.parse_number`;
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

import functools
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any, TypeAlias

import flint
import numpy as np
import sympy as sp

from liealg.errors import LieAlgError, OptionError, OracleError
from liealg.parsing import parse_number

__all__ = [
    "EXACT_FLOAT_LIMIT",
    "ExactRational",
    "FieldMatrix",
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
    "sparse_int_matmul",
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
    if isinstance(m, sp.ImmutableMatrix):
        return m
    if isinstance(m, sp.MatrixBase):
        return m.as_immutable()  # shares sympy's internal representation: no per-entry conversion
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
    if 2 <= M.nrows() and 4 * M.nrows() <= M.ncols():
        wide = _rref_by_profile(M)
        if wide is not None:
            return wide
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


_PROFILE_PRIME = 4611686018427387847  # the largest prime below 2^62


def _rref_by_profile(M: QMatrix) -> tuple[QMatrix, tuple[int, ...]] | None:
    """RREF of a wide matrix of full row rank as ``B^-1 M``, ``B`` its pivot columns.

    Fraction-free elimination on a few rows of big entries (a generic Cartan subalgebra: 16 rows
    of 500-digit numbers) makes the numbers grow with every row. Here the pivot columns come
    from an RREF modulo a 62-bit prime, and the exact result ``B^-1 M`` is accepted only when
    it is an RREF with those pivots (identity on them, zero left of each pivot), which makes it
    *the* RREF of M's row space (unique). None when that fails (full rank lost modulo p, a
    denominator divisible by p): the caller falls back to the plain RREF.
    """
    r, c = M.nrows(), M.ncols()
    Z, _ = M.numer_denom()
    p = _PROFILE_PRIME
    Rp, rank_p = flint.nmod_mat(r, c, [int(v) % p for v in Z.entries()], p).rref()
    if rank_p < r:
        return None
    ep = Rp.entries()
    pivots = []
    for i in range(r):
        j = next(j for j in range(c) if int(ep[i * c + j]) != 0)
        pivots.append(j)
    B = columns(M, pivots)
    try:
        R = B.inv() * M
    except ZeroDivisionError:
        return None
    e = R.entries()
    for i, pc in enumerate(pivots):
        if any(e[i * c + j] != 0 for j in range(pc)):
            return None
    return R, tuple(pivots)


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
    return bool(M == flint.fmpq_mat(M.nrows(), M.ncols()))  # compared in C, not entry by entry


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


def sparse_int_matmul(A: Any, B: Any) -> Any:
    """Exact product of two sparse integer matrices (``scipy.sparse``, int64), or None.

    scipy multiplies int64 without overflow checks, so the product is only formed when it is
    provably exact: ``max|A| max|B| t < 2^62`` with ``t`` the largest number of terms any entry
    sums (the fewer of A's most filled row and B's most filled column). Returns a CSR matrix
    with explicit zeros removed, or None when the bound fails (use :func:`int_matmul`).

    >>> import scipy.sparse as sps
    >>> P = sparse_int_matmul(sps.csr_matrix(np.array([[1, 2], [0, 3]])), sps.csr_matrix(np.eye(2, dtype=np.int64)))
    >>> P.toarray().tolist()
    [[1, 2], [0, 3]]
    """
    A, B = A.tocsr(), B.tocsc()
    if A.shape[1] != B.shape[0]:
        raise OptionError(f"sparse_int_matmul: shapes {A.shape} and {B.shape} do not match")
    if A.nnz == 0 or B.nnz == 0:
        return (A @ B).tocsr()
    if A.dtype != np.int64 or B.dtype != np.int64:
        return None
    terms = min(int(np.diff(A.indptr).max()), int(np.diff(B.indptr).max()))
    if max_abs(A.data) * max_abs(B.data) * max(terms, 1) >= 2**62:
        return None
    P = (A @ B).tocsr()
    P.eliminate_zeros()
    return P


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


# --------------------------------------------------------------------------------------------
# Matrices over a number field Q(θ), on flint
# --------------------------------------------------------------------------------------------


def _poly_coordinates(p: flint.fmpq_poly, m: int) -> list[flint.fmpq]:
    """Coefficients ``c_0 .. c_{m-1}`` of a polynomial of degree < m (low first, zero-padded)."""
    c = [flint.fmpq(x) for x in p.coeffs()]
    return c + [flint.fmpq(0)] * (m - len(c))


@functools.lru_cache(maxsize=64)
def _reduction_table(minpoly_coeffs: tuple[flint.fmpq, ...]) -> tuple[tuple[flint.fmpq, ...], ...]:
    """θ^k in the power basis for k < 2m - 1 (the degrees a product of two elements reaches)."""
    f = flint.fmpq_poly(list(minpoly_coeffs))
    m = f.degree()
    theta = flint.fmpq_poly([0, 1])
    return tuple(tuple(_poly_coordinates((theta**k) % f, m)) for k in range(2 * m - 1))


class FieldMatrix:
    """A matrix over a number field ``K = Q(θ)``, stored as ``A = sum_s θ^s A_s`` (``s < m``).

    ``θ`` is a primitive element with monic minimal polynomial ``minpoly`` of degree ``m``; the
    ``A_s`` are rational ``fmpq_mat`` of one shape. Every entry is written in the power basis
    ``1, θ, .., θ^(m-1)``, so a product is ``m^2`` flint products followed by the reduction
    ``θ^k -> sum_j R[k][j] θ^j``, and echelon forms and null spaces over K reduce to exact
    rational ones (:meth:`rref`, :meth:`nullspace`). Immutable; ``m = 1`` is plain Q.

    Why not sympy's ``DomainMatrix`` over an ``AlgebraicField``: a dense 120 x 64 null space over
    ``Q(sqrt(2), sqrt(3))`` took 4.5 s there (measured), against milliseconds on flint.

    Parameters
    ----------
    parts : sequence of m fmpq_mat, all of shape (r, c)
    minpoly : flint.fmpq_poly
        Monic, irreducible, degree ``m = len(parts)``.

    Examples
    --------
    >>> s2 = flint.fmpq_poly([-2, 0, 1])                  # θ = sqrt(2)
    >>> A = FieldMatrix([qmatrix([[1, 0]]), qmatrix([[0, 1]])], s2)   # the row (1, sqrt(2))
    >>> (A.transpose() * A).parts                        # [[1, s2], [s2, 2]]
    ([1, 0]
    [0, 2], [0, 1]
    [1, 0])
    >>> A.nullspace().rows_as_coordinates()              # x = (1, -sqrt(2)/2)
    [[(1, 0), (0, -1/2)]]
    """

    __slots__ = ("_minpoly", "_parts", "_reduction")

    _parts: tuple[QMatrix, ...]
    _minpoly: flint.fmpq_poly
    _reduction: tuple[tuple[flint.fmpq, ...], ...]

    def __init__(self, parts: Sequence[QMatrix], minpoly: flint.fmpq_poly) -> None:
        m = minpoly.degree()
        if m < 1 or len(parts) != m:
            raise OptionError(f"a FieldMatrix needs one rational matrix per power of θ ({m}), got {len(parts)}")
        if minpoly.coeffs()[-1] != 1:
            raise OptionError("the minimal polynomial must be monic")
        shapes = {(P.nrows(), P.ncols()) for P in parts}
        if len(shapes) != 1:
            raise OptionError(f"the parts of a FieldMatrix have different shapes {sorted(shapes)}")
        object.__setattr__(self, "_parts", tuple(flint.fmpq_mat(P) for P in parts))  # copies: immutable
        object.__setattr__(self, "_minpoly", minpoly)
        object.__setattr__(self, "_reduction", _reduction_table(tuple(minpoly.coeffs())))

    @classmethod
    def _wrap(cls, parts: list[QMatrix], minpoly: flint.fmpq_poly,
              reduction: tuple[tuple[flint.fmpq, ...], ...]) -> FieldMatrix:
        """Internal constructor for freshly computed parts (no checks, no copies)."""
        self = object.__new__(cls)
        object.__setattr__(self, "_parts", tuple(parts))
        object.__setattr__(self, "_minpoly", minpoly)
        object.__setattr__(self, "_reduction", reduction)
        return self

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("FieldMatrix is immutable")

    # ---- construction ----------------------------------------------------------------------

    @classmethod
    def zeros(cls, nrows: int, ncols: int, minpoly: flint.fmpq_poly) -> FieldMatrix:
        """The zero matrix over K."""
        return cls([flint.fmpq_mat(nrows, ncols) for _ in range(minpoly.degree())], minpoly)

    @classmethod
    def from_rational(cls, M: QMatrix, minpoly: flint.fmpq_poly) -> FieldMatrix:
        """A rational matrix seen over K."""
        r, c = M.nrows(), M.ncols()
        return cls([M] + [flint.fmpq_mat(r, c) for _ in range(minpoly.degree() - 1)], minpoly)

    @classmethod
    def from_entries(
        cls, nrows: int, ncols: int, entries: Mapping[tuple[int, int], Sequence[flint.fmpq]], minpoly: flint.fmpq_poly
    ) -> FieldMatrix:
        """From sparse entries ``{(i, j): power-basis coordinates}`` (others zero)."""
        m = minpoly.degree()
        parts = [flint.fmpq_mat(nrows, ncols) for _ in range(m)]
        for (i, j), coords in entries.items():
            for s in range(m):
                if coords[s] != 0:
                    parts[s][i, j] = coords[s]
        return cls(parts, minpoly)

    @classmethod
    def from_coordinate_form(cls, Q: QMatrix, minpoly: flint.fmpq_poly) -> FieldMatrix:
        """Inverse of :meth:`coordinate_form` (``Q`` of shape ``(r, c*m)``)."""
        m = minpoly.degree()
        r, cm = Q.nrows(), Q.ncols()
        c = cm // m
        e = Q.entries()
        parts = [flint.fmpq_mat(r, c, [e[i * cm + j * m + s] for i in range(r) for j in range(c)]) for s in range(m)]
        return cls(parts, minpoly)

    # ---- views -----------------------------------------------------------------------------

    @property
    def parts(self) -> tuple[QMatrix, ...]:
        """The rational matrices ``A_s`` with ``A = sum_s θ^s A_s`` (copies)."""
        return tuple(flint.fmpq_mat(P) for P in self._parts)

    @property
    def minpoly(self) -> flint.fmpq_poly:
        """The monic minimal polynomial of θ."""
        return self._minpoly

    @property
    def degree(self) -> int:
        """``m = [K : Q]``."""
        return len(self._parts)

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, columns)``."""
        return (self._parts[0].nrows(), self._parts[0].ncols())

    def entry(self, i: int, j: int) -> tuple[flint.fmpq, ...]:
        """Entry ``(i, j)`` as power-basis coordinates ``(c_0, .., c_{m-1})``."""
        return tuple(P[i, j] for P in self._parts)

    def rows_as_coordinates(self) -> list[list[tuple[flint.fmpq, ...]]]:
        """All entries, row by row, as power-basis coordinates."""
        r, c = self.shape
        ents = [P.entries() for P in self._parts]
        return [[tuple(e[i * c + j] for e in ents) for j in range(c)] for i in range(r)]

    def is_zero(self) -> bool:
        """True when every entry is 0."""
        return all(is_zero(P) for P in self._parts)

    def is_rational(self) -> bool:
        """True when every entry lies in Q."""
        return all(is_zero(P) for P in self._parts[1:])

    def coordinate_form(self) -> QMatrix:
        """The rational ``(r, c*m)`` matrix whose column ``j*m + s`` holds ``A_s[:, j]``."""
        r, c = self.shape
        m = self.degree
        ents = [P.entries() for P in self._parts]
        return flint.fmpq_mat(r, c * m, [ents[s][i * c + j] for i in range(r) for j in range(c) for s in range(m)])

    def regular_representation(self) -> QMatrix:
        """The rational ``(r*m, c*m)`` matrix of ``x -> A x`` on coordinate vectors.

        Block ``(i, j)`` is the matrix of multiplication by ``A_ij`` on ``K = Q^m``: its column
        ``s`` holds the coordinates of ``A_ij θ^s``. ``ker`` of this matrix is ``ker_K(A)`` seen
        over Q.
        """
        r, c = self.shape
        m = self.degree
        R = self._reduction
        out = flint.fmpq_mat(r * m, c * m)
        ents = [P.entries() for P in self._parts]
        for i in range(r):
            for j in range(c):
                a = [ents[u][i * c + j] for u in range(m)]
                if not any(a):
                    continue
                for s in range(m):
                    for t in range(m):
                        v = sum((a[u] * R[u + s][t] for u in range(m) if a[u]), flint.fmpq(0))
                        if v:
                            out[i * m + t, j * m + s] = v
        return out

    # ---- arithmetic ------------------------------------------------------------------------

    def _same_field(self, other: FieldMatrix) -> None:
        if self._minpoly != other._minpoly:
            raise OptionError("matrices over different number fields")

    def __add__(self, other: FieldMatrix) -> FieldMatrix:
        self._same_field(other)
        return FieldMatrix._wrap([a + b for a, b in zip(self._parts, other._parts)], self._minpoly, self._reduction)

    def __sub__(self, other: FieldMatrix) -> FieldMatrix:
        self._same_field(other)
        return FieldMatrix._wrap([a - b for a, b in zip(self._parts, other._parts)], self._minpoly, self._reduction)

    def __neg__(self) -> FieldMatrix:
        return FieldMatrix._wrap([-a for a in self._parts], self._minpoly, self._reduction)

    def __mul__(self, other: FieldMatrix | QMatrix) -> FieldMatrix:
        if isinstance(other, flint.fmpq_mat):
            return FieldMatrix._wrap([a * other for a in self._parts], self._minpoly, self._reduction)
        self._same_field(other)
        m = self.degree
        r, c = self.shape[0], other.shape[1]
        products: dict[int, QMatrix] = {}  # power of θ -> sum of A_s B_t with s + t = power
        for s, A in enumerate(self._parts):
            if is_zero(A):
                continue
            for t, B in enumerate(other._parts):
                if is_zero(B):
                    continue
                products[s + t] = products[s + t] + A * B if s + t in products else A * B
        parts = [flint.fmpq_mat(r, c) for _ in range(m)]
        for k, P in products.items():
            for j, coef in enumerate(self._reduction[k]):
                if coef:
                    parts[j] = parts[j] + P * coef
        return FieldMatrix._wrap(parts, self._minpoly, self._reduction)

    def __rmul__(self, other: QMatrix) -> FieldMatrix:
        return FieldMatrix._wrap([other * a for a in self._parts], self._minpoly, self._reduction)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FieldMatrix):
            return NotImplemented
        return self._minpoly == other._minpoly and self._parts == other._parts

    __hash__ = None  # type: ignore[assignment]  # equality by value, like flint's matrices

    def times_theta(self) -> FieldMatrix:
        """``θ A``."""
        m = self.degree
        parts = [flint.fmpq_mat(*self.shape) for _ in range(m)]
        for s, A in enumerate(self._parts):
            if is_zero(A):
                continue
            for j, coef in enumerate(self._reduction[s + 1]):
                if coef:
                    parts[j] = parts[j] + A * coef
        return FieldMatrix._wrap(parts, self._minpoly, self._reduction)

    def transpose(self) -> FieldMatrix:
        """The transpose."""
        return FieldMatrix._wrap([P.transpose() for P in self._parts], self._minpoly, self._reduction)

    def rows(self, indices: Sequence[int]) -> FieldMatrix:
        """The given rows, in that order."""
        c = self.shape[1]
        out = []
        for P in self._parts:
            e = P.entries()
            out.append(flint.fmpq_mat(len(indices), c, [e[i * c + j] for i in indices for j in range(c)]))
        return FieldMatrix(out, self._minpoly)

    def columns(self, indices: Sequence[int]) -> FieldMatrix:
        """The given columns, in that order."""
        return FieldMatrix._wrap([columns(P, indices) for P in self._parts], self._minpoly, self._reduction)

    # ---- echelon forms over K --------------------------------------------------------------

    def _select_field_rows(self, Q: QMatrix) -> tuple[FieldMatrix, tuple[int, ...]]:
        """K-RREF from the rational RREF of a K-invariant row space in coordinate form.

        For a K-subspace, the rational RREF's pivots come in whole blocks ``j*m .. j*m + m-1``
        and its row with pivot ``j*m`` has the entry 1 in block j and 0 in every other pivot
        block: it is exactly the K-RREF row with pivot j.
        """
        m = self.degree
        R, piv = rref(Q)
        keep = [i for i, p in enumerate(piv) if p % m == 0]
        cm = Q.ncols()
        e = R.entries()
        K_rows = flint.fmpq_mat(len(keep), cm, [x for i in keep for x in e[i * cm:(i + 1) * cm]])
        return FieldMatrix.from_coordinate_form(K_rows, self._minpoly), tuple(piv[i] // m for i in keep)

    def rref(self) -> tuple[FieldMatrix, tuple[int, ...]]:
        """Reduced row echelon form over K (zero rows dropped) and its pivot columns."""
        m = self.degree
        r, c = self.shape
        if r == 0 or c == 0:
            return FieldMatrix.zeros(0, c, self._minpoly), ()
        multiples = [self]
        for _ in range(m - 1):
            multiples.append(multiples[-1].times_theta())
        Q = stack([M.coordinate_form() for M in multiples], c * m)  # the Q-span of the K-span
        return self._select_field_rows(Q)

    def rank(self) -> int:
        """Rank over K."""
        return len(self.rref()[1])

    def nullspace(self) -> FieldMatrix:
        """The canonical basis (K-RREF rows) of ``{x : A x = 0}``, shape ``(c - rank, c)``."""
        r, c = self.shape
        if c == 0:
            return FieldMatrix.zeros(0, 0, self._minpoly)
        N = nullspace(self.regular_representation()) if r else identity(c * self.degree)
        if N.nrows() == 0:
            return FieldMatrix.zeros(0, c, self._minpoly)
        return self._select_field_rows(N)[0]

    def inverse(self) -> FieldMatrix:
        """The inverse of a square invertible matrix over K.

        Raises
        ------
        OptionError
            When the matrix is not square or is singular.
        """
        r, c = self.shape
        if r != c:
            raise OptionError(f"only a square matrix has an inverse, got {r} x {c}")
        aug = FieldMatrix([stack([P.transpose(), I.transpose()], r).transpose()
                           for P, I in zip(self._parts, FieldMatrix.from_rational(identity(r), self._minpoly)._parts)],
                          self._minpoly)
        R, piv = aug.rref()
        if piv != tuple(range(r)):
            raise OptionError("the matrix is singular over its number field")
        return R.columns(list(range(r, 2 * r)))
