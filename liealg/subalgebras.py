"""Subalgebras, stabilizers, symmetry breaking, and the map to a standard basis.

The method's first paper learns *subalgebras*: with fewer generators than the symmetry algebra
has, and the closure term on, a converged run spans a closed subalgebra. This module says
which one, and answers the physicist's next questions:

* :func:`analyze_subalgebra` takes learned generators inside an exact symmetry algebra ``g``
  and returns a :class:`SubalgebraAnalysis`: closed or not (to what accuracy), its name (exact
  when the learned span is exact; otherwise numeric, with the tolerance it took), its
  conjugacy invariants, and an exact :class:`Representative` of its conjugacy class under the
  connected symmetry group when one is found: a rational subalgebra of ``g`` that an explicit
  group element ``exp(ad X)`` carries onto the learned span.
* :func:`nonexistence` proves, where it can, that ``g`` has no subalgebra of dimension ``k``
  (for ``k = dim g - 1``: Lie's classification of transitive actions on a line).
* :func:`subalgebras` trains ``k`` generators over many seeds and sorts what it finds into
  classes (a :class:`SubalgebraSurvey`).
* :func:`stabilizer` is exact linear algebra: the generators of ``g`` that fix given points
  (the unbroken algebra of a vacuum), and a complement of them (the broken generators, one per
  Goldstone direction).
* :func:`breaking` compares an algebra with the residual algebra of a perturbed oracle and
  says which of the original generators broke.
* :func:`standard_basis` maps an algebra of a classical family, given in its defining
  representation, onto the textbook basis (so(n): ``E_ij - E_ji``; the Lorentz algebra:
  ``J_i, K_i``; su(n), u(n): ``i`` times the generalized Gell-Mann matrices), exactly, and checks
  that the map preserves brackets.

Everything numeric works in the coordinates of ``g``'s exact basis, where the adjoint action
``Ad(exp X) = exp(ad X)`` is an ``n x n`` matrix: conjugating a subalgebra is a matrix product.
"""

from __future__ import annotations

import itertools
import logging
import math
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import flint
import numpy as np
import sympy as sp

from liealg.algebra import LieAlgebra
from liealg.errors import IdentificationError, LieAlgError, OptionError, OracleError
from liealg.exact import linalg as xl
from liealg.identification import Identification, identify
from liealg.numeric_identification import NumericIdentification, identify_numeric

if TYPE_CHECKING:
    from liealg.config import Sampling, TrainConfig
    from liealg.losses import LinearLosses
    from liealg.oracle import Oracle

__all__ = [
    "Invariants",
    "Representative",
    "SubalgebraAnalysis",
    "analyze_subalgebra",
    "nonexistence",
    "SubalgebraClass",
    "SubalgebraSurvey",
    "subalgebras",
    "name_scan",
    "Stabilizer",
    "parse_point",
    "stabilizer",
    "Breaking",
    "breaking",
    "StandardBasis",
    "standard_basis",
]

log = logging.getLogger(__name__)

#: A learned span counts as closed when its brackets leave it by less than this (relative to
#: the size of ad on it), after refinement.
CLOSED_TOL = 1e-8
#: A representative counts as conjugate to the learned span when a group element carries it to
#: within this largest principal angle (radians).
CONJUGATE_TOL = 1e-8
#: The largest tolerance at which a learned (refined) subalgebra is named from its float structure
#: constants: refinement leaves them accurate to about 1e-12.
NUMERIC_NAME_TOL = 1e-6
#: Relative threshold below which a numeric eigenvalue or singular value counts as zero.
_ZERO = 1e-7


# =============================================================================================
# Numeric core, in the coordinates of the ambient algebra's basis
# =============================================================================================
def _flat(mats: np.ndarray) -> np.ndarray:
    """(k, d, d) real or complex -> (k, d*d) real, or (k, 2*d*d) with the imaginary parts."""
    m = np.asarray(mats)
    k = m.shape[0]
    if np.iscomplexobj(m):
        return np.concatenate([m.real.reshape(k, -1), m.imag.reshape(k, -1)], axis=1)
    return m.reshape(k, -1).astype(np.float64)


def _to_float(mats: Sequence[Any]) -> np.ndarray:
    """Exact (sympy) or float matrices as one float array, complex where any entry is."""
    out = []
    for m in mats:
        if isinstance(m, sp.MatrixBase):
            entries = m.flat()
            if all(v.is_Rational for v in entries):  # fast path: no evalf
                out.append(np.array([float(v) for v in entries], dtype=complex).reshape(m.shape))
            else:
                out.append(np.array(sp.Matrix(m).evalf(), dtype=complex))
        else:
            out.append(np.asarray(m, dtype=complex))
    arr = np.array(out)
    if np.abs(arr.imag).max(initial=0.0) == 0.0:
        return arr.real.copy()
    return arr


def _orth_rows(C: np.ndarray, rtol: float = 1e-9) -> np.ndarray:
    """An orthonormal basis (rows) of the row space of ``C``."""
    if C.size == 0:
        return np.zeros((0, C.shape[1] if C.ndim == 2 else 0))
    _, s, vt = np.linalg.svd(C, full_matrices=False)
    r = int((s > rtol * max(s[0], 1e-300)).sum()) if s.size else 0
    return vt[:r]


def _rank(M: np.ndarray, rtol: float, scale: float | None = None) -> int:
    if M.size == 0:
        return 0
    s = np.linalg.svd(M, compute_uv=False)
    top = s[0] if scale is None else scale
    return int((s > rtol * max(top, 1e-300)).sum())


def _signature(S: np.ndarray, rtol: float = _ZERO, scale: float | None = None) -> tuple[int, int, int]:
    """Inertia of a symmetric float matrix: eigenvalues below ``rtol`` of the scale count as 0."""
    if S.size == 0:
        return (0, 0, 0)
    ev = np.linalg.eigvalsh(0.5 * (S + S.T))
    top = float(np.abs(ev).max()) if scale is None else scale
    cut = rtol * max(top, 1e-300)
    return int((ev > cut).sum()), int((ev < -cut).sum()), int((np.abs(ev) <= cut).sum())


@dataclass(frozen=True, eq=False)
class _Ambient:
    """The ambient symmetry algebra ``g``: its basis, exact where possible, and its float ad."""

    matrices: np.ndarray  # (n, d, d), float or complex
    ad: np.ndarray  # (n, n, n): ad[i] @ y = [e_i, y] in coordinates
    killing: np.ndarray  # (n, n)
    exact: LieAlgebra | None  # rational structure constants in this basis, or None
    generators: tuple[sp.ImmutableMatrix, ...] | None  # the exact basis, or None

    @property
    def n(self) -> int:
        return int(self.ad.shape[0])

    @property
    def scale(self) -> float:
        """The size of ad on a unit coefficient vector: brackets are measured against it."""
        return float(max(np.linalg.norm(self.ad.reshape(self.n, -1), axis=1).max(initial=0.0), 1e-300))

    def bracket(self, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
        """Row-wise brackets ``[x_a, y_a]`` of coefficient rows (both (m, n))."""
        return np.einsum("ai,ikj,aj->ak", X, self.ad, Y)

    def ad_of(self, x: np.ndarray) -> np.ndarray:
        return np.einsum("i,ikj->kj", x, self.ad)

    def to_matrices(self, C: np.ndarray) -> np.ndarray:
        return np.einsum("ai,ijk->ajk", C, self.matrices)

    def coefficients(self, mats: np.ndarray) -> tuple[np.ndarray, float]:
        """Least-squares coordinates of float matrices in the ambient basis, and the relative
        distance of the worst one from the ambient span."""
        E = _flat(self.matrices.astype(complex) if np.iscomplexobj(mats) else self.matrices)
        W = _flat(mats if not np.iscomplexobj(self.matrices) else np.asarray(mats, dtype=complex))
        if E.shape[1] != W.shape[1]:
            raise OptionError(f"the learned matrices ({mats.shape[1]}x{mats.shape[2]}) and the ambient algebra's "
                              f"({self.matrices.shape[1]}x{self.matrices.shape[2]}) differ in size")
        C, *_ = np.linalg.lstsq(E.T, W.T, rcond=None)
        C = C.T
        resid = W - C @ E
        norms = np.linalg.norm(W, axis=1)
        err = float((np.linalg.norm(resid, axis=1) / np.maximum(norms, 1e-300)).max(initial=0.0))
        return C, err


def _ambient(ambient: Any) -> _Ambient:
    """Build the ambient algebra from exact generators, a LieAlgebra with matrices, or floats."""
    if isinstance(ambient, _Ambient):
        return ambient
    if isinstance(ambient, LieAlgebra):
        if ambient.matrices is None:
            raise OptionError("the ambient algebra must be given by matrices (its generators)")
        gens: Sequence[Any] = ambient.matrices
    else:
        gens = list(ambient)
    if not len(gens):
        raise OptionError("the ambient algebra has no generators")
    exact_input = all(isinstance(m, sp.MatrixBase) for m in gens)
    if exact_input:
        try:
            algebra = LieAlgebra.from_matrices(list(gens))
        except LieAlgError as exc:
            raise OptionError(f"the ambient generators do not form a Lie algebra: {exc}") from None
        if str(algebra.field) != "QQ":
            algebra = algebra.rational_form()
        assert algebra.matrices is not None
        exact_gens = tuple(sp.ImmutableMatrix(m) for m in algebra.matrices)
        mats = _to_float(exact_gens)
        ad = np.array(algebra.ad_matrices_float())
        killing = np.array(algebra.killing_matrix_float())
        return _Ambient(mats, ad, killing, algebra, exact_gens)
    mats = np.asarray(gens)
    if mats.ndim != 3 or mats.shape[1] != mats.shape[2]:
        raise OptionError(f"the ambient generators must have shape (n, d, d), got {mats.shape}")
    E = _orth_rows(_flat(mats))
    if E.shape[0] < mats.shape[0]:
        raise OptionError("the ambient generators are linearly dependent")
    # Structure constants by projecting every bracket onto the span (floats only).
    n = mats.shape[0]
    br = np.einsum("aij,bjk->abik", mats, mats) - np.einsum("bij,ajk->abik", mats, mats)
    Ef = _flat(mats)
    B = _flat(br.reshape(n * n, *mats.shape[1:]))
    C, *_ = np.linalg.lstsq(Ef.T, B.T, rcond=None)
    c = C.T.reshape(n, n, n)  # c[i, j, k] = c_ij^k
    ad = np.ascontiguousarray(c.transpose(0, 2, 1))
    killing = np.einsum("ikj,ljk->il", ad, ad)
    return _Ambient(np.array(mats), ad, killing, None, None)


def _closure_error(Q: np.ndarray, amb: _Ambient) -> float:
    """How far the span of orthonormal rows ``Q`` is from closed: the largest bracket component
    outside the span, relative to the size of ad."""
    k = Q.shape[0]
    if k < 2:
        return 0.0
    ia, ib = np.triu_indices(k, 1)
    B = amb.bracket(Q[ia], Q[ib])
    R = B - (B @ Q.T) @ Q
    return float(np.linalg.norm(R, axis=1).max() / amb.scale)


def _refine_closed(C: np.ndarray, amb: _Ambient, iterations: int = 30) -> np.ndarray:
    """Gauss-Newton onto the nearest closed subalgebra: unknowns the basis ``C`` (k x n) and the
    structure constants ``f``; residuals ``[C_a, C_b] - sum_c f_ab^c C_c``. Minimum-norm steps keep
    it close to the learned span. Returns an orthonormal basis (rows)."""
    Q = _orth_rows(C)
    k, n = Q.shape
    if k < 2:
        return Q
    ia, ib = np.triu_indices(k, 1)
    P = len(ia)
    X = Q.copy()
    best, best_err = Q, _closure_error(Q, amb)
    for _ in range(iterations):
        if best_err < 1e-15:
            break
        B = amb.bracket(X[ia], X[ib])  # (P, n)
        f, *_ = np.linalg.lstsq(X.T, B.T, rcond=None)  # (k, P): B_p ~ X^T f[:, p]
        f = f.T  # (P, k)
        R = B - f @ X
        # Jacobian of R (P*n) with respect to X (k*n) and f (P*k).
        J = np.zeros((P, n, k, n))
        for p, (a, b) in enumerate(zip(ia, ib)):
            J[p, :, a, :] += np.einsum("ikj,j->ki", amb.ad, X[b])  # d[e_i, X_b]/dX_ai
            J[p, :, b, :] -= np.einsum("ikj,j->ki", amb.ad, X[a])
            for c in range(k):
                J[p, :, c, :] -= f[p, c] * np.eye(n)
        Jf = np.zeros((P, n, P, k))
        for p in range(P):
            Jf[p, :, p, :] = -X.T
        Jall = np.concatenate([J.reshape(P * n, k * n), Jf.reshape(P * n, P * k)], axis=1)
        step, *_ = np.linalg.lstsq(Jall, -R.reshape(-1), rcond=None)
        X = X + step[: k * n].reshape(k, n)
        X = _orth_rows(X)
        if X.shape[0] < k:
            break
        err = _closure_error(X, amb)
        if err < best_err:
            best, best_err = X, err
        else:
            break
    return best


# --------------------------------------------------------------------------- invariants
@dataclass(frozen=True)
class Invariants:
    """Numbers that conjugation by the symmetry group does not change (computed numerically).

    Two subalgebras with different invariants are not conjugate; equal invariants are a
    necessary condition only (conjugacy is then checked by finding the group element).

    Attributes
    ----------
    dimension : int
    derived_series : tuple of int
        Dimensions of ``h, [h, h], ...`` ending at the first repeat.
    killing_signature : (pos, neg, zero)
        Of the subalgebra's own Killing form.
    ambient_killing_signature : (pos, neg, zero)
        Of the ambient algebra's Killing form restricted to the subalgebra (``(1, 1, 0)`` for a
        rotation and a boost about one axis in so(3,1), ``(0, 0, 2)`` for two null rotations).
    centralizer_dimension, normalizer_dimension : int
        In the ambient algebra.
    fixed_dimension : int or None
        Dimension of the vectors every generator annihilates (the representation space).
    spectrum : tuple of (float, float) or None
        One generator only: its eigenvalues ``(re, |im|)`` divided by the largest modulus,
        sorted: the class of a one-dimensional subalgebra up to scale.
    """

    dimension: int
    derived_series: tuple[int, ...]
    killing_signature: tuple[int, int, int]
    ambient_killing_signature: tuple[int, int, int]
    centralizer_dimension: int
    normalizer_dimension: int
    fixed_dimension: int | None = None
    spectrum: tuple[tuple[float, float], ...] | None = None

    def matches(self, other: Invariants, tol: float = 1e-5) -> bool:
        """Equal integer invariants and spectra within ``tol``."""
        if (self.dimension, self.derived_series, self.killing_signature, self.ambient_killing_signature,
                self.centralizer_dimension, self.normalizer_dimension, self.fixed_dimension) != (
                other.dimension, other.derived_series, other.killing_signature, other.ambient_killing_signature,
                other.centralizer_dimension, other.normalizer_dimension, other.fixed_dimension):
            return False
        if (self.spectrum is None) != (other.spectrum is None):
            return False
        if self.spectrum is not None and other.spectrum is not None:
            a, b = np.array(self.spectrum), np.array(other.spectrum)
            if a.shape != b.shape or float(np.abs(a - b).max(initial=0.0)) > tol:
                return False
        return True

    def key(self) -> tuple:
        """A hashable summary of the integer invariants (spectra rounded to 4 digits)."""
        spec = None if self.spectrum is None else tuple((round(r, 4), round(i, 4)) for r, i in self.spectrum)
        return (self.dimension, self.derived_series, self.killing_signature, self.ambient_killing_signature,
                self.centralizer_dimension, self.normalizer_dimension, self.fixed_dimension, spec)

    def to_json(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "derived_series": list(self.derived_series),
            "killing_signature": list(self.killing_signature),
            "ambient_killing_signature": list(self.ambient_killing_signature),
            "centralizer_dimension": self.centralizer_dimension,
            "normalizer_dimension": self.normalizer_dimension,
            "fixed_dimension": self.fixed_dimension,
            "spectrum": None if self.spectrum is None else [list(p) for p in self.spectrum],
        }


def _structure_in(Q: np.ndarray, amb: _Ambient) -> np.ndarray:
    """Float structure constants ``f[a, b, c]`` of the span of orthonormal rows ``Q``."""
    B = np.einsum("ai,ikj,bj->abk", Q, amb.ad, Q)  # [q_a, q_b]
    return np.einsum("abk,ck->abc", B, Q)


def _invariants(Q: np.ndarray, amb: _Ambient, rtol: float = _ZERO) -> Invariants:
    k, n = Q.shape
    f = _structure_in(Q, amb)
    scale = amb.scale
    # Derived series of h.
    series = [k]
    S = Q
    while S.shape[0] > 0:
        m = S.shape[0]
        ia, ib = np.triu_indices(m, 1)
        if len(ia) == 0:
            series.append(0)
            break
        B = amb.bracket(S[ia], S[ib])
        r = _rank(B, rtol, scale=scale)
        if r == S.shape[0]:
            break
        S = _orth_rows(B)[:r]
        series.append(r)
        if r == 0:
            break
    ad_h = np.einsum("abc->acb", f)  # ad_h[a][c, b] = f[a, b, c]: ad q_a on h's coordinates
    K_h = np.einsum("aij,bji->ab", ad_h, ad_h)
    K_g = Q @ amb.killing @ Q.T
    kscale = float(np.abs(amb.killing).max(initial=0.0))
    own = _signature(K_h, rtol, scale=max(kscale, 1e-300)) if k else (0, 0, 0)
    amb_sig = _signature(K_g, rtol, scale=max(kscale, 1e-300)) if k else (0, 0, 0)
    # Centralizer: y with [q_a, y] = 0 for all a; normalizer: [q_a, y] in h.
    ads = np.einsum("ai,ikj->akj", Q, amb.ad)  # (k, n, n)
    cen = n - _rank(ads.reshape(k * n, n), rtol, scale=scale)
    proj = np.eye(n) - Q.T @ Q
    nor = n - _rank(np.einsum("kl,alj->akj", proj, ads).reshape(k * n, n), rtol, scale=scale)
    W = amb.to_matrices(Q)
    d = W.shape[1]
    wscale = float(np.abs(W).max(initial=0.0))
    fixed = d - _rank(W.reshape(k * d, d), rtol, scale=max(wscale, 1e-300) * math.sqrt(d))
    spectrum = None
    if k == 1:
        ev = np.linalg.eigvals(W[0])
        top = float(np.abs(ev).max(initial=0.0))
        if top > 1e-9 * max(wscale, 1e-300):
            plus = sorted((round(float(v.real / top), 6) + 0.0, round(abs(float(v.imag / top)), 6) + 0.0) for v in ev)
            minus = sorted((0.0 - r, i) for r, i in plus)  # -W spans the same subalgebra
            pairs = min(plus, minus)
        else:  # nilpotent
            pairs = [(0.0, 0.0)] * d
        spectrum = tuple(pairs)
    return Invariants(k, tuple(series), own, amb_sig, cen, nor, fixed, spectrum)


# --------------------------------------------------------------------------- candidates
_PAIRS: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _pairs(k: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.triu_indices(k, 1)``, cached (it dominated the enumeration of candidates)."""
    if k not in _PAIRS:
        _PAIRS[k] = np.triu_indices(k, 1)
    return _PAIRS[k]


def _float_closure(vectors: np.ndarray, amb: _Ambient, max_dim: int) -> np.ndarray | None:
    """The subalgebra generated by coefficient rows, as orthonormal rows (None past ``max_dim``)."""
    Q = _orth_rows(vectors)
    while True:
        k = Q.shape[0]
        if k > max_dim:
            return None
        if k < 2:
            return Q
        ia, ib = _pairs(k)
        B = amb.bracket(Q[ia], Q[ib])
        R = B - (B @ Q.T) @ Q
        if float(np.abs(R).max(initial=0.0)) <= 1e-10 * amb.scale:
            return Q
        Q = _orth_rows(np.concatenate([Q, R]))


def _span_key(Q: np.ndarray) -> bytes:
    P = Q.T @ Q
    return (np.round(P, 6) + 0.0).tobytes()  # + 0.0: -0.0 and 0.0 must give the same bytes


@dataclass(frozen=True, eq=False)
class _Candidate:
    seed_vectors: tuple[tuple[int, ...], ...]  # integer coefficient vectors that generate it
    Q: np.ndarray  # orthonormal rows
    invariants: Invariants


class _CandidatePool:
    """Rational subalgebras of ``g`` of one dimension, generated lazily from sparse integer
    vectors (basis elements, and their sums and differences for small algebras), nicest first."""

    def __init__(self, amb: _Ambient, k: int, budget: int) -> None:
        self.amb, self.k, self.budget = amb, k, budget
        self.found: list[_Candidate] = []
        self.seen: set[bytes] = set()
        self.tried = 0
        self.exhausted = False
        self.truncated = False
        self._gen = self._generate()

    def _vectors(self) -> list[np.ndarray]:
        n = self.amb.n
        eye = np.eye(n, dtype=np.int64)
        out = [eye[i] for i in range(n)]
        if n <= 15:
            for i, j in itertools.combinations(range(n), 2):
                out.append(eye[i] + eye[j])
                out.append(eye[i] - eye[j])
        return out

    def _generate(self) -> Iterator[_Candidate]:
        vecs = self._vectors()
        # The closure of a set contains the closures of its subsets: a triple is worth trying only
        # when each of its pairs generates less than k dimensions (else it gives nothing new).
        pair_dim: dict[tuple[int, ...], int] = {}
        for size in range(1, min(self.k, 3) + 1):
            for combo in itertools.combinations(range(len(vecs)), size):
                if size == 3 and any(pair_dim.get(p, self.k + 1) >= self.k
                                     for p in itertools.combinations(combo, 2)):
                    continue
                if self.tried >= self.budget:
                    self.truncated = True
                    return
                self.tried += 1
                V = np.array([vecs[c] for c in combo], dtype=np.float64)
                Q = _float_closure(V, self.amb, self.k)
                if size == 2:
                    pair_dim[combo] = self.k + 1 if Q is None else Q.shape[0]
                if Q is None or Q.shape[0] != self.k:
                    continue
                key = _span_key(Q)
                if key in self.seen:
                    continue
                self.seen.add(key)
                cand = _Candidate(tuple(tuple(int(x) for x in vecs[c]) for c in combo), Q,
                                  _invariants(Q, self.amb))
                self.found.append(cand)
                yield cand

    def __iter__(self) -> Iterator[_Candidate]:
        i = 0
        while True:
            if i < len(self.found):
                yield self.found[i]
                i += 1
                continue
            if self.exhausted:
                return
            try:
                next(self._gen)
            except StopIteration:
                self.exhausted = True


def _expm(A: np.ndarray) -> np.ndarray:
    """Matrix exponential (scaling and squaring with a Taylor series; small matrices)."""
    norm = float(np.abs(A).sum(axis=1).max(initial=0.0))
    s = max(0, math.ceil(math.log2(norm)) + 1) if norm > 0.5 else 0
    X = A / (2**s)
    out = np.eye(A.shape[0])
    term = np.eye(A.shape[0])
    for j in range(1, 20):
        term = term @ X / j
        out = out + term
        if float(np.abs(term).max(initial=0.0)) < 1e-18:
            break
    for _ in range(s):
        out = out @ out
    return out


def _largest_angle(Q: np.ndarray, target: np.ndarray) -> float:
    """Largest principal angle between the spans of two sets of orthonormal rows of equal size."""
    R = Q - (Q @ target.T) @ target
    s = np.linalg.svd(R, compute_uv=False)
    return float(math.asin(min(1.0, float(s[0])))) if s.size else 0.0


def _conjugate(source: np.ndarray, target: np.ndarray, amb: _Ambient, *, starts: int = 12, seed: int = 0,
               iterations: int = 40) -> tuple[float, np.ndarray]:
    """A group element ``A = Ad(exp X)`` (n x n) carrying span(source) onto span(target).

    Levenberg-Marquardt on the group: at ``A``, the residual is the part of ``A source`` outside
    the target span; a left perturbation ``exp(ad d) A`` changes it by ``(1 - P) ad(d) A source``,
    linear in ``d``. Several starts (the identity, then random group elements).

    Returns
    -------
    angle : float
        Largest principal angle left (radians).
    A : numpy.ndarray, shape (n, n)
    """
    n = amb.n
    rng = np.random.default_rng(seed)
    perp = np.eye(n) - target.T @ target
    best_angle, best_A = math.inf, np.eye(n)
    for start in range(starts):
        if start == 0:
            A = np.eye(n)
        else:
            sigma = (0.5, 1.0, 2.0)[start % 3]
            A = _expm(amb.ad_of(sigma * rng.normal(size=n)))
        lam = 1e-3
        M = _orth_rows(source @ A.T)
        r = (M @ perp).ravel()
        cost = float(r @ r)
        for _ in range(iterations):
            if cost < 1e-30:
                break
            J = np.stack([(M @ amb.ad[a].T @ perp).ravel() for a in range(n)], axis=1)
            g = J.T @ r
            H = J.T @ J
            improved = False
            for _ in range(8):
                d = np.linalg.solve(H + lam * (np.eye(n) * max(float(np.trace(H)) / n, 1e-12)), -g)
                A_new = _expm(amb.ad_of(d)) @ A
                M_new = _orth_rows(source @ A_new.T)
                if M_new.shape[0] < M.shape[0]:
                    lam *= 10
                    continue
                r_new = (M_new @ perp).ravel()
                cost_new = float(r_new @ r_new)
                if cost_new < cost:
                    A, M, r, cost = A_new, M_new, r_new, cost_new
                    lam = max(lam / 10, 1e-12)
                    improved = True
                    break
                lam *= 10
            if not improved:
                break
        angle = _largest_angle(M, target)
        if angle < best_angle:
            best_angle, best_A = angle, A
        if best_angle < 1e-12:
            break
    return best_angle, best_A


# =============================================================================================
# The analysis of one learned subalgebra
# =============================================================================================
def _exact_closure(amb: _Ambient, rows: Sequence[Sequence[int]]) -> flint.fmpq_mat:
    """The subalgebra generated by exact coefficient rows, as an RREF basis."""
    assert amb.exact is not None
    n = amb.n
    S = xl.span(xl.qmatrix([list(r) for r in rows], n))
    while True:
        bigger = xl.span(xl.stack([S, amb.exact.brackets(S, S)], n))
        if bigger.nrows() == S.nrows():
            return S
        S = bigger


def _matrices_of(amb: _Ambient, rows: flint.fmpq_mat) -> tuple[sp.ImmutableMatrix, ...]:
    assert amb.generators is not None
    Y = xl.to_sympy(rows)
    out = []
    for a in range(Y.rows):
        m = sp.zeros(*amb.generators[0].shape)
        for i in range(Y.cols):
            if Y[a, i] != 0:
                m += Y[a, i] * amb.generators[i]
        out.append(sp.ImmutableMatrix(m))
    return tuple(out)


def _name_exact(algebra: LieAlgebra, seed: int, notes: list[str]) -> Identification | None:
    try:
        return identify(algebra, seed=seed)
    except IdentificationError as exc:
        notes.append(f"the exact subalgebra could not be named: {exc}")
        return None


@dataclass(frozen=True)
class Representative:
    """An exact subalgebra conjugate to the learned one.

    Attributes
    ----------
    generators : tuple of sympy.ImmutableMatrix
        Its exact basis (the canonical RREF basis in the ambient algebra's coordinates).
    coefficients : sympy.ImmutableMatrix, shape (k, n)
        The same in the ambient algebra's exact basis.
    algebra : LieAlgebra
    identification : Identification or None
    angle : float
        Largest principal angle (radians) between the learned span and the image of this one
        under ``conjugator``: how exactly they are conjugate (0 when the learned span is this one).
    conjugator : numpy.ndarray, shape (n, n), or None
        ``Ad(g)`` on the ambient coordinates, for the group element ``g`` found; None when the
        learned span is itself exact.
    kind : {"learned", "conjugate"}
        ``"learned"``: the learned span is exact and this is it; ``"conjugate"``: found among the
        sparse rational subalgebras of the ambient algebra, and carried onto the learned span.
    """

    generators: tuple[sp.ImmutableMatrix, ...]
    coefficients: sp.ImmutableMatrix
    algebra: LieAlgebra = field(repr=False)
    identification: Identification | None
    angle: float
    conjugator: np.ndarray | None = field(default=None, repr=False)
    kind: str = "conjugate"

    @property
    def name(self) -> str | None:
        return None if self.identification is None else self.identification.name

    def to_json(self) -> dict[str, Any]:
        from liealg import io

        return {
            "kind": self.kind,
            "name": self.name,
            "generators": [io.matrix_to_json(m) for m in self.generators],
            "coefficients": [[str(v) for v in self.coefficients.row(a)] for a in range(self.coefficients.rows)],
            "angle": float(self.angle),
            "algebra": None if self.identification is None else self.identification.to_json(),
        }


@dataclass(frozen=True)
class SubalgebraAnalysis:
    """What a learned set of ``k`` generators inside a symmetry algebra ``g`` spans.

    Attributes
    ----------
    dimension : int
        ``k``, the dimension of the learned span.
    ambient_dimension : int
        ``dim g``.
    learned : numpy.ndarray, shape (k, d, d)
        The learned span after refinement onto the nearest closed subalgebra (an orthonormal
        basis in ``g``'s coordinates, as matrices). Read-only.
    coefficients : numpy.ndarray, shape (k, n)
        The same in ``g``'s exact basis. Read-only.
    closed : bool
        Brackets leave the span by less than :data:`CLOSED_TOL` (relative).
    closure_error : float
        That relative amount, before refinement (training's accuracy) ...
    refined_closure_error : float
        ... and after.
    inside_error : float
        Relative distance of the learned matrices from ``g`` (0 to round-off when training
        found symmetries).
    exact : bool
        The learned span is itself exact (rational): its identification is exact.
    name : str or None
        Exact when ``exact``; otherwise numeric: the name of the exact representative it is
        conjugate to (within ``tolerance`` radians), or of its structure constants read numerically.
    numeric : bool
        The name is a numeric statement (within ``tolerance``).
    tolerance : float or None
    identification : Identification or None
        Exact facts: of the learned span when exact, else of the representative.
    numeric_identification : NumericIdentification or None
        The name read from the learned structure constants (in a canonical basis) when no
        representative was found.
    invariants : Invariants
    representative : Representative or None
    notes : tuple of str
    """

    dimension: int
    ambient_dimension: int
    learned: np.ndarray = field(repr=False)
    coefficients: np.ndarray = field(repr=False)
    closed: bool
    closure_error: float
    refined_closure_error: float
    inside_error: float
    exact: bool
    name: str | None
    numeric: bool
    tolerance: float | None
    identification: Identification | None = field(repr=False)
    numeric_identification: NumericIdentification | None = field(repr=False)
    invariants: Invariants
    representative: Representative | None
    notes: tuple[str, ...] = ()
    ambient_name: str | None = None

    def __post_init__(self) -> None:
        for name in ("learned", "coefficients"):
            arr = np.array(getattr(self, name))
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        object.__setattr__(self, "notes", tuple(self.notes))

    @property
    def abelian(self) -> bool:
        return self.invariants.derived_series[-1] == 0 and len(self.invariants.derived_series) <= 2

    @property
    def killing_signature(self) -> tuple[int, int, int]:
        if (self.identification is not None and self.representative is not None) or self.exact:
            assert self.identification is not None
            return tuple(self.identification.killing_signature)  # type: ignore[return-value]
        return self.invariants.killing_signature

    def to_json(self) -> dict[str, Any]:
        from liealg import io

        return {
            "dimension": self.dimension,
            "ambient_dimension": self.ambient_dimension,
            "ambient_name": self.ambient_name,
            "closed": self.closed,
            "closure_error": float(self.closure_error),
            "refined_closure_error": float(self.refined_closure_error),
            "inside_error": float(self.inside_error),
            "exact": self.exact,
            "name": self.name,
            "numeric": self.numeric,
            "tolerance": None if self.tolerance is None else float(self.tolerance),
            "abelian": self.abelian,
            "killing_signature": list(self.killing_signature),
            "invariants": self.invariants.to_json(),
            "learned": io.floats_to_json(self.learned.tolist()),
            "representative": None if self.representative is None else self.representative.to_json(),
            "algebra": None if self.identification is None else self.identification.to_json(),
            "notes": list(self.notes),
        }


def _canonical_table(f: np.ndarray, inv: Invariants) -> tuple[np.ndarray | None, str | None]:
    """Float structure constants in a basis where the common small algebras have simple ones,
    and a description of the parameter when the algebra lies in a continuous family.

    Abelian; two-dimensional non-abelian (``[x, y] = y``); three-dimensional semisimple (a basis
    orthonormal for the Killing form, up to sign); three-dimensional ``R ⋉ R^2`` (``ad x`` on the
    derived algebra in real Jordan form, scaled): otherwise ``(None, None)``.
    """
    k = f.shape[0]
    if inv.derived_series[-1] == 0 and len(inv.derived_series) == 2:
        return np.zeros((k, k, k)), None
    if k == 2:
        # [e0, e1] spans the derived algebra: y; then x with [x, y] = y.
        v = f[0, 1]
        y = v / np.linalg.norm(v)
        x0 = np.array([-y[1], y[0]])
        lam = float(np.einsum("a,b,abc,c->", x0, y, f, y))  # [x0, y] = lam y
        if abs(lam) < 1e-12:
            return None, None
        return _transform_table(f, np.array([x0 / lam, y])), None
    if k == 3 and inv.killing_signature[2] == 0:
        ad = np.einsum("abc->acb", f)
        K = np.einsum("aij,bji->ab", ad, ad)
        ev, vec = np.linalg.eigh(K)
        B = (vec / np.sqrt(np.abs(ev) / 2.0)).T  # K(b_i, b_j) = +-2 delta_ij
        if np.linalg.det(B) < 0:
            B[0] = -B[0]
        return _transform_table(f, B), None
    if k == 3 and inv.derived_series == (3, 2, 0):
        # R ⋉ R^2: D = [h, h] (2-dim, abelian), x orthogonal to it, M = ad x on D.
        ia, ib = _pairs(3)
        Bk = np.array([f[a, b] for a, b in zip(ia, ib)])
        D = _orth_rows(Bk)[:2]
        x = _orth_rows(np.eye(3) - D.T @ D)[:1][0]
        M = D @ np.einsum("a,abc->cb", x, f) @ D.T  # M[i, j]: component on d_i of [x, d_j]
        ev = np.linalg.eigvals(M)
        if abs(ev[0].imag) > 1e-9 * max(abs(ev).max(), 1e-300):
            a, b = float(ev[0].real), abs(float(ev[0].imag))
            # A basis (u, v) of D with M u = a u + b v, M v = -b u + a v.
            w = np.linalg.eig(M)[1][:, 0]
            if ev[0].imag < 0:
                w = w.conj()
            u, v = w.real, -w.imag
            # M (u + i v) = (a - i b)... choose the sign that gives M u = a u + b v
            T = np.array([u, v]).T
            Mc = np.linalg.solve(T, M @ T)
            if Mc[1, 0] < 0:
                T[:, 1] = -T[:, 1]
            basis = np.array([x / b, D.T @ T[:, 0], D.T @ T[:, 1]])
            return _transform_table(f, basis), f"ad x on [h, h] has eigenvalues {a / b:.6g} ± i (times a scale)"
        lam = ev.real[np.argmax(np.abs(ev.real))]
        if abs(lam) < 1e-12:
            return None, None
        w, V = np.linalg.eig(M / lam)
        if np.linalg.matrix_rank(V, tol=1e-6) == 2:
            order = np.argsort(-np.abs(w.real))
            V = V[:, order].real
            basis = np.array([x / lam, D.T @ V[:, 0], D.T @ V[:, 1]])
            r = float(w.real[order][1])
            return _transform_table(f, basis), f"ad x on [h, h] has eigenvalues 1 and {r:.6g} (times a scale)"
        return None, "ad x on [h, h] is a Jordan block"
    return None, None


def _transform_table(f: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Structure constants in the basis ``b_i = sum_a B[i, a] e_a``."""
    Binv = np.linalg.inv(B)
    return np.einsum("ia,jb,abc,ck->ijk", B, B, f, Binv)


def analyze_subalgebra(
    learned: Any,
    ambient: Any,
    *,
    refine: bool = True,
    representative: bool = True,
    seed: int = 0,
    budget: int = 20000,
    _pools: dict[int, _CandidatePool] | None = None,
) -> SubalgebraAnalysis:
    """Name a learned subalgebra, check that it closes, and find an exact conjugate of it.

    Parameters
    ----------
    learned : array_like, shape (k, d, d)
        Learned generators (floats, any basis of their span), inside the ambient algebra.
    ambient : sequence of exact matrices, LieAlgebra with matrices, or float array (n, d, d)
        The whole symmetry algebra ``g``. Exact generators allow an exact representative and
        exact names; floats give numeric facts only.
    refine : bool
        Refine the learned span onto the nearest closed subalgebra first (Gauss-Newton on its
        basis and structure constants): training leaves closure at about 1e-7.
    representative : bool
        Look for an exact representative of the conjugacy class.
    seed : int
        For the random starts of the conjugation search and for :func:`identify`.
    budget : int
        Most generating sets tried when enumerating rational subalgebras of ``g``.

    Returns
    -------
    SubalgebraAnalysis

    Examples
    --------
    A rotation about a random axis is no exact matrix, but it is conjugate to the rotation about
    the third axis:

    >>> import numpy as np
    >>> from liealg.catalog import so
    >>> axis = np.array([1.0, np.sqrt(2), np.pi]) / np.linalg.norm([1.0, np.sqrt(2), np.pi])
    >>> W = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    >>> a = analyze_subalgebra(W[None], so(3))
    >>> a.exact, a.name, a.numeric, a.representative.generators[0].tolist()
    (False, 'u(1)', True, [[0, 1, 0], [-1, 0, 0], [0, 0, 0]])
    """
    amb = _ambient(ambient)
    W = np.asarray(learned)
    if W.ndim == 2:
        W = W[None]
    if W.ndim != 3 or W.shape[1] != W.shape[2]:
        raise OptionError(f"learned generators must have shape (k, d, d), got {W.shape}")
    notes: list[str] = []
    C, inside = amb.coefficients(W)
    Q0 = _orth_rows(C)
    k = Q0.shape[0]
    if k < W.shape[0]:
        notes.append(f"the {W.shape[0]} learned generators span only {k} dimensions")
    if inside > 1e-6:
        notes.append(f"the learned generators lie {inside:.1e} (relative) outside the symmetry algebra: "
                     "they are not all symmetries")
    err0 = _closure_error(Q0, amb)
    Q = _refine_closed(Q0, amb) if refine else Q0
    err = _closure_error(Q, amb)
    closed = err <= CLOSED_TOL
    if refine and err < err0 and err0 > 1e-14:
        angle = _largest_angle(Q, Q0) if Q.shape == Q0.shape else math.nan
        notes.append(f"refined onto the nearest closed subalgebra: closure error {err0:.1e} -> {err:.1e} "
                     f"(moved {angle:.1e} rad)")
    if not closed:
        notes.append(f"the learned span is not closed: its brackets leave it by {err:.1e} (relative); it is "
                     "not a subalgebra")
    inv = _invariants(Q, amb)
    mats = amb.to_matrices(Q)
    ambient_name = None
    rep: Representative | None = None
    ident: Identification | None = None
    exact = False
    # 1. The learned span itself may be exact (a sparse or lucky run).
    if closed and amb.exact is not None:
        rep = _learned_exact(Q, amb, seed, notes)
        if rep is not None:
            exact = True
            ident = rep.identification
    # 2. Else an exact conjugate among the sparse rational subalgebras of g.
    if closed and rep is None and representative and amb.exact is not None and 0 < k < amb.n:
        pools = _pools if _pools is not None else {}
        pool = pools.get(k)
        if pool is None:
            pool = pools[k] = _CandidatePool(amb, k, budget)
        rep = _find_conjugate(Q, inv, pool, amb, seed, notes)
        if rep is not None:
            ident = rep.identification
    if closed and rep is None and amb.exact is not None and 0 < k < amb.n:
        notes.append(_no_representative_reason(inv, k))
    if k == amb.n and amb.exact is not None:
        rep = Representative(tuple(amb.generators or ()), sp.ImmutableMatrix(sp.eye(k)), amb.exact,
                             _name_exact(amb.exact, seed, notes), 0.0, None, "learned")
        ident, exact = rep.identification, True
    # 3. A name read from the learned structure constants.
    numeric_ident = None
    name, numeric, tol = None, False, None
    if ident is not None:
        name = ident.name
        numeric = not exact
        tol = None if exact else max(rep.angle if rep is not None else 0.0, err)
    elif closed and k:
        table, family = _canonical_table(_structure_in(Q, amb), inv)
        if table is not None:
            # The refined span is accurate to round-off: a loose tolerance would round a member of a
            # continuous family (ad x with eigenvalues 1.985 +- i) onto a nearby named one (b = 2).
            numeric_ident = identify_numeric(structure_constants=table, seed=seed,
                                             max_tolerance=NUMERIC_NAME_TOL)
            if numeric_ident.name is not None:
                name, numeric, tol = numeric_ident.name, True, max(numeric_ident.tolerance or 0.0, err)
        if name is None and family is not None:
            notes.append(f"not named: a member of a family with a continuous parameter ({family}), not a simple "
                         "number here")
    return SubalgebraAnalysis(
        dimension=k, ambient_dimension=amb.n, learned=mats, coefficients=Q, closed=closed, closure_error=err0,
        refined_closure_error=err, inside_error=inside, exact=exact, name=name, numeric=numeric, tolerance=tol,
        identification=ident, numeric_identification=numeric_ident, invariants=inv, representative=rep,
        notes=tuple(notes), ambient_name=ambient_name)


def _learned_exact(Q: np.ndarray, amb: _Ambient, seed: int, notes: list[str]) -> Representative | None:
    """The learned span's own exact basis, when its coordinates in g rationalize."""
    from liealg.errors import RationalizationError
    from liealg.exact import rationalize

    try:
        # Coefficient rows as diagonal matrices: rationalize reads matrices.
        rat = rationalize(np.einsum("ai,ij->aij", Q, np.eye(Q.shape[1])), constants=())
    except RationalizationError:
        return None
    rows = [[sp.Rational(m[i, i]) for i in range(m.rows)] for m in rat.matrices]
    if len(rows) != Q.shape[0]:
        return None
    R = xl.qmatrix(rows, amb.n)
    assert amb.exact is not None
    S = xl.span(R)
    if xl.coordinates(S, amb.exact.brackets(S, S)) is None:
        return None
    return _representative(amb, S, seed, 0.0, None, "learned", notes)


def _representative(amb: _Ambient, S: flint.fmpq_mat, seed: int, angle: float, A: np.ndarray | None, kind: str,
                    notes: list[str]) -> Representative:
    mats = _matrices_of(amb, S)
    algebra = LieAlgebra.from_matrices(list(mats))
    return Representative(mats, xl.to_sympy(S), algebra, _name_exact(algebra, seed, notes), float(angle), A, kind)


def _find_conjugate(Q: np.ndarray, inv: Invariants, pool: _CandidatePool, amb: _Ambient, seed: int,
                    notes: list[str]) -> Representative | None:
    for cand in pool:
        if not cand.invariants.matches(inv):
            continue
        angle, A = _conjugate(cand.Q, Q, amb, seed=seed)
        if angle <= CONJUGATE_TOL:
            S = _exact_closure(amb, cand.seed_vectors)
            return _representative(amb, S, seed, angle, A, "conjugate", notes)
    if pool.truncated:
        notes.append(f"the search for an exact representative stopped after {pool.tried} generating sets")
    return None


def _no_representative_reason(inv: Invariants, k: int) -> str:
    if k == 1 and inv.spectrum is not None:
        vals = ", ".join(f"{r:g}{'' if i == 0 else f'±{i:g}i'}" for r, i in inv.spectrum)
        return ("no exact representative: the class of one generator is fixed by its eigenvalues up to scale "
                f"({vals}); they are not those of a sparse rational generator (the class has a continuous invariant)")
    return ("no exact representative among the sparse rational subalgebras of the symmetry algebra: the class may "
            "have a continuous invariant (irrational here), or need a less sparse representative")


# =============================================================================================
# Which dimensions have no subalgebra
# =============================================================================================
def nonexistence(ambient: LieAlgebra | Sequence[Any], k: int, *,
                 identification: Identification | None = None) -> str | None:
    """A proof that ``g`` has no ``k``-dimensional subalgebra, or None when none is known.

    Proved here: ``k > dim g``, and ``k = dim g - 1``. For the second, a subalgebra ``h`` of
    codimension 1 makes ``g`` act transitively and locally effectively (modulo the largest ideal
    ``I`` inside ``h``) on the line ``G/H``; by Lie's classification of such actions ``g/I`` is
    ``R``, ``aff(1)`` or ``sl(2,R)``. So one exists exactly when ``[g, g] != g`` (then any
    hyperplane containing ``[g, g]`` is an ideal) or a simple ideal of the Levi factor is
    ``sl(2,R)``. so(3), so(4) and so(3,1) have none of dimension 2, 5 and 5.

    Parameters
    ----------
    ambient : LieAlgebra, or its exact generators
    k : int
    identification : Identification, optional
        ``identify(ambient)``, when already computed.

    Returns
    -------
    str or None
        The reason, in words.

    Examples
    --------
    >>> from liealg.catalog import so
    >>> print(nonexistence(so(4), 5)[:46])
    su(2) ⊕ su(2) has no subalgebra of dimension 5
    >>> nonexistence(so(2, 1), 2) is None  # the Borel subalgebra of sl(2,R)
    True
    """
    g = ambient if isinstance(ambient, LieAlgebra) else LieAlgebra.from_matrices(list(ambient))
    if str(g.field) != "QQ":
        g = g.rational_form()
    n = g.dim
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise OptionError(f"k must be a positive integer, got {k!r}")
    if k > n:
        return f"the symmetry algebra has dimension {n}: there is no subalgebra of dimension {k}"
    if k != n - 1 or n < 2:
        return None
    if xl.rank(g.derived_basis()) < n:
        return None  # a hyperplane containing [g, g] is an ideal
    ident = identification if identification is not None else identify(g)
    for ideal in ident.ideals:
        if "sl(2,R)" in (ideal.real_form, *ideal.aliases):
            return None
    return (f"{ident.name} has no subalgebra of dimension {k} (= dim - 1): it is perfect and has no sl(2,R) "
            "ideal, and a subalgebra of codimension one exists only when [g, g] != g or g maps onto sl(2,R) "
            "(Lie's classification of transitive actions on a line)")


# =============================================================================================
# The survey over seeds
# =============================================================================================
def ambient_generators(oracle: Oracle, *, seed: int = 0, sampling: Sampling | None = None,
                       training: TrainConfig | None = None) -> tuple[tuple[sp.ImmutableMatrix, ...] | np.ndarray, str]:
    """The whole symmetry algebra of an oracle, exact where possible.

    A polynomial oracle over a number field: the exact solver. Otherwise the null space of the
    invariance form (floats), made exact by :func:`liealg.exact.rationalize` when it can be.

    Returns
    -------
    generators : tuple of sympy.ImmutableMatrix, or numpy.ndarray (n, d, d)
    how : str
        ``"exact solver"``, ``"rationalized"`` or ``"numeric"``.
    """
    from liealg.exact import oracle_coefficient_field, rationalize, solve_symmetries

    if oracle_coefficient_field(oracle).is_exact:
        return tuple(sp.ImmutableMatrix(m) for m in solve_symmetries(oracle)), "exact solver"
    from liealg.config import Sampling as _Sampling
    from liealg.errors import RationalizationError
    from liealg.training import fit_auto

    result, dim, _ = fit_auto(oracle, seed=seed, sampling=sampling or _Sampling(), training=training)
    if result is None or dim == 0:
        return np.zeros((0, oracle.matrix_size, oracle.matrix_size)), "numeric"
    floats = result.polished()
    try:
        return tuple(sp.ImmutableMatrix(m) for m in rationalize(floats).matrices), "rationalized"
    except RationalizationError:
        return floats, "numeric"


@dataclass(frozen=True)
class SubalgebraClass:
    """One class of subalgebras found over seeds.

    Attributes
    ----------
    dimension : int
    name : str or None
    numeric : bool
        The name was read numerically (the learned spans are not exact).
    abelian : bool
    killing_signature : (pos, neg, zero)
        Of the subalgebra's own Killing form.
    count : int
        How many seeds found it.
    seeds : tuple of int
    up_to : {"conjugacy", "isomorphism", "family"}
        ``"conjugacy"``: every member was carried onto one exact representative by a group element;
        ``"isomorphism"``: the same name, no exact representative; ``"family"``: not named (members
        of a family with a continuous parameter), grouped by their numeric invariants.
    representative : Representative or None
    learned : numpy.ndarray, shape (k, d, d)
        The first seed's learned (refined) span.
    invariants : Invariants
        The first member's.
    notes : tuple of str
    """

    dimension: int
    name: str | None
    numeric: bool
    abelian: bool
    killing_signature: tuple[int, int, int]
    count: int
    seeds: tuple[int, ...]
    up_to: str
    representative: Representative | None
    learned: np.ndarray = field(repr=False)
    invariants: Invariants = field(repr=False)
    notes: tuple[str, ...] = ()

    @property
    def exact(self) -> bool:
        return self.representative is not None

    @property
    def generators(self) -> tuple[sp.ImmutableMatrix, ...] | np.ndarray:
        """The representative's exact generators, else the first learned span (floats)."""
        return self.representative.generators if self.representative is not None else self.learned

    def to_json(self) -> dict[str, Any]:
        from liealg import io

        if self.representative is not None:
            generators: Any = [io.matrix_to_json(m) for m in self.representative.generators]
        else:
            generators = io.floats_to_json(np.asarray(self.learned).tolist())
        return {
            "name": self.name,
            "dimension": self.dimension,
            "abelian": self.abelian,
            "killing_signature": list(self.killing_signature),
            "count": self.count,
            "generators": generators,
            "exact": self.exact,
            "numeric": self.numeric,
            "up_to": self.up_to,
            "seeds": list(self.seeds),
            "invariants": self.invariants.to_json(),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class SubalgebraSurvey:
    """The subalgebras that training finds, per dimension, over seeds (:func:`subalgebras`).

    Attributes
    ----------
    formula : str
    ambient_dimension : int
    ambient_name : str or None
    ambient_source : str
        How the whole algebra was found (``"exact solver"``, ``"rationalized"``, ``"numeric"``).
    dims : tuple of int
    seeds : tuple of int
    classes : tuple of SubalgebraClass
        All dimensions, sorted by dimension then by count (most found first).
    failed : mapping of int to int
        Per dimension, the seeds whose run did not reach a closed subalgebra.
    impossible : mapping of int to str
        Per dimension, a proof that no subalgebra of it exists (not trained).
    seconds : float
    """

    formula: str
    ambient_dimension: int
    ambient_name: str | None
    ambient_source: str
    dims: tuple[int, ...]
    seeds: tuple[int, ...]
    classes: tuple[SubalgebraClass, ...]
    failed: Mapping[int, int]
    impossible: Mapping[int, str]
    seconds: float
    failure_notes: Mapping[int, str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        for name in ("failed", "impossible", "failure_notes"):
            value = getattr(self, name)
            if not isinstance(value, MappingProxyType):
                object.__setattr__(self, name, MappingProxyType(dict(value)))

    def by_dimension(self, k: int) -> tuple[SubalgebraClass, ...]:
        return tuple(c for c in self.classes if c.dimension == k)

    @property
    def found_dimensions(self) -> tuple[int, ...]:
        """The dimensions at which some seed found a closed subalgebra."""
        return tuple(sorted({c.dimension for c in self.classes}))

    def table(self) -> str:
        """A plain-text table, one row per class (what the CLI prints)."""
        lines = [f"Oracle: {self.formula}",
                 f"Symmetry algebra: {self.ambient_name or '?'} (dimension {self.ambient_dimension}, "
                 f"{self.ambient_source}); {len(self.seeds)} seed(s) per dimension",
                 "  k  class                                count  abelian  Killing (+,-,0)  up to       exact"]
        for k in self.dims:
            if k in self.impossible:
                lines.append(f"{k:3d}  none exists: {self.impossible[k]}")
                continue
            rows = self.by_dimension(k)
            for c in rows:
                name = c.name or ("(a continuous family)" if c.up_to == "family" else "(unnamed)")
                if c.numeric and c.name:
                    name += " (numeric)"
                lines.append(f"{k:3d}  {name:36s} {c.count:5d}  {'yes' if c.abelian else 'no':7s}  "
                             f"{tuple(c.killing_signature)!s:15s}  {c.up_to:10s}  {'yes' if c.exact else 'no'}")
            failed = self.failed.get(k, 0)
            if failed:
                why = self.failure_notes.get(k, "")
                lines.append(f"{k:3d}  no closed subalgebra in {failed} of {len(self.seeds)} run(s)" +
                             (f": {why}" if why else ""))
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": "liealg.subalgebras",
            "schema_version": 1,
            "oracle": self.formula,
            "ambient_dimension": self.ambient_dimension,
            "ambient_name": self.ambient_name,
            "ambient_source": self.ambient_source,
            "dims": list(self.dims),
            "seeds": list(self.seeds),
            "classes": [c.to_json() for c in self.classes],
            "failed": {str(k): v for k, v in self.failed.items()},
            "impossible": {str(k): v for k, v in self.impossible.items()},
            "found_dimensions": list(self.found_dimensions),
            "seconds": round(self.seconds, 3),
        }


def _class_key(a: SubalgebraAnalysis) -> tuple:
    if a.representative is not None:
        return ("conjugacy", a.dimension, str(a.representative.coefficients.tolist()))
    inv = a.invariants
    # Unnamed: a member of a continuous family; grouped with the others of the same invariants.
    return ("isomorphism" if a.name else "family", a.dimension, a.name, inv.killing_signature, inv.derived_series)


def classify(analyses: Sequence[tuple[int, SubalgebraAnalysis]]) -> tuple[SubalgebraClass, ...]:
    """Sort analysed subalgebras ``(seed, analysis)`` into classes: by their exact representative
    (conjugacy) where they have one, else by name and invariants (isomorphism)."""
    groups: dict[tuple, list[tuple[int, SubalgebraAnalysis]]] = {}
    for seed, a in analyses:
        groups.setdefault(_class_key(a), []).append((seed, a))
    out = []
    for key, members in groups.items():
        first = members[0][1]
        notes = tuple(dict.fromkeys(n for _, a in members for n in a.notes
                                    if n.startswith(("not named", "no exact representative"))))
        out.append(SubalgebraClass(
            dimension=first.dimension, name=first.name, numeric=first.numeric, abelian=first.abelian,
            killing_signature=first.killing_signature, count=len(members), seeds=tuple(s for s, _ in members),
            up_to=key[0], representative=first.representative, learned=first.learned, invariants=first.invariants,
            notes=notes[:1] if key[0] != "conjugacy" else ()))
    out.sort(key=lambda c: (c.dimension, -c.count, c.name or "~"))
    return tuple(out)


def subalgebras(
    oracle: Oracle | str | Sequence[str],
    *,
    dims: int | Sequence[int] | None = None,
    seeds: int = 8,
    seed: int = 0,
    sampling: Sampling | None = None,
    training: TrainConfig | None = None,
    losses: LinearLosses | None = None,
    variables: str | Sequence[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SubalgebraSurvey:
    """Train ``k`` generators with closure over many seeds and sort the subalgebras found.

    For each dimension ``k`` (default: every one from 1 to the whole algebra's), where no proof
    rules it out (:func:`nonexistence`), ``seeds`` runs of :func:`liealg.training.fit` with the
    closure term on, one shared invariance form; each converged run is analysed
    (:func:`analyze_subalgebra`) and the results grouped into classes (:func:`classify`).

    Parameters
    ----------
    oracle : Oracle, or formula(s)
    dims : int or sequence of int, optional
    seeds : int
        Runs per dimension, with seeds ``seed .. seed + seeds - 1``.
    progress : callable, optional
        ``progress(k, seed)`` before each run.

    Returns
    -------
    SubalgebraSurvey

    Examples
    --------
    >>> survey = subalgebras("x1**2 + x2**2 + x3**2", dims=[1, 2], seeds=2)
    >>> [(c.dimension, c.name, c.count) for c in survey.classes]
    [(1, 'u(1)', 2)]
    >>> survey.impossible[2][:31]
    'su(2) has no subalgebra of dime'
    """
    from liealg import losses as L
    from liealg.config import Sampling as _Sampling
    from liealg.config import TrainConfig as _TrainConfig
    from liealg.oracle import Oracle as _Oracle
    from liealg.training import fit, sampled_form

    start = time.perf_counter()
    if not isinstance(oracle, _Oracle):
        oracle = _Oracle(oracle, variables=variables)
    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
        raise OptionError(f"seeds must be a positive integer, got {seeds!r}")
    training = training or _TrainConfig()
    losses = losses or L.LinearLosses()
    if losses.closure <= 0:
        raise OptionError("a subalgebra search needs the closure term (closure > 0)")
    sampling = sampling or _Sampling()
    gens, how = ambient_generators(oracle, seed=seed, sampling=sampling, training=training)
    n = len(gens)
    if n == 0:
        raise OracleError(f"{oracle.formula_text()} has no continuous linear symmetry: no subalgebras to find")
    amb = _ambient(gens)
    ambient_ident = identify(amb.exact, seed=seed) if amb.exact is not None else None
    if dims is None:
        dim_list = list(range(1, n + 1))
    else:
        dim_list = [dims] if isinstance(dims, int) else list(dims)
        for k in dim_list:
            if isinstance(k, bool) or not isinstance(k, int) or k < 1:
                raise OptionError(f"dimensions must be positive integers, got {k!r}")
    impossible: dict[int, str] = {}
    failed: dict[int, int] = {}
    failure_notes: dict[int, str] = {}
    found: list[tuple[int, SubalgebraAnalysis]] = []
    pools: dict[int, _CandidatePool] = {}
    form = None
    for k in dim_list:
        proof = nonexistence(amb.exact, k, identification=ambient_ident) if amb.exact is not None else (
            f"the symmetry algebra has dimension {n}" if k > n else None)
        if proof is not None:
            impossible[k] = proof
            continue
        if form is None:
            form = sampled_form(oracle, sampling, seed=seed, device=training.device)
        for s in range(seed, seed + seeds):
            if progress is not None:
                progress(k, s)
            result = fit(oracle, k, seed=s, sampling=sampling, training=training, losses=losses, form=form)
            analysis = analyze_subalgebra(result.polished(), amb, seed=s, _pools=pools)
            if analysis.closed and analysis.inside_error < 1e-6 and analysis.dimension == k:
                found.append((s, analysis))
            else:
                failed[k] = failed.get(k, 0) + 1
                failure_notes[k] = (f"training stopped at loss {result.loss['total']:.2g} (closure "
                                    f"{result.loss.get('closure', 0.0):.2g}); none may exist, or try more seeds")
    return SubalgebraSurvey(
        formula=oracle.formula_text(), ambient_dimension=n,
        ambient_name=None if ambient_ident is None else ambient_ident.name, ambient_source=how,
        dims=tuple(dim_list), seeds=tuple(range(seed, seed + seeds)), classes=classify(found), failed=failed,
        impossible=impossible, seconds=time.perf_counter() - start, failure_notes=failure_notes)


def name_scan(scan_result: Any, oracle: Oracle, *, seed: int = 0, sampling: Sampling | None = None,
              training: TrainConfig | None = None) -> tuple[str | None, ...]:
    """The subalgebra each successful run of :func:`liealg.training.scan` spans, by name.

    Parameters
    ----------
    scan_result : liealg.training.ScanResult
    oracle : Oracle
        The oracle scanned.

    Returns
    -------
    tuple of str or None
        One per ``N_g``: the name (numeric unless the learned span is exact), or None where the
        run failed, the span is not closed, or it could not be named.

    Examples
    --------
    >>> from liealg.oracle import Oracle
    >>> from liealg.training import scan
    >>> oracle = Oracle("x1**2 + x2**2 + x3**2 + x4**2")
    >>> name_scan(scan(oracle, 2, seed=0), oracle)  # two commuting rotations: a torus
    ('u(1)', 'u(1)^2')
    """
    gens, _ = ambient_generators(oracle, seed=seed, sampling=sampling, training=training)
    if len(gens) == 0:
        return tuple(None for _ in scan_result.n_generators)
    amb = _ambient(gens)
    pools: dict[int, _CandidatePool] = {}
    names: list[str | None] = []
    for ok, result in zip(scan_result.success, scan_result.results):
        if not ok or result.n_generators > amb.n:
            names.append(None)
            continue
        analysis = analyze_subalgebra(result.polished(), amb, seed=seed, _pools=pools)
        names.append(analysis.name if analysis.closed and analysis.dimension == result.n_generators else None)
    return tuple(names)


# =============================================================================================
# The stabilizer of a point, and explicit breaking: exact linear algebra on the exact generators
# =============================================================================================
def parse_point(point: str | Mapping[str, Any] | Sequence[Any], variables: Sequence[str]) -> tuple[sp.Expr, ...]:
    """A point of the oracle's space, exactly.

    Parameters
    ----------
    point : str, mapping or sequence
        ``"x3=1/2, x4=1"`` (variables not named are 0; values are exact numbers read by
        :func:`liealg.parsing.parse_number`, so ``0.5`` is ``1/2`` and ``sqrt(2)`` is allowed),
        a mapping ``{"x3": "1/2"}``, or all ``len(variables)`` values in order.
    variables : sequence of str
        The oracle's variables, in order.

    Returns
    -------
    tuple of sympy numbers, length ``len(variables)``

    Examples
    --------
    >>> parse_point("x3=0.5, x4=1", ["x1", "x2", "x3", "x4"])
    (0, 0, 1/2, 1)
    """
    from liealg.parsing import parse_number

    names = [str(v) for v in variables]
    values: dict[str, Any]
    if isinstance(point, str):
        values = {}
        for part in point.split(","):
            if not part.strip():
                continue
            if "=" not in part:
                raise OptionError("a point is comma-separated assignments such as 'x3=1/2, x4=1'; "
                                  f"got {part.strip()!r}")
            name, _, value = part.partition("=")
            values[name.strip()] = value.strip()
    elif isinstance(point, Mapping):
        values = {str(k): v for k, v in point.items()}
    else:
        seq = list(point)
        if len(seq) != len(names):
            raise OptionError(f"a point needs {len(names)} values ({', '.join(names)}), got {len(seq)}")
        values = dict(zip(names, seq))
    unknown = [k for k in values if k not in names]
    if unknown:
        raise OptionError(f"the point names {', '.join(unknown)}, not among the variables ({', '.join(names)})")
    out = []
    for name in names:
        raw = values.get(name, 0)
        if not isinstance(raw, (str, int, float, Fraction, sp.Expr)) or isinstance(raw, bool):
            raise OptionError(f"the value of {name} in the point must be a number or a string, got {raw!r}")
        try:
            value = (parse_number(raw) if isinstance(raw, str) else sp.nsimplify(raw) if isinstance(raw, float)
                     else sp.sympify(raw))  # numbers only: strings go through the safe parser
        except LieAlgError as exc:
            raise OptionError(f"the value of {name} in the point: {exc}") from None
        if not value.is_number:
            raise OptionError(f"the value of {name} in the point is not a number: {raw!r}")
        out.append(value)
    return tuple(out)


def _is_rational_all(mats: Sequence[sp.MatrixBase]) -> bool:
    return all(v.is_Rational for m in mats for v in m.flat())


def _combine(coeffs: sp.MatrixBase, gens: Sequence[sp.MatrixBase]) -> tuple[sp.ImmutableMatrix, ...]:
    """Rows of ``coeffs`` as combinations of ``gens`` (flint when everything is rational)."""
    if coeffs.rows == 0:
        return ()
    d = gens[0].shape
    if _is_rational_all(gens) and all(v.is_Rational for v in coeffs):
        F = xl.qmatrix([m.flat() for m in gens], d[0] * d[1])
        P = xl.to_sympy(xl.qmatrix(coeffs) * F)
        return tuple(sp.ImmutableMatrix(d[0], d[1], list(P.row(a))) for a in range(P.rows))
    out = []
    for a in range(coeffs.rows):
        m = sp.zeros(*d)
        for i, g in enumerate(gens):
            if coeffs[a, i] != 0:
                m += coeffs[a, i] * sp.Matrix(g)
        out.append(sp.ImmutableMatrix(m.applyfunc(sp.nsimplify if False else sp.simplify)))
    return tuple(out)


def _real_rows(M: sp.MatrixBase) -> sp.Matrix:
    """``M c = 0`` for real ``c``: complex rows split into their real and imaginary parts (the
    algebras here are real spans, even of complex matrices)."""
    M = sp.Matrix(M)
    if all(v.is_real for v in M.flat()):
        return M
    return sp.Matrix.vstack(M.applyfunc(lambda v: sp.re(sp.expand(v))), M.applyfunc(lambda v: sp.im(sp.expand(v))))


def _nullspace_rows(M: sp.MatrixBase) -> sp.ImmutableMatrix:
    """A basis of ``{c real : M c = 0}`` as rows, exactly (flint over Q, sympy otherwise)."""
    M = _real_rows(M)
    if all(v.is_Rational for v in M.flat()):
        return xl.to_sympy(xl.nullspace(xl.qmatrix(M)))
    vecs = sp.Matrix(M).nullspace(simplify=True)
    if not vecs:
        return sp.ImmutableMatrix(sp.zeros(0, M.cols))
    return sp.ImmutableMatrix(sp.Matrix.hstack(*vecs).T)


def _gram(gens: Sequence[sp.MatrixBase]) -> sp.Matrix:
    """``Re tr(g_a^H g_b)``: the Frobenius inner products, which pick the broken complement."""
    n = len(gens)
    if _is_rational_all(gens):
        F = xl.qmatrix([g.flat() for g in gens], gens[0].shape[0] * gens[0].shape[1])
        return sp.Matrix(xl.to_sympy(F * F.transpose()))
    G = sp.zeros(n, n)
    flat = [sp.Matrix(g).reshape(1, g.shape[0] * g.shape[1]) for g in gens]
    for a in range(n):
        for b in range(a, n):
            v = sp.re(sp.expand((flat[a].conjugate() * flat[b].T)[0, 0]))  # real spans: Re tr(A^H B)
            G[a, b] = G[b, a] = v
    return G


def _split(gens: Sequence[sp.MatrixBase], kept: sp.MatrixBase) -> tuple[tuple[sp.ImmutableMatrix, ...],
                                                                        tuple[sp.ImmutableMatrix, ...], sp.Matrix]:
    """The kept combinations, and the broken ones: the Frobenius-orthogonal complement of the
    kept span inside the span of ``gens`` (coefficients returned too)."""
    n = len(gens)
    unbroken = _combine(kept, gens)
    if kept.rows == 0:
        return unbroken, tuple(sp.ImmutableMatrix(g) for g in gens), sp.eye(n)
    broken_coeffs = _nullspace_rows(sp.Matrix(kept) * _gram(gens))
    return unbroken, _combine(broken_coeffs, gens), sp.Matrix(broken_coeffs)


def _name_of(mats: Sequence[sp.MatrixBase], seed: int, notes: list[str]) -> tuple[LieAlgebra | None,
                                                                                  Identification | None]:
    if not mats:
        return None, None
    try:
        algebra = LieAlgebra.from_matrices(list(mats))
    except LieAlgError as exc:
        notes.append(f"the unbroken generators could not be made an exact algebra: {exc}")
        return None, None
    return algebra, _name_exact(algebra, seed, notes)


def _module_pieces(unbroken: Sequence[sp.MatrixBase], broken: Sequence[sp.MatrixBase],
                   seed: int = 0) -> tuple[int, ...]:
    """Real dimensions of the irreducible pieces of ``g/h`` under ``h`` (``h`` = the unbroken span,
    ``g/h`` coordinatized by the broken generators), largest first.

    ``ad(h)`` acts on ``g/h``; a generic element of the commutant of that action (a numeric null
    space) has one eigenvalue, or one conjugate pair, per irreducible piece.
    """
    m = len(broken)
    if m == 0:
        return ()
    if not unbroken:
        return (1,) * m  # nothing acts: m trivial pieces
    U, B = _to_float(list(unbroken)), _to_float(list(broken))
    basis = np.concatenate([_flat(U), _flat(B)])  # (k + m, d*d [*2])
    br = np.einsum("uij,ajk->uaik", U, B) - np.einsum("aij,ujk->uaik", B, U)  # [u, b_j]
    br = br.reshape(len(U) * m, *B.shape[1:])
    coeffs, *_ = np.linalg.lstsq(basis.T, _flat(br).T, rcond=None)  # (k + m, k m), one solve
    # The action on g/h: rho[u][:, j] = the broken coordinates of [u, b_j].
    rho = [coeffs[len(U):, a * m:(a + 1) * m] for a in range(len(U))]
    # Commutant: X with X rho_a = rho_a X, as a null space on the m*m entries of X.
    eye = np.eye(m)
    A = np.concatenate([np.kron(r, eye) - np.kron(eye, r.T) for r in rho])
    ev_a, vec_a = np.linalg.eigh(A.T @ A)  # A is tall, (k m^2) x m^2: its Gram matrix is small
    scale = max(float(ev_a.max(initial=0.0)), 1e-300)
    null = vec_a[:, ev_a <= 1e-10 * scale].T
    X = (np.random.default_rng(seed).normal(size=len(null)) @ null).reshape(m, m)
    ev = np.linalg.eigvals(X)
    tol = 1e-6 * max(float(np.abs(ev).max(initial=0.0)), 1e-300)
    pieces: list[int] = []
    used = np.zeros(m, dtype=bool)
    for i in range(m):
        if used[i]:
            continue
        same = np.abs(ev - ev[i]) <= tol
        conj = np.abs(ev - np.conj(ev[i])) <= tol
        group = same | conj
        used |= group
        pieces.append(int(group.sum()) if abs(ev[i].imag) > tol else int(same.sum()))
    return tuple(sorted(pieces, reverse=True))


@dataclass(frozen=True)
class Stabilizer:
    """The generators that fix given points (the unbroken algebra of a vacuum), and the broken ones.

    Attributes
    ----------
    variables : tuple of str
    points : tuple of tuple of sympy numbers
        Each of length ``len(variables)``.
    ambient_dimension : int
        The dimension of the whole algebra.
    unbroken : tuple of sympy.ImmutableMatrix
        A basis of ``{W in g : W x = 0 for every point x}`` (exact).
    broken : tuple of sympy.ImmutableMatrix
        A basis of the Frobenius-orthogonal complement of ``unbroken`` in ``g``: one generator per
        Goldstone direction; ``len(broken)`` is the dimension of the orbit through the point.
    algebra : LieAlgebra or None
        Of ``unbroken`` (None when nothing is unbroken).
    identification : Identification or None
    notes : tuple of str
    pieces : tuple of int
        Real dimensions of the irreducible pieces of the broken directions (``g/h``) under the
        unbroken algebra, largest first (read numerically from the commutant of its action).
    """

    variables: tuple[str, ...]
    points: tuple[tuple[sp.Expr, ...], ...]
    ambient_dimension: int
    unbroken: tuple[sp.ImmutableMatrix, ...] = field(repr=False)
    broken: tuple[sp.ImmutableMatrix, ...] = field(repr=False)
    algebra: LieAlgebra | None = field(repr=False)
    identification: Identification | None = field(repr=False)
    notes: tuple[str, ...] = ()
    pieces: tuple[int, ...] = ()

    @property
    def branching_text(self) -> str:
        """``"6 = 3 + (3)"``: the whole algebra as the unbroken one plus the irreducible pieces of
        the broken directions under it (in parentheses)."""
        return _branching_text(self.ambient_dimension, self.dimension, self.pieces)

    @property
    def dimension(self) -> int:
        """The dimension of the unbroken algebra."""
        return len(self.unbroken)

    @property
    def n_broken(self) -> int:
        """How many generators broke (Goldstone directions)."""
        return len(self.broken)

    @property
    def name(self) -> str | None:
        if self.dimension == 0:
            return "0"
        return None if self.identification is None else self.identification.name

    @property
    def title(self) -> str:
        return f"stabilizer: {self.name or '?'} ({self.dimension} unbroken, {self.n_broken} broken)"

    def point_text(self, i: int = 0) -> str:
        shown = [f"{v}={sp.sstr(x)}" for v, x in zip(self.variables, self.points[i]) if x != 0]
        return ", ".join(shown) if shown else "the origin"

    def report_lines(self, max_shown: int = 6) -> list[str]:
        at = "; ".join(self.point_text(i) for i in range(len(self.points)))
        lines = [f"Stabilizer of {at}: {self.name or '(not named)'}, dimension {self.dimension} of "
                 f"{self.ambient_dimension}; broken generators: {self.n_broken} (Goldstone directions)",
                 f"  branching: {self.branching_text} (unbroken + the irreducible pieces of the broken directions)"]
        if self.identification is not None and self.identification.killing_signature:
            lines.append(f"  unbroken Killing signature (+, -, 0): {tuple(self.identification.killing_signature)}")
        d = self.unbroken[0].shape[0] if self.unbroken else self.broken[0].shape[0] if self.broken else 0
        if d <= 8:
            from liealg.report import format_matrix

            for label, mats in (("U", self.unbroken), ("B", self.broken)):
                for i, m in enumerate(mats[:max_shown], start=1):
                    lines.append(f"  {label}{i} ({'unbroken' if label == 'U' else 'broken'}) =")
                    lines.append(format_matrix(m))
        lines.extend(f"  note: {n}" for n in self.notes)
        return lines

    def to_json(self) -> dict[str, Any]:
        from liealg import io

        points = [{v: str(x) for v, x in zip(self.variables, p)} for p in self.points]
        return {
            "point": points[0] if len(points) == 1 else points,
            "points": points,
            "dimension": self.dimension,
            "ambient_dimension": self.ambient_dimension,
            "broken": self.n_broken,
            "name": self.name,
            "branching": {"unbroken": self.dimension, "broken_pieces": list(self.pieces)},
            "generators": [io.matrix_to_json(m) for m in self.unbroken],
            "broken_generators": [io.matrix_to_json(m) for m in self.broken],
            "algebra": None if self.identification is None else self.identification.to_json(),
            "notes": list(self.notes),
        }


def _branching_text(total: int, kept: int, pieces: Sequence[int]) -> str:
    return f"{total} = {kept}" + "".join(f" + ({p})" for p in pieces)


def stabilizer(generators: Sequence[sp.MatrixBase], points: Any, *, variables: Sequence[str],
               blocks: int = 1, seed: int = 0, name: bool = True) -> Stabilizer:
    """The subalgebra of ``g`` that fixes the point(s): ``{W in g : W x = 0}``, exactly.

    For linear generators, ``exp(tW) x = x`` for all ``t`` exactly when ``W x = 0``: the
    stabilizer is the null space of the linear map ``c -> sum_a c_a g_a x``, solved over Q (or
    over the numbers' field). Its dimension plus the number of broken generators is ``dim g``,
    and the broken number is the dimension of the orbit ``G x`` (Goldstone's count).

    Parameters
    ----------
    generators : sequence of exact (d, d) matrices
        A basis of ``g``, in the oracle's coordinates.
    points : point or sequence of points
        Each as :func:`parse_point` reads it (a string, a mapping, or all values).
    variables : sequence of str
        All the oracle's variables, in order (``blocks * d`` of them).
    blocks : int
        Argument vectors of the oracle: each generator acts on each block of ``d`` variables.
    seed : int
        For :func:`liealg.identify`.
    name : bool
        Identify the unbroken algebra.

    Returns
    -------
    Stabilizer

    Examples
    --------
    >>> from liealg.catalog import so
    >>> s = stabilizer(so(3), "x3=1", variables=["x1", "x2", "x3"])
    >>> s.dimension, s.n_broken, s.name
    (1, 2, 'u(1)')
    """
    gens = [sp.ImmutableMatrix(g) for g in generators]
    names = [str(v) for v in variables]
    if not gens:
        raise OptionError("the symmetry algebra is 0-dimensional: there is nothing to break")
    d = gens[0].shape[0]
    if d * blocks != len(names):
        raise OptionError(f"{len(names)} variables for {blocks} block(s) of {d}x{d} generators")
    if isinstance(points, (str, Mapping)):
        point_list: list[Any] = [points]
    else:
        seq = list(points)
        point_list = [points] if seq and not isinstance(seq[0], (str, Mapping, list, tuple)) else seq
    if not point_list:
        raise OptionError("give at least one point")
    parsed = tuple(parse_point(p, names) for p in point_list)
    columns = []
    for g in gens:
        col: list[sp.Expr] = []
        for p in parsed:
            for b in range(blocks):
                col.extend(g * sp.Matrix(p[b * d:(b + 1) * d]))
        columns.append(col)
    M = sp.Matrix(columns).T  # (points * blocks * d, n)
    kept = _nullspace_rows(M)
    unbroken, broken, _ = _split(gens, kept)
    notes: list[str] = []
    algebra, ident = _name_of(unbroken, seed, notes) if name else (None, None)
    return Stabilizer(tuple(names), parsed, len(gens), unbroken, broken, algebra, ident, tuple(notes),
                      _module_pieces(unbroken, broken, seed))


@dataclass(frozen=True)
class Breaking:
    """What a perturbation ``oracle + delta * term`` (generic ``delta``) leaves of the symmetry.

    Attributes
    ----------
    term : str
    ambient_dimension : int
    unbroken : tuple of sympy.ImmutableMatrix
        The residual algebra (the symmetries of both the oracle and the term), exactly.
    broken : tuple of sympy.ImmutableMatrix
        The Frobenius-orthogonal complement of ``unbroken`` in the original algebra.
    branching : tuple of str
        For each generator of the original algebra's basis, in order: ``"unbroken"`` (it lies in
        the residual algebra), ``"broken"`` (orthogonal to it) or ``"mixed"``.
    pieces : tuple of int
        Real dimensions of the irreducible pieces of the broken directions under the residual
        algebra, largest first.
    algebra : LieAlgebra or None
    identification : Identification or None
    ambient_name : str or None
    notes : tuple of str
    """

    term: str
    ambient_dimension: int
    unbroken: tuple[sp.ImmutableMatrix, ...] = field(repr=False)
    broken: tuple[sp.ImmutableMatrix, ...] = field(repr=False)
    branching: tuple[str, ...]
    algebra: LieAlgebra | None = field(repr=False)
    identification: Identification | None = field(repr=False)
    ambient_name: str | None = None
    notes: tuple[str, ...] = ()
    pieces: tuple[int, ...] = ()

    @property
    def branching_text(self) -> str:
        return _branching_text(self.ambient_dimension, self.dimension, self.pieces)

    @property
    def dimension(self) -> int:
        return len(self.unbroken)

    @property
    def n_broken(self) -> int:
        return len(self.broken)

    @property
    def name(self) -> str | None:
        if self.dimension == 0:
            return "0"
        return None if self.identification is None else self.identification.name

    @property
    def title(self) -> str:
        return f"breaking by {self.term}: {self.ambient_name or '?'} -> {self.name or '?'}"

    def report_lines(self) -> list[str]:
        lines = [f"Breaking by {self.term}: {self.ambient_name or '?'} (dimension {self.ambient_dimension}) -> "
                 f"{self.name or '(not named)'} (dimension {self.dimension}); broken generators: {self.n_broken}",
                 f"  branching: {self.branching_text} (residual + the irreducible pieces of the broken directions)"]
        counts = {k: self.branching.count(k) for k in ("unbroken", "broken", "mixed")}
        lines.append("  the original generators: " + ", ".join(
            f"J{i + 1} {b}" for i, b in enumerate(self.branching)) if len(self.branching) <= 12 else
            f"  the original generators: {counts['unbroken']} unbroken, {counts['broken']} broken, "
            f"{counts['mixed']} mixed")
        lines.extend(f"  note: {n}" for n in self.notes)
        return lines

    def to_json(self) -> dict[str, Any]:
        from liealg import io

        return {
            "term": self.term,
            "ambient_dimension": self.ambient_dimension,
            "ambient_name": self.ambient_name,
            "dimension": self.dimension,
            "broken": self.n_broken,
            "name": self.name,
            "branching": {"unbroken": self.dimension, "broken_pieces": list(self.pieces),
                          "generators": list(self.branching)},
            "generators": [io.matrix_to_json(m) for m in self.unbroken],
            "broken_generators": [io.matrix_to_json(m) for m in self.broken],
            "algebra": None if self.identification is None else self.identification.to_json(),
            "notes": list(self.notes),
        }


def breaking(generators: Sequence[sp.MatrixBase], residual: Sequence[sp.MatrixBase], *, term: str = "",
             seed: int = 0, name: bool = True) -> Breaking:
    """Compare a symmetry algebra with the residual algebra of a perturbed oracle.

    Parameters
    ----------
    generators : sequence of exact (d, d) matrices
        A basis of the original algebra ``g``.
    residual : sequence of exact (d, d) matrices
        A basis of the symmetries of the perturbed oracle (for ``F + delta*T`` with generic
        ``delta``: the symmetries of both ``F`` and ``T``); only its part inside ``g`` counts.
    term : str
        The perturbation, for the report.

    Returns
    -------
    Breaking

    Examples
    --------
    >>> from liealg.catalog import so
    >>> from liealg.exact import solve_symmetries
    >>> from liealg.oracle import Oracle
    >>> g = solve_symmetries(Oracle("x1**2 + x2**2 + x3**2 + x4**2"))
    >>> h = solve_symmetries(Oracle(["x1**2 + x2**2 + x3**2 + x4**2", "x4**4"]))
    >>> b = breaking(g, h, term="x4**4")
    >>> b.ambient_name, b.name, b.n_broken
    ('su(2) ⊕ su(2)', 'su(2)', 3)
    """
    gens = [sp.ImmutableMatrix(g) for g in generators]
    if not gens:
        raise OptionError("the symmetry algebra is 0-dimensional: there is nothing to break")
    n = len(gens)
    d = gens[0].shape
    flat = sp.Matrix([list(g) for g in gens])  # (n, d*d)
    res = [sp.Matrix(r) for r in residual]
    notes: list[str] = []
    if res:
        # Coefficients c with sum c_a g_a in span(residual): null space of [flat^T | -R^T].
        R = sp.Matrix([list(r) for r in res])
        N = _nullspace_rows(sp.Matrix.hstack(flat.T, -R.T))
        kept = N[:, :n] if N.rows else sp.zeros(0, n)
        kept = _nullspace_rows(_nullspace_rows(kept)) if kept.rows else kept  # an independent basis
        if kept.rows < len(res):
            notes.append(f"{len(res) - kept.rows} symmetry generator(s) of the perturbed oracle are not in the "
                         "original algebra (the perturbation adds symmetry there)")
    else:
        kept = sp.zeros(0, n)
    unbroken, broken, broken_coeffs = _split(gens, sp.Matrix(kept))
    # Branching of the original basis: J_a is unbroken when it lies in span(kept), broken when it is
    # Frobenius-orthogonal to it.
    G = _gram(gens)
    branch = []
    for a in range(n):
        e = sp.zeros(1, n)
        e[0, a] = 1
        inside = kept.rows > 0 and sp.Matrix.vstack(sp.Matrix(kept), e).rank() == kept.rows
        orthogonal = kept.rows == 0 or all(v == 0 for v in sp.Matrix(kept) * G * e.T)
        branch.append("unbroken" if inside else "broken" if orthogonal else "mixed")
    algebra, ident = _name_of(unbroken, seed, notes) if name else (None, None)
    ambient_name = None
    if name:
        _, amb_ident = _name_of(gens, seed, notes)
        ambient_name = None if amb_ident is None else amb_ident.name
    del d, broken_coeffs
    return Breaking(term, n, unbroken, broken, tuple(branch), algebra, ident, ambient_name, tuple(notes),
                    _module_pieces(unbroken, broken, seed))


# =============================================================================================
# The explicit map onto a textbook basis
# =============================================================================================
def _unit(d: int, i: int, j: int) -> sp.Matrix:
    m = sp.zeros(d, d)
    m[i, j] = 1
    return m


def _invariant_form(gens: Sequence[sp.MatrixBase]) -> sp.Matrix | None:
    """The symmetric form ``B`` with ``g^T B + B g = 0`` for every generator, when it is unique up
    to scale (None otherwise)."""
    d = gens[0].shape[0]
    idx = [(i, j) for i in range(d) for j in range(i, d)]
    rows = []
    for g in gens:
        G = sp.Matrix(g)
        for r in range(d):
            for c in range(r, d):
                # (g^T B + B g)[r, c] as a linear function of the entries B[i, j] = B[j, i].
                row = []
                for i, j in idx:
                    B = sp.zeros(d, d)
                    B[i, j] = B[j, i] = 1
                    row.append((G.T * B + B * G)[r, c])
                rows.append(row)
    N = _nullspace_rows(sp.Matrix(rows))
    if N.rows != 1:
        return None
    B = sp.zeros(d, d)
    for (i, j), v in zip(idx, N.row(0)):
        B[i, j] = B[j, i] = v
    return B


def _gell_mann(n: int) -> list[tuple[str, sp.Matrix]]:
    """``i`` times the generalized Gell-Mann matrices (su(3): lambda_1 .. lambda_8 in order)."""
    out: list[tuple[str, sp.Matrix]] = []
    for k in range(1, n):
        for j in range(k):
            out.append((f"iλ{len(out) + 1}", sp.I * (_unit(n, j, k) + _unit(n, k, j))))
            out.append((f"iλ{len(out) + 1}", sp.I * (-sp.I * _unit(n, j, k) + sp.I * _unit(n, k, j))))
        D = sp.zeros(n, n)
        for i in range(k):
            D[i, i] = 1
        D[k, k] = -k
        out.append((f"iλ{len(out) + 1}", sp.I * sp.sqrt(sp.Rational(2, k * (k + 1))) * D))
    return out


def _textbook(gens: Sequence[sp.MatrixBase]) -> tuple[str, list[tuple[str, sp.Matrix]]] | None:
    """The family and its textbook basis in the generators' own coordinates, or None."""
    d = gens[0].shape[0]
    n = len(gens)
    if any(not v.is_real for g in gens for v in g):
        if n == d * d - 1:
            return f"su({d})", _gell_mann(d)
        if n == d * d:
            return f"u({d})", [*_gell_mann(d), ("i1", sp.I * sp.eye(d))]
        return None
    if n != d * (d - 1) // 2:
        return None
    B = _invariant_form(gens)
    if B is None or not B.is_diagonal() or len({abs(B[i, i]) for i in range(d)}) != 1 or B[0, 0] == 0:
        return None
    eta = [sp.sign(B[i, i]) for i in range(d)]
    if eta.count(-1) > eta.count(1):
        eta = [-e for e in eta]
    q = eta.count(-1)
    if d == 4 and q == 1:  # the Lorentz algebra: J_i, K_i
        t = eta.index(-1)
        s1, s2, s3 = (i for i in range(4) if i != t)
        basis = [("J1", _unit(4, s3, s2) - _unit(4, s2, s3)), ("J2", _unit(4, s1, s3) - _unit(4, s3, s1)),
                 ("J3", _unit(4, s2, s1) - _unit(4, s1, s2))]
        basis += [(f"K{i + 1}", _unit(4, s, t) + _unit(4, t, s)) for i, s in enumerate((s1, s2, s3))]
        return "so(3,1)", basis
    family = f"so({d})" if q == 0 else f"so({d - q},{q})"
    basis = [(f"M{i + 1}{j + 1}", eta[j] * _unit(d, i, j) - eta[i] * _unit(d, j, i))
             for i in range(d) for j in range(i + 1, d)]
    return family, basis


@dataclass(frozen=True)
class StandardBasis:
    """The exact change of basis from the learned generators to a textbook basis.

    Attributes
    ----------
    family : str
        ``"so(n)"``, ``"so(p,q)"``, ``"so(3,1)"`` (``J_i, K_i``), ``"su(n)"`` or ``"u(n)"``
        (``i`` times the generalized Gell-Mann matrices, and ``i`` times the identity).
    labels : tuple of str
    standard : tuple of sympy.ImmutableMatrix
        The textbook matrices, in the generators' coordinates.
    matrix : sympy.ImmutableMatrix, shape (n, n)
        ``generator_a = sum_b matrix[a, b] * standard_b``.
    inverse : sympy.ImmutableMatrix, shape (n, n)
        ``standard_b = sum_a inverse[b, a] * generator_a``.
    preserves_brackets : bool
        Checked exactly: ``[g_a, g_b]`` equals the bracket of their images, for every pair.
    """

    family: str
    labels: tuple[str, ...]
    standard: tuple[sp.ImmutableMatrix, ...] = field(repr=False)
    matrix: sp.ImmutableMatrix = field(repr=False)
    inverse: sp.ImmutableMatrix = field(repr=False)
    preserves_brackets: bool

    def expression(self, a: int, symbol: str = "generator ") -> str:
        """``"generator 1 = -K1 + 2*J3"``: generator ``a`` (0-based) in the textbook basis."""
        terms = [f"{sp.sstr(c)}*{lab}" if c not in (1, -1) else ("-" if c == -1 else "") + lab
                 for c, lab in zip(self.matrix.row(a), self.labels) if c != 0]
        return f"{symbol}{a + 1} = " + " + ".join(terms).replace("+ -", "- ")

    def report_lines(self) -> list[str]:
        lines = [f"Standard basis ({self.family}: {', '.join(self.labels)}); brackets preserved: "
                 f"{'yes' if self.preserves_brackets else 'NO'}"]
        lines.extend("  " + self.expression(a) for a in range(self.matrix.rows))
        return lines

    def to_json(self) -> dict[str, Any]:
        from liealg import io

        return {
            "family": self.family,
            "labels": list(self.labels),
            "standard": [io.matrix_to_json(m) for m in self.standard],
            "matrix": io.matrix_to_json(self.matrix),
            "inverse": io.matrix_to_json(self.inverse),
            "preserves_brackets": self.preserves_brackets,
        }


def standard_basis(generators: Sequence[sp.MatrixBase]) -> StandardBasis:
    """Map exact generators onto the textbook basis of their family, exactly.

    The family is read from the generators: real ``d x d`` generators of dimension
    ``d(d-1)/2`` keeping one diagonal form ``eta`` (``+-1`` up to a common scale) are ``so(p,q)``
    with ``M_ij = eta_j E_ij - eta_i E_ji`` (``so(n)``: ``E_ij - E_ji``; ``so(3,1)``: the rotations
    ``J_i`` and boosts ``K_i``); complex ``d x d`` generators of dimension ``d^2 - 1`` or ``d^2`` are
    ``su(d)`` or ``u(d)`` with ``i`` times the generalized Gell-Mann matrices (and ``i``).
    The textbook basis is an orthogonal one, so the coefficients are Frobenius inner products;
    the map is then checked to reproduce every generator and every bracket.

    Parameters
    ----------
    generators : sequence of exact (d, d) matrices
        A basis of the algebra, in the oracle's coordinates.

    Returns
    -------
    StandardBasis

    Raises
    ------
    IdentificationError
        No textbook family matches (another family, or coordinates where the invariant form is
        not diagonal with equal magnitudes: a change of variables would be needed first).

    Examples
    --------
    >>> from liealg.exact import solve_symmetries
    >>> from liealg.oracle import Oracle
    >>> s = standard_basis(solve_symmetries(Oracle("x1**2 + x2**2 + x3**2 - x4**2")))
    >>> s.family, s.labels, s.preserves_brackets
    ('so(3,1)', ('J1', 'J2', 'J3', 'K1', 'K2', 'K3'), True)
    """
    gens = [sp.Matrix(g) for g in generators]
    if not gens:
        raise OptionError("no generators to map")
    found = _textbook(gens)
    if found is None:
        raise IdentificationError(
            "no textbook basis applies: the family is not so(p,q), su(n) or u(n) in its defining representation, "
            "or the coordinates keep a form that is not diagonal with entries +-c (change variables first)")
    family, named = found
    labels = tuple(lab for lab, _ in named)
    T = [m for _, m in named]
    n = len(gens)

    def inner(a: sp.Matrix, b: sp.Matrix) -> sp.Expr:
        return sp.nsimplify(sp.expand((a.H.reshape(1, a.rows * a.cols) * b.reshape(b.rows * b.cols, 1))[0, 0]))

    norms = [inner(t, t) for t in T]
    M = sp.zeros(n, len(T))
    for a, g in enumerate(gens):
        for b, t in enumerate(T):
            M[a, b] = sp.nsimplify(sp.simplify(inner(t, g) / norms[b]))
        rebuilt = sum((M[a, b] * T[b] for b in range(len(T))), sp.zeros(*g.shape))
        if sp.simplify(rebuilt - g) != sp.zeros(*g.shape):
            raise IdentificationError(f"generator {a + 1} is not in the span of the {family} textbook basis: these "
                                      "coordinates are not the textbook ones")
    if M.shape[0] != M.shape[1] or M.rank() != n:
        raise IdentificationError(f"the generators do not span {family}")
    inverse = M.inv()
    ok = True
    for a in range(n):
        for b in range(a + 1, n):
            lhs = gens[a] * gens[b] - gens[b] * gens[a]
            rhs = sp.zeros(*lhs.shape)
            for c in range(n):
                for e in range(n):
                    if M[a, c] != 0 and M[b, e] != 0:
                        rhs += M[a, c] * M[b, e] * (T[c] * T[e] - T[e] * T[c])
            if sp.simplify(lhs - rhs) != sp.zeros(*lhs.shape):
                ok = False
    return StandardBasis(family, labels, tuple(sp.ImmutableMatrix(t) for t in T), sp.ImmutableMatrix(M),
                         sp.ImmutableMatrix(inverse.applyfunc(sp.nsimplify)), ok)
