"""``LieAlgebra``: a finite-dimensional real Lie algebra with a basis and exact structure constants.

A :class:`LieAlgebra` is an immutable value object. It is built either from matrices (their **real**
span is the algebra, and the given matrices are its basis) or from structure constants
``[e_i, e_j] = sum_k c_ij^k e_k``. Everything derived from it (Killing form, derived and central
series, centre, radical, nilradical, Levi decomposition) is computed exactly over the rationals,
lazily, and cached.

Two faces of the same exact results:

* for people: :meth:`~LieAlgebra.center`, :meth:`~LieAlgebra.radical`, :meth:`~LieAlgebra.ad`, ...
  return ``sympy.ImmutableMatrix`` (rows of coefficients form a basis, in reduced row echelon
  form);
* for algorithms (:mod:`liealg.identification` uses only these): the ``*_basis``, ``*_bases``
  and ``*_matrix`` methods and :meth:`~LieAlgebra.brackets` return python-flint ``fmpq_mat``
  (:data:`liealg.exact.linalg.QMatrix`) and accept coefficient rows in that form. Subspace
  arithmetic on them (span, coordinates, complements) is in :mod:`liealg.exact.linalg`.

Internal representation. The structure constants are one integer array ``num`` of shape
``(n, n, n)`` and one denominator: ``c_ij^k = num[i, j, k] / den``. Two facts make it
convenient:

* for a coefficient row vector ``x``, ``(x T)`` reshaped to ``n x n`` (``T = num / den`` as
  ``n x n^2``) is ``ad(x)^T``: its row ``j`` is the coordinate vector of ``[x, e_j]``;
* ``T`` reshaped to ``(n*n, n)`` lists all brackets ``[e_i, e_j]`` as rows.

Why numpy appears in an exact module: products of integer matrices are done in float64 BLAS *only*
when a bound proves every intermediate is an integer below 2^53 (so the float result is exact);
otherwise they go to flint's exact integer arithmetic (:func:`liealg.exact.linalg.int_matmul`).
This keeps e6 (78 matrices of 27 x 27) at about a second.

>>> from liealg.catalog import so
>>> L = LieAlgebra.from_matrices(so(3))
>>> L.dim, L.killing_signature()
(3, (0, 3, 0))
>>> L.structure_constants[(0, 1)]
mappingproxy({2: -1})
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from types import MappingProxyType
from typing import TypeAlias

import flint
import numpy as np
import sympy as sp

from liealg.errors import NotALieAlgebraError, OptionError, ResourceError
from liealg.exact import linalg as xl
from liealg.exact.fields import QQ_FIELD, NumberField, classify_number
from liealg.exact.linalg import FieldMatrix, MatrixLike, QMatrix, exact_matrix
from liealg.parsing import JSONValue, parse_json

__all__ = [
    "MAX_TENSOR_ENTRIES",
    "CoefficientVector",
    "FieldLieAlgebra",
    "LeviDecomposition",
    "LieAlgebra",
    "MatrixLike",
]

#: A coefficient vector ``x = sum_i x_i e_i``: a basis index, a flint row, a sympy vector, or a
#: sequence of exact numbers.
CoefficientVector: TypeAlias = int | QMatrix | sp.MatrixBase | Sequence[xl.ExactRational]
#: A set of coefficient rows (a subspace basis): a flint matrix, a sympy matrix or nested rows.
CoefficientRows: TypeAlias = QMatrix | sp.MatrixBase | Sequence[Sequence[xl.ExactRational]]
#: One structure constant entry ``[i, j, k, c]``.
BracketEntry: TypeAlias = Sequence[int | xl.ExactRational]

#: Largest structure-constant tensor (``dim**3`` entries, 8 bytes each: 1 GiB) liealg builds;
#: e8 (dim 248) needs 15 million. Checked before anything is allocated.
MAX_TENSOR_ENTRIES = 2**27
# Structure constants (or matrices) with at most this fraction of nonzero entries go through
# scipy.sparse exact integer products (O(nonzeros)); denser ones through dense BLAS/flint.
_SPARSE_FILL = 0.05

_ZERO = flint.fmpq(0)
_ONE = flint.fmpq(1)


def _check_tensor_size(n: int, what: str) -> None:
    """Refuse, before allocating, an algebra whose structure-constant tensor would not fit."""
    if n**3 > MAX_TENSOR_ENTRIES:
        raise ResourceError(
            f"{what}: an algebra of dimension {n} needs a structure-constant tensor of {n}^3 = {n**3:.3g} "
            f"entries ({8 * n**3 / 2**30:.3g} GiB); the limit is {MAX_TENSOR_ENTRIES:,} entries "
            f"(dimension {round(MAX_TENSOR_ENTRIES ** (1 / 3))})"
        )


# --------------------------------------------------------------------------------------------
# Safe conversion of user input (never sympify a string: see liealg.exact.linalg.exact_matrix)
# --------------------------------------------------------------------------------------------


def _coefficient_rows(rows: CoefficientRows, n: int | None, what: str) -> QMatrix:
    """Rows of coefficients as a flint matrix with ``n`` columns (any when None; strings parsed safely)."""
    if isinstance(rows, flint.fmpq_mat):
        M = rows
    else:
        try:
            M = xl.qmatrix(rows if isinstance(rows, sp.MatrixBase) else [list(r) for r in rows], ncols=n)
        except OptionError as err:
            raise OptionError(f"{what}: rows must hold exact rationals ({err})") from None
    if n is not None and M.nrows() and M.ncols() != n:
        raise OptionError(f"{what}: rows must have {n} coefficients, got {M.ncols()}")
    return M


# --------------------------------------------------------------------------------------------
# Matrices -> exact real rational form
# --------------------------------------------------------------------------------------------


def _gaussian_fast(e: sp.Basic) -> tuple[flint.fmpq, flint.fmpq] | None:
    """Structural read-off of ``p/q``, ``p/q*I`` and their sums (no simplification needed)."""
    if e.is_Rational:
        return flint.fmpq(int(e.p), int(e.q)), _ZERO
    if e is sp.I:
        return _ZERO, _ONE
    if e.is_Mul and len(e.args) == 2 and e.args[1] is sp.I and e.args[0].is_Rational:
        c = e.args[0]
        return _ZERO, flint.fmpq(int(c.p), int(c.q))
    if e.is_Add and len(e.args) == 2:
        a, b = _gaussian_fast(e.args[0]), _gaussian_fast(e.args[1])
        if a is not None and b is not None:
            return a[0] + b[0], a[1] + b[1]
    return None


def _gaussian(e: sp.Basic) -> tuple[flint.fmpq, flint.fmpq] | None:
    """``(re, im)`` of a Gaussian rational sympy number, or None when it is not one."""
    g = _gaussian_fast(e)
    if g is not None:
        return g
    if e.is_Float or e.has(sp.Float):
        raise NotALieAlgebraError(
            f"floating-point matrix entry {e} refused: rationalize first (liealg.exact.rationalize)"
        )
    if not e.is_number:
        raise NotALieAlgebraError(
            f"matrix entry {e} is not a number (free symbols {sorted(map(str, e.free_symbols))})"
        )
    re_, im_ = e.as_real_imag()
    if re_.is_Rational and im_.is_Rational:
        return flint.fmpq(int(re_.p), int(re_.q)), flint.fmpq(int(im_.p), int(im_.q))
    return None


def _flat_entries(m: sp.MatrixBase) -> tuple[list[flint.fmpq | sp.Expr], bool]:
    """Entries row-major: ``fmpq`` where rational, sympy otherwise; ``True`` when all are rational.

    Only the nonzero entries are visited (``todok``): catalog matrices are sparse, and this
    skips sympy's per-entry conversion of the zeros.
    """
    cols = m.cols
    flat: list[flint.fmpq | sp.Expr] = [_ZERO] * (m.rows * cols)
    rational = True
    for (i, j), v in m.todok().items():
        if v.is_Rational:
            flat[i * cols + j] = flint.fmpq(int(v.p), int(v.q))
        else:
            rational = False
            flat[i * cols + j] = v
    return flat, rational


def _real_flat_matrices(
    mats: Sequence[sp.MatrixBase],
) -> tuple[list[list[flint.fmpq | sp.Expr]], list[list[flint.fmpq | sp.Expr]], int, bool]:
    """Real and imaginary parts of each matrix, flattened; entries ``fmpq`` or (irrational) sympy."""
    shapes = {m.shape for m in mats}
    if len(shapes) != 1:
        raise NotALieAlgebraError(f"matrices of different shapes: {sorted(shapes)}")
    d, d2 = shapes.pop()
    if d != d2:
        raise NotALieAlgebraError(f"matrices must be square, got {d}x{d2}")
    if len(mats) * d * d > MAX_TENSOR_ENTRIES:
        raise ResourceError(
            f"{len(mats)} matrices of size {d}x{d} hold {len(mats) * d * d:,} entries; the limit is "
            f"{MAX_TENSOR_ENTRIES:,}"
        )
    re_rows: list[list[flint.fmpq | sp.Expr]] = []
    im_rows: list[list[flint.fmpq | sp.Expr]] = []
    irrational = False
    zero_row: list[flint.fmpq | sp.Expr] = [_ZERO] * (d * d)
    for m in mats:
        flat, rational = _flat_entries(m)
        if rational:
            re_rows.append(flat)
            im_rows.append(zero_row)
            continue
        re_row: list[flint.fmpq | sp.Expr] = []
        im_row: list[flint.fmpq | sp.Expr] = []
        for e in flat:
            if isinstance(e, flint.fmpq):
                re_row.append(e)
                im_row.append(_ZERO)
                continue
            g = _gaussian(e)
            if g is None:
                r, i = e.as_real_imag()
                irrational = True
                re_row.append(r)
                im_row.append(i)
            else:
                re_row.append(g[0])
                im_row.append(g[1])
        re_rows.append(re_row)
        im_rows.append(im_row)
    return re_rows, im_rows, d, irrational


def _block_real(re_rows: Sequence[Sequence[object]], im_rows: Sequence[Sequence[object]], d: int) -> list[list[object]]:
    """A + iB as the real 2d x 2d matrix [[A, -B], [B, A]], flattened row-major."""
    out = []
    for re_row, im_row in zip(re_rows, im_rows):
        flat = []
        for r in range(2 * d):
            for c in range(2 * d):
                rr, cc = r % d, c % d
                a = re_row[rr * d + cc]
                b = im_row[rr * d + cc]
                if (r < d and c < d) or (r >= d and c >= d):
                    flat.append(a)
                elif r < d:  # top right: -B
                    flat.append(-b)  # type: ignore[operator]  # fmpq or sympy: both negate
                else:  # bottom left: B
                    flat.append(b)
        out.append(flat)
    return out


@dataclass(frozen=True)
class _FieldBasis:
    """How an algebra given over a number field K relates to its rational core.

    The core (``LieAlgebra._num/_den``) always has rational structure constants, so every
    invariant and :func:`~liealg.identification.identify` run on it unchanged.

    * ``to_core is None``: the given basis *is* the core's (its structure constants are rational
      although the matrices have entries in K, e.g. ``[[0, sqrt(2)], [-1, 0]]``);
    * otherwise the given basis is ``e_a = sum_j P_aj f_j`` (``P = to_core``, over K) in the
      core's rational basis ``f_j`` (the RREF basis of the same real span), and ``constants``
      holds the given basis' structure constants over K, ``T[a, b*n + m] = c_ab^m``.
    """

    field: NumberField
    matrices: tuple[sp.ImmutableMatrix, ...] | None
    to_core: FieldMatrix | None = None
    from_core: FieldMatrix | None = None
    constants: FieldMatrix | None = None


def _reshape(A: FieldMatrix, rows: int, cols: int) -> FieldMatrix:
    """The same entries, row-major, in another shape."""
    return FieldMatrix([flint.fmpq_mat(rows, cols, P.entries()) for P in A.parts], A.minpoly)


def _field_rows(rows: Sequence[Sequence[flint.fmpq | sp.Expr]], n: int) -> tuple[NumberField, FieldMatrix]:
    """Flattened real matrices with algebraic entries as a FieldMatrix over the field they generate."""
    values = [x for row in rows for x in row if not isinstance(x, flint.fmpq)]
    for x in values:
        if not isinstance(x, sp.Expr) or x.has(sp.Float) or classify_number(x) not in ("rational", "algebraic"):
            raise NotALieAlgebraError(
                f"matrix entry {x} is not an exact algebraic number; only rational and algebraic (radical) "
                "entries are supported"
            )
    try:
        K = NumberField.of(values)
        entries = {(a, t): (x,) if K.is_rational
                   else K.coordinates(xl.fmpq_to_sympy(x) if isinstance(x, flint.fmpq) else x)
                   for a, row in enumerate(rows) for t, x in enumerate(row) if x != 0}
    except OptionError as err:
        raise NotALieAlgebraError(f"cannot put the matrix entries in a number field: {err}") from None
    ncols = len(rows[0])
    return K, FieldMatrix.from_entries(n, ncols, entries, K.minpoly)


def _field_structure(X: FieldMatrix, pivots: Sequence[int], size: int, *, check: bool) -> FieldMatrix:
    """Structure constants over K of the matrices in the rows of ``X`` (``n x size^2``), one row per
    pair ``a < b`` (``np.triu_indices`` order): the coordinates of ``[X_a, X_b]``.

    As over Q: the coordinates of a vector of the span are its entries at the RREF pivots times
    ``X[:, pivots]^-1``; closure (``coords X == [X_a, X_b]``) is checked exactly over K.
    """
    n = X.shape[0]
    m = X.degree
    parts = [P.entries() for P in X.parts]
    mats = [FieldMatrix([flint.fmpq_mat(size, size, e[a * size * size:(a + 1) * size * size]) for e in parts],
                        X.minpoly) for a in range(n)]
    iu, ju = np.triu_indices(n, 1)
    if len(iu) == 0:
        return FieldMatrix.zeros(0, n, X.minpoly)
    brackets = [mats[a] * mats[b] - mats[b] * mats[a] for a, b in zip(iu.tolist(), ju.tolist())]
    C = FieldMatrix([flint.fmpq_mat(len(brackets), size * size, [x for B in brackets for x in B.parts[s].entries()])
                     for s in range(m)], X.minpoly)
    coords = C.columns(pivots) * X.columns(pivots).inverse()
    if check:
        residual = coords * X - C
        if not residual.is_zero():
            bad = next(i for i in range(len(brackets)) if not residual.rows([i]).is_zero())
            raise NotALieAlgebraError(
                f"[J_{int(iu[bad])}, J_{int(ju[bad])}] is not in the span: the generators do not close (add the "
                "missing generators, or check the rationalization)"
            )
    return coords


def _pair_rows_to_int_tensor(C: QMatrix, n: int) -> tuple[np.ndarray, int]:
    """Rational rows ``(a < b) -> c_ab`` as ``(num, den)`` with ``num[a, b, m] / den = c_ab^m``."""
    if C.nrows() == 0:
        return np.zeros((n, n, n), dtype=np.int64), 1
    Cn, den = xl.numerators(C)
    iu, ju = np.triu_indices(n, 1)
    num = np.zeros((n, n, n), dtype=Cn.dtype)
    num[iu, ju, :] = Cn
    num[ju, iu, :] = -Cn
    return num, den


def _pair_rows_to_tensor(coords: FieldMatrix, n: int) -> FieldMatrix:
    """Rows ``(a < b) -> c_ab`` as the full antisymmetric ``(n, n*n)`` tensor ``T[a, b*n + m]``."""
    iu, ju = np.triu_indices(n, 1)
    rows = coords.rows_as_coordinates()
    entries: dict[tuple[int, int], tuple[flint.fmpq, ...]] = {}
    for row, a, b in zip(rows, iu.tolist(), ju.tolist()):
        for mm, c in enumerate(row):
            if any(c):
                entries[(a, b * n + mm)] = c
                entries[(b, a * n + mm)] = tuple(-x for x in c)
    return FieldMatrix.from_entries(n, n * n, entries, coords.minpoly)


def _field_tensor_from_core(T: QMatrix, P: FieldMatrix, Pinv: FieldMatrix) -> FieldMatrix:
    """Structure constants in the basis ``e_a = sum_j P_aj f_j`` from the core's ``T`` (rational).

    ``c'_ab^m = sum P_ai P_bj c_ij^k (P^-1)_km``: three products over K.
    """
    n = P.shape[0]
    A = P * T  # [a, (j, k)] = sum_i P_ai c_ij^k
    out_rows = []
    for a in range(n):
        Aa = _reshape(A.rows([a]), n, n)  # [j, k]
        out_rows.append(_reshape(P * Aa * Pinv, 1, n * n))  # [b, m] flattened
    return FieldMatrix([flint.fmpq_mat(n, n * n, [x for R in out_rows for x in R.parts[s].entries()])
                        for s in range(P.degree)], P.minpoly)


# --------------------------------------------------------------------------------------------
# The value object
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeviDecomposition:
    """``L = S ⋉ R``: bases (rows, coefficients in the algebra's basis) of a Levi subalgebra ``S``
    (semisimple, a subalgebra complementing ``R``) and of the solvable radical ``R``."""

    semisimple: sp.ImmutableMatrix
    radical: sp.ImmutableMatrix


_Cached: TypeAlias = "QMatrix | np.ndarray | int | bool | tuple | MappingProxyType | LieAlgebra"


class LieAlgebra:
    """A real Lie algebra with a basis ``e_0 .. e_{n-1}`` and exact rational structure constants.

    Build one with :meth:`from_matrices`, :meth:`from_structure_constants` or :meth:`from_json`;
    the constructor itself is private. Instances are immutable; derived data is cached.

    Coefficient vectors are sequences of ``n`` exact numbers (``x = sum_i x_i e_i``); subspaces
    are returned as ``sympy.ImmutableMatrix`` whose rows are a basis (in reduced row echelon
    form, so two equal subspaces give equal matrices). Two instances are equal when their
    structure constants (in their bases) are equal; isomorphism is what
    :func:`liealg.identification.identify` decides.

    The exact kernel API (for algorithms; python-flint ``fmpq_mat`` in and out, rows of
    coefficients): :meth:`ad_matrix`, :meth:`brackets`, :meth:`brackets_with_basis`,
    :meth:`killing_matrix`, :meth:`killing_orthogonal`, :meth:`ideal_closure`,
    :meth:`center_basis`, :meth:`derived_basis`, :meth:`radical_basis`,
    :meth:`nilradical_basis`, :meth:`derived_series_bases`,
    :meth:`lower_central_series_bases`, :meth:`levi_bases`, and the float views
    :meth:`ad_matrices_float`, :meth:`killing_matrix_float`.

    Examples
    --------
    >>> from liealg.catalog import su
    >>> L = LieAlgebra.from_matrices(su(2))
    >>> L.dim, L.is_semisimple, L.killing_signature()
    (3, True, (0, 3, 0))
    >>> L.bracket([1, 0, 0], [0, 1, 0]).T
    Matrix([[0, 0, 2]])
    >>> H = LieAlgebra.from_structure_constants(3, [[0, 1, 2, 1]])
    >>> H.is_nilpotent, H.center().tolist()
    (True, [[0, 0, 1]])
    """

    __slots__ = ("_cache", "_den", "_fb", "_mat_im", "_mat_re", "_mat_size", "_n", "_note", "_num")

    _n: int
    _num: np.ndarray
    _den: int
    _mat_re: QMatrix | None
    _mat_im: QMatrix | None
    _mat_size: int | None
    _note: str | None
    _cache: dict[str, _Cached]
    _fb: _FieldBasis | None

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise OptionError(
            "build a LieAlgebra with LieAlgebra.from_matrices(...), .from_structure_constants(...) or .from_json(...)"
        )

    # ---- construction ------------------------------------------------------------------------

    @classmethod
    def _make(
        cls,
        n: int,
        num: np.ndarray,
        den: int,
        mat_re: QMatrix | None = None,
        mat_im: QMatrix | None = None,
        mat_size: int | None = None,
        note: str | None = None,
        fb: _FieldBasis | None = None,
    ) -> LieAlgebra:
        """``c_ij^k = num[i, j, k] / den``; stored in lowest terms (one common denominator)."""
        num, den = _reduce_tensor(num.reshape(n, n, n), int(den))
        num.flags.writeable = False  # shared with callers of the private view; never mutated
        self = object.__new__(cls)
        object.__setattr__(self, "_n", n)
        object.__setattr__(self, "_num", num)
        object.__setattr__(self, "_den", den)
        object.__setattr__(self, "_mat_re", mat_re)
        object.__setattr__(self, "_mat_im", mat_im)
        object.__setattr__(self, "_mat_size", mat_size)
        object.__setattr__(self, "_note", note)
        object.__setattr__(self, "_cache", {})
        object.__setattr__(self, "_fb", fb)
        return self

    @classmethod
    def _make_T(
        cls,
        n: int,
        T: QMatrix,
        mat_re: QMatrix | None = None,
        mat_im: QMatrix | None = None,
        mat_size: int | None = None,
        note: str | None = None,
    ) -> LieAlgebra:
        """From the flint form ``T`` (n x n^2)."""
        if n == 0:
            return cls._make(0, np.zeros((0, 0, 0), dtype=np.int64), 1, mat_re, mat_im, mat_size, note)
        Z, den = T.numer_denom()
        num = xl.int_array([int(x) for x in Z.entries()], (n, n, n))
        return cls._make(n, num, int(den), mat_re, mat_im, mat_size, note)

    def _cached(self, key: str, compute: Callable[[], _Cached]) -> _Cached:
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    @property
    def _sparse_constants(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The nonzero structure constants as index arrays ``(i, j, k)`` and numerators ``c``."""
        if "nonzero_constants" not in self._cache:
            i, j, k = np.nonzero(self._num)
            self._cache["nonzero_constants"] = (i, j, k, self._num[i, j, k])
        return self._cache["nonzero_constants"]  # type: ignore[return-value]

    @property
    def _sparse_T(self) -> object | None:
        """``num.reshape(n, n*n)`` as a scipy CSR matrix when the constants are sparse int64, else None."""
        if "sparse_T" not in self._cache:
            n = self._n
            I, J, K, C = self._sparse_constants
            sparse = None
            if n and C.dtype == np.int64 and len(C) <= _SPARSE_FILL * n**3:
                import scipy.sparse as sps

                sparse = sps.csr_matrix((C, (I, J * n + K)), shape=(n, n * n))
            self._cache["sparse_T"] = sparse  # type: ignore[assignment]
        return self._cache["sparse_T"]

    def _num_times(self, Vn: np.ndarray) -> np.ndarray:
        """Exact ``Vn @ num.reshape(n, n*n)`` (``p x n^2`` integers); through the nonzero constants only
        when they are few (a classical basis has O(n^2) of the n^3), else a dense exact product."""
        n = self._n
        S = self._sparse_T
        if S is not None and Vn.dtype == np.int64 and Vn.size:
            import scipy.sparse as sps

            P = xl.sparse_int_matmul(sps.csr_matrix(Vn), S)
            if P is not None:
                return np.asarray(P.toarray(), dtype=np.int64)
        return xl.int_matmul(Vn, self._num.reshape(n, n * n))

    @property
    def _T(self) -> QMatrix:
        """Structure constants as ``fmpq_mat`` (n x n^2), built on first use."""

        def build() -> QMatrix:
            n = self._n
            if n == 0:
                return flint.fmpq_mat(0, 0)
            Z = flint.fmpz_mat(self._num.reshape(n, n * n).tolist())
            return flint.fmpq_mat(Z) * flint.fmpq(1, self._den)

        return self._cached("T", build)  # type: ignore[return-value]

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("LieAlgebra is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("LieAlgebra is immutable")

    @classmethod
    def from_matrices(cls, matrices: Sequence[MatrixLike], *, check: bool = True) -> LieAlgebra:
        """The real Lie algebra spanned by ``matrices``, with them as its basis.

        Parameters
        ----------
        matrices : sequence of n matrices, all d x d
            sympy matrices, integer numpy arrays or nested rows; entries rational or Gaussian
            rational (``a + b*I``). Strings are read by the safe parser (``"1/2"``, ``"I/2"``),
            never run as code; floats are refused. Complex matrices ``A + iB`` are mapped to
            real ``2d x 2d`` blocks ``[[A, -B], [B, A]]``, an injective Lie algebra map, so the
            algebra is the **real** span. Exact algebraic entries (``sqrt(3)``, ``2**(1/3)``)
            keep the given basis: its structure constants are computed exactly in the number
            field the entries generate (:attr:`field`); when they are irrational, the invariants
            and the name come from :meth:`rational_form` (the canonical rational basis of the
            same span), which must then exist.
        check : bool
            Verify exactly that every commutator lies in the span (closure). Without it the
            coordinates are read off the pivots and trusted.

        Raises
        ------
        NotALieAlgebraError
            Dependent matrices (naming the first dependent one), a bracket outside the span
            (naming the pair), floats, symbols, text that is not a number, or entries that are
            not algebraic numbers.
        OptionError
            Irrational structure constants for a span without a rational basis: use
            :meth:`FieldLieAlgebra.from_matrices`, which :func:`~liealg.identification.identify`
            names (numerically certified).
        ResourceError
            More matrix entries or a larger structure-constant tensor than liealg builds.

        Examples
        --------
        >>> from liealg.catalog import so
        >>> LieAlgebra.from_matrices(so(1, 3)).killing_signature()
        (3, 3, 0)
        >>> LieAlgebra.from_matrices([[["0", "1"], ["-1", "0"]]]).dim
        1
        """
        if isinstance(matrices, (str, bytes, sp.MatrixBase)) or not isinstance(matrices, (Sequence, np.ndarray)):
            raise NotALieAlgebraError("from_matrices needs a sequence of matrices")
        n = len(matrices)
        if not n:
            raise NotALieAlgebraError("from_matrices needs at least one matrix")
        _check_tensor_size(n, "from_matrices")
        mats = [exact_matrix(m, where=f"matrix {i}", error=NotALieAlgebraError) for i, m in enumerate(matrices)]
        re_rows, im_rows, d, irrational = _real_flat_matrices(mats)
        is_complex = any(x != 0 for row in im_rows for x in row)
        note = None
        real_rows: list[list[object]]
        if is_complex:
            real_rows = _block_real(re_rows, im_rows, d)
            size = 2 * d
        else:
            real_rows, size = [list(r) for r in re_rows], d
        if irrational:
            return cls._from_field_rows(tuple(mats), real_rows, size, check=check)
        num, den = _structure_from_rational_rows(real_rows, size, check=check)  # type: ignore[arg-type]
        mat_re = xl.qmatrix(re_rows)  # rational here: all fmpq
        mat_im = xl.qmatrix(im_rows) if is_complex else None
        return cls._make(n, num, den, mat_re, mat_im, d, note)

    @classmethod
    def _from_field_rows(
        cls, given: tuple[sp.ImmutableMatrix, ...], rows: list[list[object]], size: int, *, check: bool
    ) -> LieAlgebra:
        """Matrices with algebraic entries: structure constants over the field K they generate.

        Three cases. The structure constants of the given basis are rational (K only appears in
        the representation, as in ``[[0, sqrt(2)], [-1, 0]]``): an ordinary rational algebra whose
        :attr:`matrices` are the given ones. Else, when the real span has a rational basis (its
        RREF over K is rational; the orthonormal Gell-Mann basis of su(3) spans su(3)): the given
        basis with its structure constants over K (``f_458 = sqrt(3)/2``) over a rational core
        in that RREF basis, on which the invariants and identify run. Else it is refused.
        """
        n = len(given)
        K, X = _field_rows(rows, n)
        R, piv = X.rref()
        if len(piv) < n:
            _, pivT = X.transpose().rref()
            dep = next(j for j in range(n) if j not in pivT)
            raise NotALieAlgebraError(
                f"matrix J_{dep} is a linear combination of the previous ones: the given matrices are "
                "linearly dependent (drop it, or pass a basis of the span)"
            )
        coords = _field_structure(X, piv, size, check=check)
        if coords.is_rational():
            num, den = _pair_rows_to_int_tensor(coords.parts[0], n)
            note = f"matrix entries in {K}; the structure constants in this basis are rational"
            return cls._make(n, num, den, None, None, None, note, _FieldBasis(K, given))
        if not R.is_rational():
            raise OptionError(
                f"the structure constants lie in {K} and the real span of the matrices has no rational basis "
                "(its reduced row echelon form has irrational entries), which LieAlgebra needs; "
                "FieldLieAlgebra.from_matrices holds it over the field, and identify names it (numerically certified)"
            )
        core_rows = R.parts[0]
        num, den = _structure_from_rational_rows(
            [list(core_rows.entries()[i * size * size:(i + 1) * size * size]) for i in range(n)], size, check=False)
        P = X.columns(piv)  # e_a = sum_j X[a, piv_j] f_j, since f (the RREF rows) is 1/0 on the pivots
        fb = _FieldBasis(K, given, P, P.inverse(), _pair_rows_to_tensor(coords, n))
        note = (f"structure constants over {K} in the given basis; the invariants and identify use the "
                "rational basis of the same real span (rational_form())")
        return cls._make(n, num, den, core_rows, None, size, note, fb)

    @classmethod
    def from_structure_constants(
        cls,
        dim: int,
        brackets: Sequence[BracketEntry] | Mapping[tuple[int, int], Mapping[int, xl.ExactRational]],
        *,
        check: bool = True,
    ) -> LieAlgebra:
        """The Lie algebra with basis ``e_0..e_{dim-1}`` and ``[e_i, e_j] = sum_k c e_k``.

        Parameters
        ----------
        dim : int
        brackets : list of ``[i, j, k, c]`` or dict ``{(i, j): {k: c}}``
            0-based, ``i < j`` (antisymmetry is implied); ``c`` exact: int, ``Fraction``, sympy
            Rational or a string such as ``"-1/2"`` (read by the safe parser). Unlisted
            brackets are zero.
        check : bool
            Verify the Jacobi identity exactly (the error names a failing triple).

        Raises
        ------
        NotALieAlgebraError
            A malformed table (bad index, ``i >= j``, duplicate, non-rational value) or a
            failing Jacobi identity.
        ResourceError
            A dimension whose structure-constant tensor would exceed :data:`MAX_TENSOR_ENTRIES`
            (refused before anything is allocated).

        Examples
        --------
        >>> L = LieAlgebra.from_structure_constants(3, [[0, 1, 2, 1], [1, 2, 0, 1], [0, 2, 1, -1]])
        >>> L.killing_signature()
        (0, 3, 0)
        """
        if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool) or dim < 1:
            raise NotALieAlgebraError(f"dim must be a positive integer, got {dim!r}")
        n = int(dim)
        _check_tensor_size(n, "from_structure_constants")
        entries: dict[tuple[int, int, int], flint.fmpq] = {}

        def put(i: object, j: object, k: object, c: object, where: str) -> None:
            for name, v in (("i", i), ("j", j), ("k", k)):
                if not isinstance(v, (int, np.integer)) or isinstance(v, bool):
                    raise NotALieAlgebraError(f"{where}: index {name}={v!r} is not an integer")
                if not 0 <= v < n:
                    raise NotALieAlgebraError(f"{where}: index {name}={v} out of range 0..{n - 1}")
            assert isinstance(i, (int, np.integer)) and isinstance(j, (int, np.integer))
            assert isinstance(k, (int, np.integer))
            if i >= j:
                raise NotALieAlgebraError(f"{where}: need i < j (antisymmetry is implied), got i={i}, j={j}")
            key = (int(i), int(j), int(k))
            if key in entries:
                raise NotALieAlgebraError(f"{where}: duplicate entry for [e_{i}, e_{j}] component {k}")
            entries[key] = _structure_constant(c, where)

        if isinstance(brackets, Mapping):
            for pair, comps in brackets.items():
                if not (isinstance(pair, tuple) and len(pair) == 2):
                    raise NotALieAlgebraError(f"bracket key {pair!r} must be a pair (i, j)")
                if not isinstance(comps, Mapping):
                    raise NotALieAlgebraError(f"bracket {pair!r}: value must be a dict {{k: c}}")
                for k, c in comps.items():
                    put(pair[0], pair[1], k, c, f"bracket {pair!r}")
        else:
            for idx, item in enumerate(brackets):
                if not isinstance(item, (list, tuple)) or len(item) != 4:
                    raise NotALieAlgebraError(f"bracket entry {idx}: expected [i, j, k, c], got {item!r}")
                put(item[0], item[1], item[2], item[3], f"bracket entry {idx} {list(item)!r}")
        den = xl.lcm_of_denominators(entries.values()) if entries else 1
        ints = {key: int(c.p) * (den // int(c.q)) for key, c in entries.items() if c != 0}
        big = max((abs(v) for v in ints.values()), default=0) >= 2**62
        num = np.zeros((n, n, n), dtype=object if big else np.int64)
        for (i, j, k), v in ints.items():
            num[i, j, k] = v
            num[j, i, k] = -v
        L = cls._make(n, num, den)
        if check:
            L._check_jacobi()
        return L

    # ---- JSON -------------------------------------------------------------------------------

    def to_json(self) -> dict[str, object]:
        """Structure constants as ``{"dim": n, "brackets": [[i, j, k, "c"], ...]}`` (sparse, i < j).

        The plain-data form of the value (files are written by :mod:`liealg.io`).

        >>> from liealg.catalog import so
        >>> LieAlgebra.from_matrices(so(3)).to_json()
        {'dim': 3, 'brackets': [[0, 1, 2, '-1'], [0, 2, 1, '1'], [1, 2, 0, '-1']]}
        """
        out: list[list[int | str]] = []
        fb = self._over_field()
        if fb is not None:
            # over a number field: the given basis' constants, the field, and how to rebuild it
            # exactly (the rational core and the basis in its terms); from_json reads it back
            for (i, j), field_comps in self.structure_constants.items():
                for k, v in sorted(field_comps.items()):
                    out.append([i, j, k, sp.sstr(v)])
            assert fb.to_core is not None
            basis = [[sp.sstr(v) for v in row] for row in fb.field.sympy_matrix(fb.to_core).tolist()]
            return {"dim": self._n, "brackets": out, "field": fb.field.name,
                    "rational_form": self.rational_form().to_json(), "basis": basis}
        for (i, j), comps in sorted(self._sparse().items()):
            for k, c in sorted(comps.items()):
                out.append([i, j, k, str(xl.fmpq_to_fraction(c))])
        return {"dim": self._n, "brackets": out}

    @classmethod
    def from_json(cls, data: JSONValue | Mapping[str, object], *, check: bool = True) -> LieAlgebra:
        """Inverse of :meth:`to_json`; ``data`` is the dict or its JSON text.

        Raises
        ------
        InputFileError
            JSON text that cannot be decoded (see :func:`liealg.parsing.parse_json`).
        NotALieAlgebraError
            Not an object with ``dim`` and ``brackets``, or a malformed table.
        """
        if isinstance(data, str):
            data = parse_json(data, what="structure-constant JSON")
        if not isinstance(data, Mapping):  # anything else decoded from JSON (or given)
            raise NotALieAlgebraError("structure-constant JSON must be an object with keys 'dim', 'brackets'")
        for key in ("dim", "brackets"):
            if key not in data:
                raise NotALieAlgebraError(f"structure-constant JSON: missing key {key!r}")
        brackets = data["brackets"]
        if not isinstance(brackets, list):
            raise NotALieAlgebraError("structure-constant JSON: 'brackets' must be a list of [i, j, k, c]")
        dim = data["dim"]
        if not isinstance(dim, int) or isinstance(dim, bool):
            raise NotALieAlgebraError(f"structure-constant JSON: 'dim' must be a positive integer, got {dim!r}")
        if "rational_form" in data:  # written by to_json for structure constants over a number field
            return cls._from_field_json(data, check=check)
        return cls.from_structure_constants(dim, brackets, check=check)

    @classmethod
    def _from_field_json(cls, data: Mapping[str, object], *, check: bool) -> LieAlgebra:
        core = cls.from_json(data["rational_form"], check=check)  # type: ignore[arg-type]
        rows = data.get("basis")
        if not isinstance(rows, list) or len(rows) != core.dim:
            raise NotALieAlgebraError(f"structure-constant JSON: 'basis' must be {core.dim} rows of numbers")
        L = core.change_basis([list(r) for r in rows])  # entries checked inside
        written: dict[tuple[int, int, int], sp.Expr] = {}
        for item in data["brackets"]:  # type: ignore[attr-defined]  # a list: checked by from_json
            if not (isinstance(item, list) and len(item) == 4 and all(isinstance(v, int) for v in item[:3])):
                raise NotALieAlgebraError(f"structure-constant JSON: bracket entry {item!r:.60} is not [i, j, k, c]")
            written[(item[0], item[1], item[2])] = exact_matrix(
                [[item[3]]], where="structure constant", error=NotALieAlgebraError)[0, 0]
        computed = {(i, j, k): c for (i, j), comps in L.structure_constants.items() for k, c in comps.items()}
        K = L.field
        if set(written) != set(computed) or any(
                K.coordinates(written[key]) != K.coordinates(computed[key]) for key in written):
            raise NotALieAlgebraError(
                "structure-constant JSON: 'brackets' are not the structure constants of 'rational_form' in 'basis'")
        return L

    # ---- basic accessors ----------------------------------------------------------------------

    @property
    def dim(self) -> int:
        """Dimension ``n``."""
        return self._n

    @property
    def matrices(self) -> tuple[sp.ImmutableMatrix, ...] | None:
        """The basis as matrices (complex ones as given, d x d), or None for abstract input."""
        if self._fb is not None and self._fb.matrices is not None:
            return self._fb.matrices
        if self._mat_re is None:
            return None
        mat_re, mat_im, d = self._mat_re, self._mat_im, self._mat_size
        assert d is not None

        def build() -> tuple[sp.ImmutableMatrix, ...]:
            re_e = mat_re.entries()
            im_e = mat_im.entries() if mat_im is not None else None
            out = []
            for a in range(self._n):
                vals = []
                for t in range(d * d):
                    v = xl.fmpq_to_sympy(re_e[a * d * d + t])
                    if im_e is not None and im_e[a * d * d + t] != 0:
                        v = v + sp.I * xl.fmpq_to_sympy(im_e[a * d * d + t])
                    vals.append(v)
                out.append(sp.ImmutableMatrix(d, d, vals))
            return tuple(out)

        return self._cached("matrices", build)  # type: ignore[return-value]

    @property
    def note(self) -> str | None:
        """A remark on how the basis was obtained (e.g. structure constants over a number field)."""
        return self._note

    @property
    def field(self) -> NumberField:
        """The field of the structure constants in this basis: ``QQ``, or e.g. ``QQ<sqrt(3)>``.

        >>> from liealg.exact import orthonormal_basis
        >>> from liealg.catalog import su
        >>> str(LieAlgebra.from_matrices(orthonormal_basis(su(3))).field)
        'QQ<sqrt(3)>'
        """
        fb = self._fb
        return fb.field if fb is not None and fb.constants is not None else QQ_FIELD

    def rational_form(self) -> LieAlgebra:
        """The same real Lie algebra in a basis with rational structure constants (``self`` when
        :attr:`field` is ``QQ``).

        For matrices with algebraic entries whose structure constants are not rational (the
        orthonormal Gell-Mann basis), this is the algebra in the canonical rational (RREF) basis of
        their real span; every invariant and the name are the same.
        """
        fb = self._fb
        if fb is None or fb.constants is None:
            return self
        return self._cached("rational_form", lambda: LieAlgebra._make(  # type: ignore[return-value]
            self._n, self._num, self._den, self._mat_re, self._mat_im, self._mat_size,
            "the rational (reduced row echelon) basis of the real span of matrices over "
            f"{fb.field}"))

    def _over_field(self) -> _FieldBasis | None:
        """The field data when the structure constants are irrational (else None)."""
        fb = self._fb
        return fb if fb is not None and fb.constants is not None else None

    def _require_rational(self, what: str) -> None:
        if self._over_field() is not None:
            raise OptionError(
                f"{what} works on rational structure constants; this algebra's are over {self.field}: "
                "call it on rational_form() (the same algebra in a rational basis)"
            )

    def _given_rows(self, Y: QMatrix) -> sp.ImmutableMatrix:
        """Core (rational) coordinate rows as an RREF basis in the coordinates of the given basis."""
        fb = self._over_field()
        if fb is None:
            return xl.to_sympy(Y)
        assert fb.from_core is not None
        if Y.nrows() == 0:
            return sp.ImmutableMatrix(0, self._n, [])
        X, _ = (FieldMatrix.from_rational(Y, fb.field.minpoly) * fb.from_core).rref()
        return fb.field.sympy_matrix(X)

    def _field_vector(self, x: CoefficientVector, name: str) -> FieldMatrix:
        """A coefficient vector (given basis) with entries in this algebra's field, as a 1 x n row."""
        fb = self._over_field()
        assert fb is not None
        n = self._n
        if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
            return FieldMatrix.from_rational(self._vec(x, name), fb.field.minpoly)
        if isinstance(x, (str, bytes, bool)) or not isinstance(x, (Sequence, sp.MatrixBase)):
            raise OptionError(f"{name} must be a basis index or a coefficient vector")
        values = [exact_matrix([[v]], where=name)[0, 0] for v in x]
        if len(values) != n:
            raise OptionError(f"{name} must have {n} coefficients, got {len(values)}")
        try:
            entries = {(0, i): fb.field.coordinates(v) for i, v in enumerate(values) if v != 0}
        except OptionError as err:
            raise OptionError(f"{name}: {err}") from None
        return FieldMatrix.from_entries(1, n, entries, fb.field.minpoly)

    def _field_ad(self, x: FieldMatrix) -> FieldMatrix:
        """``ad(x)`` over the field (given basis): ``x T`` reshaped is ``ad(x)^T``."""
        fb = self._over_field()
        assert fb is not None and fb.constants is not None
        return _reshape(x * fb.constants, self._n, self._n).transpose()

    def _sparse(self) -> dict[tuple[int, int], dict[int, flint.fmpq]]:
        def build() -> MappingProxyType:
            out: dict[tuple[int, int], dict[int, flint.fmpq]] = {}
            den = self._den
            for i, j, k in zip(*np.nonzero(self._num)):
                if i < j:
                    out.setdefault((int(i), int(j)), {})[int(k)] = flint.fmpq(int(self._num[i, j, k]), den)
            return MappingProxyType(out)

        return self._cached("sparse", build)  # type: ignore[return-value]

    @property
    def structure_constants(self) -> Mapping[tuple[int, int], Mapping[int, sp.Expr]]:
        """``{(i, j): {k: c}}`` for ``i < j`` with ``[e_i, e_j] = sum_k c e_k``; zeros omitted (read-only).

        Entries are rational, or in :attr:`field` (exact sympy numbers such as ``sqrt(3)/2``).
        """

        def build() -> MappingProxyType:
            fb = self._over_field()
            if fb is not None:
                assert fb.constants is not None
                n = self._n
                out: dict[tuple[int, int], dict[int, sp.Expr]] = {}
                for a, row in enumerate(fb.constants.rows_as_coordinates()):
                    for col, c in enumerate(row):
                        b, k = divmod(col, n)
                        if a < b and any(c):
                            out.setdefault((a, b), {})[k] = fb.field.element(c)
                return MappingProxyType({pair: MappingProxyType(comps) for pair, comps in sorted(out.items())})
            return MappingProxyType({
                pair: MappingProxyType({k: xl.fmpq_to_sympy(c) for k, c in comps.items()})
                for pair, comps in self._sparse().items()
            })

        return self._cached("structure_constants", build)  # type: ignore[return-value]

    def _vec(self, x: CoefficientVector, name: str = "x") -> QMatrix:
        n = self._n
        if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
            if not 0 <= x < n:
                raise OptionError(f"basis index {x} out of range 0..{n - 1}")
            v = flint.fmpq_mat(1, n)
            v[0, int(x)] = 1
            return v
        if isinstance(x, flint.fmpq_mat):
            if x.nrows() != 1 or x.ncols() != n:
                raise OptionError(f"{name} must be a 1 x {n} row, got {x.nrows()} x {x.ncols()}")
            return x
        if isinstance(x, bool):
            raise OptionError(f"{name} must be a basis index or a coefficient vector, got {x!r}")
        values = list(x)  # a sympy vector or a sequence of numbers
        if len(values) != n:
            raise OptionError(f"{name} must have {n} coefficients, got {len(values)}")
        try:
            return flint.fmpq_mat(1, n, [xl.to_fmpq(v) for v in values])
        except OptionError as err:
            raise OptionError(f"{name}: {err}") from None

    # ---- exact kernel API (flint rows in and out) ----------------------------------------------

    def ad_matrix(self, x: CoefficientVector) -> QMatrix:
        """``ad(x)`` as an exact ``n x n`` matrix acting on coefficient columns (``ad(x) y = [x, y]``).

        ``x`` is a basis index, a ``1 x n`` flint row, or a sequence of exact numbers.

        >>> from liealg.catalog import so
        >>> LieAlgebra.from_matrices(so(3)).ad_matrix(0).entries()
        [0, 0, 0, 0, 0, 1, 0, -1, 0]
        """
        self._require_rational("ad_matrix")
        return self._ad_matrix(x)

    def _ad_matrix(self, x: CoefficientVector) -> QMatrix:
        return self._adT(self._vec(x)).transpose()

    def _adT(self, v: QMatrix) -> QMatrix:
        """``ad(v)^T`` for a 1 x n row: its row j is ``[v, e_j]``."""
        n = self._n
        if "T" in self._cache:
            return flint.fmpq_mat(n, n, (v * self._T).entries())
        vn, vden = xl.numerators(v)
        prod = self._num_times(vn)
        Z = flint.fmpz_mat(n, n, [int(x) for x in prod.flat])
        return flint.fmpq_mat(Z) * flint.fmpq(1, vden * self._den)

    def brackets(self, U: QMatrix, V: QMatrix) -> QMatrix:
        """All brackets ``[u_a, v_b]`` of the rows of ``U`` (p x n) and ``V`` (q x n), as rows.

        Returns
        -------
        fmpq_mat, shape (p*q, n)
            Row ``a*q + b`` is ``[u_a, v_b]`` (not reduced: use :func:`liealg.exact.linalg.span`).

        Exact integer products: ``[u, v]_k = sum_ij u_i v_j c_ij^k`` on numerators.
        """
        self._require_rational("brackets")
        return self._brackets(U, V)

    def _brackets(self, U: QMatrix, V: QMatrix) -> QMatrix:
        n = self._n
        p, q = U.nrows(), V.nrows()
        if p == 0 or q == 0:
            return flint.fmpq_mat(0, n)
        Un, ud = xl.numerators(U)
        Vn, vd = xl.numerators(V)
        I, J, K, C = self._sparse_constants
        if xl.max_abs(Un) * xl.max_abs(Vn) * xl.max_abs(C) * n >= xl.EXACT_FLOAT_LIMIT and len(C) * q < n**3:
            # Big entries (a generic Cartan subalgebra's RREF has numbers of hundreds of digits):
            # the dense product would go through flint on all n^3 constants; sum over the nonzero
            # constants only, [u, v]_k = sum u_i v_j c_ij^k, in Python integers.
            order = np.argsort(K, kind="stable")
            Ks = K[order]
            starts = np.flatnonzero(np.r_[True, Ks[1:] != Ks[:-1]])
            Ui = Un[:, I[order]].astype(object) * C[order].astype(object)  # (p, nnz)
            Vj = Vn[:, J[order]].astype(object)  # (q, nnz)
            out = np.zeros((p, q, n), dtype=object)
            for a in range(p):  # one vectorized product and segment sum per row of U
                out[a][:, Ks[starts]] = np.add.reduceat(Ui[a][None, :] * Vj, starts, axis=1)
            return xl.from_numerators(out.reshape(p * q, n), ud * vd * self._den)
        X = self._num_times(Un).reshape(p, n, n)  # [a, j, k]
        Y = _contiguous(X.transpose(1, 0, 2)).reshape(n, p * n)  # [j, (a, k)]
        Z = xl.int_matmul(Vn, Y).reshape(q, p, n)  # [b, a, k]
        rows = _contiguous(Z.transpose(1, 0, 2)).reshape(p * q, n)
        return xl.from_numerators(rows, ud * vd * self._den)

    def brackets_vanish(self, U: QMatrix, V: QMatrix, *, on: Sequence[int] | None = None) -> bool:
        """True when every bracket ``[u_a, v_b]`` of the rows of ``U`` and ``V`` is exactly 0.

        With ``on`` (coordinate indices), only those coordinates of the brackets are tested: the
        caller knows that the brackets lie in a subspace on which these coordinates are
        injective (the rows of a subalgebra's RREF basis commute when their brackets, which lie
        in it, vanish on its pivot columns).

        Same answer as ``is_zero(brackets(U, V))``, but for rows with big entries (the RREF basis
        of a generic Cartan subalgebra has numerators of hundreds of digits) the brackets are
        not formed: their integer numerators are evaluated modulo 31-bit primes until the
        product of the primes exceeds twice a bound on them (``max|U| max|V| sum|c|``). A
        nonzero residue proves a nonzero bracket; zero residues modulo primes whose product
        exceeds the bound prove zero (Chinese remaindering). Pass the same matrix twice to test
        that its rows commute (then only pairs ``a < b`` are evaluated).

        >>> from liealg.catalog import so
        >>> L = LieAlgebra.from_matrices(so(4))
        >>> L.brackets_vanish(xl.qmatrix([[1, 0, 0, 0, 0, 1]]), xl.qmatrix([[1, 0, 0, 0, 0, -1]]))
        True
        >>> L.brackets_vanish(xl.qmatrix([[1, 0, 0, 0, 0, 0]]), xl.qmatrix([[0, 1, 0, 0, 0, 0]]))
        False
        """
        self._require_rational("brackets_vanish")
        p, q = U.nrows(), V.nrows()
        if p == 0 or q == 0:
            return True
        Un, _ = xl.numerators(U)
        Vn, _ = xl.numerators(V)
        I, J, K, C = self._sparse_constants
        if on is not None:
            keep = np.isin(K, np.asarray(list(on), dtype=K.dtype))
            I, J, K, C = I[keep], J[keep], K[keep], C[keep]
        if len(C) == 0:
            return True
        bound = xl.max_abs(Un) * xl.max_abs(Vn) * sum(abs(int(c)) for c in C)
        if bound < 2**62 and on is None:
            return xl.is_zero(self._brackets(U, V))
        same = U is V
        order = np.argsort(K, kind="stable")
        I, J, C = I[order], J[order], C[order]
        Ks = K[order]
        starts = np.flatnonzero(np.r_[True, Ks[1:] != Ks[:-1]])
        ui, I = np.unique(I, return_inverse=True)  # only the coordinates that meet a constant
        vj, J = np.unique(J, return_inverse=True)
        Ul, Vl = Un[:, ui].tolist(), Vn[:, vj].tolist()
        prime, product = 2**31, 1
        while product <= 2 * bound:
            prime = xl.prev_prime(prime)
            Um = np.array([[int(x) % prime for x in row] for row in Ul], dtype=np.int64).reshape(p, len(ui))
            Vm = Um if same else np.array([[int(x) % prime for x in row] for row in Vl],
                                          dtype=np.int64).reshape(q, len(vj))
            Cm = np.array([int(c) % prime for c in C], dtype=np.int64)
            W = (Um[:, I] * Cm) % prime  # (p, nnz)
            VJ = Vm[:, J]  # (q, nnz)
            for a in range(p):
                rows = VJ[a + 1:] if same else VJ
                if rows.shape[0] == 0:
                    continue
                terms = (W[a][None, :] * rows) % prime
                if np.any(np.add.reduceat(terms, starts, axis=1) % prime):
                    return False
            product *= prime
        return True

    def brackets_with_basis(self, V: QMatrix) -> QMatrix:
        """``[v_a, e_j]`` for every row ``v_a`` of ``V`` and basis vector ``e_j``: row ``a*n + j``.

        Their span is ``[V, L]``; faster than ``brackets(V, identity)``.
        """
        self._require_rational("brackets_with_basis")
        return self._brackets_with_basis(V)

    def _brackets_with_basis(self, V: QMatrix) -> QMatrix:
        n = self._n
        p = V.nrows()
        if p == 0:
            return flint.fmpq_mat(0, n)
        Vn, vd = xl.numerators(V)
        X = self._num_times(Vn).reshape(p * n, n)
        return xl.from_numerators(X, vd * self._den)

    def ideal_closure(self, W: QMatrix) -> QMatrix:
        """The ideal generated by the rows of ``W``, as an RREF basis (exact)."""
        self._require_rational("ideal_closure")
        n = self._n
        ideal = xl.span(W)
        while True:
            bigger = xl.span(xl.stack([ideal, self._brackets_with_basis(ideal)], n))
            if bigger.nrows() == ideal.nrows():
                return ideal
            ideal = bigger

    def killing_matrix(self) -> QMatrix:
        """The Killing form ``K_ij = tr(ad e_i ad e_j)``, exact (``n x n``)."""
        self._require_rational("killing_matrix")
        return flint.fmpq_mat(self._killing())

    def _killing(self) -> QMatrix:
        def build() -> QMatrix:
            n = self._n
            num, den = self._num, self._den
            K = self._killing_sparse()
            if K is None:
                A1 = num.reshape(n, n * n)
                A2 = np.ascontiguousarray(num.transpose(0, 2, 1)).reshape(n, n * n)
                K = xl.int_matmul(A1, _contiguous(A2.T))
            self._cache["killing_int"] = (K, den * den)
            return xl.from_numerators(K, den * den)

        return self._cached("killing", build)  # type: ignore[return-value]

    def _killing_sparse(self) -> np.ndarray | None:
        """``K_ij = sum_kl c_ik^l c_jl^k`` (numerators) over the nonzero constants only, or None
        when they are not sparse or the int64 product is not provably exact."""
        S = self._sparse_T
        if S is None:
            return None
        import scipy.sparse as sps

        n = self._n
        I, J, K, C = self._sparse_constants
        A2T = sps.csr_matrix((C, (K * n + J, I)), shape=(n * n, n))  # [(k, l), j] = c_jl^k
        P = xl.sparse_int_matmul(S, A2T)  # S[i, (k, l)] = c_ik^l
        return None if P is None else np.asarray(P.toarray(), dtype=np.int64)

    def killing_matrix_float(self) -> np.ndarray:
        """The Killing form in float64, shape ``(n, n)`` (read-only; for numerics only)."""
        self._require_rational("killing_matrix_float")

        def build() -> np.ndarray:
            self._killing()
            K, d = self._cache["killing_int"]  # type: ignore[misc]
            out = np.array(K, dtype=np.float64) / float(d)
            out.flags.writeable = False
            return out

        return self._cached("killing_float", build)  # type: ignore[return-value]

    def ad_matrices_float(self, rows: np.ndarray | None = None) -> np.ndarray:
        """``ad(e_i)`` in float64, shape ``(n, n, n)`` (read-only; for numerics only).

        With ``rows`` (shape ``(r, n)``, float coefficients): ``ad`` of those ``r`` elements,
        shape ``(r, n, n)``, summed over the nonzero structure constants only (no dense
        ``n^3`` float tensor is built).

        >>> from liealg.catalog import so
        >>> L = LieAlgebra.from_matrices(so(3))
        >>> A = L.ad_matrices_float()
        >>> bool(np.allclose(L.ad_matrices_float(np.array([[1.0, 2.0, 0.0]])), A[0] + 2 * A[1]))
        True
        """
        self._require_rational("ad_matrices_float")
        if rows is not None:
            n = self._n
            R = np.asarray(rows, dtype=np.float64)
            if R.ndim != 2 or R.shape[1] != n:
                raise OptionError(f"ad_matrices_float: rows must have shape (r, {n}), got {R.shape}")
            I, J, K, C = self._sparse_constants
            r = R.shape[0]
            weights = (R[:, I] * (C.astype(np.float64) / float(self._den))).ravel()
            flat = (np.arange(r)[:, None] * (n * n) + (K * n + J)[None, :]).ravel()
            return np.bincount(flat, weights=weights, minlength=r * n * n).reshape(r, n, n)

        def build() -> np.ndarray:
            A = np.array(self._num, dtype=np.float64) / float(self._den)
            out = np.ascontiguousarray(A.transpose(0, 2, 1))
            out.flags.writeable = False
            return out

        return self._cached("ad_float", build)  # type: ignore[return-value]

    def killing_orthogonal(self, V: QMatrix) -> QMatrix:
        """``{x : K(x, v) = 0 for all rows v of V}`` as an RREF basis."""
        self._require_rational("killing_orthogonal")
        return self._killing_orthogonal(V)

    def _killing_orthogonal(self, V: QMatrix) -> QMatrix:
        if V.nrows() == 0:
            return xl.identity(self._n)
        return xl.span(xl.nullspace(V * self._killing()))

    def derived_basis(self) -> QMatrix:
        """``[L, L]`` as an RREF basis (flint)."""
        self._require_rational("derived_basis")
        return flint.fmpq_mat(self._derived())

    def _derived(self) -> QMatrix:
        def build() -> QMatrix:
            n = self._n
            if self._semisimple_fast():
                return xl.identity(n)
            Z = flint.fmpz_mat(self._num.reshape(n * n, n).tolist())
            return xl.span(flint.fmpq_mat(Z))

        return self._cached("derived", build)  # type: ignore[return-value]

    def _series(self, key: str, step: Callable[[QMatrix], QMatrix]) -> tuple[QMatrix, ...]:
        """L, [L, L], then ``step`` repeated until the dimension stops falling (cached)."""

        def build() -> tuple[QMatrix, ...]:
            series = [xl.identity(self._n)]
            current = self._derived()
            while True:
                series.append(current)
                if current.nrows() == 0 or current.nrows() == series[-2].nrows():
                    break
                current = xl.span(step(current))
            return tuple(series)

        return self._cached(key, build)  # type: ignore[return-value]

    def _derived_series(self) -> tuple[QMatrix, ...]:
        return self._series("derived_series", lambda current: self._brackets(current, current))

    def _lower_central_series(self) -> tuple[QMatrix, ...]:
        return self._series("lcs", self.brackets_with_basis)

    def derived_series_bases(self) -> tuple[QMatrix, ...]:
        """``(L, L^(1), L^(2), ...)`` with ``L^(k+1) = [L^(k), L^(k)]``, as RREF bases (flint).

        Stops at the first term equal to its predecessor (0 for a solvable algebra).
        """
        self._require_rational("derived_series_bases")
        return tuple(flint.fmpq_mat(S) for S in self._derived_series())

    def lower_central_series_bases(self) -> tuple[QMatrix, ...]:
        """``(L, L^2, L^3, ...)`` with ``L^(k+1) = [L, L^k]``, as RREF bases (flint); stops when stable."""
        self._require_rational("lower_central_series_bases")
        return tuple(flint.fmpq_mat(S) for S in self._lower_central_series())

    def center_basis(self) -> QMatrix:
        """The centre ``{x : [x, L] = 0}`` as an RREF basis (flint)."""
        self._require_rational("center_basis")
        return flint.fmpq_mat(self._center())

    def _center(self) -> QMatrix:
        def build() -> QMatrix:
            n = self._n
            if self._semisimple_fast():
                return flint.fmpq_mat(0, n)
            Z = flint.fmpz_mat(self._num.reshape(n, n * n).transpose().tolist() if n else [])
            return xl.span(xl.nullspace(flint.fmpq_mat(Z)))

        return self._cached("center", build)  # type: ignore[return-value]

    def _semisimple_fast(self) -> bool:
        """Cartan's criterion from the (fast, exact) Killing form: non-degenerate iff semisimple."""
        return self._cached("ss", lambda: self._n > 0 and xl.rank(self._killing()) == self._n)  # type: ignore[return-value]

    def radical_basis(self) -> QMatrix:
        """The solvable radical ``{x : K(x, [L, L]) = 0}`` (characteristic 0), as an RREF basis (flint)."""
        self._require_rational("radical_basis")
        return flint.fmpq_mat(self._radical())

    def _radical(self) -> QMatrix:
        # char 0: the solvable radical is the Killing-orthogonal complement of [L, L]
        return self._cached("radical", lambda: self._killing_orthogonal(self._derived()))  # type: ignore[return-value]

    def nilradical_basis(self) -> QMatrix:
        """The nilradical (largest nilpotent ideal), as an RREF basis (flint)."""
        self._require_rational("nilradical_basis")
        return flint.fmpq_mat(self._nilradical())

    def _nilradical(self) -> QMatrix:
        return self._cached("nilradical", self._compute_nilradical)  # type: ignore[return-value]

    def _compute_nilradical(self) -> QMatrix:
        """N = {x in R : ad x nilpotent}; N contains [L, R].

        By Lie's theorem ad(R) is triangularizable with weights (linear forms) that vanish on
        [L, R]. For representatives x_t of R/[L, R], the unital associative algebra A generated by
        ad(x_t) is triangularizable too, and its diagonal characters are monomials in the weights;
        so ``sum c_t x_t`` has ad nilpotent iff ``tr(ad(x) b) = 0`` for every b in A (Dickson).
        The trace form of ad alone is not enough: complex weights can make sum(w^2) vanish.
        """
        n = self._n
        R = self._radical()
        if R.nrows() == 0:
            return R
        Q = xl.span(self._brackets_with_basis(R))
        if Q.nrows() == R.nrows():
            return Q
        X = xl.complement_rows(Q, R)
        m = X.nrows()
        gens = [self._ad_matrix(xl.row(X, t)) for t in range(m)]
        genT_flat = [flint.fmpq_mat(1, n * n, g.transpose().entries()) for g in gens]
        # incremental echelon basis of A (rows = flattened matrices), identity first
        basis_rows: QMatrix = flint.fmpq_mat(0, n * n)
        pivots: list[int] = []
        functionals: list[list[flint.fmpq]] = []

        def add(M: QMatrix) -> bool:
            nonlocal basis_rows
            v = flint.fmpq_mat(1, n * n, M.entries())
            if pivots:
                v = v - xl.columns(v, pivots) * basis_rows
            ve = v.entries()
            lead = next((j for j, x in enumerate(ve) if x != 0), None)
            if lead is None:
                return False
            v = v * (1 / ve[lead])
            if basis_rows.nrows():
                col = xl.columns(basis_rows, [lead])
                basis_rows = basis_rows - col * v
            basis_rows = xl.stack([basis_rows, v], n * n)
            pivots.append(lead)
            # tr(ad(x_t) M) = <flat(ad(x_t)^T), flat(M)>
            functionals.append([(genT_flat[t] * flint.fmpq_mat(n * n, 1, M.entries()))[0, 0] for t in range(m)])
            return True

        add(xl.identity(n))
        frontier = [xl.identity(n)]
        while frontier:
            rank_now = xl.rank(flint.fmpq_mat(len(functionals), m, [x for f in functionals for x in f]))
            if rank_now == m:
                break
            new = []
            for B in frontier:
                for g in gens:
                    P = g * B
                    if add(P):
                        new.append(P)
            frontier = new
        Phi = flint.fmpq_mat(len(functionals), m, [x for f in functionals for x in f])
        C = xl.nullspace(Phi)
        extra = C * X if C.nrows() else flint.fmpq_mat(0, n)
        return xl.span(xl.stack([Q, extra], n))

    # ---- Levi decomposition ----------------------------------------------------------------

    def levi_bases(self) -> tuple[QMatrix, QMatrix]:
        """A Levi decomposition ``L = S ⋉ R`` as bases (flint rows): ``(S, R)``.

        ``S`` spans a semisimple subalgebra complementing the solvable radical ``R``.
        """
        self._require_rational("levi_bases")
        S, R = self._levi()
        return flint.fmpq_mat(S), flint.fmpq_mat(R)

    def _levi(self) -> tuple[QMatrix, QMatrix]:
        return self._cached("levi", self._compute_levi)  # type: ignore[return-value]

    def _compute_levi(self) -> tuple[QMatrix, QMatrix]:
        """GAP's LeviMalcevDecomposition: a complement of R, corrected along R's derived series.

        Let x_a span a complement of R with ``[x_a, x_b] = sum_c q_ab^c x_c (mod R)`` (the
        structure constants of L/R). If the relation holds mod R_i (a term of the derived series
        of R, an ideal of L), look for y_a in R_i with x_a + y_a satisfying it mod R_(i+1). Since
        ``[R_i, R_i] ⊆ R_(i+1)`` the conditions are linear in y mod R_(i+1); Whitehead's lemma makes
        them solvable.
        """
        n = self._n
        R = self._radical()
        r = R.nrows()
        if r == 0:
            return xl.identity(n), R
        if r == n:
            return flint.fmpq_mat(0, n), R
        center = self._center()
        if center.nrows() == r and xl.span(xl.stack([center, R], n)).nrows() == r:
            # reductive: L = [L, L] ⊕ Z and [L, L] is the Levi factor
            return self._derived(), R
        _, piv = xl.rref(R)
        comp = [j for j in range(n) if j not in set(piv)]
        s = len(comp)
        X = flint.fmpq_mat(s, n)
        for a, j in enumerate(comp):
            X[a, j] = 1
        basis_XR = xl.stack([X, R], n)
        # structure constants of L/R in the classes of the x_a
        coordsXX = xl.coordinates(basis_XR, self._brackets(X, X))
        if coordsXX is None:
            raise NotALieAlgebraError("Levi decomposition: a bracket left the algebra (is the Jacobi identity true?)")
        ce = coordsXX.entries()
        width = s + r
        q = [[[ce[(a * s + b) * width + c] for c in range(s)] for b in range(s)] for a in range(s)]
        # derived series of R (ideals of L)
        series = [R]
        while series[-1].nrows():
            nxt = xl.span(self._brackets(series[-1], series[-1]))
            if nxt.nrows() == series[-1].nrows():
                raise NotALieAlgebraError(
                    "the radical is not solvable: these structure constants do not satisfy the Jacobi identity "
                    "(built with check=False?)"
                )
            series.append(nxt)
        for i in range(len(series) - 1):
            Ri, Rn = series[i], series[i + 1]
            W = xl.complement_rows(Rn, Ri)
            m = W.nrows()
            basis_i = xl.stack([W, Rn], n)
            XX = self._brackets(X, X)
            # E_ab = [x_a, x_b] - sum_c q_ab^c x_c must lie in R_i
            Qmat = flint.fmpq_mat(s * s, s, [q[a][b][c] for a in range(s) for b in range(s) for c in range(s)])
            E = XX - Qmat * X
            if xl.is_zero(E):
                break  # the complement is already a subalgebra
            cE = xl.coordinates(basis_i, E)
            cXW = xl.coordinates(basis_i, self._brackets(X, W))
            if cE is None or cXW is None:
                raise NotALieAlgebraError(
                    "Levi decomposition: a bracket left R_i (is the Jacobi identity true? built with check=False?)"
                )
            wi = basis_i.nrows()
            cEe, cXWe = cE.entries(), cXW.entries()
            rho = [[[cXWe[(a * m + u) * wi + v] for u in range(m)] for v in range(m)] for a in range(s)]
            # unknowns Y[c][u] at column c*m + u; one equation per (a<b, v)
            # φ(x_a) = x_a + y_a is a homomorphism S -> L/R_(i+1) iff φ[g, x_b] = [φ g, φ x_b] for g
            # in a generating set of S and all b: the set of such g is a subalgebra. Two random
            # elements generate a semisimple algebra; the closure check below certifies it, and
            # the full set of pairs is the fallback.
            Y = None
            for weights in (_random_weights(s, 2, i), [[1 if a == c else 0 for a in range(s)] for c in range(s)]):
                Y = _levi_correction(q, rho, cEe, s, m, wi, weights)
                if Y is None:
                    continue
                Xt = X + Y * W
                if xl.coordinates(xl.stack([Xt, Rn], n), self._brackets(Xt, Xt)) is not None:
                    break
                Y = None
            if Y is None:
                raise NotALieAlgebraError(
                    "Levi decomposition: the correction system has no solution (is the Jacobi identity true?)"
                )
            X = X + Y * W
        # certificate: X spans a subalgebra
        if xl.coordinates(X, self._brackets(X, X)) is None:
            raise NotALieAlgebraError("Levi decomposition: the complement is not closed (is the Jacobi identity true?)")
        return X, R

    # ---- exact invariants for people (sympy, immutable) ---------------------------------------

    def ad(self, x: CoefficientVector) -> sp.ImmutableMatrix:
        """The exact matrix of ``ad(x)`` (``ad(x) y = [x, y]`` on coefficient columns).

        ``x`` is a basis index or a coefficient vector.

        >>> from liealg.catalog import so
        >>> LieAlgebra.from_matrices(so(3)).ad(0).tolist()
        [[0, 0, 0], [0, 0, 1], [0, -1, 0]]
        """
        fb = self._over_field()
        if fb is not None:
            return fb.field.sympy_matrix(self._field_ad(self._field_vector(x, "x")))
        return xl.to_sympy(self._ad_matrix(x))

    def bracket(self, u: CoefficientVector, v: CoefficientVector) -> sp.ImmutableMatrix:
        """``[u, v]`` of two coefficient vectors, as an exact column vector."""
        fb = self._over_field()
        if fb is not None:
            column = self._field_ad(self._field_vector(u, "u")) * self._field_vector(v, "v").transpose()
            return fb.field.sympy_matrix(column)
        U, V = self._vec(u, "u"), self._vec(v, "v")
        return xl.to_sympy(V * self._adT(U)).T

    def killing_form(self) -> sp.ImmutableMatrix:
        """The Killing form ``K_ij = tr(ad e_i ad e_j)``, exact (entries in :attr:`field`)."""
        fb = self._over_field()
        if fb is not None:
            assert fb.constants is not None
            n = self._n
            swapped = fb.constants.columns([l * n + k for k in range(n) for l in range(n)])  # [b, (k, l)] = c_bl^k
            return fb.field.sympy_matrix(fb.constants * swapped.transpose())
        return xl.to_sympy(self._killing())

    def killing_signature(self) -> tuple[int, int, int]:
        """Exact inertia ``(positive, negative, zero)`` of the Killing form (Sylvester's law)."""
        return self._cached("signature", lambda: xl.inertia(self._killing()))  # type: ignore[return-value]

    def derived_series(self) -> tuple[sp.ImmutableMatrix, ...]:
        """``(L, L^(1), L^(2), ...)`` with ``L^(k+1) = [L^(k), L^(k)]``, as row bases.

        Stops at the first term equal to its predecessor (0 for a solvable algebra).
        """
        return tuple(self._given_rows(S) for S in self._derived_series())

    def lower_central_series(self) -> tuple[sp.ImmutableMatrix, ...]:
        """``(L, L^2, L^3, ...)`` with ``L^(k+1) = [L, L^k]``, as row bases; stops when stable."""
        return tuple(self._given_rows(S) for S in self._lower_central_series())

    def derived_algebra(self) -> sp.ImmutableMatrix:
        """``[L, L]`` as a row basis."""
        return self._given_rows(self._derived())

    def center(self) -> sp.ImmutableMatrix:
        """The centre ``{x : [x, L] = 0}`` as a row basis."""
        return self._given_rows(self._center())

    def radical(self) -> sp.ImmutableMatrix:
        """The solvable radical ``{x : K(x, [L, L]) = 0}`` (characteristic 0), as a row basis."""
        return self._given_rows(self._radical())

    def nilradical(self) -> sp.ImmutableMatrix:
        """The nilradical (largest nilpotent ideal), as a row basis."""
        return self._given_rows(self._nilradical())

    def levi_decomposition(self) -> LeviDecomposition:
        """A Levi decomposition ``L = S ⋉ R`` (S semisimple subalgebra, R the solvable radical).

        >>> from liealg.catalog import euclidean
        >>> D = LieAlgebra.from_matrices(euclidean(3)).levi_decomposition()
        >>> D.semisimple.rows, D.radical.rows
        (3, 3)
        """
        S, R = self._levi()
        return LeviDecomposition(self._given_rows(S), self._given_rows(R))

    # ---- predicates ---------------------------------------------------------------------------

    @property
    def is_abelian(self) -> bool:
        """All brackets vanish."""
        return not np.any(self._num)

    @property
    def is_nilpotent(self) -> bool:
        """The lower central series reaches 0."""
        return self._lower_central_series()[-1].nrows() == 0

    @property
    def is_solvable(self) -> bool:
        """The derived series reaches 0."""
        return self._derived_series()[-1].nrows() == 0

    @property
    def is_semisimple(self) -> bool:
        """The Killing form is non-degenerate (Cartan's criterion)."""
        return self.killing_signature()[2] == 0

    # ---- new algebras from this one --------------------------------------------------------

    def change_basis(self, P: CoefficientRows | MatrixLike) -> LieAlgebra:
        """The same algebra in the basis ``e'_i = sum_j P_ij e_j`` (``P`` invertible, exact).

        Structure constants transform as ``c'_ab^m = sum P_ai P_bj c_ij^k (P^-1)_km``; matrices (if
        any) become the same combinations. ``P`` may have algebraic entries (``sqrt(3)/2``): the
        new structure constants then lie in the field they generate (:attr:`field`).

        Raises
        ------
        OptionError
            ``P`` is not an invertible exact ``n x n`` matrix of rational or algebraic numbers.

        >>> from liealg.catalog import so
        >>> L = LieAlgebra.from_matrices(so(3))
        >>> L.change_basis([[1, 1, 0], [0, 1, 0], [0, 0, 2]]).killing_signature()
        (0, 3, 0)
        >>> L.change_basis([["sqrt(2)", 0, 0], [0, 1, 0], [0, 0, 1]]).structure_constants[(0, 1)]
        mappingproxy({2: -sqrt(2)})
        """
        try:
            Pm = _coefficient_rows(P, None, "change_basis: P")
        except OptionError:
            Pm = None  # not rational: algebraic entries, or not numbers at all (decided below)
        if Pm is None or self._over_field() is not None:
            return self._change_basis_over_field(P)
        return self._change_basis_rational(Pm)

    def _change_basis_over_field(self, P: CoefficientRows | MatrixLike) -> LieAlgebra:
        n = self._n
        M = P if isinstance(P, sp.MatrixBase) else exact_matrix(
            P.tolist() if isinstance(P, flint.fmpq_mat) else P, where="change_basis: P")
        if M.shape != (n, n):
            raise OptionError(f"change_basis: P must be {n}x{n}, got {M.rows}x{M.cols}")
        fb = self._over_field()
        old_generators = fb.field.generators if fb is not None else ()
        K = NumberField.of(list(old_generators) + list(M.todok().values()))
        P2 = K.matrix(M)
        P_old = K.matrix(fb.field.sympy_matrix(fb.to_core)) if fb is not None and fb.to_core is not None else None
        P_new = P2 * P_old if P_old is not None else P2
        core = self.rational_form()
        if P_new.is_rational():
            return core._change_basis_rational(P_new.parts[0])
        try:
            Pinv = P_new.inverse()
        except OptionError:
            raise OptionError("change_basis: P is singular") from None
        matrices = None
        given = self.matrices
        if given is not None:
            matrices = tuple(sp.ImmutableMatrix(sp.expand(sum((M[a, b] * given[b] for b in range(n)),
                                                              sp.zeros(*given[0].shape))))
                             for a in range(n))
        fb_new = _FieldBasis(K, matrices, P_new, Pinv, _field_tensor_from_core(core._T, P_new, Pinv))
        note = f"structure constants over {K} in this basis (rational_form() has rational ones)"
        return LieAlgebra._make(n, core._num, core._den, core._mat_re, core._mat_im, core._mat_size, note, fb_new)

    def _change_basis_rational(self, Pm: QMatrix) -> LieAlgebra:
        n = self._n
        if Pm.nrows() != n or Pm.ncols() != n:
            raise OptionError(f"change_basis: P must be {n}x{n}, got {Pm.nrows()}x{Pm.ncols()}")
        if Pm.det() == 0:
            raise OptionError("change_basis: P is singular")
        Pinv = Pm.inv()
        Pn, pden = xl.numerators(Pm)
        In, iden = xl.numerators(Pinv)
        num = self._num
        T1 = xl.int_matmul(Pn, num.reshape(n, n * n)).reshape(n, n, n)  # [a, j, k]
        T1_jak = _contiguous(T1.transpose(1, 0, 2)).reshape(n, n * n)  # [j, (a, k)]
        T2 = xl.int_matmul(Pn, T1_jak).reshape(n, n, n)  # [b, a, k]
        T2_abk = _contiguous(T2.transpose(1, 0, 2)).reshape(n * n, n)  # [(a, b), k]
        T3 = xl.int_matmul(T2_abk, In)  # [(a, b), m]
        den = self._den * pden**2 * iden
        mat_re = Pm * self._mat_re if self._mat_re is not None else None
        mat_im = Pm * self._mat_im if self._mat_im is not None else None
        fb = None
        if self._fb is not None and self._fb.matrices is not None:  # matrices over a field, rational constants
            given = self._fb.matrices
            P_sym = xl.to_sympy(Pm)
            fb = _FieldBasis(self._fb.field, tuple(
                sp.ImmutableMatrix(sp.expand(
                    sum((P_sym[a, b] * given[b] for b in range(n)), sp.zeros(*given[0].shape))))
                for a in range(n)))
        return LieAlgebra._make(n, T3, den, mat_re, mat_im, self._mat_size, self._note, fb)

    def _sub_T(self, W: QMatrix) -> QMatrix | None:
        m = W.nrows()
        if m == 0:
            return flint.fmpq_mat(0, 0)
        C = xl.coordinates(W, self._brackets(W, W))
        if C is None:
            return None
        return flint.fmpq_mat(m, m * m, C.entries())

    def subalgebra(self, basis: CoefficientRows) -> LieAlgebra:
        """The subalgebra with the given basis (rows of coefficients), as a LieAlgebra in that basis.

        Raises
        ------
        OptionError
            Rows that are not exact, of the wrong length, dependent, or that do not span a
            subalgebra.
        """
        self._require_rational("subalgebra")
        W = _coefficient_rows(basis, self._n, "subalgebra")
        if xl.rank(W) != W.nrows():
            raise OptionError("subalgebra: the basis rows are dependent")
        T = self._sub_T(W)
        if T is None:
            raise OptionError("subalgebra: the rows do not span a subalgebra (a bracket leaves the span)")
        mat_re = W * self._mat_re if self._mat_re is not None else None
        mat_im = W * self._mat_im if self._mat_im is not None else None
        return LieAlgebra._make_T(W.nrows(), T, mat_re, mat_im, self._mat_size, self._note)

    def quotient(self, ideal: CoefficientRows) -> LieAlgebra:
        """``L / I`` for an ideal ``I`` (rows), in the basis of the classes of the unit vectors
        ``e_j`` at the non-pivot columns of I's reduced row echelon form.

        Raises
        ------
        OptionError
            Rows that are not exact, of the wrong length, or that do not span an ideal.
        """
        self._require_rational("quotient")
        n = self._n
        ideal_rows = _coefficient_rows(ideal, n, "quotient")
        ideal_rows = xl.span(ideal_rows) if ideal_rows.nrows() else flint.fmpq_mat(0, n)
        if ideal_rows.nrows():
            _, ipiv = xl.rref(ideal_rows)
            if xl.coordinates_in_rref(ideal_rows, ipiv, xl.span(self._brackets_with_basis(ideal_rows))) is None:
                raise OptionError("quotient: the rows do not span an ideal")
        piv = xl.rref(ideal_rows)[1] if ideal_rows.nrows() else ()
        comp = [j for j in range(n) if j not in set(piv)]
        s = len(comp)
        X = flint.fmpq_mat(s, n)
        for a, j in enumerate(comp):
            X[a, j] = 1
        C = xl.coordinates(xl.stack([X, ideal_rows], n), self._brackets(X, X))
        assert C is not None  # X and the ideal span L
        ce = C.entries()
        T = flint.fmpq_mat(s, s * s, [ce[(a * s + b) * n + c] for a in range(s) for b in range(s) for c in range(s)])
        return LieAlgebra._make_T(s, T)

    # ---- checks -------------------------------------------------------------------------------

    def _check_jacobi(self) -> None:
        """Exact Jacobi identity: ``ad([e_i, e_j]) = [ad e_i, ad e_j]`` for all i, j.

        Integer numerators in float64 BLAS when the bound proves exactness, otherwise modulo
        enough primes that their product exceeds twice the largest possible value (an exact test:
        an integer below the product that vanishes mod every prime is 0).
        """
        n = self._n
        num = self._num
        M = xl.max_abs(num)
        if M == 0:
            return
        nnz = int(np.count_nonzero(num))
        if nnz <= 3 * n * n:
            # sparse constants (any physics basis): exact Python integers on the nonzeros only
            self._jacobi_sparse(num)
            return
        bound = 3 * n * M * M
        if bound < xl.EXACT_FLOAT_LIMIT:
            self._jacobi_pass(num.astype(np.float64), None)
            return
        primes = []
        prod = 1
        p = math.isqrt(xl.EXACT_FLOAT_LIMIT // (3 * n)) - 1
        while prod <= 2 * bound:
            p = xl.prev_prime(p)
            primes.append(p)
            prod *= p
            p -= 1
        for p in primes:
            red = np.array([int(x) % p for x in num.flat], dtype=np.float64).reshape(num.shape)
            self._jacobi_pass(red, p)

    def _jacobi_pass(self, num: np.ndarray, p: int | None) -> None:
        n = self._n
        ad = np.ascontiguousarray(num.transpose(0, 2, 1))  # ad[i][k][j] = c_ij^k
        H = np.ascontiguousarray(ad.transpose(1, 0, 2)).reshape(n, n * n)  # rows k', cols (j, m)
        V = ad.reshape(n * n, n)  # rows (j, k)
        F = ad.reshape(n, n * n)  # rows k, cols (k', m)
        for i in range(n):
            L1 = (ad[i] @ H).reshape(n, n, n).transpose(1, 0, 2)  # [j, k, m] = (ad_i ad_j)[k, m]
            L2 = (V @ ad[i]).reshape(n, n, n)  # (ad_j ad_i)[k, m]
            Rh = (num[i] @ F).reshape(n, n, n)  # sum_k' c_ij^k' ad_k'
            D = L1 - L2 - Rh
            if p is not None:
                D = np.fmod(D, p)
            if np.abs(D).max() > 0.5:
                j, _, m = (int(v) for v in np.argwhere(np.abs(D) > 0.5)[0])
                _jacobi_error(i, j, m)

    def _jacobi_sparse(self, num: np.ndarray) -> None:
        """Jacobi as ``[ad e_i, ad e_j] = sum_k c_ij^k ad e_k`` with sparse dict matrices."""
        n = self._n
        I, J, Kk = np.nonzero(num)
        ad: list[dict[int, dict[int, int]]] = [{} for _ in range(n)]  # ad[i][k][j] = c_ij^k
        br: dict[tuple[int, int], dict[int, int]] = {}
        for i, j, k in zip(I.tolist(), J.tolist(), Kk.tolist()):
            v = int(num[i, j, k])
            ad[i].setdefault(k, {})[j] = v
            if i < j:
                br.setdefault((i, j), {})[k] = v

        def mul(A: dict[int, dict[int, int]], B: dict[int, dict[int, int]], out: dict[int, dict[int, int]],
                sign: int) -> None:
            for k, row in A.items():
                acc = out.setdefault(k, {})
                for j, a in row.items():
                    Bj = B.get(j)
                    if Bj:
                        for m, b in Bj.items():
                            acc[m] = acc.get(m, 0) + sign * a * b

        for i in range(n):
            if not ad[i]:
                continue
            for j in range(i + 1, n):
                if not ad[j]:
                    continue
                out: dict[int, dict[int, int]] = {}
                mul(ad[i], ad[j], out, 1)
                mul(ad[j], ad[i], out, -1)
                for k, c in br.get((i, j), {}).items():
                    for row, cols in ad[k].items():
                        acc = out.setdefault(row, {})
                        for m, b in cols.items():
                            acc[m] = acc.get(m, 0) - c * b
                for cols in out.values():
                    for m, v in cols.items():
                        if v:
                            _jacobi_error(i, j, m)

    # ---- rich display (Jupyter, papers): liealg.display, imported at call time (a later stage)

    def _repr_html_(self) -> str:
        """An HTML card for Jupyter (see :mod:`liealg.display`)."""
        from liealg import display

        return display.algebra_html(self)

    def _repr_latex_(self) -> str:
        """Display math for Jupyter (see :mod:`liealg.display`)."""
        from liealg import display

        return display.algebra_latex(self)

    def to_latex(self, *, caption: str | None = None, label: str | None = None, generators: bool = True) -> str:
        r"""A LaTeX ``table`` for a paper: :func:`liealg.display.to_latex` of this algebra.

        Parameters
        ----------
        caption, label : str, optional
            The table's ``\caption`` (default: the algebra's name) and ``\label``.
        generators : bool
            Also the generators (``pmatrix``) and brackets (``align*``) after the table.

        Examples
        --------
        >>> L = LieAlgebra.from_structure_constants(3, [[0, 1, 2, 1], [1, 2, 0, 1], [0, 2, 1, -1]])
        >>> print(L.to_latex(generators=False).splitlines()[4])
        algebra & $\mathfrak{su}(2)$ \\
        """
        from liealg import display

        return display.to_latex(self, caption=caption, label=label, generators=generators)

    # ---- dunder -------------------------------------------------------------------------------

    def __repr__(self) -> str:
        if self._fb is not None and self._fb.matrices is not None:
            d = self._fb.matrices[0].rows
            src = f"basis of {self._n} matrices {d}x{d} over {self._fb.field}"
            if self._over_field() is None:
                src += ", rational structure constants"
        elif self._mat_re is not None:
            field = "Q(i)" if self._mat_im is not None else "Q"
            src = f"basis of {self._n} matrices {self._mat_size}x{self._mat_size} over {field}"
        else:
            src = f"{len(self.structure_constants)} nonzero brackets"
            if self._over_field() is not None:
                src += f" over {self.field}"
        return f"LieAlgebra(dim={self._n}, {src})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LieAlgebra):
            return NotImplemented
        mine, theirs = self._over_field(), other._over_field()
        if mine is not None or theirs is not None:  # structure constants over a number field
            if mine is None or theirs is None or mine.field != theirs.field:
                return False
            return self._n == other._n and mine.constants == theirs.constants
        return self._n == other._n and self._den == other._den and np.array_equal(self._num, other._num)

    def __hash__(self) -> int:
        def build() -> int:
            nz = np.nonzero(self._num)
            return hash((self._n, self._den, str(self.field), tuple(int(x) for x in self._num[nz][:64])))

        return self._cached("hash", build)  # type: ignore[return-value]




def _structure_constant(c: object, where: str) -> flint.fmpq:
    """One structure constant as an exact rational (strings through the safe parser)."""
    if isinstance(c, (float, np.floating)):
        raise NotALieAlgebraError(
            f"{where}: floating-point value {c!r} refused: give exact numbers (int, Fraction, sympy Rational or "
            "a string like '-1/2')"
        )
    try:
        return xl.to_fmpq(c)  # anything else is refused inside
    except OptionError as err:
        raise NotALieAlgebraError(f"{where}: cannot read {c!r:.60} as an exact number: {err}") from None


def _random_weights(s: int, count: int, salt: int) -> list[list[int]]:
    rng = np.random.default_rng(12345 + salt)
    return [[int(x) for x in rng.integers(-9, 10, size=s)] for _ in range(count)]


def _levi_correction(
    q: list[list[list[flint.fmpq]]],
    rho: list[list[list[flint.fmpq]]],
    cEe: list[flint.fmpq],
    s: int,
    m: int,
    wi: int,
    weights: list[list[int]],
) -> QMatrix | None:
    """Solve for Y (s x m) in the linearized Levi condition, combined with the given weights.

    For a weight vector u and each b, the residual of ``φ[u, x_b] = [φ u, φ x_b]`` mod R_(i+1) is
    ``sum_a u_a e_ab + ρ(u) Y_b - sum_a u_a ρ_b Y_a - sum_c (sum_a u_a q_ab^c) Y_c``.
    Returns one solution, or None when the system is inconsistent.
    """
    ncol = s * m
    rows = []
    for u in weights:
        rho_u = [[sum(u[a] * rho[a][v][w] for a in range(s) if u[a]) for w in range(m)] for v in range(m)]
        for b in range(s):
            qb = [sum(u[a] * q[a][b][c] for a in range(s) if u[a]) for c in range(s)]
            for v in range(m):
                row = [_ZERO] * (ncol + 1)
                for w in range(m):
                    row[b * m + w] += rho_u[v][w]
                    rb = rho[b][v][w]
                    if rb != 0:
                        for a in range(s):
                            if u[a]:
                                row[a * m + w] -= u[a] * rb
                for c in range(s):
                    if qb[c] != 0:
                        row[c * m + v] -= qb[c]
                row[ncol] = -sum((u[a] * cEe[(a * s + b) * wi + v] for a in range(s) if u[a]), _ZERO)
                rows.append(row)
    Aug = flint.fmpq_mat(len(rows), ncol + 1, [x for r in rows for x in r])
    Rr, rp = xl.rref(Aug)
    if rp and rp[-1] == ncol:
        return None
    Y = flint.fmpq_mat(s, m)
    re_ = Rr.entries()
    for row_i, col in enumerate(rp):
        Y[col // m, col % m] = re_[row_i * (ncol + 1) + ncol]
    return Y


def _jacobi_error(i: int, j: int, m: int) -> None:
    raise NotALieAlgebraError(
        f"the Jacobi identity fails for the triple (e_{i}, e_{j}, e_{m}): these are not the structure "
        "constants of a Lie algebra"
    )


def _contiguous(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a) if a.dtype != object else a.copy()


def _reduce_tensor(num: np.ndarray, den: int) -> tuple[np.ndarray, int]:
    """Divide numerators and denominator by their gcd; make the denominator positive."""
    if den == 0:
        raise OptionError("structure constants with a zero denominator")
    if den < 0:
        num, den = -num, -den
    if num.size == 0 or not np.any(num):
        return xl.int_array(np.zeros(num.shape, dtype=np.int64), num.shape), 1
    if num.dtype == object:
        g = 0
        for v in set(num.flat):
            g = math.gcd(g, int(v))
            if g == 1:
                break
    else:
        g = int(np.gcd.reduce(np.abs(num[num != 0])))  # the zeros (most of a sparse tensor) add nothing
    g = math.gcd(g, den)
    if g > 1:
        num = (num // g if num.dtype != object
               else np.array([int(v) // g for v in num.flat], dtype=object).reshape(num.shape))
        den //= g
    return xl.int_array(num, num.shape), den


def _structure_from_rational_rows(
    rows: Sequence[Sequence[flint.fmpq]], d: int, *, check: bool
) -> tuple[np.ndarray, int]:
    """Exact structure constants of the real span of rational ``d x d`` matrices (flattened rows).

    1. Clear denominators once: ``X = X_num / den``.
    2. Pivot columns P of the RREF of the stacked matrices; ``B = M[:, P]`` is invertible and the
       coordinates of any v in the span are ``v[P] B^-1`` (no general solve).
    3. All commutators from one integer matrix product (exact in float64 under a proven bound).
    4. Closure: ``coords M == [X_a, X_b]`` checked exactly for every pair.
    """
    n = len(rows)
    Mq = flint.fmpq_mat(n, d * d, [x for row in rows for x in row])
    Mz, den_z = Mq.numer_denom()
    den = int(den_z)
    Mq = flint.fmpq_mat(Mz)  # work with the integer numerators den * X throughout
    Xn = xl.int_array([int(x) for x in Mz.entries()], (n, d * d))
    _, piv = xl.rref(Mq)
    if len(piv) < n:
        _, pivT = xl.rref(Mq.transpose())
        dep = next(j for j in range(n) if j not in pivT)
        raise NotALieAlgebraError(
            f"matrix J_{dep} is a linear combination of the previous ones: the given matrices are "
            "linearly dependent (drop it, or pass a basis of the span)"
        )
    Binv = xl.columns(Mq, piv).inv()
    bden = xl.lcm_of_denominators(Binv.entries())
    Binv_num = xl.int_array([int(x * bden) for x in Binv.entries()], (n, n))
    # commutators of all pairs a < b
    X3 = Xn.reshape(n, d, d)
    iu, ju = np.triu_indices(n, 1)
    if len(iu) == 0:
        return np.zeros((n, n, n), dtype=np.int64), 1
    sparse = _sparse_structure(Xn, d, list(piv), Binv_num, bden, iu, ju, check=check)
    if sparse is not None:
        return sparse, den * bden
    C = _all_commutators(X3, iu, ju)  # (npairs, d*d) exact ints
    Cp = C[:, list(piv)]
    coords = xl.int_matmul(Cp, Binv_num)  # = den * bden * c
    if check:
        recon = xl.int_matmul(coords, Xn)
        target = C * bden if xl.max_abs(C) * bden < 2**62 else C.astype(object) * bden
        bad = np.nonzero(np.any(recon != target, axis=1))[0]
        if bad.size:
            p = int(bad[0])
            a, b = int(iu[p]), int(ju[p])
            raise NotALieAlgebraError(
                f"[J_{a}, J_{b}] is not in the span: the generators do not close (add the missing "
                "generators, or check the rationalization)"
            )
    num = np.zeros((n, n, n), dtype=coords.dtype)
    num[iu, ju, :] = coords
    num[ju, iu, :] = -coords
    return num, den * bden


def _sparse_structure(
    Xn: np.ndarray, d: int, piv: list[int], Binv_num: np.ndarray, bden: int, iu: np.ndarray, ju: np.ndarray, *,
    check: bool
) -> np.ndarray | None:
    """Steps 3-4 of :func:`_structure_from_rational_rows` through exact sparse products, for
    sparse matrices (a classical basis: a few nonzero entries each): the work is proportional to
    the nonzero products instead of ``n^2 d^3``. None when the matrices are dense or an int64
    bound fails (the dense route then runs). Returns ``den * bden * c`` as an ``(n, n, n)`` tensor.
    """
    n = Xn.shape[0]
    if Xn.dtype != np.int64 or np.count_nonzero(Xn) > _SPARSE_FILL * Xn.size:
        return None
    import scipy.sparse as sps

    a, flat = np.nonzero(Xn)
    vals = Xn[a, flat]
    i, j = flat // d, flat % d
    left = sps.csr_matrix((vals, (a * d + i, j)), shape=(n * d, d))  # rows (a, i): X_a[i, :]
    right = sps.csr_matrix((vals, (i, a * d + j)), shape=(d, n * d))  # columns (b, k): X_b[:, k]
    P = xl.sparse_int_matmul(left, right)  # P[(a, i), (b, k)] = (X_a X_b)[i, k]
    if P is None:
        return None
    P = P.tocoo()
    ra, ri = P.row // d, P.row % d
    cb, ck = P.col // d, P.col % d
    keep = ra != cb
    ra, ri, cb, ck, pv = ra[keep], ri[keep], cb[keep], ck[keep], P.data[keep]
    lo, hi = np.minimum(ra, cb), np.maximum(ra, cb)
    sign = np.where(ra < cb, 1, -1).astype(np.int64)  # X_b X_a (b > a) enters [X_a, X_b] with a minus
    pair = lo * n - lo * (lo + 1) // 2 + (hi - lo - 1)  # the position of (lo, hi) in np.triu_indices(n, 1)
    npairs = len(iu)
    C = sps.csr_matrix((sign * pv, (pair, ri * d + ck)), shape=(npairs, d * d))  # duplicates summed
    C.sum_duplicates()
    C.eliminate_zeros()
    coords = xl.sparse_int_matmul(C[:, piv], sps.csr_matrix(Binv_num))  # = den * bden * c
    if coords is None:
        return None
    if check:  # closure: coords @ X == bden * C, entry by entry
        recon = xl.sparse_int_matmul(coords, sps.csr_matrix(Xn))
        if recon is None or xl.max_abs(C.data) * bden >= 2**62:
            return None
        diff = (recon - C * bden).tocsr()
        diff.eliminate_zeros()
        if diff.nnz:
            p = int(diff.nonzero()[0].min())
            raise NotALieAlgebraError(
                f"[J_{int(iu[p])}, J_{int(ju[p])}] is not in the span: the generators do not close (add the missing "
                "generators, or check the rationalization)"
            )
    coords = coords.tocoo()
    num = np.zeros((n, n, n), dtype=np.int64)
    num[iu[coords.row], ju[coords.row], coords.col] = coords.data
    num[ju[coords.row], iu[coords.row], coords.col] = -coords.data
    return num


def _all_commutators(X3: np.ndarray, iu: np.ndarray, ju: np.ndarray) -> np.ndarray:
    """``[X_a, X_b]`` flattened, for the index pairs ``(iu, ju)`` of ``np.triu_indices``; exact integers.

    Products come from two BLAS calls per chunk of ``a``: ``X_a X_b`` for all b as one
    ``(chunk d) x d`` by ``d x (n d)`` product, and ``X_b X_a`` likewise.
    """
    n, d, _ = X3.shape
    m = xl.max_abs(X3)
    npairs = len(iu)
    if npairs * d * d > MAX_TENSOR_ENTRIES:
        raise ResourceError(
            f"{n} matrices of size {d}x{d} have {npairs:,} commutators of {d * d} entries each; the limit is "
            f"{MAX_TENSOR_ENTRIES:,} entries"
        )
    if m * m * d < xl.EXACT_FLOAT_LIMIT:
        Xf = X3.astype(np.float64)
        out = np.empty((npairs, d * d), dtype=np.float64)
        right = np.ascontiguousarray(Xf.transpose(1, 0, 2)).reshape(d, n * d)  # [j, (b, k)]
        left = Xf.reshape(n * d, d)  # [(b, i), j]
        chunk = max(1, int(4_000_000 // max(1, n * d * d)))
        for start in range(0, n, chunk):
            stop = min(n, start + chunk)
            w = stop - start
            sel = (iu >= start) & (iu < stop)
            if not np.any(sel):
                continue
            ia, ib = iu[sel] - start, ju[sel]
            P1 = (Xf[start:stop].reshape(w * d, d) @ right).reshape(w, d, n, d).transpose(0, 2, 1, 3)
            rightc = np.ascontiguousarray(Xf[start:stop].transpose(1, 0, 2)).reshape(d, w * d)
            P2 = (left @ rightc).reshape(n, d, w, d).transpose(2, 0, 1, 3)  # [a, b] -> X_b X_a
            out[sel] = (P1[ia, ib] - P2[ia, ib]).reshape(-1, d * d)
        return np.rint(out).astype(np.int64)
    # big integers: exact arithmetic through flint
    mats = [flint.fmpz_mat([[int(x) for x in row] for row in X3[a].tolist()]) for a in range(n)]
    vals: list[int] = []
    for a, b in zip(iu, ju):
        Cm = mats[a] * mats[b] - mats[b] * mats[a]
        vals.extend(int(x) for x in Cm.entries())
    return xl.int_array(vals, (npairs, d * d))


# --------------------------------------------------------------------------------------------
# Structure constants over a real number field, with no rational basis
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class FieldLieAlgebra:
    """A real Lie algebra given by exact structure constants over a real number field ``K``.

    For algebras that :class:`LieAlgebra` cannot hold: the structure constants lie in ``K``
    (``QQ<sqrt(2)>``, ``QQ<2**(1/3)>``) and the real span has no rational basis, as for the
    symmetries of ``x1**2 + sqrt(2)*x2**2 + x3**2`` (such an algebra need not have any basis with
    rational constants reachable over ``K``). Everything here is exact over ``K`` (python-flint,
    :class:`~liealg.exact.linalg.FieldMatrix`); :func:`liealg.identification.identify` names it,
    numerically certified.

    Attributes
    ----------
    field : NumberField
        ``K``, real; its real embedding gives every generator its principal real value.
    constants : FieldMatrix, shape (n, n*n)
        ``constants[a, b*n + m] = c_ab^m`` with ``[e_a, e_b] = sum_m c_ab^m e_m``.
    matrices : tuple of sympy.ImmutableMatrix or None
        The basis as matrices, when built from matrices.

    Examples
    --------
    >>> A = FieldLieAlgebra.from_matrices([      # the symmetries of x1^2 + sqrt(2) x2^2 + x3^2
    ...     [[0, "sqrt(2)", 0], [-1, 0, 0], [0, 0, 0]],
    ...     [[0, 0, 1], [0, 0, 0], [-1, 0, 0]],
    ...     [[0, 0, 0], [0, 0, 1], [0, "-sqrt(2)", 0]]])
    >>> A.dim, str(A.field)
    (3, 'QQ<sqrt(2)>')
    >>> A.field.inertia(A.killing_matrix())
    (0, 3, 0)
    """

    field: NumberField
    constants: FieldMatrix
    matrices: tuple[sp.ImmutableMatrix, ...] | None = None
    _cache: dict[str, FieldMatrix] = dataclass_field(default_factory=dict, init=False, repr=False)

    @property
    def dim(self) -> int:
        """Dimension ``n``."""
        return self.constants.shape[0]

    def _cached(self, key: str, compute: Callable[[], FieldMatrix]) -> FieldMatrix:
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    @classmethod
    def from_matrices(cls, matrices: Sequence[MatrixLike], *, check: bool = True) -> FieldLieAlgebra:
        """The real span of matrices with entries in a real number field, with them as its basis.

        Entries as in :meth:`LieAlgebra.from_matrices` (complex ones go to real ``2d x 2d``
        blocks); the field ``K`` is the one the real entries generate.

        Raises
        ------
        NotALieAlgebraError
            Dependent matrices, a bracket outside the span, entries that are not algebraic.
        OptionError
            When ``K`` is not real.
        """
        if isinstance(matrices, (str, bytes, sp.MatrixBase)) or not isinstance(matrices, (Sequence, np.ndarray)):
            raise NotALieAlgebraError("from_matrices needs a sequence of matrices")
        n = len(matrices)
        if not n:
            raise NotALieAlgebraError("from_matrices needs at least one matrix")
        _check_tensor_size(n, "from_matrices")
        mats = tuple(sp.ImmutableMatrix(exact_matrix(m, where=f"matrix {i}", error=NotALieAlgebraError))
                     for i, m in enumerate(matrices))
        re_rows, im_rows, d, _ = _real_flat_matrices(mats)
        if any(x != 0 for row in im_rows for x in row):
            rows, size = _block_real(re_rows, im_rows, d), 2 * d
        else:
            rows, size = [list(r) for r in re_rows], d
        K, X = _field_rows(rows, n)
        if not K.is_real:
            raise OptionError(f"the real span of the matrices has entries in {K}, which is not a real field")
        _, piv = X.rref()
        if len(piv) < n:
            raise NotALieAlgebraError("the given matrices are linearly dependent (pass a basis of the span)")
        coords = _field_structure(X, piv, size, check=check)
        return cls(K, _pair_rows_to_tensor(coords, n), mats)

    @classmethod
    def from_structure_constants(
        cls, field: NumberField, dim: int, brackets: Mapping[tuple[int, int], Mapping[int, object]], *,
        check: bool = True,
    ) -> FieldLieAlgebra:
        """From ``{(i, j): {k: c}}`` (``i < j``, 0-based) with ``c`` exact numbers of ``field``.

        Raises
        ------
        NotALieAlgebraError
            A bad index, a value not in ``field``, or (``check``) a failing Jacobi identity.

        >>> K = NumberField.of([sp.sqrt(2)])
        >>> A = FieldLieAlgebra.from_structure_constants(
        ...     K, 3, {(0, 1): {2: sp.sqrt(2)}, (1, 2): {0: sp.sqrt(2)}, (0, 2): {1: -sp.sqrt(2)}})
        >>> K.inertia(A.killing_matrix())
        (0, 3, 0)
        """
        if not field.is_real:
            raise OptionError(f"{field} is not a real field")
        n = int(dim)
        if n < 1:
            raise NotALieAlgebraError(f"dim must be a positive integer, got {dim!r}")
        _check_tensor_size(n, "from_structure_constants")
        entries: dict[tuple[int, int], tuple[flint.fmpq, ...]] = {}
        for (i, j), comps in brackets.items():
            for k, c in comps.items():
                if not (0 <= i < j < n and 0 <= k < n):
                    raise NotALieAlgebraError(f"bracket ({i}, {j}) -> {k}: indices must satisfy 0 <= i < j < {n}")
                try:
                    value = exact_matrix([[c]], where="structure constant", error=NotALieAlgebraError)[0, 0]
                    x = field.coordinates(value)
                except OptionError as err:
                    raise NotALieAlgebraError(f"structure constant c_{i}{j}^{k}: {err}") from None
                entries[(i, j * n + k)] = x
                entries[(j, i * n + k)] = tuple(-v for v in x)
        out = cls(field, FieldMatrix.from_entries(n, n * n, entries, field.minpoly))
        if check:
            out._check_jacobi()
        return out

    def ad_matrix(self, x: FieldMatrix) -> FieldMatrix:
        """``ad(x)`` over K (``n x n``, acting on coefficient columns) for a ``1 x n`` row ``x``."""
        n = self.dim
        return _reshape(x * self.constants, n, n).transpose()

    def ad_matrices(self) -> tuple[FieldMatrix, ...]:
        """``ad(e_a)`` for every basis vector (exact over K)."""
        n = self.dim
        eye = FieldMatrix.from_rational(xl.identity(n), self.field.minpoly)
        return tuple(self.ad_matrix(eye.rows([a])) for a in range(n))

    def brackets(self, U: FieldMatrix, V: FieldMatrix) -> FieldMatrix:
        """All ``[u, v]`` for rows u of ``U`` and v of ``V``, as rows (``U`` outer), over K."""
        n = self.dim
        rows = [(V * self.ad_matrix(U.rows([a])).transpose()) for a in range(U.shape[0])]
        if not rows:
            return FieldMatrix.zeros(0, n, self.field.minpoly)
        return FieldMatrix([xl.stack([R.parts[s] for R in rows], n) for s in range(self.field.degree)],
                           self.field.minpoly)

    def killing_matrix(self) -> FieldMatrix:
        """The Killing form ``K_ij = tr(ad e_i ad e_j)`` over K (``n x n``)."""
        def build() -> FieldMatrix:
            n = self.dim
            swapped = self.constants.columns([l * n + k for k in range(n) for l in range(n)])  # [b, (k, l)] = c_bl^k
            return self.constants * swapped.transpose()

        return self._cached("killing", build)

    def derived_basis(self) -> FieldMatrix:
        """``[L, L]`` over K as a reduced row echelon basis."""
        n = self.dim

        def build() -> FieldMatrix:
            if self.killing_matrix().rank() == n:  # semisimple (Cartan's criterion): [L, L] = L
                return FieldMatrix.from_rational(xl.identity(n), self.field.minpoly)
            return _reshape(self.constants, n * n, n).rref()[0]

        return self._cached("derived", build)

    def center_basis(self) -> FieldMatrix:
        """The centre ``{x : [x, L] = 0}`` over K as a reduced row echelon basis."""

        def build() -> FieldMatrix:
            if self.killing_matrix().rank() == self.dim:  # semisimple: no centre
                return FieldMatrix.zeros(0, self.dim, self.field.minpoly)
            return self.constants.transpose().nullspace()

        return self._cached("center", build)

    def killing_orthogonal(self, V: FieldMatrix) -> FieldMatrix:
        """``{x : K(x, v) = 0 for all rows v of V}`` over K as a reduced row echelon basis."""
        if V.shape[0] == 0:
            return FieldMatrix.from_rational(xl.identity(self.dim), self.field.minpoly)
        return (V * self.killing_matrix()).nullspace()

    def radical_basis(self) -> FieldMatrix:
        """The solvable radical, the Killing-orthogonal complement of ``[L, L]`` (characteristic 0)."""
        return self.killing_orthogonal(self.derived_basis())

    def derived_series_bases(self) -> tuple[FieldMatrix, ...]:
        """``(L, [L, L], ...)`` over K, ending at the first repeated term (as for :class:`LieAlgebra`)."""
        return self._series(lambda C: self.brackets(C, C))

    def lower_central_series_bases(self) -> tuple[FieldMatrix, ...]:
        """``(L, [L, L], [L, [L, L]], ...)`` over K, ending at the first repeated term."""
        eye = FieldMatrix.from_rational(xl.identity(self.dim), self.field.minpoly)
        return self._series(lambda C: self.brackets(eye, C))

    def _series(self, step: Callable[[FieldMatrix], FieldMatrix]) -> tuple[FieldMatrix, ...]:
        series = [FieldMatrix.from_rational(xl.identity(self.dim), self.field.minpoly)]
        current = self.derived_basis()
        while True:
            series.append(current)
            if current.shape[0] == 0 or current.shape[0] == series[-2].shape[0]:
                return tuple(series)
            current = step(current).rref()[0]

    def subalgebra(self, basis: FieldMatrix) -> FieldLieAlgebra:
        """The subalgebra spanned by the rows of ``basis`` (over K, independent), in that basis.

        Raises
        ------
        NotALieAlgebraError
            When the rows are dependent or their span is not closed.
        """
        _, piv = basis.rref()
        d = basis.shape[0]
        if len(piv) != d:
            raise NotALieAlgebraError("subalgebra: the rows are linearly dependent")
        B = self.brackets(basis, basis)  # row a*d + b: [u_a, u_b]
        coords = B.columns(list(piv)) * basis.columns(list(piv)).inverse()
        if not (coords * basis - B).is_zero():
            raise NotALieAlgebraError("subalgebra: the span of the rows is not closed under the bracket")
        return FieldLieAlgebra(self.field, _reshape(coords, d, d * d))

    def _check_jacobi(self) -> None:
        ads = self.ad_matrices()
        n = self.dim
        for i in range(n):
            for j in range(i + 1, n):
                row = FieldMatrix([P.transpose() for P in _reshape(self.constants.rows([i]), n, n).parts],
                                  self.field.minpoly).columns([j]).transpose()  # [e_i, e_j] as a row
                if not (self.ad_matrix(row) - (ads[i] * ads[j] - ads[j] * ads[i])).is_zero():
                    raise NotALieAlgebraError(
                        f"the Jacobi identity fails for e_{i}, e_{j} (ad [e_i, e_j] != [ad e_i, ad e_j])")

    def __repr__(self) -> str:
        return f"FieldLieAlgebra(dim={self.dim}, over {self.field})"
