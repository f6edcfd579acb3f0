"""Learned floats -> exact matrices: the canonical basis of a learned span, with exact entries.

The learned generators are an arbitrary, noisy basis of the symmetry algebra: rationalizing
each matrix entry by entry would fail (a random mixing of ``E_12 - E_21`` and ``E_13 - E_31`` has
no simple entries). So the *span* is made canonical first, and only then are entries
recognized (IDENTIFICATION.md §6):

1. flatten the ``k`` generators to the rows of a real ``(k, p)`` matrix (complex: ``Re`` then
   ``Im``, the training code's ``theta`` convention);
2. SVD; numerical rank ``r`` at the largest singular-value gap above the noise floor ``tol``;
3. numeric RREF of the orthonormal row basis ``V``: pivot columns chosen greedily from the left
   (exactly the pivots an exact RREF would have), ``R = V[:, piv]^{-1} V``;
4. every entry of ``R`` -> the simplest rational within ``atol = tol * ||V[:, piv]^{-1}||`` (or a
   rational multiple of ``sqrt(2)``, ``sqrt(3)`` when no rational fits);
5. re-verify: exact RREF form, and the exact span reproduces the learned one (every learned
   generator within ``tol * s_max`` of the exact span, and the same dimension). Anything else raises
   :class:`~liealg.errors.RationalizationError` rather than return a wrong exact matrix.
"""

from __future__ import annotations

import contextlib
import math
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, TypeAlias, Union

import flint
import mpmath
import numpy as np
import sympy as sp
from threadpoolctl import ThreadpoolController

from liealg.errors import OptionError, OracleError, RationalizationError
from liealg.exact import linalg
from liealg.exact.fields import CoefficientField, NumberField
from liealg.exact.linalg import MatrixLike
from liealg.exact.solver import sparse_theta_to_matrix
from liealg.parsing import parse_number

if TYPE_CHECKING:
    import torch

__all__ = [
    "BASES",
    "Rationalization",
    "flatten_real",
    "orthonormal_basis",
    "principal_angles",
    "rationalize",
    "same_span",
]

#: One exact entry of a sparse row: a flint rational, or a sympy number (algebraic entries).
ExactValue: TypeAlias = flint.fmpq | sp.Expr

#: Generators as the exact layer accepts them: a float or complex array ``(k, d, d)`` (numpy or a
#: torch tensor), a sequence of matrices (sympy or nested rows), one matrix, or a Rationalization.
# Union, not |: torch is imported for type checking only and Rationalization is defined below,
# so both are string forward references, which | cannot join.
GeneratorsLike: TypeAlias = Union[np.ndarray, "torch.Tensor", Sequence[MatrixLike], sp.MatrixBase, "Rationalization"]

BASES = ("rref", "orthonormal")
#: Default relative noise tolerance by the precision of the learned floats.
DEFAULT_TOL = {"float64": 1e-6, "float32": 1e-4}


# --------------------------------------------------------------------------- BLAS threads
_CONTROLLER: list[ThreadpoolController] = []  # created on first use: it inspects the loaded libraries


def _small_blas() -> contextlib.AbstractContextManager[object]:
    """Run small dense linear algebra on one BLAS thread.

    The matrices here are at most a few hundred by a few thousand: threads do not help them,
    and on a busy 2-core machine OpenBLAS's spinning threads made one 45 x 100 SVD take 0.1 s
    instead of 0.5 ms (measured).
    """
    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=1, user_api="blas")


# --------------------------------------------------------------------------- result
@dataclass(frozen=True)
class Rationalization:
    """Exact generators recognized from learned floats, and how well they fit.

    Attributes
    ----------
    matrices : tuple of sympy.Matrix, each ``d x d``
        The exact basis of the learned span: the RREF basis (``basis="rref"``) or its exact
        Gram-Schmidt orthonormalization (``basis="orthonormal"``).
    max_error : float
        Largest ``|float - exact|`` over the entries of the numeric RREF.
    rank : int
        Dimension of the span (numerical rank of the learned stack).
    singular_values : numpy.ndarray, shape (k,)
        Singular values of the flattened learned stack, largest first.
    gap : float
        ``s[rank-1] / s[rank]`` (``inf`` when the stack has full rank): how clearly the rank is
        determined.
    pivots : tuple of int
        Pivot columns of the RREF in ``theta`` coordinates (row-major ``W``; complex:
        ``Re W`` then ``Im W``).
    exact_kind : {"rational", "gaussian", "algebraic"}
        Entries are in Q, in Q(i), or involve square roots (a recognized constant, or the
        normalization of ``basis="orthonormal"``).
    tol : float
        The relative noise tolerance that was used.
    span_error : float
        Largest principal angle (radians) between the learned span and the exact one.
    basis : str
        ``"rref"`` or ``"orthonormal"``.
    """

    matrices: tuple[sp.Matrix, ...]
    max_error: float
    rank: int
    singular_values: np.ndarray = field(compare=False, repr=False)
    gap: float
    pivots: tuple[int, ...]
    exact_kind: str
    tol: float = 0.0
    span_error: float = 0.0
    basis: str = "rref"

    def __len__(self) -> int:
        return len(self.matrices)

    def __iter__(self) -> Iterator[sp.ImmutableMatrix]:
        return iter(self.matrices)


def _refuse(message: str, floats: np.ndarray) -> RationalizationError:
    err = RationalizationError(message)
    # the learned numbers are never lost: the caller can retry or inspect (errors.py declares no
    # fields, so the attribute is set on the instance)
    err.floats = floats  # type: ignore[attr-defined]
    return err


# --------------------------------------------------------------------------- conversions
def _exact_to_complex(mats: Sequence[sp.MatrixBase]) -> np.ndarray:
    out = np.zeros((len(mats),) + mats[0].shape, dtype=complex)
    for k, M in enumerate(mats):
        for (i, j), v in M.todok().items():  # nonzero entries only: fast
            out[k, i, j] = complex(v)
    return out if np.any(out.imag) else out.real


def _to_numpy(learned: GeneratorsLike) -> np.ndarray:
    """Array-like, torch tensor, Rationalization or sequence of exact matrices -> numpy array."""
    torch_module = sys.modules.get("torch")  # a tensor implies torch is loaded: never import it here
    if torch_module is not None and isinstance(learned, torch_module.Tensor):
        return learned.detach().cpu().numpy()
    if isinstance(learned, Rationalization):
        learned = learned.matrices
    if isinstance(learned, sp.MatrixBase):
        learned = [learned]
    if isinstance(learned, (list, tuple)) and learned and isinstance(learned[0], sp.MatrixBase):
        return _exact_to_complex(learned)
    arr = np.asarray(learned)
    if arr.dtype.kind in "OUS":  # exact entries (sympy numbers, Fractions, strings): read them safely
        if arr.ndim == 2:
            arr = arr[None]
        return _exact_to_complex([linalg.exact_matrix(m.tolist(), where=f"generator {k}") for k, m in enumerate(arr)])
    return arr


def flatten_real(matrices: GeneratorsLike) -> tuple[np.ndarray, bool, int]:
    """Flatten generators to real row vectors in the ``theta`` convention.

    Parameters
    ----------
    matrices : array-like, torch tensor, or sequence of sympy matrices, shape (k, d, d) or (d, d)

    Returns
    -------
    rows : numpy.ndarray, float64, shape (k, p)
        ``p = d*d`` (real) or ``2*d*d`` (complex: real parts then imaginary parts).
    is_complex : bool
        Whether the input had a complex dtype (or complex sympy entries).
    d : int

    Examples
    --------
    >>> rows, is_complex, d = flatten_real(np.array([[[0, 1j], [1j, 0]]]))
    >>> rows.shape, is_complex, d
    ((1, 8), True, 2)
    """
    arr = _to_numpy(matrices)
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3 or arr.shape[1] != arr.shape[2]:
        raise OptionError(f"expected generators of shape (k, d, d), got shape {arr.shape}")
    k, d = arr.shape[0], arr.shape[1]
    is_complex = bool(np.iscomplexobj(arr))
    if is_complex and arr.dtype == object:
        arr = arr.astype(complex)
    if is_complex:
        rows = np.concatenate([arr.real.reshape(k, d * d), arr.imag.reshape(k, d * d)], axis=1)
    else:
        rows = arr.reshape(k, d * d)
    return np.ascontiguousarray(rows, dtype=np.float64), is_complex, d


def _default_tol(arr: np.ndarray) -> float:
    """The default tolerance for the precision the numbers were *computed* in.

    float32 input gets the float32 tolerance. So does float64 input whose every entry is
    exactly a float32 (training in float32 and returning ``.astype(float64)`` does that; genuine
    float64 results essentially never are), unless all entries are multiples of 2^-10: such
    exact-looking inputs are rationalized at the tighter float64 tolerance.
    """
    if arr.dtype in (np.float32, np.complex64, np.float16):
        return DEFAULT_TOL["float32"]
    if arr.dtype in (np.float64, np.complex128) and arr.size:
        narrow = np.complex64 if np.iscomplexobj(arr) else np.float32
        with np.errstate(over="ignore"):
            if np.array_equal(arr.astype(narrow).astype(arr.dtype), arr):
                flat = (np.concatenate([np.ravel(arr.real), np.ravel(arr.imag)]) if np.iscomplexobj(arr)
                        else np.ravel(arr))
                scaled = flat * 1024.0
                if not np.array_equal(scaled, np.round(scaled)):
                    return DEFAULT_TOL["float32"]
    return DEFAULT_TOL["float64"]


def _parse_constant(c: str | sp.Expr) -> tuple[sp.Expr, float]:
    """A real irrational constant (``"sqrt(2)"``, ``"2**(1/3)"`` or a sympy number) and its float."""
    if isinstance(c, str):
        try:
            expr = parse_number(c)
        except OracleError as err:
            raise OptionError(f"constants must be numbers like 'sqrt(2)': {err}") from None
    elif isinstance(c, sp.Expr) and c.is_number:
        expr = c
    else:
        raise OptionError(f"constants must be strings like 'sqrt(2)' or real sympy numbers, got {c!r}")
    if expr.is_real is not True or expr.is_algebraic is not True:
        raise OptionError(
            f"constant {c!r} is not a real algebraic number; give constants such as 'sqrt(2)' or '2**(1/3)' "
            "(the exact layer works over number fields)"
        )
    if expr.is_Rational:
        raise OptionError(f"constant {c!r} is rational: rationals are always tried first")
    return expr, float(expr)


# --------------------------------------------------------------------------- rational recognition
def _simplest_between(lo: Fraction, hi: Fraction) -> Fraction:
    """The rational with the smallest denominator in the closed interval ``[lo, hi]``.

    Stern-Brocot descent via continued fractions; the smallest numerator wins among equal
    denominators. Depth is the number of continued-fraction terms (tens at most for floats).
    """
    if lo <= 0 <= hi:
        return Fraction(0)
    if hi < 0:
        return -_simplest_between(-hi, -lo)
    fl = math.floor(lo)
    if lo == fl or fl + 1 <= hi:
        return Fraction(math.ceil(lo))
    # lo and hi lie strictly inside (fl, fl + 1): recurse on the reciprocal of the fractional part.
    return fl + 1 / _simplest_between(1 / (hi - fl), 1 / (lo - fl))


def _field_basis(field: NumberField) -> list[tuple[sp.Expr, float]]:
    """A basis of the real numbers of ``field`` made of products of its real generators.

    ``Q(sqrt(2), sqrt(3))`` gives ``1, sqrt(2), sqrt(3), sqrt(6)``; ``Q(2**(1/3))`` gives
    ``1, 2**(1/3), 2**(2/3)``. (Normalized generators are independent prime radicals, so these
    products are linearly independent over Q.) ``I`` is left out: complex generators are
    flattened into real and imaginary parts before entries are recognized.
    """
    basis: list[sp.Expr] = [sp.S.One]
    for g in field.generators:
        if g is sp.I:
            continue
        order = int(g.exp.q) if g.is_Pow and g.exp.is_Rational else 2
        basis = [b * g**e for e in range(order) for b in basis]
    return [(b, float(b)) for b in basis]


def _recognize_in_field(x: float, atol: float, qmax: int, basis: Sequence[tuple[sp.Expr, float]]) -> sp.Expr | None:
    """``sum_i (p_i / q) b_i`` within ``atol`` of ``x`` with ``|p_i|, q <= qmax`` (an integer
    relation found by PSLQ, then checked), or None.

    The bound ``qmax`` shrinks with the size of the basis (see :func:`_rationalize`): the more
    candidate combinations, the likelier one fits random noise.
    """
    with mpmath.workdps(30):
        relation = mpmath.pslq([x] + [v for _, v in basis[0:]], tol=max(atol, 1e-15), maxcoeff=qmax,
                               maxsteps=2000)
    if relation is None or relation[0] == 0 or abs(relation[0]) > qmax:
        return None
    value = -sp.Add(*[sp.Rational(c, relation[0]) * b for c, (b, _) in zip(relation[1:], basis)])
    if abs(float(value) - x) > atol:
        return None
    return value


def _recognize(
    x: float, atol: float, qmax: int, constants: Sequence[tuple[sp.Expr, float]]
) -> tuple[Fraction, sp.Expr | None] | None:
    """Exact value near ``x``: (Fraction, None) or (Fraction, constant_expr) or None."""
    fx, ft = Fraction(x), Fraction(atol)
    q = _simplest_between(fx - ft, fx + ft)
    if q.denominator <= qmax:
        return q, None
    best = None
    for expr, val in constants:
        y, yt = Fraction(x / val), Fraction(atol / abs(val))
        q = _simplest_between(y - yt, y + yt)
        if q.denominator <= qmax and (best is None or q.denominator < best[0].denominator):
            best = (q, expr)
    return best


# --------------------------------------------------------------------------- numeric span tools
def _orthonormal_rows(rows: np.ndarray, rtol: float) -> np.ndarray:
    if rows.shape[0] == 0:
        return rows
    _, s, vh = np.linalg.svd(rows, full_matrices=False)
    if s.size == 0 or s[0] == 0:
        return vh[:0]
    r = int(np.sum(s > rtol * s[0]))
    return vh[:r]


def _angles_between(qa: np.ndarray, qb: np.ndarray, *, pad: bool = True) -> np.ndarray:
    """Principal angles of two orthonormal row bases, largest first; pi/2 for missing dimensions.

    Small angles come from sines (cosines lose them: cos(1e-9) == 1.0 in float64), large ones
    from cosines (Knyazev and Argentati, SIAM J. Sci. Comput. 2002).
    """
    ra, rb = qa.shape[0], qb.shape[0]
    m = min(ra, rb)
    extra = np.full(max(ra, rb) - m if pad else 0, np.pi / 2)
    if m == 0:
        return extra
    if ra < rb:  # project the smaller basis onto the larger one
        qa, qb = qb, qa
    cos = np.clip(np.linalg.svd(qb @ qa.T, compute_uv=False), 0.0, 1.0)  # descending
    resid = qb - (qb @ qa.T) @ qa
    sin = np.clip(np.linalg.svd(resid, compute_uv=False), 0.0, 1.0)[:m]  # descending
    sin_asc = np.sort(sin)  # pairs with the descending cosines
    angles = np.where(cos > np.sqrt(0.5), np.arcsin(sin_asc), np.arccos(cos))
    return np.concatenate([extra, np.sort(angles)[::-1]])


def principal_angles(A: GeneratorsLike, B: GeneratorsLike, *, rtol: float = 1e-9, pad: bool = True) -> np.ndarray:
    """Principal angles between the real spans of two sets of generators, largest first.

    Parameters
    ----------
    A, B : array-like (k, d, d), torch tensor, or sequence of sympy matrices
        Float or exact; complex matrices are compared through their real ``(Re, Im)``
        flattening (the span over the reals, which is what a learned algebra is).
    rtol : float
        Relative singular-value cutoff for the rank of each set.
    pad : bool
        When the dimensions differ, append ``|rank A - rank B|`` angles of ``pi/2`` (default),
        so that "the largest angle is below 1e-6" means "the same span up to 1e-6", never "one
        span contains the other". ``pad=False`` gives the textbook ``min(rank A, rank B)``
        angles (then a small largest angle means the smaller span lies in the larger one).

    Returns
    -------
    numpy.ndarray, shape (max(rank A, rank B),) (or the minimum with ``pad=False``), radians in
    [0, pi/2], largest first.

    Examples
    --------
    >>> so2 = np.array([[[0.0, 1.0], [-1.0, 0.0]]])
    >>> float(principal_angles(so2, 3.0 * so2 + 1e-12)[0]) < 1e-9
    True
    """
    with _small_blas():
        return _principal_angles(A, B, rtol, pad)


def _principal_angles(A: GeneratorsLike, B: GeneratorsLike, rtol: float, pad: bool) -> np.ndarray:
    ra, ca, da = flatten_real(A)
    rb, cb, db = flatten_real(B)
    if da != db:
        raise OptionError(f"matrix sizes differ: {da} x {da} and {db} x {db}")
    if ca != cb:  # compare a real set with a complex one inside the complex flattening
        n = da * da
        if not ca:
            ra = np.concatenate([ra, np.zeros_like(ra)], axis=1)
        if not cb:
            rb = np.concatenate([rb, np.zeros_like(rb)], axis=1)
        assert ra.shape[1] == rb.shape[1] == 2 * n
    return _angles_between(_orthonormal_rows(ra, rtol), _orthonormal_rows(rb, rtol), pad=pad)


def _greedy_pivots(V: np.ndarray, threshold: float) -> list[int]:
    """Left-most pivot columns: column j is a pivot if it is not (numerically) in the span of the
    columns already chosen. For any basis of the row space these are the exact RREF's pivots."""
    r, p = V.shape
    Q = np.zeros((r, 0))
    piv: list[int] = []
    for j in range(p):
        if len(piv) == r:
            break
        c = V[:, j]
        res = c - Q @ (Q.T @ c)
        res = res - Q @ (Q.T @ res)  # second pass: keeps Q orthonormal to working precision
        nrm = float(np.linalg.norm(res))
        if nrm > threshold:
            piv.append(j)
            Q = np.concatenate([Q, (res / nrm)[:, None]], axis=1)
    return piv


# --------------------------------------------------------------------------- exact helpers
def _exact_rows(matrices: Sequence[MatrixLike]) -> tuple[list[dict[int, ExactValue]], bool, bool, int]:
    """Exact real flattening (``theta`` convention) of sympy matrices, sparse.

    Returns ``(rows, rational, is_complex, d)``: one ``{index: value}`` per matrix, values
    ``flint.fmpq`` when every entry is (Gaussian) rational (``rational``), else sympy numbers.
    """
    mats = [M if isinstance(M, sp.MatrixBase) else linalg.exact_matrix(M, where=f"matrix {k}")
            for k, M in enumerate(matrices)]
    if not mats:
        return [], True, False, 0
    d = mats[0].rows
    if any(M.shape != (d, d) for M in mats):
        raise OptionError("all matrices must be square of the same size")
    doks = [M.todok() for M in mats]
    for dok in doks:
        for e in dok.values():
            if not e.is_number:
                raise OptionError("matrices must have numeric (exact) entries")
            if e.has(sp.Float):
                raise OptionError("matrices must be exact (no floats); rationalize them first")
    is_complex = any(not e.is_real for dok in doks for e in dok.values())
    n = d * d
    rows: list[dict[int, ExactValue]] = []
    for dok in doks:
        row: dict[int, ExactValue] = {}
        for (i, j), e in dok.items():
            if is_complex and not e.is_real:
                re_, im_ = sp.expand_complex(e).as_real_imag()
                for a, v in ((i * d + j, sp.expand(re_)), (n + i * d + j, sp.expand(im_))):
                    if v != 0:
                        row[a] = v
            else:
                row[i * d + j] = e
        rows.append(row)
    rational = all(isinstance(v, sp.Rational) for row in rows for v in row.values())
    if rational:
        rows = [{a: flint.fmpq(int(v.p), int(v.q)) for a, v in row.items()} for row in rows]
    return rows, rational, is_complex, d


def _exact_rank(rows: list[dict[int, ExactValue]], rational: bool, p: int) -> int:
    if not rows:
        return 0
    if rational:
        flat = [flint.fmpq(0)] * (len(rows) * p)
        for i, row in enumerate(rows):
            for a, v in row.items():
                flat[i * p + a] = v
        return linalg.rank(flint.fmpq_mat(len(rows), p, flat))
    # algebraic entries: the rank over the number field they generate (on flint)
    values = [linalg.fmpq_to_sympy(v) if isinstance(v, flint.fmpq) else v for row in rows for v in row.values()]
    K = NumberField.of(values)
    entries = {(i, a): K.coordinates(linalg.fmpq_to_sympy(v) if isinstance(v, flint.fmpq) else v)
               for i, row in enumerate(rows) for a, v in row.items()}
    return linalg.FieldMatrix.from_entries(len(rows), p, entries, K.minpoly).rank()


def same_span(A: Sequence[sp.MatrixBase], B: Sequence[sp.MatrixBase]) -> bool:
    """True when two sets of exact matrices span the same real vector space (exact test).

    Complex matrices are compared through their real ``(Re, Im)`` flattening, i.e. as real
    spans. Rational (and Gaussian rational) entries use flint; algebraic entries use sympy's
    ``DomainMatrix`` over the number field they generate.

    Examples
    --------
    >>> J = sp.Matrix([[0, 1], [-1, 0]])
    >>> same_span([J], [-3 * J]), same_span([J], [J, sp.eye(2)])
    (True, False)
    """
    A, B = list(A), list(B)
    if not A and not B:
        return True
    rows, rational, is_complex, d = _exact_rows(A + B)
    p = 2 * d * d if is_complex else d * d
    ra, rb = rows[: len(A)], rows[len(A):]
    r_ab = _exact_rank(rows, rational, p)
    return _exact_rank(ra, rational, p) == r_ab and _exact_rank(rb, rational, p) == r_ab


def _rows_to_matrix(row: dict[int, ExactValue], d: int, is_complex: bool) -> sp.Matrix:
    """A sparse ``theta`` row (fmpq or sympy values) back to a ``d x d`` sympy matrix."""
    if all(isinstance(v, flint.fmpq) for v in row.values()):
        return sparse_theta_to_matrix(row, d, is_complex)
    n = d * d
    flat = [sp.S.Zero] * n
    for a, v in row.items():
        v = linalg.fmpq_to_sympy(v) if isinstance(v, flint.fmpq) else v
        flat[a % n] = flat[a % n] + (sp.I * v if a >= n else v)
    return sp.Matrix(d, d, flat)


def _orthonormal_exact_rows(rows: list[dict[int, ExactValue]], rational: bool) -> list[dict[int, ExactValue]]:
    """Exact Gram-Schmidt of sparse real row vectors, each normalized to squared length 2."""
    if not rows:
        return []

    def dot(u: dict[int, ExactValue], v: dict[int, ExactValue]) -> ExactValue:
        if len(v) < len(u):
            u, v = v, u
        terms = [x * v[a] for a, x in u.items() if a in v]
        if rational:
            return sum(terms, flint.fmpq(0))
        return sp.radsimp(sp.expand(sp.Add(*terms)))

    def axpy(u: dict[int, ExactValue], c: ExactValue, w: dict[int, ExactValue]) -> dict[int, ExactValue]:
        out = dict(u)
        for a, x in w.items():
            val = out.get(a, 0) - c * x
            val = val if rational else sp.expand(val)
            if val != 0:
                out[a] = val
            else:
                out.pop(a, None)
        return out

    # Orthogonalize first (over Q when rational: inner products of rational vectors are
    # rational), and bring in the square root only for the final normalization.
    ortho: list[dict[int, ExactValue]] = []
    norms: list[ExactValue] = []
    for v in rows:
        u = dict(v)
        for w, nw in zip(ortho, norms):
            c = dot(v, w) / nw
            if not rational:
                c = sp.radsimp(c)
            if c != 0:
                u = axpy(u, c, w)
        nu = dot(u, u)
        if nu == 0:
            raise OptionError("the matrices are linearly dependent")
        ortho.append(u)
        norms.append(nu)
    out = []
    for u, nu in zip(ortho, norms):
        nu_s = linalg.fmpq_to_sympy(nu) if rational else nu
        scale = sp.radsimp(sp.sqrt(2 / nu_s))
        out.append({a: (linalg.fmpq_to_sympy(x) if rational else x) * scale if rational
                    else sp.radsimp(sp.expand(x * scale)) for a, x in u.items()})
    return out


def orthonormal_basis(matrices: Sequence[sp.MatrixBase]) -> tuple[sp.Matrix, ...]:
    """Exact Gram-Schmidt: an orthonormal basis of the real span, in the method's normalization.

    Inner product ``<A, B> = Re tr(A B^dagger)`` (the real dot product of the ``(Re, Im)``
    flattenings) and normalization ``tr(W W^dagger) = 2``. Matrices are processed in the given
    order, so already orthonormal ones (``E_ij - E_ji``, Lorentz rotations and boosts, the
    ``i * lambda_k`` of su(3)) come back unchanged. Entries may acquire square roots.

    Parameters
    ----------
    matrices : sequence of sympy.Matrix, each ``d x d``, linearly independent, exact

    Returns
    -------
    tuple of sympy.Matrix, each ``d x d``

    Examples
    --------
    >>> H1, H2 = sp.diag(1, 0, -1), sp.diag(0, 1, -1)
    >>> orthonormal_basis([H1, H2])[1]
    Matrix([
    [-sqrt(3)/3,           0,          0],
    [         0, 2*sqrt(3)/3,          0],
    [         0,           0, -sqrt(3)/3]])
    """
    rows, rational, is_complex, d = _exact_rows(matrices)
    return tuple(_rows_to_matrix(r, d, is_complex) for r in _orthonormal_exact_rows(rows, rational))


# --------------------------------------------------------------------------- rationalize
def rationalize(
    learned: GeneratorsLike,
    *,
    tol: float | None = None,
    max_denominator: int = 1000,
    constants: Sequence[str | sp.Expr] = ("sqrt(2)", "sqrt(3)"),
    basis: str = "rref",
    field: NumberField | CoefficientField | Sequence[str | sp.Expr] | None = None,
) -> Rationalization:
    """Turn learned float generators into an exact, canonical basis of their span.

    Parameters
    ----------
    learned : array-like or torch tensor, shape (k, d, d), real or complex
        Learned generators (any basis of the span, any scaling, with noise).
    tol : float, optional
        Relative noise tolerance. Singular values below ``tol * s_max`` are noise; an RREF entry
        is accepted within ``atol = tol * ||V[:, piv]^{-1}||_2``; the exact span must reproduce
        the learned one: ``||M - M P||_2 <= tol * s_max`` for the flattened stack ``M`` and the
        orthogonal projector ``P`` onto the exact span.
        Default: ``1e-6`` for float64/complex128 input, ``1e-4`` for float32/complex64 input
        and for float64 input whose entries are all exactly float32 values (float32 training
        results upcast with ``.astype(float64)``; see ``docs/exact.md``).
    max_denominator : int
        Largest denominator accepted. The effective bound is
        ``min(max_denominator, floor(0.1 / sqrt(atol)))`` (so ``q^2 * atol <= 1/100``): beyond
        it a fit within the tolerance is no longer significant (a random real, or ``sqrt(2)``,
        would fit some fraction). With the float64 default this allows denominators up to 100;
        lower ``tol`` (cleaner training) to recognize larger ones.
    constants : sequence of str or sympy numbers
        Irrationals whose rational multiples are tried for entries that are not a good rational
        (``"sqrt(2)"``, ``"sqrt(3)"``; ``()`` to allow only rationals).
    basis : {"rref", "orthonormal"}
        ``"rref"``: the rows of the reduced row echelon form of the flattened span, each with a
        leading ``+1`` in its pivot column and zeros in the other pivot columns; rows ordered by
        pivot (row-major ``W``, then ``Im W`` for complex). so(n) comes back as exactly
        ``E_ij - E_ji`` with ``i < j`` in lexicographic order. ``"orthonormal"``: that basis
        after exact Gram-Schmidt (:func:`orthonormal_basis`).
    field : NumberField, CoefficientField, or numbers such as ``("sqrt(2)",)``, optional
        Also recognize entries as elements of this number field, ``sum_i q_i b_i`` over the
        products ``b_i`` of its generators (``a + b*sqrt(2)`` for ``Q(sqrt(2))``) with small
        rational ``q_i`` (an integer relation found by PSLQ, checked within ``atol``; the
        bound on numerators and denominators is ``min(max_denominator, (0.001/atol)^(1/len(b)))``).
        Pass the oracle's field (:func:`liealg.exact.oracle_coefficient_field`). Default None:
        rationals and ``constants`` only, as before.

    Returns
    -------
    Rationalization
        Exact matrices (entries in Q, Q(i), or with square roots) and the diagnostics.

    Raises
    ------
    RationalizationError
        When the floats are not finite, an entry has no simple exact value within ``atol``,
        or the exact span does not reproduce the learned one. The learned floats are kept in
        the exception's ``floats`` attribute.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> E = np.zeros((3, 3, 3))
    >>> for a, (i, j) in enumerate([(0, 1), (0, 2), (1, 2)]):
    ...     E[a, i, j], E[a, j, i] = 1, -1
    >>> mixed = np.einsum("ab,bij->aij", rng.normal(size=(3, 3)), E) + 1e-9 * rng.normal(size=(3, 3, 3))
    >>> res = rationalize(mixed)
    >>> res.rank, res.exact_kind, res.matrices[0]
    (3, 'rational', Matrix([
    [ 0, 1, 0],
    [-1, 0, 0],
    [ 0, 0, 0]]))
    """
    if basis not in BASES:
        raise OptionError(f"unknown basis {basis!r}; choose one of {', '.join(BASES)}")
    with _small_blas():
        return _rationalize(learned, tol, max_denominator, constants, basis, _as_field(field))


def _as_field(field: NumberField | CoefficientField | Sequence[str | sp.Expr] | None) -> NumberField | None:
    if field is None or isinstance(field, NumberField):
        return field
    if isinstance(field, CoefficientField):
        if field.field is None:
            raise OptionError(f"field: the coefficients are not in a number field ({field.reason})")
        return field.field
    if isinstance(field, (str, sp.Basic)):
        field = [field]
    return NumberField.of(field)


def _rationalize(learned: GeneratorsLike, tol: float | None, max_denominator: int, constants: Sequence[str | sp.Expr],
                 basis: str, field: NumberField | None) -> Rationalization:
    if not isinstance(max_denominator, int) or max_denominator < 1:
        raise OptionError(f"max_denominator must be a positive integer, got {max_denominator!r}")
    raw = _to_numpy(learned)
    M, is_complex, d = flatten_real(raw)
    floats = np.array(raw, copy=True)
    if tol is None:
        tol = _default_tol(raw)
    if not 0 < tol < 1:
        raise OptionError(f"tol must be in (0, 1), got {tol!r}")
    consts = [_parse_constant(c) for c in constants]
    field_basis = _field_basis(field) if field is not None and not field.is_rational else []
    k, p = M.shape
    if not np.all(np.isfinite(M)):
        raise _refuse("the learned generators contain NaN or inf; training diverged (lower the "
                      "learning rate, or check the oracle is finite on the samples)", floats)

    if k == 0:
        return Rationalization((), 0.0, 0, np.zeros(0), math.inf, (), "gaussian" if is_complex else "rational",
                               tol, 0.0, basis)
    _, s, vh = np.linalg.svd(M, full_matrices=False)
    if s[0] == 0:
        return Rationalization((), 0.0, 0, s, math.inf, (), "gaussian" if is_complex else "rational",
                               tol, 0.0, basis)

    # ---- numerical rank: the largest gap s[r-1]/s[r] among cuts that keep only values above
    # the noise floor tol * s[0] (s[k] = 0, so a clean full-rank stack has an infinite gap).
    s_ext = np.append(s, 0.0)
    candidates = [r for r in range(1, k + 1) if s[r - 1] > tol * s[0]]
    gaps = {r: (s_ext[r - 1] / s_ext[r] if s_ext[r] > 0 else math.inf) for r in candidates}
    r = max(candidates, key=lambda c: (gaps[c], c))
    gap = float(gaps[r])
    V = vh[:r]

    # ---- numeric RREF
    piv = _greedy_pivots(V, threshold=max(math.sqrt(tol) * 0.1, 1e-12))
    if len(piv) != r:
        raise _refuse(f"could not find {r} independent pivot columns in the learned span (found "
                      f"{len(piv)}); the learned generators are too noisy for tol={tol:g}: train longer "
                      "or to a tighter loss", floats)
    B = V[:, piv]
    Binv = np.linalg.inv(B)
    kappa = float(np.linalg.norm(Binv, 2))
    R = Binv @ V
    R[:, piv] = np.eye(r)
    atol = tol * max(1.0, kappa)
    # Significance bound: a fraction p/q fitting within atol means something only when
    # q^2 * atol is small. Random reals have a fit with q <= Q with probability ~0.6 Q^2 atol,
    # and the convergents of sqrt(2) (577/408, ...) sit at q^2 * error ~ 0.35; so require
    # q^2 * atol <= 1/100 (under 1% false fits per entry, never sqrt(2) or sqrt(3) as a fraction).
    qmax = max(1, min(max_denominator, math.floor(0.1 / math.sqrt(atol))))

    # ---- entries: zeros and integers in bulk (most entries of a Lie algebra's RREF), the
    # rest one by one through the continued-fraction search.
    # Exact values are kept as Fraction (or Fraction times a constant) until the end: flint and
    # plain ints are much cheaper than sympy numbers on the thousands of entries of e6.
    exact: list[list[int | Fraction | tuple[Fraction, sp.Expr]]] = [[0] * p for _ in range(r)]
    used_constant = False
    nearest = np.rint(R)
    near_int = np.abs(R - nearest) <= atol
    err = np.where(near_int, np.abs(R - nearest), 0.0)
    failures: list[tuple[int, int, float]] = []
    for i, j in zip(*np.nonzero(near_int & (nearest != 0))):
        exact[i][j] = int(nearest[i, j])
    for i, j in zip(*np.nonzero(~near_int)):
        x = float(R[i, j])
        hit = _recognize(x, atol, qmax, consts)
        if hit is None and field_basis:
            # Significance, as for rationals: about qmax^len(basis) candidates per unit interval
            # fit within atol, so keep 2 atol qmax^len(basis) <= 1/500 (measured on random
            # floats with Q(sqrt(2)) and atol 1e-6: under 1% false fits).
            qfield = max(1, min(max_denominator, math.floor((0.001 / atol) ** (1 / len(field_basis)))))
            value = _recognize_in_field(x, atol, qfield, field_basis)
            hit = (Fraction(1), value) if value is not None else None
        if hit is None:
            failures.append((int(i), int(j), x))
            continue
        q, const = hit
        if const is None:
            err[i, j] = abs(x - float(q))
            exact[i][j] = q
        else:
            used_constant = True
            err[i, j] = abs(x - float(q) * float(const))
            exact[i][j] = (q, const)
    if failures:
        i, j, x = max(failures, key=lambda f: abs(f[2] - round(f[2])))
        where = _describe_column(j, d, is_complex)
        raise _refuse(
            f"{len(failures)} of {r * p} entries of the canonical (RREF) basis have no simple exact "
            f"value: e.g. {x!r} at row {i}, {where}, is not within {atol:.2g} of a rational with "
            f"denominator <= {qmax}"
            + (f" or a rational multiple of {', '.join(str(c) for c, _ in consts)}" if consts else "")
            + ". Train longer or to a tighter loss and pass a smaller tol (now "
            f"{tol:g}; the denominator bound is min(max_denominator, 0.1/sqrt(tol*{max(1.0, kappa):.3g}))), "
            f"raise max_denominator (now {max_denominator}) if it is the binding limit, or pass more "
            "constants."
            + (" If the generators were trained in float32, pass tol=1e-4." if tol < DEFAULT_TOL["float32"] else ""),
            floats,
        )
    max_error = float(err.max()) if err.size else 0.0

    # ---- exact RREF (rounding cannot move pivots when the greedy pivots are right; if it did,
    # recompute exactly: the canonical basis is defined by the exact span, not by the floats).
    # Rows are kept sparse, {theta index: value}: fmpq when rational, sympy when algebraic.
    rows: list[dict[int, ExactValue]]
    if not used_constant:
        sparse = [{j: _fraction_to_fmpq(v) for j, v in enumerate(row) if v != 0} for row in exact]
        if all(min(row) == pv for row, pv in zip(sparse, piv)):
            # Already an RREF (identity on the pivots, zeros left of each pivot, pivots
            # increasing): skip the exact elimination, which dominates at e6's size.
            rows, pivots = sparse, tuple(piv)
        else:
            flat = [flint.fmpq(0)] * (r * p)
            for i, row in enumerate(sparse):
                for j, entry in row.items():
                    flat[i * p + j] = entry
            Rq, pivots = linalg.rref(flint.fmpq_mat(r, p, flat))
            if Rq.nrows() != r:
                raise _refuse(f"the rounded basis has rank {Rq.nrows()} < {r}: the rounding collapsed "
                              "the span; the learned generators are too noisy", floats)
            entries = Rq.entries()
            rows = [{a: q for a, q in enumerate(entries[i * p:(i + 1) * p]) if q != 0} for i in range(r)]
        exact_float = np.zeros((r, p))
        for i, row in enumerate(rows):
            for j, entry in row.items():
                exact_float[i, j] = float(entry)
    else:
        dense = [[sp.Rational(v[0].numerator, v[0].denominator) * v[1] if isinstance(v, tuple)
                  else sp.Rational(v) for v in row] for row in exact]
        pivots = tuple(piv)
        if not all(dense[i][j] == 0 for i in range(r) for j in range(piv[i])):
            from sympy.polys.matrices import DomainMatrix

            dm, pivots = DomainMatrix.from_Matrix(sp.Matrix(dense), extension=True).rref()
            mat = dm.to_Matrix()
            dense = [list(mat.row(i)) for i in range(r)]
        exact_float = np.array([[float(v) for v in row] for row in dense], dtype=float)
        rows = [{a: v for a, v in enumerate(row) if v != 0} for row in dense]

    # ---- verification: the exact span must reproduce the learned one.
    Qe = _orthonormal_rows(exact_float, 1e-12)
    angles = _angles_between(V, Qe)
    span_error = float(angles[0]) if angles.size else 0.0
    residual = float(np.linalg.norm(M - (M @ Qe.T) @ Qe, 2) / s[0]) if Qe.shape[0] else 1.0
    # Gate on the residual (how far the learned generators are from the exact span, relative to
    # the largest singular value): it is what the noise bounds. The principal angle is reported
    # but not gated: for an ill-conditioned learned basis (s_min << s_max) the learned span's
    # weakest directions are uncertain by ~noise/s_min even when every generator fits.
    if Qe.shape[0] != r or residual > tol:
        raise _refuse(
            f"the exact basis does not reproduce the learned span (largest principal angle "
            f"{span_error:.2e} rad, relative residual {residual:.2e}, tolerance {tol:g}; rank {r}, "
            f"singular values {np.array2string(s, precision=3)}): the learned generators are too "
            "noisy or not a clean span; train longer or to a tighter loss, or raise tol",
            floats,
        )

    if basis == "orthonormal":
        rows = _orthonormal_exact_rows(rows, rational=not used_constant)
    matrices = tuple(_rows_to_matrix(row, d, is_complex) for row in rows)
    if used_constant or not all(isinstance(v, (flint.fmpq, sp.Rational)) for row in rows for v in row.values()):
        kind = "algebraic"
    else:
        kind = "gaussian" if is_complex else "rational"
    return Rationalization(
        matrices=matrices,
        max_error=max_error,
        rank=r,
        singular_values=s,
        gap=gap,
        pivots=tuple(int(x) for x in pivots),
        exact_kind=kind,
        tol=float(tol),
        span_error=span_error,
        basis=basis,
    )


def _fraction_to_fmpq(v: int | Fraction | tuple[Fraction, sp.Expr]) -> flint.fmpq:
    """A recognized rational entry as ``fmpq`` (only called when no constant was used)."""
    if isinstance(v, tuple):
        raise RationalizationError("internal: an irrational entry reached the rational path")
    return flint.fmpq(v) if isinstance(v, int) else flint.fmpq(v.numerator, v.denominator)


def _describe_column(j: int, d: int, is_complex: bool) -> str:
    part = ""
    if is_complex:
        part = "Re " if j < d * d else "Im "
        j %= d * d
    return f"{part}W[{j // d}, {j % d}]"
