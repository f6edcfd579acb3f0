"""``LieAlgebra``: a finite-dimensional real Lie algebra with a basis and exact structure constants.

A :class:`LieAlgebra` is an immutable value object. It is built either from matrices (their **real**
span is the algebra, and the given matrices are its basis) or from structure constants
``[e_i, e_j] = sum_k c_ij^k e_k``. Everything derived from it (Killing form, derived and central
series, centre, radical, nilradical, Levi decomposition) is computed exactly over the rationals,
lazily, and cached.

Internal representation. The structure constants are one ``flint.fmpq_mat`` ``T`` of shape
``(n, n*n)`` with ``T[i, j*n + k] = c_ij^k``. Two facts make it convenient:

* for a coefficient row vector ``x``, ``(x T)`` reshaped to ``n x n`` is ``ad(x)^T``: its row ``j`` is
  the coordinate vector of ``[x, e_j]``;
* ``T`` reshaped to ``(n*n, n)`` lists all brackets ``[e_i, e_j]`` as rows.

Why numpy appears in an exact module: products of integer matrices are done in float64 BLAS *only*
when a bound proves every intermediate is an integer below 2^53 (so the float result is exact);
otherwise they go to flint's exact integer arithmetic. This keeps e6 (78 matrices of 27 x 27) at
about a second.

>>> from liealg.catalog import so
>>> L = LieAlgebra.from_matrices(so(3))
>>> L.dim, L.killing_signature()
(3, (0, 3, 0))
>>> L.structure_constants[(0, 1)]
{2: -1}
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Union

import flint
import numpy as np
import sympy as sp

from liealg.errors import LieAlgError
from liealg.exact import linalg as xl

__all__ = [
    "LieAlgebra",
    "LeviDecomposition",
    "parse_exact",
    "load_structure_constants",
    "save_structure_constants",
    "load_matrices",
    "save_matrices",
    "matrices_to_json",
    "matrices_from_json",
]

Exact = Union[int, Fraction, sp.Rational, str]
_EXACT_FLOAT_LIMIT = 2**53  # below this, float64 sums of integer products are exact


# --------------------------------------------------------------------------------------------
# Small exact helpers
# --------------------------------------------------------------------------------------------

_ZERO = flint.fmpq(0)
_ONE = flint.fmpq(1)


def _q(value: Any) -> flint.fmpq:
    """One exact rational as ``fmpq``; strings go through the safe parser."""
    if isinstance(value, str):
        re_, im_ = parse_exact(value)
        if im_ != 0:
            raise LieAlgError(f"expected a real number, got the complex value {value!r}")
        return flint.fmpq(re_.numerator, re_.denominator)
    if isinstance(value, float):
        raise LieAlgError(
            f"floating-point value {value!r} refused: give exact numbers (int, Fraction, sympy "
            "Rational or a string like '-1/2')"
        )
    if isinstance(value, (np.integer,)):
        return flint.fmpq(int(value))
    try:
        return xl.to_fmpq(value)
    except TypeError as err:
        raise LieAlgError(str(err)) from None


def _frac(q: flint.fmpq) -> Fraction:
    return Fraction(int(q.p), int(q.q))


def _sym(q: flint.fmpq) -> sp.Rational:
    return sp.Rational(int(q.p), int(q.q))


def _zeros(r: int, c: int) -> flint.fmpq_mat:
    return flint.fmpq_mat(r, c)


def _identity(n: int) -> flint.fmpq_mat:
    M = flint.fmpq_mat(n, n)
    for i in range(n):
        M[i, i] = 1
    return M


def _stack(blocks: Sequence[flint.fmpq_mat], ncols: int) -> flint.fmpq_mat:
    """Rows of several matrices stacked (all with ``ncols`` columns)."""
    entries: list = []
    rows = 0
    for B in blocks:
        if B.nrows():
            entries.extend(B.entries())
            rows += B.nrows()
    return flint.fmpq_mat(rows, ncols, entries) if rows else flint.fmpq_mat(0, ncols)


def _span(M: flint.fmpq_mat) -> flint.fmpq_mat:
    """Canonical basis (RREF rows) of the row space."""
    return xl.rref(M)[0]


def _cols(M: flint.fmpq_mat, cols: Sequence[int]) -> flint.fmpq_mat:
    e = M.entries()
    nc = M.ncols()
    return flint.fmpq_mat(M.nrows(), len(cols), [e[i * nc + c] for i in range(M.nrows()) for c in cols])


def _row(M: flint.fmpq_mat, i: int) -> flint.fmpq_mat:
    nc = M.ncols()
    return flint.fmpq_mat(1, nc, M.entries()[i * nc : (i + 1) * nc])


def _coordinates(basis: flint.fmpq_mat, V: flint.fmpq_mat) -> flint.fmpq_mat | None:
    """Coordinates ``C`` with ``C basis = V`` (rows), or ``None`` when some row is not in the span.

    ``basis`` must have independent rows. Its RREF pivots ``P`` make ``basis[:, P]`` invertible, so
    ``C = V[:, P] basis[:, P]^-1``; the reconstruction is then checked exactly.
    """
    if basis.nrows() == 0:
        return flint.fmpq_mat(V.nrows(), 0) if xl.is_zero(V) else None
    _, piv = xl.rref(basis)
    if len(piv) != basis.nrows():
        raise ValueError("basis rows are dependent")
    E = _cols(basis, piv)
    C = _cols(V, piv) * E.inv()
    if C * basis != V:
        return None
    return C


def _complement_rows(sub: flint.fmpq_mat, whole: flint.fmpq_mat) -> flint.fmpq_mat:
    """Rows of ``whole`` (a basis) that together with ``sub`` (contained in its span) span it."""
    n = whole.ncols()
    R, piv = xl.rref(sub)
    chosen: list[flint.fmpq_mat] = []
    current = R
    for i in range(whole.nrows()):
        w = _row(whole, i)
        trial = _stack([current, w], n)
        if xl.rank(trial) > current.nrows():
            chosen.append(w)
            current = _span(trial)
        if current.nrows() == whole.nrows():
            break
    return _stack(chosen, n)


def _lcm_denominators(values: Sequence[flint.fmpq]) -> int:
    den = 1
    for q in set(int(v.q) for v in values):
        den = den * q // math.gcd(den, q)
    return den


def _maxabs(a: np.ndarray) -> int:
    if a.size == 0:
        return 0
    if a.dtype == object:
        return int(max(abs(int(x)) for x in a.flat))
    return max(int(a.max()), -int(a.min()))  # np.abs would overflow at -2**63


def _int_array(values: Sequence[int] | np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Python ints as an int64 array when they fit, else an object array."""
    if not isinstance(values, np.ndarray):
        try:
            arr = np.array(values, dtype=np.int64).reshape(shape)
        except OverflowError:
            return np.array(values, dtype=object).reshape(shape)
        if arr.size and (int(arr.max()) >= 2**62 or int(arr.min()) <= -(2**62)):  # headroom for sums
            return np.array(values, dtype=object).reshape(shape)
        return arr
    arr = values
    if arr.dtype == object:
        m = _maxabs(arr)
        if m < 2**62:
            return arr.astype(np.int64)
    return arr


def _imatmul(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Exact product of two integer arrays (int64 or object dtype).

    float64 BLAS when ``max|A| max|B| k < 2^53`` (then every partial sum is an exactly
    representable integer), otherwise flint's exact integer product.
    """
    k = A.shape[1]
    ma, mb = _maxabs(A), _maxabs(B)
    if ma * mb * max(k, 1) < _EXACT_FLOAT_LIMIT:
        out = A.astype(np.float64) @ B.astype(np.float64)
        return np.rint(out).astype(np.int64)
    if ma * mb * max(k, 1) < 2**63 - 1:  # numpy's int64 product: exact, no overflow possible
        return A.astype(np.int64) @ B.astype(np.int64)
    FA = flint.fmpz_mat([[int(x) for x in row] for row in A.tolist()]) if A.size else None
    FB = flint.fmpz_mat([[int(x) for x in row] for row in B.tolist()]) if B.size else None
    if FA is None or FB is None:
        return np.zeros((A.shape[0], B.shape[1]), dtype=np.int64)
    P = FA * FB
    return _int_array([int(x) for x in P.entries()], (A.shape[0], B.shape[1]))


# --------------------------------------------------------------------------------------------
# Safe parsing of exact numbers (rationals and Gaussian rationals)
# --------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d*)?|\.\d+)|(.))")


def parse_exact(text: str) -> tuple[Fraction, Fraction]:
    """Parse an exact number in Q(i) from text, without ``eval`` or ``sympify``.

    Grammar: numbers (``3``, ``-1/2``, ``0.25`` read as the exact decimal), ``I`` (or ``i``), the
    operators ``+ - * /`` and parentheses. Returns ``(real part, imaginary part)``.

    >>> parse_exact("-1/2")
    (Fraction(-1, 2), Fraction(0, 1))
    >>> parse_exact("1/2 - 3*I/4")
    (Fraction(1, 2), Fraction(-3, 4))
    """
    if not isinstance(text, str):
        raise LieAlgError(f"expected a string, got {type(text).__name__}")
    if len(text) > 400:
        raise LieAlgError(f"number text too long ({len(text)} characters)")
    tokens: list[tuple[str, Any]] = []
    for m in _TOKEN.finditer(text):
        num, ch = m.group(1), m.group(2)
        if num is not None:
            tokens.append(("num", Fraction(num)))
        elif ch is not None:
            if ch in "+-*/()":
                tokens.append((ch, None))
            elif ch in "Ii":
                tokens.append(("I", None))
            elif ch.isspace():
                continue
            else:
                raise LieAlgError(f"cannot read {text!r} as an exact number (unexpected {ch!r})")
    pos = 0

    def peek() -> str | None:
        return tokens[pos][0] if pos < len(tokens) else None

    def take() -> tuple[str, Any]:
        nonlocal pos
        tok = tokens[pos]
        pos += 1
        return tok

    def mul(a: tuple[Fraction, Fraction], b: tuple[Fraction, Fraction]) -> tuple[Fraction, Fraction]:
        return (a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0])

    def div(a: tuple[Fraction, Fraction], b: tuple[Fraction, Fraction]) -> tuple[Fraction, Fraction]:
        d = b[0] * b[0] + b[1] * b[1]
        if d == 0:
            raise LieAlgError(f"division by zero in {text!r}")
        return mul(a, (b[0] / d, -b[1] / d))

    def factor(depth: int = 0) -> tuple[Fraction, Fraction]:
        if depth > 50:
            raise LieAlgError(f"expression too deeply nested: {text!r}")
        t = peek()
        if t == "-":
            take()
            v = factor(depth + 1)
            return (-v[0], -v[1])
        if t == "+":
            take()
            return factor(depth + 1)
        if t == "num":
            return (take()[1], Fraction(0))
        if t == "I":
            take()
            return (Fraction(0), Fraction(1))
        if t == "(":
            take()
            v = expr(depth + 1)
            if peek() != ")":
                raise LieAlgError(f"unbalanced parentheses in {text!r}")
            take()
            return v
        raise LieAlgError(f"cannot read {text!r} as an exact number")

    def term(depth: int) -> tuple[Fraction, Fraction]:
        v = factor(depth)
        while peek() in ("*", "/"):
            op = take()[0]
            w = factor(depth)
            v = mul(v, w) if op == "*" else div(v, w)
        return v

    def expr(depth: int = 0) -> tuple[Fraction, Fraction]:
        v = term(depth)
        while peek() in ("+", "-"):
            op = take()[0]
            w = term(depth)
            v = (v[0] + w[0], v[1] + w[1]) if op == "+" else (v[0] - w[0], v[1] - w[1])
        return v

    if not tokens:
        raise LieAlgError("empty number")
    value = expr()
    if pos != len(tokens):
        raise LieAlgError(f"cannot read {text!r} as an exact number (trailing input)")
    return value


def _parse_entry_text(text: str) -> Any:
    """A JSON entry: our fast Q(i) parser, else the project's safe formula parser if it exists."""
    try:
        re_, im_ = parse_exact(text)
    except LieAlgError as first:
        try:
            from liealg.parsing import parse_formula  # optional, written elsewhere
        except ImportError:
            raise first from None
        try:
            value = parse_formula(text)
        except Exception as err:  # the parser's own error type is not ours to know
            raise LieAlgError(f"cannot read {text!r} as an exact number: {err}") from None
        if not isinstance(value, sp.Expr) or value.free_symbols or not value.is_number:
            raise LieAlgError(f"{text!r} is not a number")
        return value
    return sp.Rational(re_.numerator, re_.denominator) + sp.I * sp.Rational(im_.numerator, im_.denominator)


def _format_exact(re_: Fraction, im_: Fraction = Fraction(0)) -> str:
    if im_ == 0:
        return str(re_)
    im_txt = "I" if abs(im_) == 1 else f"{abs(im_)}*I"
    if re_ == 0:
        return im_txt if im_ > 0 else "-" + im_txt
    return f"{re_} {'+' if im_ > 0 else '-'} {im_txt}"


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
        raise LieAlgError(
            f"floating-point matrix entry {e} refused: rationalize first (liealg.exact.rationalize)"
        )
    if not e.is_number:
        raise LieAlgError(f"matrix entry {e} is not a number (free symbols {sorted(map(str, e.free_symbols))})")
    re_, im_ = e.as_real_imag()
    if re_.is_Rational and im_.is_Rational:
        return flint.fmpq(int(re_.p), int(re_.q)), flint.fmpq(int(im_.p), int(im_.q))
    return None


def _as_sympy_matrix(m: Any, index: int) -> sp.Matrix:
    if isinstance(m, sp.MatrixBase):
        return m
    if isinstance(m, np.ndarray) and m.dtype.kind == "f":
        raise LieAlgError(f"matrix {index} has floating-point entries; give exact numbers (rationalize first)")
    try:
        return sp.Matrix(m)
    except Exception as err:
        raise LieAlgError(f"matrix {index} cannot be read as a matrix: {err}") from None


def _flat_entries(m: sp.MatrixBase) -> tuple[list[Any], bool]:
    """Entries row-major; ``True`` when they are already ``fmpq`` (integer/rational domains)."""
    rep_ = getattr(m, "_rep", None)
    if rep_ is not None:
        try:
            dom = rep_.domain
            flat = rep_.to_list_flat()
            if dom.is_ZZ:
                return [flint.fmpq(int(x)) for x in flat], True
            if dom.is_QQ:
                return [flint.fmpq(int(x.numerator), int(x.denominator)) for x in flat], True
            if dom.is_EXRAW or dom.is_EX:
                return [x if isinstance(x, sp.Basic) else dom.to_sympy(x) for x in flat], False
        except Exception:  # private sympy API changed: use the public one
            pass
    return [sp.sympify(x) for x in m], False


def _real_flat_matrices(mats: Sequence[sp.Matrix]) -> tuple[list[list[Any]], list[list[Any]], int, bool]:
    """Real and imaginary parts of each matrix, flattened; entries ``fmpq`` or (irrational) sympy."""
    shapes = {m.shape for m in mats}
    if len(shapes) != 1:
        raise LieAlgError(f"matrices of different shapes: {sorted(shapes)}")
    d, d2 = shapes.pop()
    if d != d2:
        raise LieAlgError(f"matrices must be square, got {d}x{d2}")
    re_rows, im_rows = [], []
    irrational = False
    zero_row = [_ZERO] * (d * d)
    for m in mats:
        flat, rational = _flat_entries(m)
        if rational:
            re_rows.append(flat)
            im_rows.append(zero_row)
            continue
        re_row, im_row = [], []
        for e in flat:
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


def _block_real(re_rows: list[list[Any]], im_rows: list[list[Any]], d: int) -> list[list[Any]]:
    """A + iB as the real 2d x 2d matrix [[A, -B], [B, A]], flattened row-major."""
    out = []
    for re_row, im_row in zip(re_rows, im_rows):
        flat = []
        for r in range(2 * d):
            for c in range(2 * d):
                rr, cc = r % d, c % d
                a = re_row[rr * d + cc]
                b = im_row[rr * d + cc]
                if r < d and c < d or r >= d and c >= d:
                    flat.append(a)
                elif r < d:  # top right: -B
                    flat.append(-b)
                else:  # bottom left: B
                    flat.append(b)
        out.append(flat)
    return out


def _rationalize_irrational_span(rows: list[list[Any]], n: int) -> list[list[flint.fmpq]]:
    """Canonical rational basis (RREF) of the real span of rows with algebraic entries.

    The Gell-Mann matrices (with sqrt(3)) span su(3), whose RREF basis is rational: then liealg
    works with that basis. A span without a rational basis is refused.
    """
    from sympy.polys.constructor import construct_domain
    from sympy.polys.matrices import DomainMatrix

    flat = [_fmpq_to_sym(x) if isinstance(x, flint.fmpq) else sp.sympify(x) for row in rows for x in row]
    for x in flat:
        if x.is_algebraic is False or x.has(sp.Float):
            raise LieAlgError(f"matrix entry {x} is not an algebraic number; only exact algebraic entries are supported")
    try:
        K, elems = construct_domain(flat, extension=True)
    except Exception as err:
        raise LieAlgError(f"cannot build a number field for the matrix entries: {err}") from None
    ncol = len(rows[0])
    DM = DomainMatrix([elems[i * ncol : (i + 1) * ncol] for i in range(len(rows))], (len(rows), ncol), K)
    R, pivots = DM.rref()
    if len(pivots) < n:
        # report the first dependent matrix
        RT, pivT = DM.transpose().rref()
        dep = next(j for j in range(n) if j not in pivT)
        raise LieAlgError(f"matrix J_{dep} is a linear combination of the others (the given matrices are dependent)")
    out = []
    Rl = R.to_Matrix()
    for i in range(len(pivots)):
        row = []
        for j in range(ncol):
            v = sp.nsimplify(Rl[i, j]) if not Rl[i, j].is_Rational else Rl[i, j]
            v = sp.simplify(v)
            if not v.is_Rational:
                raise LieAlgError(
                    f"the real span of the matrices has no rational basis (entry {v} in its reduced row "
                    f"echelon form, field {K}); such algebras are not supported exactly"
                )
            row.append(flint.fmpq(int(v.p), int(v.q)))
        out.append(row)
    return out


# --------------------------------------------------------------------------------------------
# The value object
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeviDecomposition:
    """``L = S ⋉ R``: bases (rows, coefficients in the algebra's basis) of a Levi subalgebra ``S``
    (semisimple, a subalgebra complementing ``R``) and of the solvable radical ``R``."""

    semisimple: sp.Matrix
    radical: sp.Matrix


class LieAlgebra:
    """A real Lie algebra with a basis ``e_0 .. e_{n-1}`` and exact rational structure constants.

    Build one with :meth:`from_matrices`, :meth:`from_structure_constants` or :meth:`from_json`;
    the constructor itself is private. Instances are immutable; derived data is cached.

    Coefficient vectors are sequences of ``n`` exact numbers (``x = sum_i x_i e_i``); subspaces
    are returned as ``sympy.Matrix`` whose rows are a basis (in reduced row echelon form, so two
    equal subspaces give equal matrices). Two instances are equal when their structure constants
    (in their bases) are equal; isomorphism is what :func:`liealg.identification.identify` decides.

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

    __slots__ = ("_n", "_num", "_den", "_mat_re", "_mat_im", "_mat_size", "_note", "_cache")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError(
            "build a LieAlgebra with LieAlgebra.from_matrices(...), .from_structure_constants(...) or .from_json(...)"
        )

    # ---- construction ------------------------------------------------------------------------

    @classmethod
    def _make(
        cls,
        n: int,
        num: np.ndarray,
        den: int,
        mat_re: flint.fmpq_mat | None = None,
        mat_im: flint.fmpq_mat | None = None,
        mat_size: int | None = None,
        note: str | None = None,
    ) -> "LieAlgebra":
        """``c_ij^k = num[i, j, k] / den``; stored in lowest terms (one common denominator)."""
        num, den = _reduce_tensor(num.reshape(n, n, n), int(den))
        self = object.__new__(cls)
        object.__setattr__(self, "_n", n)
        object.__setattr__(self, "_num", num)
        object.__setattr__(self, "_den", den)
        object.__setattr__(self, "_mat_re", mat_re)
        object.__setattr__(self, "_mat_im", mat_im)
        object.__setattr__(self, "_mat_size", mat_size)
        object.__setattr__(self, "_note", note)
        object.__setattr__(self, "_cache", {})
        return self

    @classmethod
    def _make_T(cls, n: int, T: flint.fmpq_mat, *args: Any) -> "LieAlgebra":
        """From the flint form ``T`` (n x n^2)."""
        if n == 0:
            return cls._make(0, np.zeros((0, 0, 0), dtype=np.int64), 1, *args)
        Z, den = T.numer_denom()
        num = _int_array([int(x) for x in Z.entries()], (n, n, n))
        L = cls._make(n, num, int(den), *args)
        return L

    @property
    def _T(self) -> flint.fmpq_mat:
        """Structure constants as ``fmpq_mat`` (n x n^2), built on first use."""
        if "T" not in self._cache:
            n = self._n
            if n == 0:
                self._cache["T"] = flint.fmpq_mat(0, 0)
            else:
                Z = flint.fmpz_mat(self._num.reshape(n, n * n).tolist())
                self._cache["T"] = flint.fmpq_mat(Z) * flint.fmpq(1, self._den)
        return self._cache["T"]

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("LieAlgebra is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("LieAlgebra is immutable")

    @classmethod
    def from_matrices(cls, matrices: Sequence[Any], *, check: bool = True) -> "LieAlgebra":
        """The real Lie algebra spanned by ``matrices``, with them as its basis.

        Parameters
        ----------
        matrices : sequence of sympy.Matrix (or nested lists / integer numpy arrays), all d x d
            Entries rational or Gaussian rational (``a + b*I``). Complex matrices ``A + iB`` are
            mapped to real ``2d x 2d`` blocks ``[[A, -B], [B, A]]``, an injective Lie algebra map,
            so the algebra is the **real** span. Exact algebraic entries (``sqrt(3)``) are
            accepted when the span has a rational basis: then the canonical rational basis (the
            reduced row echelon form of the span) replaces the given one, and :attr:`matrices`
            holds it.
        check : bool
            Verify exactly that every commutator lies in the span (closure). Without it the
            coordinates are read off the pivots and trusted.

        Raises
        ------
        LieAlgError
            Dependent matrices (naming the first dependent one), a bracket outside the span
            (naming the pair), floats, symbols, or unsupported number fields.

        Examples
        --------
        >>> from liealg.catalog import so
        >>> LieAlgebra.from_matrices(so(1, 3)).killing_signature()
        (3, 3, 0)
        """
        mats = [_as_sympy_matrix(m, i) for i, m in enumerate(matrices)]
        if not mats:
            raise LieAlgError("from_matrices needs at least one matrix")
        n = len(mats)
        re_rows, im_rows, d, irrational = _real_flat_matrices(mats)
        is_complex = any(x != 0 for row in im_rows for x in row)
        note = None
        if is_complex:
            real_rows = _block_real(re_rows, im_rows, d)
            size = 2 * d
        else:
            real_rows, size = re_rows, d
        if irrational:
            # the given basis has no rational structure constants in general (Gell-Mann: sqrt(3)/2);
            # the span's canonical RREF basis does, when the span is defined over Q
            real_rows = _rationalize_irrational_span(real_rows, n)
            note = "irrational input: the basis is the rational reduced row echelon basis of the span"
        num, den = _structure_from_rational_rows(real_rows, size, check=check)
        if irrational:
            mat_re = xl.qmatrix([[_fr_to_q(x) for x in row] for row in real_rows])
            return cls._make(n, num, den, mat_re, None, size, note)
        mat_re = xl.qmatrix([[_fr_to_q(x) for x in row] for row in re_rows])
        mat_im = xl.qmatrix([[_fr_to_q(x) for x in row] for row in im_rows]) if is_complex else None
        return cls._make(n, num, den, mat_re, mat_im, d, note)

    @classmethod
    def from_structure_constants(
        cls,
        dim: int,
        brackets: Sequence[Sequence[Any]] | Mapping[tuple[int, int], Mapping[int, Any]],
        *,
        check: bool = True,
    ) -> "LieAlgebra":
        """The Lie algebra with basis ``e_0..e_{dim-1}`` and ``[e_i, e_j] = sum_k c e_k``.

        Parameters
        ----------
        dim : int
        brackets : list of ``[i, j, k, c]`` or dict ``{(i, j): {k: c}}``
            0-based, ``i < j`` (antisymmetry is implied); ``c`` exact: int, ``Fraction``, sympy
            Rational or a string such as ``"-1/2"``. Unlisted brackets are zero.
        check : bool
            Verify the Jacobi identity exactly (the error names a failing triple).

        Examples
        --------
        >>> L = LieAlgebra.from_structure_constants(3, [[0, 1, 2, 1], [1, 2, 0, 1], [0, 2, 1, -1]])
        >>> L.killing_signature()
        (0, 3, 0)
        """
        if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool) or dim < 1:
            raise LieAlgError(f"dim must be a positive integer, got {dim!r}")
        n = int(dim)
        entries: dict[tuple[int, int, int], flint.fmpq] = {}

        def put(i: Any, j: Any, k: Any, c: Any, where: str) -> None:
            for name, v in (("i", i), ("j", j), ("k", k)):
                if not isinstance(v, (int, np.integer)) or isinstance(v, bool):
                    raise LieAlgError(f"{where}: index {name}={v!r} is not an integer")
                if not 0 <= v < n:
                    raise LieAlgError(f"{where}: index {name}={v} out of range 0..{n - 1}")
            if i >= j:
                raise LieAlgError(f"{where}: need i < j (antisymmetry is implied), got i={i}, j={j}")
            key = (int(i), int(j), int(k))
            if key in entries:
                raise LieAlgError(f"{where}: duplicate entry for [e_{i}, e_{j}] component {k}")
            try:
                value = _q(c)
            except LieAlgError as err:
                raise LieAlgError(f"{where}: {err}") from None
            entries[key] = value

        if isinstance(brackets, Mapping):
            for pair, comps in brackets.items():
                if not (isinstance(pair, tuple) and len(pair) == 2):
                    raise LieAlgError(f"bracket key {pair!r} must be a pair (i, j)")
                if not isinstance(comps, Mapping):
                    raise LieAlgError(f"bracket {pair!r}: value must be a dict {{k: c}}")
                for k, c in comps.items():
                    put(pair[0], pair[1], k, c, f"bracket {pair!r}")
        else:
            for idx, item in enumerate(brackets):
                if not isinstance(item, (list, tuple)) or len(item) != 4:
                    raise LieAlgError(f"bracket entry {idx}: expected [i, j, k, c], got {item!r}")
                put(*item, where=f"bracket entry {idx} {list(item)!r}")
        den = _lcm_denominators(list(entries.values())) if entries else 1
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

    def to_json(self) -> dict[str, Any]:
        """Structure constants as ``{"dim": n, "brackets": [[i, j, k, "c"], ...]}`` (sparse, i < j).

        >>> from liealg.catalog import so
        >>> LieAlgebra.from_matrices(so(3)).to_json()
        {'dim': 3, 'brackets': [[0, 1, 2, '-1'], [0, 2, 1, '1'], [1, 2, 0, '-1']]}
        """
        out = []
        for (i, j), comps in sorted(self._sparse().items()):
            for k, c in sorted(comps.items()):
                out.append([i, j, k, str(_frac(c))])
        return {"dim": self._n, "brackets": out}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | str, *, check: bool = True) -> "LieAlgebra":
        """Inverse of :meth:`to_json`; ``data`` is the dict or its JSON text."""
        data = _json_object(data, "structure-constant JSON", ("dim", "brackets"))
        if not isinstance(data["brackets"], list):
            raise LieAlgError("structure-constant JSON: 'brackets' must be a list of [i, j, k, c]")
        return cls.from_structure_constants(data["dim"], data["brackets"], check=check)

    # ---- basic accessors ----------------------------------------------------------------------

    @property
    def dim(self) -> int:
        """Dimension ``n``."""
        return self._n

    @property
    def matrices(self) -> tuple[sp.Matrix, ...] | None:
        """The basis as matrices (complex ones as given, d x d), or None for abstract input."""
        if self._mat_re is None:
            return None
        if "matrices" not in self._cache:
            d = self._mat_size
            re_e = self._mat_re.entries()
            im_e = self._mat_im.entries() if self._mat_im is not None else None
            out = []
            for a in range(self._n):
                vals = []
                for t in range(d * d):
                    v = _sym(re_e[a * d * d + t])
                    if im_e is not None and im_e[a * d * d + t] != 0:
                        v = v + sp.I * _sym(im_e[a * d * d + t])
                    vals.append(v)
                out.append(sp.ImmutableMatrix(d, d, vals))
            self._cache["matrices"] = tuple(out)
        return self._cache["matrices"]

    @property
    def note(self) -> str | None:
        """A remark on how the basis was obtained (e.g. irrational input replaced by a rational basis)."""
        return self._note

    def _sparse(self) -> dict[tuple[int, int], dict[int, flint.fmpq]]:
        if "sparse" not in self._cache:
            out: dict[tuple[int, int], dict[int, flint.fmpq]] = {}
            den = self._den
            for i, j, k in zip(*np.nonzero(self._num)):
                if i < j:
                    out.setdefault((int(i), int(j)), {})[int(k)] = flint.fmpq(int(self._num[i, j, k]), den)
            self._cache["sparse"] = out
        return self._cache["sparse"]

    @property
    def structure_constants(self) -> dict[tuple[int, int], dict[int, sp.Rational]]:
        """``{(i, j): {k: c}}`` for ``i < j`` with ``[e_i, e_j] = sum_k c e_k``; zeros omitted."""
        return {pair: {k: _sym(c) for k, c in comps.items()} for pair, comps in self._sparse().items()}

    def _vec(self, x: Any, name: str = "x") -> flint.fmpq_mat:
        n = self._n
        if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
            if not 0 <= x < n:
                raise LieAlgError(f"basis index {x} out of range 0..{n - 1}")
            v = flint.fmpq_mat(1, n)
            v[0, int(x)] = 1
            return v
        if isinstance(x, flint.fmpq_mat):
            return x
        if isinstance(x, sp.MatrixBase):
            x = list(x)
        x = list(x)
        if len(x) != n:
            raise LieAlgError(f"{name} must have {n} coefficients, got {len(x)}")
        return flint.fmpq_mat(1, n, [_q(v) for v in x])

    def _adT(self, v: flint.fmpq_mat) -> flint.fmpq_mat:
        """``ad(v)^T`` for a 1 x n row: its row j is ``[v, e_j]``."""
        n = self._n
        if "T" in self._cache:
            return flint.fmpq_mat(n, n, (v * self._T).entries())
        vz, vden = v.numer_denom()
        vn = _int_array([int(x) for x in vz.entries()], (1, n))
        prod = _imatmul(vn, self._num.reshape(n, n * n))
        Z = flint.fmpz_mat(n, n, [int(x) for x in prod.flat])
        return flint.fmpq_mat(Z) * flint.fmpq(1, int(vden) * self._den)

    def _ad(self, v: flint.fmpq_mat) -> flint.fmpq_mat:
        return self._adT(v).transpose()

    def ad(self, x: int | Sequence[Any]) -> sp.Matrix:
        """The exact matrix of ``ad(x)`` (``ad(x) y = [x, y]`` on coefficient columns).

        ``x`` is a basis index or a coefficient vector.

        >>> from liealg.catalog import so
        >>> LieAlgebra.from_matrices(so(3)).ad(0).tolist()
        [[0, 0, 0], [0, 0, 1], [0, -1, 0]]
        """
        return xl.to_sympy(self._ad(self._vec(x)))

    def bracket(self, u: Sequence[Any], v: Sequence[Any]) -> sp.Matrix:
        """``[u, v]`` of two coefficient vectors, as an exact column vector."""
        U, V = self._vec(u, "u"), self._vec(v, "v")
        return xl.to_sympy(V * self._adT(U)).T

    # ---- exact invariants ---------------------------------------------------------------------

    def _int_tensor(self) -> tuple[np.ndarray, int]:
        """``(num, den)`` with ``c_ij^k = num[i, j, k] / den``, num int64 or object."""
        if "int_tensor" not in self._cache:
            self._cache["int_tensor"] = (self._num, self._den)
        return self._cache["int_tensor"]

    def _ad_float(self) -> np.ndarray:
        """Float ``(n, n, n)`` array of ``ad(e_i)`` (for numerics only)."""
        if "ad_float" not in self._cache:
            num, den = self._int_tensor()
            A = np.array(num, dtype=np.float64) / float(den)
            self._cache["ad_float"] = np.ascontiguousarray(A.transpose(0, 2, 1))
        return self._cache["ad_float"]

    def _killing(self) -> flint.fmpq_mat:
        if "killing" not in self._cache:
            n = self._n
            num, den = self._int_tensor()
            A1 = num.reshape(n, n * n)
            A2 = np.ascontiguousarray(num.transpose(0, 2, 1)).reshape(n, n * n)
            K = _imatmul(A1, _contiguous(A2.T))
            self._cache["killing_int"] = (K, den * den)
            self._cache["killing"] = _np_to_fmpq(K, den * den)
        return self._cache["killing"]

    def _killing_float(self) -> np.ndarray:
        self._killing()
        K, d = self._cache["killing_int"]
        return np.array(K, dtype=np.float64) / float(d)

    def killing_form(self) -> sp.Matrix:
        """The Killing form ``K_ij = tr(ad e_i ad e_j)``, exact."""
        return xl.to_sympy(self._killing())

    def killing_signature(self) -> tuple[int, int, int]:
        """Exact inertia ``(positive, negative, zero)`` of the Killing form (Sylvester's law)."""
        if "signature" not in self._cache:
            self._cache["signature"] = xl.inertia(self._killing())
        return self._cache["signature"]

    def _bracket_spaces(self, U: flint.fmpq_mat, V: flint.fmpq_mat) -> flint.fmpq_mat:
        """All brackets ``[u_a, v_b]`` as rows, row ``a * q + b`` (not reduced).

        Exact integer products: ``[u, v]_k = sum_ij u_i v_j c_ij^k`` with numerators.
        """
        n = self._n
        p, q = U.nrows(), V.nrows()
        if p == 0 or q == 0:
            return flint.fmpq_mat(0, n)
        Un, ud = _np_numer(U)
        Vn, vd = _np_numer(V)
        X = _imatmul(Un, self._num.reshape(n, n * n)).reshape(p, n, n)  # [a, j, k]
        Y = _contiguous(X.transpose(1, 0, 2)).reshape(n, p * n)  # [j, (a, k)]
        Z = _imatmul(Vn, Y).reshape(q, p, n)  # [b, a, k]
        Z = _contiguous(Z.transpose(1, 0, 2)).reshape(p * q, n)
        return _np_to_fmpq(Z, ud * vd * self._den)

    def _with_all(self, V: flint.fmpq_mat) -> flint.fmpq_mat:
        """``[V, L]`` spanned: every ``[v, e_j]`` as rows (row ``a * n + j``)."""
        n = self._n
        p = V.nrows()
        if p == 0:
            return flint.fmpq_mat(0, n)
        Vn, vd = _np_numer(V)
        X = _imatmul(Vn, self._num.reshape(n, n * n)).reshape(p * n, n)
        return _np_to_fmpq(X, vd * self._den)

    def _derived(self) -> flint.fmpq_mat:
        if "derived" not in self._cache:
            n = self._n
            if self._semisimple_fast():
                self._cache["derived"] = _identity(n)
            else:
                Z = flint.fmpz_mat(self._num.reshape(n * n, n).tolist())
                self._cache["derived"] = _span(flint.fmpq_mat(Z))
        return self._cache["derived"]

    def _derived_series(self) -> list[flint.fmpq_mat]:
        return self._series("derived_series", lambda current: self._bracket_spaces(current, current))

    def _lower_central_series(self) -> list[flint.fmpq_mat]:
        return self._series("lcs", self._with_all)

    def _series(self, key: str, step: Callable[[flint.fmpq_mat], flint.fmpq_mat]) -> list[flint.fmpq_mat]:
        """L, [L, L], then ``step`` repeated until the dimension stops falling (cached)."""
        if key not in self._cache:
            series = [_identity(self._n)]
            current = self._derived()
            while True:
                series.append(current)
                if current.nrows() == 0 or current.nrows() == series[-2].nrows():
                    break
                current = _span(step(current))
            self._cache[key] = series
        return self._cache[key]

    def derived_series(self) -> list[sp.Matrix]:
        """``[L, L^(1), L^(2), ...]`` with ``L^(k+1) = [L^(k), L^(k)]``, as row bases.

        Stops at the first term equal to its predecessor (0 for a solvable algebra).
        """
        return [xl.to_sympy(S) for S in self._derived_series()]

    def lower_central_series(self) -> list[sp.Matrix]:
        """``[L, L^2, L^3, ...]`` with ``L^(k+1) = [L, L^k]``, as row bases; stops when stable."""
        return [xl.to_sympy(S) for S in self._lower_central_series()]

    def derived_algebra(self) -> sp.Matrix:
        """``[L, L]`` as a row basis."""
        return xl.to_sympy(self._derived())

    def _center(self) -> flint.fmpq_mat:
        if "center" not in self._cache:
            n = self._n
            if self._semisimple_fast():
                self._cache["center"] = flint.fmpq_mat(0, n)
            else:
                Z = flint.fmpz_mat(self._num.reshape(n, n * n).transpose().tolist() if n else [])
                self._cache["center"] = _span(xl.nullspace(flint.fmpq_mat(Z)))
        return self._cache["center"]

    def center(self) -> sp.Matrix:
        """The centre ``{x : [x, L] = 0}`` as a row basis."""
        return xl.to_sympy(self._center())

    def _semisimple_fast(self) -> bool:
        """Cartan's criterion from the (fast, exact) Killing form: non-degenerate iff semisimple."""
        if "ss" not in self._cache:
            K = self._killing()
            self._cache["ss"] = self._n > 0 and xl.rank(K) == self._n
        return self._cache["ss"]

    def _kperp(self, V: flint.fmpq_mat) -> flint.fmpq_mat:
        """``{x : K(x, v) = 0 for all rows v of V}``."""
        if V.nrows() == 0:
            return _identity(self._n)
        return _span(xl.nullspace(V * self._killing()))

    def _radical(self) -> flint.fmpq_mat:
        if "radical" not in self._cache:
            # char 0: the solvable radical is the Killing-orthogonal complement of [L, L]
            self._cache["radical"] = self._kperp(self._derived())
        return self._cache["radical"]

    def radical(self) -> sp.Matrix:
        """The solvable radical ``{x : K(x, [L, L]) = 0}`` (characteristic 0), as a row basis."""
        return xl.to_sympy(self._radical())

    def _nilradical(self) -> flint.fmpq_mat:
        if "nilradical" not in self._cache:
            self._cache["nilradical"] = self._compute_nilradical()
        return self._cache["nilradical"]

    def _compute_nilradical(self) -> flint.fmpq_mat:
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
        Q = _span(self._with_all(R))
        if Q.nrows() == R.nrows():
            return Q
        X = _complement_rows(Q, R)
        m = X.nrows()
        gens = [self._ad(_row(X, t)) for t in range(m)]
        genT_flat = [flint.fmpq_mat(1, n * n, g.transpose().entries()) for g in gens]
        # incremental echelon basis of A (rows = flattened matrices), identity first
        basis_rows: flint.fmpq_mat = flint.fmpq_mat(0, n * n)
        pivots: list[int] = []
        functionals: list[list[flint.fmpq]] = []

        def add(M: flint.fmpq_mat) -> bool:
            nonlocal basis_rows
            v = flint.fmpq_mat(1, n * n, M.entries())
            if pivots:
                v = v - _cols(v, pivots) * basis_rows
            ve = v.entries()
            lead = next((j for j, x in enumerate(ve) if x != 0), None)
            if lead is None:
                return False
            v = v * (1 / ve[lead])
            if basis_rows.nrows():
                col = _cols(basis_rows, [lead])
                basis_rows = basis_rows - col * v
            basis_rows = _stack([basis_rows, v], n * n)
            pivots.append(lead)
            # tr(ad(x_t) M) = <flat(ad(x_t)^T), flat(M)>
            functionals.append([(genT_flat[t] * flint.fmpq_mat(n * n, 1, M.entries()))[0, 0] for t in range(m)])
            return True

        add(_identity(n))
        frontier = [_identity(n)]
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
        return _span(_stack([Q, extra], n))

    def nilradical(self) -> sp.Matrix:
        """The nilradical (largest nilpotent ideal), as a row basis."""
        return xl.to_sympy(self._nilradical())

    # ---- Levi decomposition ----------------------------------------------------------------

    def _levi(self) -> tuple[flint.fmpq_mat, flint.fmpq_mat]:
        if "levi" not in self._cache:
            self._cache["levi"] = self._compute_levi()
        return self._cache["levi"]

    def _compute_levi(self) -> tuple[flint.fmpq_mat, flint.fmpq_mat]:
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
            return _identity(n), R
        if r == n:
            return flint.fmpq_mat(0, n), R
        center = self._center()
        if center.nrows() == r and _span(_stack([center, R], n)).nrows() == r:
            # reductive: L = [L, L] ⊕ Z and [L, L] is the Levi factor
            return self._derived(), R
        _, piv = xl.rref(R)
        comp = [j for j in range(n) if j not in set(piv)]
        s = len(comp)
        X = flint.fmpq_mat(s, n)
        for a, j in enumerate(comp):
            X[a, j] = 1
        basis_XR = _stack([X, R], n)
        # structure constants of L/R in the classes of the x_a
        XX = self._bracket_spaces(X, X)
        coordsXX = _coordinates(basis_XR, XX)
        ce = coordsXX.entries()
        width = s + r
        q = [[[ce[(a * s + b) * width + c] for c in range(s)] for b in range(s)] for a in range(s)]
        # derived series of R (ideals of L)
        series = [R]
        while series[-1].nrows():
            nxt = _span(self._bracket_spaces(series[-1], series[-1]))
            if nxt.nrows() == series[-1].nrows():
                raise LieAlgError("internal error: the radical is not solvable")
            series.append(nxt)
        for i in range(len(series) - 1):
            Ri, Rn = series[i], series[i + 1]
            W = _complement_rows(Rn, Ri)
            m = W.nrows()
            basis_i = _stack([W, Rn], n)
            XX = self._bracket_spaces(X, X)
            # E_ab = [x_a, x_b] - sum_c q_ab^c x_c must lie in R_i
            Qmat = flint.fmpq_mat(s * s, s, [q[a][b][c] for a in range(s) for b in range(s) for c in range(s)])
            E = XX - Qmat * X
            if xl.is_zero(E):
                break  # the complement is already a subalgebra
            cE = _coordinates(basis_i, E)
            cXW = _coordinates(basis_i, self._bracket_spaces(X, W))
            if cE is None or cXW is None:
                raise LieAlgError("internal error in the Levi decomposition (a bracket left R_i)")
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
                if _coordinates(_stack([Xt, Rn], n), self._bracket_spaces(Xt, Xt)) is not None:
                    break
                Y = None
            if Y is None:
                raise LieAlgError("internal error: the Levi correction system has no solution")
            X = X + Y * W
        # certificate: X spans a subalgebra
        if _coordinates(X, self._bracket_spaces(X, X)) is None:
            raise LieAlgError("internal error: the Levi complement is not closed")
        return X, R

    def levi_decomposition(self) -> LeviDecomposition:
        """A Levi decomposition ``L = S ⋉ R`` (S semisimple subalgebra, R the solvable radical).

        >>> from liealg.catalog import euclidean
        >>> D = LieAlgebra.from_matrices(euclidean(3)).levi_decomposition()
        >>> D.semisimple.rows, D.radical.rows
        (3, 3)
        """
        S, R = self._levi()
        return LeviDecomposition(xl.to_sympy(S), xl.to_sympy(R))

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

    def change_basis(self, P: Any) -> "LieAlgebra":
        """The same algebra in the basis ``e'_i = sum_j P_ij e_j`` (``P`` invertible, rational).

        Structure constants transform as ``c'_ab^m = sum P_ai P_bj c_ij^k (P^-1)_km``; matrices (if
        any) become the same combinations.

        >>> from liealg.catalog import so
        >>> L = LieAlgebra.from_matrices(so(3))
        >>> L.change_basis([[1, 1, 0], [0, 1, 0], [0, 0, 2]]).killing_signature()
        (0, 3, 0)
        """
        n = self._n
        try:
            Pm = xl.qmatrix(P if isinstance(P, sp.MatrixBase) else [list(r) for r in P])
        except (TypeError, ValueError) as err:
            raise LieAlgError(f"change_basis: P must be an exact rational {n}x{n} matrix ({err})") from None
        if Pm.nrows() != n or Pm.ncols() != n:
            raise LieAlgError(f"change_basis: P must be {n}x{n}, got {Pm.nrows()}x{Pm.ncols()}")
        if Pm.det() == 0:
            raise LieAlgError("change_basis: P is singular")
        Pinv = Pm.inv()
        Pz, pden = Pm.numer_denom()
        Iz, iden = Pinv.numer_denom()
        Pn = _int_array([int(x) for x in Pz.entries()], (n, n))
        In = _int_array([int(x) for x in Iz.entries()], (n, n))
        num = self._num
        T1 = _imatmul(Pn, num.reshape(n, n * n)).reshape(n, n, n)  # [a, j, k]
        T1 = _contiguous(T1.transpose(1, 0, 2)).reshape(n, n * n)  # [j, (a, k)]
        T2 = _imatmul(Pn, T1).reshape(n, n, n)  # [b, a, k]
        T2 = _contiguous(T2.transpose(1, 0, 2)).reshape(n * n, n)  # [(a, b), k]
        T3 = _imatmul(T2, In)  # [(a, b), m]
        den = self._den * int(pden) ** 2 * int(iden)
        mat_re = Pm * self._mat_re if self._mat_re is not None else None
        mat_im = Pm * self._mat_im if self._mat_im is not None else None
        return LieAlgebra._make(n, T3, den, mat_re, mat_im, self._mat_size, self._note)

    def _sub_T(self, W: flint.fmpq_mat) -> flint.fmpq_mat | None:
        m = W.nrows()
        if m == 0:
            return flint.fmpq_mat(0, 0)
        C = _coordinates(W, self._bracket_spaces(W, W))
        if C is None:
            return None
        return flint.fmpq_mat(m, m * m, C.entries())

    def subalgebra(self, basis: Any) -> "LieAlgebra":
        """The subalgebra with the given basis (rows of coefficients), as a LieAlgebra in that basis."""
        W = basis if isinstance(basis, flint.fmpq_mat) else xl.qmatrix(sp.Matrix(basis))
        if W.ncols() != self._n:
            raise LieAlgError(f"subalgebra: rows must have {self._n} coefficients")
        if xl.rank(W) != W.nrows():
            raise LieAlgError("subalgebra: the basis rows are dependent")
        T = self._sub_T(W)
        if T is None:
            raise LieAlgError("subalgebra: the rows do not span a subalgebra (a bracket leaves the span)")
        mat_re = W * self._mat_re if self._mat_re is not None else None
        mat_im = W * self._mat_im if self._mat_im is not None else None
        return LieAlgebra._make_T(W.nrows(), T, mat_re, mat_im, self._mat_size, self._note)

    def quotient(self, ideal: Any) -> "LieAlgebra":
        """``L / I`` for an ideal ``I`` (rows), in the basis of the classes of the unit vectors
        ``e_j`` at the non-pivot columns of I's reduced row echelon form."""
        n = self._n
        I = ideal if isinstance(ideal, flint.fmpq_mat) else xl.qmatrix(sp.Matrix(ideal))
        if I.nrows() and I.ncols() != n:
            raise LieAlgError(f"quotient: rows must have {n} coefficients")
        I = _span(I) if I.nrows() else flint.fmpq_mat(0, n)
        if I.nrows() and xl.coordinates_in_rref(I, xl.rref(I)[1], _span(self._with_all(I))) is None:
            raise LieAlgError("quotient: the rows do not span an ideal")
        _, piv = xl.rref(I) if I.nrows() else (None, ())
        comp = [j for j in range(n) if j not in set(piv)]
        s = len(comp)
        X = flint.fmpq_mat(s, n)
        for a, j in enumerate(comp):
            X[a, j] = 1
        C = _coordinates(_stack([X, I], n), self._bracket_spaces(X, X))
        ce = C.entries()
        w = n
        T = flint.fmpq_mat(s, s * s, [ce[(a * s + b) * w + c] for a in range(s) for b in range(s) for c in range(s)])
        return LieAlgebra._make_T(s, T)

    # ---- checks -------------------------------------------------------------------------------

    def _check_jacobi(self) -> None:
        """Exact Jacobi identity: ``ad([e_i, e_j]) = [ad e_i, ad e_j]`` for all i, j.

        Integer numerators in float64 BLAS when the bound proves exactness, otherwise modulo
        enough primes that their product exceeds twice the largest possible value (an exact test:
        an integer below the product that vanishes mod every prime is 0).
        """
        n = self._n
        num, _ = self._int_tensor()
        M = _maxabs(num)
        if M == 0:
            return
        nnz = int(np.count_nonzero(num))
        if nnz <= 3 * n * n:
            # sparse constants (any physics basis): exact Python integers on the nonzeros only
            self._jacobi_sparse(num)
            return
        bound = 3 * n * M * M
        if bound < _EXACT_FLOAT_LIMIT:
            self._jacobi_pass(num.astype(np.float64), None)
            return
        primes = []
        prod = 1
        p = int(math.isqrt(_EXACT_FLOAT_LIMIT // (3 * n))) - 1
        while prod <= 2 * bound:
            p = int(flint.fmpz(p).prev_prime()) if hasattr(flint.fmpz, "prev_prime") else _prev_prime(p)
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

        def mul(A: dict, B: dict, out: dict, sign: int) -> None:
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
                for row, cols in out.items():
                    for m, v in cols.items():
                        if v:
                            _jacobi_error(i, j, m)

    # ---- dunder -------------------------------------------------------------------------------

    def __repr__(self) -> str:
        if self._mat_re is not None:
            field = "Q(i)" if self._mat_im is not None else "Q"
            src = f"basis of {self._n} matrices {self._mat_size}x{self._mat_size} over {field}"
        else:
            src = f"{len(self._sparse())} nonzero brackets"
        return f"LieAlgebra(dim={self._n}, {src})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LieAlgebra):
            return NotImplemented
        return self._n == other._n and self._den == other._den and np.array_equal(self._num, other._num)

    def __hash__(self) -> int:
        if "hash" not in self._cache:
            nz = np.nonzero(self._num)
            self._cache["hash"] = hash((self._n, self._den, tuple(int(x) for x in self._num[nz][:64])))
        return self._cache["hash"]


def _np_numer(M: flint.fmpq_mat) -> tuple[np.ndarray, int]:
    """Integer numerators (numpy) and the common denominator of a flint rational matrix."""
    Z, den = M.numer_denom()
    return _int_array([int(x) for x in Z.entries()], (M.nrows(), M.ncols())), int(den)


def _np_to_fmpq(A: np.ndarray, den: int) -> flint.fmpq_mat:
    """``A / den`` as a flint rational matrix."""
    r, c = A.shape
    if r == 0 or c == 0:
        return flint.fmpq_mat(r, c)
    Z = flint.fmpz_mat(A.tolist())
    M = flint.fmpq_mat(Z)
    return M * flint.fmpq(1, den) if den != 1 else M


def _random_weights(s: int, count: int, salt: int) -> list[list[int]]:
    rng = np.random.default_rng(12345 + salt)
    return [[int(x) for x in rng.integers(-9, 10, size=s)] for _ in range(count)]


def _levi_correction(
    q: list, rho: list, cEe: list, s: int, m: int, wi: int, weights: list[list[int]]
) -> flint.fmpq_mat | None:
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
                row[ncol] = -sum(u[a] * cEe[(a * s + b) * wi + v] for a in range(s) if u[a])
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
    raise LieAlgError(
        f"the Jacobi identity fails for the triple (e_{i}, e_{j}, e_{m}): these are not the structure "
        "constants of a Lie algebra"
    )


def _contiguous(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a) if a.dtype != object else a.copy()


def _reduce_tensor(num: np.ndarray, den: int) -> tuple[np.ndarray, int]:
    """Divide numerators and denominator by their gcd; make the denominator positive."""
    if den == 0:
        raise ZeroDivisionError("zero denominator")
    if den < 0:
        num, den = -num, -den
    if num.size == 0 or not np.any(num):
        return _int_array(np.zeros(num.shape, dtype=np.int64), num.shape), 1
    if num.dtype == object:
        g = 0
        for v in set(num.flat):
            g = math.gcd(g, int(v))
            if g == 1:
                break
    else:
        g = int(np.gcd.reduce(np.abs(num).ravel()))
    g = math.gcd(g, den)
    if g > 1:
        num = num // g if num.dtype != object else np.array([int(v) // g for v in num.flat], dtype=object).reshape(num.shape)
        den //= g
    return _int_array(num, num.shape), den


def _prev_prime(p: int) -> int:
    p -= 1
    while p > 2:
        if all(p % d for d in range(2, int(math.isqrt(p)) + 1)):
            return p
        p -= 1
    raise ArithmeticError("no prime found")


def _fmpq_to_sym(x: flint.fmpq) -> sp.Rational:
    return sp.Rational(int(x.p), int(x.q))


def _fr_to_q(x: Any) -> flint.fmpq:
    if isinstance(x, flint.fmpq):
        return x
    if isinstance(x, Fraction):
        return flint.fmpq(x.numerator, x.denominator)
    return xl.to_fmpq(x)


def _structure_from_rational_rows(rows: list[list[Any]], d: int, *, check: bool) -> tuple[np.ndarray, int]:
    """Exact structure constants of the real span of rational ``d x d`` matrices (flattened rows).

    1. Clear denominators once: ``X = X_num / den``.
    2. Pivot columns P of the RREF of the stacked matrices; ``B = M[:, P]`` is invertible and the
       coordinates of any v in the span are ``v[P] B^-1`` (no general solve).
    3. All commutators from one integer matrix product (exact in float64 under a proven bound).
    4. Closure: ``coords M == [X_a, X_b]`` checked exactly for every pair.
    """
    n = len(rows)
    Mq = flint.fmpq_mat(n, d * d, [_fr_to_q(x) for row in rows for x in row])
    Mz, den = Mq.numer_denom()
    den = int(den)
    Mq = flint.fmpq_mat(Mz)  # work with the integer numerators den * X throughout
    ints = [int(x) for x in Mz.entries()]
    Xn = _int_array(ints, (n, d * d))
    R, piv = xl.rref(Mq)
    if len(piv) < n:
        _, pivT = xl.rref(Mq.transpose())
        dep = next(j for j in range(n) if j not in pivT)
        raise LieAlgError(
            f"matrix J_{dep} is a linear combination of the previous ones: the given matrices are "
            "linearly dependent (drop it, or pass a basis of the span)"
        )
    B = _cols(Mq, piv)
    Binv = B.inv()
    bden = _lcm_denominators(Binv.entries())
    Binv_num = _int_array([int(x * bden) for x in Binv.entries()], (n, n))
    # commutators of all pairs a < b
    X3 = Xn.reshape(n, d, d)
    iu, ju = np.triu_indices(n, 1)
    npairs = len(iu)
    if npairs == 0:
        return np.zeros((n, n, n), dtype=np.int64), 1
    C = _all_commutators(X3, iu, ju)  # (npairs, d*d) exact ints
    Cp = C[:, list(piv)]
    coords = _imatmul(Cp, Binv_num)  # = den * bden * c
    if check:
        recon = _imatmul(coords, Xn)
        target = C * bden if _maxabs(C) * bden < 2**62 else C.astype(object) * bden
        bad = np.nonzero(np.any(recon != target, axis=1))[0]
        if bad.size:
            p = int(bad[0])
            a, b = int(iu[p]), int(ju[p])
            raise LieAlgError(
                f"[J_{a}, J_{b}] is not in the span: the generators do not close (add the missing "
                "generators, or check the rationalization)"
            )
    num = np.zeros((n, n, n), dtype=coords.dtype)
    num[iu, ju, :] = coords
    num[ju, iu, :] = -coords
    return num, den * bden


def _all_commutators(X3: np.ndarray, iu: np.ndarray, ju: np.ndarray) -> np.ndarray:
    """``[X_a, X_b]`` flattened, for the index pairs ``(iu, ju)`` of ``np.triu_indices``; exact integers.

    Products come from two BLAS calls per chunk of ``a``: ``X_a X_b`` for all b as one
    ``(chunk d) x d`` by ``d x (n d)`` product, and ``X_b X_a`` likewise.
    """
    n, d, _ = X3.shape
    m = _maxabs(X3)
    npairs = len(iu)
    if m * m * d < _EXACT_FLOAT_LIMIT:
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
    return _int_array(vals, (npairs, d * d))


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


def save_structure_constants(algebra: LieAlgebra, path: str | Path) -> None:
    """Write ``algebra.to_json()`` to ``path``."""
    Path(path).write_text(json.dumps(algebra.to_json(), indent=None) + "\n")


def load_structure_constants(path: str | Path, *, check: bool = True) -> LieAlgebra:
    """Read a structure-constant file ``{"dim": n, "brackets": [[i, j, k, "c"], ...]}``."""
    try:
        text = Path(path).read_text()
    except OSError as err:
        raise LieAlgError(f"cannot read {path}: {err}") from None
    try:
        return LieAlgebra.from_json(text, check=check)
    except LieAlgError as err:
        raise LieAlgError(f"{path}: {err}") from None


def matrices_to_json(matrices: Sequence[Any]) -> dict[str, Any]:
    """``{"matrix_size": d, "count": n, "entries": [[m, i, j, "c"], ...]}`` (sparse, 0-based).

    Complex entries are written like ``"1/2 - 3/4*I"``.

    >>> from liealg.catalog import su
    >>> matrices_to_json(su(2))["entries"][:2]
    [[0, 0, 1, '1'], [0, 1, 0, '-1']]
    """
    mats = [_as_sympy_matrix(m, i) for i, m in enumerate(matrices)]
    if not mats:
        raise LieAlgError("no matrices to write")
    d = mats[0].shape[0]
    entries = []
    for a, m in enumerate(mats):
        if m.shape != (d, d):
            raise LieAlgError(f"matrix {a} has shape {m.shape}, expected {(d, d)}")
        for i in range(d):
            for j in range(d):
                e = sp.sympify(m[i, j])
                if e == 0:
                    continue
                g = _gaussian(e)
                entries.append([a, i, j, _format_exact(*g) if g is not None else sp.sstr(e)])
    return {"matrix_size": d, "count": len(mats), "entries": entries}


def _json_object(data: Mapping[str, Any] | str, what: str, keys: Sequence[str]) -> Mapping[str, Any]:
    """Parse JSON text if needed and check it is an object holding ``keys``."""
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as err:
            raise LieAlgError(f"not valid JSON: {err}") from None
    if not isinstance(data, Mapping):
        names = ", ".join(repr(k) for k in keys)
        raise LieAlgError(f"{what} must be an object with keys {names}")
    for key in keys:
        if key not in data:
            raise LieAlgError(f"{what}: missing key {key!r}")
    return data


def matrices_from_json(data: Mapping[str, Any] | str) -> tuple[sp.Matrix, ...]:
    """Inverse of :func:`matrices_to_json`."""
    data = _json_object(data, "matrix JSON", ("matrix_size", "count", "entries"))
    d, count = data["matrix_size"], data["count"]
    for name, v in (("matrix_size", d), ("count", count)):
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise LieAlgError(f"matrix JSON: {name} must be a positive integer, got {v!r}")
    if not isinstance(data["entries"], list):
        raise LieAlgError("matrix JSON: 'entries' must be a list of [m, i, j, c]")
    mats = [sp.zeros(d, d) for _ in range(count)]
    seen = set()
    for idx, item in enumerate(data["entries"]):
        if not isinstance(item, (list, tuple)) or len(item) != 4:
            raise LieAlgError(f"matrix JSON entry {idx}: expected [m, i, j, c], got {item!r}")
        a, i, j, c = item
        for name, v, hi in (("m", a, count), ("i", i, d), ("j", j, d)):
            if not isinstance(v, int) or isinstance(v, bool):
                raise LieAlgError(f"matrix JSON entry {idx}: index {name}={v!r} is not an integer")
            if not 0 <= v < hi:
                raise LieAlgError(f"matrix JSON entry {idx}: index {name}={v} out of range 0..{hi - 1}")
        if (a, i, j) in seen:
            raise LieAlgError(f"matrix JSON entry {idx}: duplicate entry for matrix {a} at ({i}, {j})")
        seen.add((a, i, j))
        if isinstance(c, bool) or not isinstance(c, (int, str)):
            raise LieAlgError(
                f"matrix JSON entry {idx}: value {c!r} must be an integer or a string like '1/2' or '1/2*I'"
            )
        try:
            mats[a][i, j] = sp.Integer(c) if isinstance(c, int) else _parse_entry_text(c)
        except LieAlgError as err:
            raise LieAlgError(f"matrix JSON entry {idx}: {err}") from None
    return tuple(sp.ImmutableMatrix(m) for m in mats)


def save_matrices(matrices: Sequence[Any], path: str | Path) -> None:
    """Write matrices in the sparse JSON format of :func:`matrices_to_json`."""
    Path(path).write_text(json.dumps(matrices_to_json(matrices)) + "\n")


def load_matrices(path: str | Path) -> tuple[sp.Matrix, ...]:
    """Read matrices written by :func:`save_matrices`; build the algebra with ``LieAlgebra.from_matrices``."""
    try:
        text = Path(path).read_text()
    except OSError as err:
        raise LieAlgError(f"cannot read {path}: {err}") from None
    try:
        return matrices_from_json(text)
    except LieAlgError as err:
        raise LieAlgError(f"{path}: {err}") from None
