"""Name a Lie algebra known only in floats: learned generators, or a rounded structure-constant table.

:func:`liealg.identification.identify` names an *exact* algebra. Generators learned from data,
or a table typed in with four decimals, are floats: their brackets close only up to noise, and
a name read off them must say how much noise it took. :func:`identify_numeric` does this:

1. **Numeric facts first.** An orthonormal basis of the float span (matrices) or the table itself;
   float structure constants (projected brackets) and how far the span is from closing; the
   Killing form's eigenvalues, with those below a gap counted as zero, give a numeric signature;
   numeric ranks of the derived and lower central series suggest solvable, nilpotent,
   semisimple. These are always reported, marked numeric.
2. **An exact candidate, where one honestly fits.** The float span is rationalized
   (:func:`liealg.exact.rationalize`, canonical RREF basis) at increasing tolerances, from
   ``1e-9`` up to ``max_tolerance``; a table is rounded entry by entry to simple rationals. A
   candidate is accepted only when its exact structure constants close (exact closure for
   matrices, the exact Jacobi identity for a table), it has the float span's dimension, its
   span lies within the tolerance of the floats (largest principal angle, radians), and its
   exact Killing signature agrees with the numeric one where that is clearly read.
3. **A name for the candidate** by :func:`~liealg.identification.identify`, reported with the
   tolerance used and the confidence figure (the principal angle, or for a table the largest
   relative deviation of an entry). The result is marked ``numeric=True`` always: it says the
   floats are within that tolerance of an algebra with that name, never that they are it.

When no candidate passes, the numeric facts come back with no name.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> E = np.zeros((3, 3, 3))
>>> for a, (i, j) in enumerate([(0, 1), (0, 2), (1, 2)]):
...     E[a, i, j], E[a, j, i] = 1.0, -1.0
>>> noisy = np.einsum("ab,bij->aij", rng.normal(size=(3, 3)), E) + 1e-4 * rng.normal(size=(3, 3, 3))
>>> r = identify_numeric(noisy)
>>> r.name, r.numeric, r.killing_signature, r.tolerance <= 1e-3
('su(2)', True, (0, 3, 0), True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from liealg.algebra import LieAlgebra
from liealg.errors import IdentificationError, LieAlgError, OptionError, RationalizationError
from liealg.exact.rationalize import principal_angles, rationalize
from liealg.identification import Identification, identify

__all__ = ["NumericIdentification", "identify_numeric", "numeric_structure_constants", "DEFAULT_MAX_TOLERANCE"]

#: The largest tolerance tried by default: a candidate whose span is more than 0.05 rad (about 3
#: degrees) from the floats is not offered.
DEFAULT_MAX_TOLERANCE = 0.05
#: Eigenvalues and singular values below this many times the noise level (relative) count as zero.
_NOISE_FACTOR = 5.0


@dataclass(frozen=True)
class NumericIdentification:
    """What :func:`identify_numeric` found. Always numeric: a name here is a statement about floats.

    Attributes
    ----------
    numeric : bool
        Always True: read this as "within ``tolerance`` of", never "exactly".
    dimension : int
        Numerical dimension of the span (matrices: rank at the largest singular-value gap) or of
        the table.
    name : str or None
        The name of the accepted exact candidate (None when none passed, or it could not be named).
    aliases : tuple of str
    tolerance : float or None
        The relative tolerance at which the candidate was found (the smallest that worked).
    max_tolerance : float
        The largest tolerance that was allowed.
    confidence : float or None
        The figure behind the name: for matrices the largest principal angle (radians) between
        the float span and the exact candidate's; for a table the largest deviation of an entry
        from the exact one, relative to the largest entry. Smaller is better; never above
        ``tolerance``.
    confidence_kind : {"principal_angle", "relative_deviation"}
    closure_error : float
        How far the floats are from a Lie algebra: matrices, ``||[A, B] - P[A, B]|| / ||[A, B]||``
        over all pairs of an orthonormal basis (``P`` projects onto the span); a table, the
        Jacobi identity's residual relative to its terms.
    killing_signature : tuple of int
        ``(positive, negative, zero)`` numerically: eigenvalues of the float Killing form, those
        below the noise level (relative to the largest) counted as zero.
    killing_eigenvalues : tuple of float
        Ascending.
    signature_gap : float
        Decades between the smallest eigenvalue counted as nonzero (or, when all are zero, the
        scale of the structure constants) and the largest counted as zero (``inf`` when none is
        zero), eigenvalues relative to ``max_a ||ad e_a||^2``: how clearly the signature was read.
    derived_series, lower_central_series : tuple of int
        Numeric dimensions, ending at the first repeated term.
    semisimple, solvable, nilpotent : bool
        What the numeric facts suggest (Killing form nondegenerate; derived / lower central
        series reaching 0). For the accepted candidate these are exact facts as well.
    identification : Identification or None
        The exact identification of the candidate.
    exact_generators : tuple of sympy.ImmutableMatrix or None
        The candidate's canonical exact basis (matrices input only).
    algebra : LieAlgebra or None
        The candidate's exact algebra.
    structure_constants : numpy.ndarray, shape (k, k, k)
        The float structure constants used for the numeric facts (in the orthonormal basis of the
        span for matrices; ``[e_a, e_b] = sum_c f[a, b, c] e_c``). Read-only.
    attempts : tuple of (float, str)
        Each tolerance tried and what happened.
    notes : tuple of str
    """

    numeric: bool
    dimension: int
    name: str | None
    aliases: tuple[str, ...]
    tolerance: float | None
    max_tolerance: float
    confidence: float | None
    confidence_kind: str
    closure_error: float
    killing_signature: tuple[int, int, int]
    killing_eigenvalues: tuple[float, ...]
    signature_gap: float
    derived_series: tuple[int, ...]
    lower_central_series: tuple[int, ...]
    semisimple: bool
    solvable: bool
    nilpotent: bool
    identification: Identification | None = field(default=None, repr=False)
    exact_generators: tuple[sp.ImmutableMatrix, ...] | None = field(default=None, repr=False)
    algebra: LieAlgebra | None = field(default=None, repr=False)
    structure_constants: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0)), repr=False)
    attempts: tuple[tuple[float, str], ...] = ()
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        f = np.array(self.structure_constants, dtype=np.float64)
        f.setflags(write=False)
        object.__setattr__(self, "structure_constants", f)

    @property
    def accepted(self) -> bool:
        """An exact candidate passed every check."""
        return self.algebra is not None

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types (see docs/data.md for every key)."""
        from liealg import io

        def num(x: float | None) -> float | str | None:
            if x is None:
                return None
            return float(x) if math.isfinite(x) else "inf"

        return {
            "numeric": True,
            "dimension": self.dimension,
            "name": self.name,
            "aliases": list(self.aliases),
            "tolerance": num(self.tolerance),
            "max_tolerance": float(self.max_tolerance),
            "confidence": num(self.confidence),
            "confidence_kind": self.confidence_kind,
            "closure_error": num(self.closure_error),
            "killing_signature": list(self.killing_signature),
            "killing_eigenvalues": [float(v) for v in self.killing_eigenvalues],
            "signature_gap": num(self.signature_gap),
            "derived_series": list(self.derived_series),
            "lower_central_series": list(self.lower_central_series),
            "semisimple": self.semisimple,
            "solvable": self.solvable,
            "nilpotent": self.nilpotent,
            "exact_generators": (None if self.exact_generators is None
                                 else [io.matrix_to_json(m) for m in self.exact_generators]),
            "structure_constants": None if self.algebra is None else self.algebra.to_json()["brackets"],
            "algebra": None if self.identification is None else self.identification.to_json(),
            "attempts": [[float(t), outcome] for t, outcome in self.attempts],
            "notes": list(self.notes),
        }

    def __str__(self) -> str:
        lines = []
        if self.name is not None:
            assert self.tolerance is not None and self.confidence is not None
            what = "largest principal angle" if self.confidence_kind == "principal_angle" else "largest deviation"
            lines.append(f"{self.name}  (numeric: within tolerance {self.tolerance:.1g}; {what} "
                         f"{self.confidence:.2g}{' rad' if self.confidence_kind == 'principal_angle' else ''})")
            if self.aliases:
                lines.append("  also: " + ", ".join(self.aliases))
        else:
            lines.append(f"no name (numeric): no exact candidate within tolerance {self.max_tolerance:g}")
        kinds = [k for k, v in (("semisimple", self.semisimple), ("solvable", self.solvable),
                                ("nilpotent", self.nilpotent)) if v]
        gap = "clear" if not math.isfinite(self.signature_gap) else f"gap {self.signature_gap:.1f} decades"
        lines.append(f"  dimension {self.dimension}; Killing signature (+, -, 0) {self.killing_signature} "
                     f"(numeric, {gap}); closure error {self.closure_error:.1e}")
        lines.append(f"  derived series {list(self.derived_series)}, lower central series "
                     f"{list(self.lower_central_series)}" + (f"; suggests {', '.join(kinds)}" if kinds else ""))
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)


# --------------------------------------------------------------------------- numeric facts
def _tolerances(max_tolerance: float) -> list[float]:
    """1e-9, 3e-9, 1e-8, ... up to ``max_tolerance`` (which is always tried last)."""
    out = []
    for e in range(-9, 0):
        for m in (1.0, 3.0):
            t = m * 10.0**e
            if t < max_tolerance * (1 - 1e-12):
                out.append(t)
    out.append(float(max_tolerance))
    return out


def _orthonormal_span(matrices: np.ndarray, rtol: float) -> tuple[np.ndarray, np.ndarray, int]:
    """Orthonormal basis (r, d, d) of the span, the singular values, and the rank r (largest gap)."""
    k, d, _ = matrices.shape
    rows = matrices.reshape(k, d * d)
    _, s, vh = np.linalg.svd(rows, full_matrices=False)
    if s.size == 0 or s[0] == 0:
        return np.zeros((0, d, d)), s, 0
    rel = s / s[0]
    candidates = [r for r in range(1, k + 1) if rel[r - 1] > rtol]
    ext = np.append(rel, 0.0)
    r = max(candidates, key=lambda c: ((ext[c - 1] / ext[c]) if ext[c] > 0 else math.inf, c))
    return vh[:r].reshape(r, d, d), s, r


def numeric_structure_constants(basis: np.ndarray) -> tuple[np.ndarray, float]:
    """Float structure constants of an orthonormal basis of matrices, and its closure error.

    Parameters
    ----------
    basis : numpy.ndarray, shape (k, d, d), orthonormal under ``tr(A B^T)``

    Returns
    -------
    f : numpy.ndarray, shape (k, k, k)
        ``[B_a, B_b] ~ sum_c f[a, b, c] B_c`` (the orthogonal projection of each bracket).
    closure_error : float
        ``sqrt(sum ||[B_a, B_b] - P[B_a, B_b]||^2 / sum ||[B_a, B_b]||^2)`` (0 for an abelian span).
    """
    k = basis.shape[0]
    if k == 0:
        return np.zeros((0, 0, 0)), 0.0
    br = np.einsum("aij,bjk->abik", basis, basis)
    br = br - br.transpose(1, 0, 2, 3)
    f = np.einsum("abij,cij->abc", br, basis)
    resid = br - np.einsum("abc,cij->abij", f, basis)
    total = float((br**2).sum())
    return f, (math.sqrt(float((resid**2).sum()) / total) if total > 0 else 0.0)


def _rank(vectors: np.ndarray, floor: float, scale: float) -> int:
    if vectors.size == 0:
        return 0
    s = np.linalg.svd(vectors, compute_uv=False)
    return int(np.sum(s > floor * max(scale, 1e-300)))


def _series(f: np.ndarray, floor: float, lower: bool) -> tuple[int, ...]:
    """Numeric dimensions of the derived (or lower central) series from structure constants."""
    k = f.shape[0]
    scale = float(np.abs(f).max()) if f.size else 0.0
    current = np.eye(k)  # rows: an orthonormal basis of the current term, in coordinates
    dims = [k]
    while current.shape[0] > 0:
        left = current if not lower else np.eye(k)
        # [u, v] for u in the left space, v in the current term: coordinates sum_ab u_a v_b f[a, b, :]
        brackets = np.einsum("ia,jb,abc->ijc", left, current, f).reshape(-1, k)
        if brackets.size == 0 or scale == 0:
            nxt = np.zeros((0, k))
        else:
            _, s, vh = np.linalg.svd(brackets, full_matrices=False)
            r = int(np.sum(s > floor * scale))
            nxt = vh[:r]
        if nxt.shape[0] == current.shape[0]:
            break
        dims.append(nxt.shape[0])
        current = nxt
    return tuple(dims)


def _killing(f: np.ndarray, floor: float) -> tuple[tuple[int, int, int], np.ndarray, float]:
    ad = f.transpose(0, 2, 1)  # ad[a][c, b] = f[a, b, c]
    K = np.einsum("aij,bji->ab", ad, ad)
    K = 0.5 * (K + K.T)
    evals = np.linalg.eigvalsh(K) if K.size else np.zeros(0)
    # Relative to the size of the structure constants (max_a ||ad_a||_F^2), not to K's own
    # largest eigenvalue: a noisy nilpotent algebra has a Killing form of the noise's size.
    top = float((ad**2).sum(axis=(1, 2)).max()) if ad.size else 0.0
    if top == 0:
        return (0, 0, len(evals)), evals, math.inf
    rel = np.abs(evals) / top
    zero = rel <= floor
    pos = int(np.sum((evals > 0) & ~zero))
    neg = int(np.sum((evals < 0) & ~zero))
    nz = int(np.sum(zero))
    if nz == 0:
        gap = math.inf
    else:
        # With every eigenvalue counted as zero, the gap is to the scale itself (1).
        smallest_nonzero = float(rel[~zero].min()) if (~zero).any() else 1.0
        largest_zero = max(float(rel[zero].max()), 1e-300)
        gap = math.log10(smallest_nonzero / largest_zero)
    return (pos, neg, nz), evals, gap


@dataclass
class _Facts:
    dimension: int
    f: np.ndarray
    closure_error: float
    floor: float
    signature: tuple[int, int, int]
    evals: np.ndarray
    gap: float
    derived: tuple[int, ...]
    lower: tuple[int, ...]

    @property
    def semisimple(self) -> bool:
        return self.dimension > 0 and self.signature[2] == 0

    @property
    def solvable(self) -> bool:
        return self.derived[-1] == 0

    @property
    def nilpotent(self) -> bool:
        return self.lower[-1] == 0


def _facts(f: np.ndarray, closure_error: float, noise: float) -> _Facts:
    floor = max(1e-9, _NOISE_FACTOR * max(closure_error, noise))
    sig, evals, gap = _killing(f, floor)
    return _Facts(f.shape[0], f, closure_error, floor, sig, evals, gap,
                  _series(f, floor, lower=False), _series(f, floor, lower=True))


# --------------------------------------------------------------------------- the function
def identify_numeric(
    generators: Any = None,
    *,
    structure_constants: Any = None,
    max_tolerance: float = DEFAULT_MAX_TOLERANCE,
    max_denominator: int = 100,
    noise: float = 0.0,
    seed: int = 0,
) -> NumericIdentification:
    """Name the Lie algebra of float generators, or of a float structure-constant table.

    Give exactly one of ``generators`` and ``structure_constants``.

    Parameters
    ----------
    generators : array_like, shape (k, d, d)
        Float matrices (learned, noisy, any basis of the span). Real; complex matrices are
        compared through their real span by the exact layer.
    structure_constants : array_like, shape (k, k, k)
        ``c[i, j, l]`` with ``[e_i, e_j] = sum_l c[i, j, l] e_l`` (floats, e.g. rounded); the
        antisymmetric part in ``(i, j)`` is used.
    max_tolerance : float
        The largest relative tolerance tried (in (0, 1)); candidates are sought at 1e-9, 3e-9,
        1e-8, ... up to it. Default 0.05.
    max_denominator : int
        Largest denominator of an exact entry.
    noise : float
        A known noise level of the floats (relative); the numeric facts count values below
        ``5 * max(noise, closure error)`` (relative) as zero. Default: the closure error alone.
    seed : int
        Passed to :func:`~liealg.identification.identify`.

    Returns
    -------
    NumericIdentification

    Raises
    ------
    OptionError
        For a bad shape, non-finite entries, both or neither input, or a bad tolerance.
    """
    if (generators is None) == (structure_constants is None):
        raise OptionError("give exactly one of generators (k, d, d) and structure_constants (k, k, k)")
    if isinstance(max_tolerance, bool) or not isinstance(max_tolerance, (int, float)) or not 0 < max_tolerance < 1:
        raise OptionError(f"max_tolerance must be a number in (0, 1), got {max_tolerance!r}")
    if isinstance(max_denominator, bool) or not isinstance(max_denominator, int) or max_denominator < 1:
        raise OptionError(f"max_denominator must be a positive integer, got {max_denominator!r}")
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not 0 <= noise < 1:
        raise OptionError(f"noise must be a number in [0, 1), got {noise!r}")
    if generators is not None:
        return _from_matrices(_array(generators, "generators"), float(max_tolerance), max_denominator,
                              float(noise), seed)
    return _from_table(_array(structure_constants, "structure_constants"), float(max_tolerance), max_denominator,
                       float(noise), seed)


def _array(data: Any, what: str) -> np.ndarray:
    if hasattr(data, "detach") and hasattr(data, "cpu"):  # a torch tensor, without importing torch
        data = data.detach().cpu().numpy()
    try:
        arr = np.array(data)
        if np.iscomplexobj(arr):
            if np.abs(arr.imag).max(initial=0.0) > 0:
                raise OptionError(f"{what}: complex entries are not supported here; give real matrices "
                                  "(the real (Re, Im) block form of a complex generator)")
            arr = arr.real
        arr = arr.astype(np.float64)
    except (TypeError, ValueError):
        raise OptionError(f"{what} must be a numeric array") from None
    if arr.ndim != 3 or arr.shape[1] != arr.shape[2] or arr.shape[0] == 0:
        raise OptionError(f"{what} must have shape (k, d, d) with k >= 1, got {arr.shape}")
    if what == "structure_constants" and arr.shape[0] != arr.shape[1]:
        raise OptionError(f"structure_constants must have shape (k, k, k), got {arr.shape}")
    if not np.isfinite(arr).all():
        raise OptionError(f"{what} contain NaN or infinity")
    return arr


def _result(facts: _Facts, max_tolerance: float, kind: str, attempts: list[tuple[float, str]], notes: list[str],
            *, tol: float | None = None, confidence: float | None = None, algebra: LieAlgebra | None = None,
            ident: Identification | None = None, exact: tuple[sp.ImmutableMatrix, ...] | None = None,
            f: np.ndarray | None = None) -> NumericIdentification:
    semisimple, solvable, nilpotent = facts.semisimple, facts.solvable, facts.nilpotent
    if ident is not None:  # the candidate's exact facts
        semisimple, solvable, nilpotent = ident.semisimple, ident.solvable, ident.nilpotent
    return NumericIdentification(
        numeric=True, dimension=facts.dimension, name=None if ident is None else ident.name,
        aliases=() if ident is None else tuple(ident.aliases), tolerance=tol, max_tolerance=max_tolerance,
        confidence=confidence, confidence_kind=kind, closure_error=facts.closure_error,
        killing_signature=facts.signature, killing_eigenvalues=tuple(float(v) for v in facts.evals),
        signature_gap=facts.gap, derived_series=facts.derived, lower_central_series=facts.lower,
        semisimple=semisimple, solvable=solvable, nilpotent=nilpotent, identification=ident,
        exact_generators=exact, algebra=algebra, structure_constants=facts.f if f is None else f,
        attempts=tuple(attempts), notes=tuple(notes))


def _check_candidate(algebra: LieAlgebra, facts: _Facts) -> str | None:
    """Why an exact candidate disagrees with the numeric facts (None when it agrees)."""
    if algebra.dim != facts.dimension:
        return f"dimension {algebra.dim}, not {facts.dimension}"
    sig = algebra.killing_signature()
    # The numeric signature is trusted only when its zero/nonzero split is clear (two decades).
    if facts.gap >= 2 and tuple(sig) != facts.signature:
        return f"exact Killing signature {tuple(sig)} differs from the numeric {facts.signature}"
    return None


def _name(algebra: LieAlgebra, seed: int, notes: list[str]) -> Identification | None:
    try:
        return identify(algebra, seed=seed)
    except IdentificationError as exc:
        notes.append(f"the exact candidate could not be named: {exc}")
        return None


def _from_matrices(mats: np.ndarray, max_tolerance: float, max_denominator: int, noise: float,
                   seed: int) -> NumericIdentification:
    notes: list[str] = []
    basis, s, r = _orthonormal_span(mats, rtol=max(1e-12, noise))
    if r < mats.shape[0]:
        notes.append(f"the {mats.shape[0]} matrices span {r} dimensions (singular values "
                     f"{np.array2string(s / s[0], precision=2)} relative)")
    f, closure = numeric_structure_constants(basis)
    facts = _facts(f, closure, noise)
    attempts: list[tuple[float, str]] = []
    if r == 0:
        notes.append("the matrices are all zero")
        return _result(facts, max_tolerance, "principal_angle", attempts, notes)
    if closure > max_tolerance:
        notes.append(f"the floats do not close within the largest tolerance (closure error {closure:.2g} > "
                     f"{max_tolerance:g}): no exact candidate is offered")
        return _result(facts, max_tolerance, "principal_angle", attempts, notes)
    for tol in _tolerances(max_tolerance):
        if tol < 0.3 * closure:
            attempts.append((tol, "below the closure error: skipped"))
            continue
        try:
            rat = rationalize(basis, tol=tol, max_denominator=max_denominator, constants=())
        except RationalizationError:
            attempts.append((tol, "no simple exact span"))
            continue
        exact = tuple(sp.ImmutableMatrix(m) for m in rat.matrices)
        if len(exact) != r:
            attempts.append((tol, f"the exact span has dimension {len(exact)}, not {r}"))
            continue
        angle = float(np.max(principal_angles(basis, list(exact))))
        if angle > tol:
            attempts.append((tol, f"the exact span is {angle:.2g} rad from the floats, above the tolerance"))
            continue
        try:
            algebra = LieAlgebra.from_matrices(list(exact))
        except LieAlgError as exc:
            attempts.append((tol, f"the exact span does not close: {exc}"))
            continue
        why = _check_candidate(algebra, facts)
        if why is not None:
            attempts.append((tol, f"rejected: {why}"))
            continue
        attempts.append((tol, "accepted"))
        ident = _name(algebra, seed, notes)
        return _result(facts, max_tolerance, "principal_angle", attempts, notes, tol=tol, confidence=angle,
                       algebra=algebra, ident=ident, exact=exact)
    notes.append(f"no exact candidate within tolerance {max_tolerance:g}; only numeric facts are given")
    return _result(facts, max_tolerance, "principal_angle", attempts, notes)


def _jacobi_error(c: np.ndarray) -> float:
    # J[i,j,k,m] = sum_l c[i,j,l] c[l,k,m] + cyclic
    t = np.einsum("ijl,lkm->ijkm", c, c)
    jac = t + t.transpose(1, 2, 0, 3) + t.transpose(2, 0, 1, 3)
    size = float((c**2).sum())  # relative to ||c||^2, not to the terms: they vanish for a nilpotent table
    return float(np.sqrt((jac**2).sum())) / size if size > 0 else 0.0


def _round_table(c: np.ndarray, tol: float, max_denominator: int) -> list[list[Any]] | None:
    scale = float(np.abs(c).max())
    atol = tol * scale
    qmax = max(1, min(max_denominator, math.floor(0.1 / math.sqrt(tol))))
    k = c.shape[0]
    out: list[list[Any]] = []
    for i in range(k):
        for j in range(i + 1, k):
            for l in range(k):
                x = float(c[i, j, l])
                if abs(x) <= atol:
                    continue
                q = Fraction(x).limit_denominator(qmax)
                if abs(float(q) - x) > atol:
                    return None
                if q != 0:
                    out.append([i, j, l, q])
    return out


def _from_table(table: np.ndarray, max_tolerance: float, max_denominator: int, noise: float,
                seed: int) -> NumericIdentification:
    notes: list[str] = []
    c = 0.5 * (table - table.transpose(1, 0, 2))
    scale = float(np.abs(table).max())
    asym = float(np.abs(table + table.transpose(1, 0, 2)).max()) / scale if scale > 0 else 0.0
    if asym > 1e-12:
        notes.append(f"the table is not antisymmetric in (i, j) (largest |c_ij + c_ji| is {asym:.2g} of the largest "
                     "entry); its antisymmetric part is used")
    jacobi = _jacobi_error(c)
    facts = _facts(c, jacobi, noise)
    attempts: list[tuple[float, str]] = []
    if scale == 0:
        algebra = LieAlgebra.from_structure_constants(c.shape[0], [])
        ident = _name(algebra, seed, notes)
        return _result(facts, max_tolerance, "relative_deviation", [(0.0, "accepted")], notes, tol=0.0,
                       confidence=0.0, algebra=algebra, ident=ident)
    for tol in _tolerances(max_tolerance):
        if tol < 0.3 * jacobi:
            attempts.append((tol, "below the Jacobi residual: skipped"))
            continue
        entries = _round_table(c, tol, max_denominator)
        if entries is None:
            attempts.append((tol, "an entry has no simple rational value"))
            continue
        try:
            algebra = LieAlgebra.from_structure_constants(c.shape[0], entries)
        except LieAlgError as exc:
            attempts.append((tol, f"the rounded table is not a Lie algebra: {exc}"))
            continue
        exact = np.zeros_like(c)
        for i, j, l, q in entries:
            exact[i, j, l], exact[j, i, l] = float(q), -float(q)
        deviation = float(np.abs(c - exact).max()) / scale
        why = _check_candidate(algebra, facts)
        if why is not None:
            attempts.append((tol, f"rejected: {why}"))
            continue
        attempts.append((tol, "accepted"))
        ident = _name(algebra, seed, notes)
        return _result(facts, max_tolerance, "relative_deviation", attempts, notes, tol=tol, confidence=deviation,
                       algebra=algebra, ident=ident)
    notes.append(f"no exact table within tolerance {max_tolerance:g} (entries are not simple rationals, e.g. a "
                 "learned basis); only numeric facts are given")
    return _result(facts, max_tolerance, "relative_deviation", attempts, notes)

