"""Exact polynomial symmetries of polynomial oracles: vector fields, not just matrices.

A polynomial vector field of degree at most ``D`` is ``v = sum_i sum_alpha c_{i,alpha} x^alpha e_i``
over the monomials ``x^alpha`` of degree ``<= D``. It is an (infinitesimal) symmetry of ``phi`` when
the Lie derivative vanishes identically,

    v . grad phi = sum_i v_i d phi / d x_i == 0,

a condition that is **linear in the coefficients** ``c``: each monomial of ``v . grad phi`` gives
one equation with rational coefficients. Its null space over Q is the space of all symmetric
polynomial fields of degree ``<= D``, exactly (:func:`polynomial_symmetries`).

The finiteness rule. A single oracle has infinitely many symmetries: if ``v`` preserves ``phi``,
so does ``g(x) v(x)`` for *any* function ``g`` (same orbits, another speed), and so does every
field tangent to the level sets. Only the degree bound makes the answer finite: the symmetric
fields of degree ``<= D`` form a finite-dimensional *vector space*, which is in general **not**
a Lie algebra (the bracket of two degree-``D`` fields has degree up to ``2D - 1``). Its
dimension grows with ``D`` without limit; e.g. for ``phi = x1 x2`` it is ``D (D + 1) / 2``.

How the solutions are sorted (:class:`PolynomialSymmetries`):

* ``translations`` -- constant fields (degree 0);
* ``linear`` -- homogeneous degree-1 fields ``v = W x``, reported as the matrices ``W``: the
  linear symmetry algebra, the same one :func:`liealg.exact.solve_symmetries` finds;
* "trivially non-linear" -- polynomial multiples ``p(x) w`` of the translations and linear
  symmetries ``w``: their flows move points along the same curves as ``w``, at a
  position-dependent speed, so they reveal nothing new. Among them, the multiples by powers
  (products) of the oracle's components, ``phi^k w``, which are counted separately
  (``phi^k w`` is also a symmetry of each level set's flow *as a group*: it commutes with ``w``);
* "Hamiltonian-type" -- for a scalar oracle, the fields ``(d phi/d x_j) e_i - (d phi/d x_i) e_j``
  (in 2-D, ``J grad phi``), which preserve *any* function, and their polynomial multiples;
* ``nonlinear`` ("truly non-linear") -- a basis of what is left: solutions that are not in the
  span of all of the above. Example: ``phi = (x2 - x1^2)^2`` has the degree-1 field
  ``(1, 2 x1)`` (the flow ``(x1 + t, x2 + 2 t x1 + t^2)`` sliding along the parabolas), which is
  neither linear nor a multiple of ``J grad phi = 2 (x2 - x1^2) (1, 2 x1)``.

``generators_by_degree`` gives a finer invariant: the number of solutions of each degree that
are not polynomial combinations of lower-degree solutions (the minimal generators, degree by
degree, of the module of symmetric fields).

:func:`fit_polynomial_field` turns a *learned* field (a network) into an exact one: least
squares on the monomials, rounding to small-denominator rationals, and an exact certificate
(:func:`certify_field`); anything that fails raises
:class:`~liealg.errors.RationalizationError` instead of returning a wrong field.
"""

from __future__ import annotations

import itertools
import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeAlias

import flint
import numpy as np
import sympy as sp

from liealg.errors import CertificationError, OracleError, RationalizationError
from liealg.exact import linalg
from liealg.parsing import parse_formula

if TYPE_CHECKING:
    import torch

    from liealg.oracle import Oracle

__all__ = [
    "MAX_DEGREE",
    "PolynomialField",
    "PolynomialSymmetries",
    "certify_field",
    "fit_polynomial_field",
    "monomials",
    "polynomial_symmetries",
    "report_polynomial",
]

#: One component of a polynomial vector field: a sympy expression, an exact number, or a formula
#: string in the oracle's variable names (read by the safe parser).
FieldComponent: TypeAlias = sp.Expr | int | Fraction | str

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

#: Highest degree bound accepted: the number of unknowns is ``n * C(n + D, D)``.
MAX_DEGREE = 12

Exponent = tuple[int, ...]


# --------------------------------------------------------------------------- monomials
def monomials(n: int, degree: int) -> tuple[Exponent, ...]:
    """Exponents of all monomials in ``n`` variables of degree ``<= degree``.

    Ordered by degree, then lexicographically (``x1`` before ``x2``): ``(0, 0), (1, 0), (0, 1),
    (2, 0), (1, 1), (0, 2), ...``. This order (ascending degree) is what makes the canonical
    null-space basis adapted to the degree filtration (see :func:`polynomial_symmetries`).

    Examples
    --------
    >>> monomials(2, 2)
    ((0, 0), (1, 0), (0, 1), (2, 0), (1, 1), (0, 2))
    """
    out: list[Exponent] = []
    for d in range(degree + 1):
        for combo in itertools.combinations_with_replacement(range(n), d):
            e = [0] * n
            for i in combo:
                e[i] += 1
            out.append(tuple(e))
    # combinations_with_replacement gives x1^2, x1 x2, x2^2 -- already lexicographic descending.
    return tuple(out)


class _Columns:
    """The unknowns ``c_{i, alpha}``: column index of ``x^alpha e_i``, ascending degree."""

    def __init__(self, n: int, degree: int) -> None:
        self.n, self.degree = n, degree
        self.monos = monomials(n, degree)
        self.keys: list[tuple[int, Exponent]] = [(i, a) for a in self.monos for i in range(n)]
        self.index = {key: j for j, key in enumerate(self.keys)}
        self.deg = [sum(a) for _, a in self.keys]

    def __len__(self) -> int:
        return len(self.keys)

    def up_to(self, d: int) -> int:
        """Number of leading columns of degree ``<= d``."""
        return sum(1 for x in self.deg if x <= d)


# --------------------------------------------------------------------------- oracle helpers
def _require_polynomial(oracle: Oracle, what: str) -> None:
    if not oracle.is_symbolic:
        raise OracleError(
            f"{what} needs a formula oracle, but this one is a callable; use "
            "liealg.nonlinear.discover_nonlinear for learned symmetries of any function"
        )
    if not oracle.is_polynomial:
        raise OracleError(
            f"{what} needs a polynomial oracle with rational coefficients; {oracle.formula_text()} is not one. "
            "Use liealg.nonlinear.discover_nonlinear for non-polynomial oracles"
        )


def _gradient_terms(oracle: Oracle) -> list[list[dict[Exponent, flint.fmpq]]]:
    """``grad[o][i]``: the terms ``{exponent: coefficient}`` of ``d phi_o / d x_i``."""
    xs = oracle.real_variables
    out = []
    for e in oracle.real_exprs:
        comps = []
        for s in xs:
            d = sp.diff(e, s)
            terms: dict[Exponent, flint.fmpq] = {}
            if d != 0:
                for exp, c in sp.Poly(d, *xs, domain=sp.QQ).terms():
                    terms[tuple(exp)] = flint.fmpq(int(c.numerator), int(c.denominator))
            comps.append(terms)
        out.append(comps)
    return out


def _poly_terms(expr: sp.Expr, xs: Sequence[sp.Symbol]) -> dict[Exponent, flint.fmpq]:
    if expr == 0:
        return {}
    return {tuple(e): flint.fmpq(int(c.numerator), int(c.denominator))
            for e, c in sp.Poly(expr, *xs, domain=sp.QQ).terms()}


# --------------------------------------------------------------------------- result
@dataclass(frozen=True)
class PolynomialSymmetries:
    """All symmetric polynomial vector fields of an oracle up to a degree bound, exactly.

    Attributes
    ----------
    oracle : Oracle
    degree : int
        The bound ``D``.
    variables : tuple of sympy.Symbol
        The coordinates ``x1..xn`` the fields act on.
    fields : tuple of tuple of sympy.Expr
        A canonical basis of the whole solution space: each field is ``n`` polynomial
        components. Read off the reduced row echelon form with the unknowns in ascending degree,
        so the first ``dimension_up_to(d)`` fields span the solutions of degree ``<= d``.
    degrees : tuple of int
        The degree of each basis field.
    counts : mapping of int to int
        ``counts[d]``: solutions of degree exactly ``d`` (modulo lower degrees), i.e.
        ``dim S_{<=d} - dim S_{<=d-1}``.
    translations : tuple of tuple of sympy.Expr
        Constant symmetric fields.
    linear : tuple of sympy.Matrix
        Homogeneous linear symmetric fields ``v = W x``, as the ``n x n`` matrices ``W`` (RREF basis).
    nonlinear : tuple of tuple of sympy.Expr
        "Truly non-linear" fields: solutions outside the span of the trivial ones (see the module
        notes), each also outside the polynomial multiples of the ones before it (lowest degree
        first); empty when every solution is trivial.
    trivial_counts : mapping of str to int
        How the dimension splits, piece by nested piece: ``"translations+linear"``,
        ``"phi-power multiples"`` (``phi^k w``, ``k >= 1``), ``"other polynomial multiples"``
        (of translations and linear fields), ``"hamiltonian-type"`` (and their multiples),
        ``"truly non-linear"`` (= ``len(nonlinear)``) and ``"multiples of truly non-linear"``;
        the values add up to ``dimension``.
    generators_by_degree : mapping of int to int
        Solutions of degree ``d`` that are not polynomial combinations of solutions of lower
        degree.
    seconds : float
    """

    oracle: Oracle = field(repr=False)
    degree: int
    variables: tuple[sp.Symbol, ...]
    fields: tuple[tuple[sp.Expr, ...], ...]
    degrees: tuple[int, ...]
    counts: Mapping[int, int]
    translations: tuple[tuple[sp.Expr, ...], ...]
    linear: tuple[sp.Matrix, ...]
    nonlinear: tuple[tuple[sp.Expr, ...], ...]
    trivial_counts: Mapping[str, int]
    generators_by_degree: Mapping[int, int]
    seconds: float
    _basis: tuple[linalg.QMatrix, tuple[int, ...], _Columns] | None = field(repr=False, compare=False, default=None)

    @property
    def dimension(self) -> int:
        """Dimension of the space of symmetric fields of degree ``<= degree``."""
        return len(self.fields)

    def dimension_up_to(self, d: int) -> int:
        """Dimension of the symmetric fields of degree ``<= d`` (``d <= degree``)."""
        return sum(1 for x in self.degrees if x <= d)

    def contains(self, field_exprs: Sequence[FieldComponent]) -> bool:
        """Whether a polynomial field (``n`` expressions) lies in the solution space, exactly.

        Examples
        --------
        >>> x1, x2 = sp.symbols("x1 x2", real=True)
        >>> from liealg.oracle import Oracle
        >>> sol = polynomial_symmetries(Oracle(x1**2 + x2**2), degree=3)
        >>> sol.contains((-x2 * (x1**2 + x2**2), x1 * (x1**2 + x2**2)))
        True
        """
        assert self._basis is not None  # always set by polynomial_symmetries
        R, pivots, cols = self._basis
        exprs = _as_field_exprs(self.oracle, field_exprs)
        vec = _field_vector(exprs, self.variables, cols)
        if vec is None:
            return False
        V = flint.fmpq_mat(1, len(cols), vec)
        if R.nrows() == 0:
            return linalg.is_zero(V)
        return linalg.coordinates_in_rref(R, pivots, V) is not None

    def text(self) -> str:
        """The human-readable report (:func:`report_polynomial`)."""
        return report_polynomial(self)


@dataclass(frozen=True)
class PolynomialField:
    """An exact polynomial vector field recovered from a learned one and certified.

    Attributes
    ----------
    exprs : tuple of sympy.Expr
        The ``n`` components, exact rationals times monomials.
    variables : tuple of sympy.Symbol
    degree : int
        The highest degree present.
    scale : float
        ``learned ~ scale * exact`` on the samples.
    fit_residual : float
        Relative least-squares residual of the polynomial fit to the learned field.
    rounding_error : float
        Largest change made by rounding a coefficient, relative to the largest coefficient.
    certified : bool
        Always True (an uncertifiable field raises instead); kept for reports.
    """

    exprs: tuple[sp.Expr, ...]
    variables: tuple[sp.Symbol, ...]
    degree: int
    scale: float
    fit_residual: float
    rounding_error: float
    certified: bool = True

    def text(self) -> str:
        """``(x1, -x2)``."""
        return "(" + ", ".join(str(e) for e in self.exprs) + ")"


# --------------------------------------------------------------------------- the solver
def _condition_matrix(oracle: Oracle, cols: _Columns) -> flint.fmpq_mat:
    """Rows: the monomial coefficients of ``v . grad phi_o``; columns: the unknowns ``c``."""
    grad = _gradient_terms(oracle)
    row_index: dict[tuple[int, Exponent], int] = {}
    entries: dict[tuple[int, int], flint.fmpq] = {}
    for j, (i, alpha) in enumerate(cols.keys):
        for o, comps in enumerate(grad):
            for gamma, c in comps[i].items():
                beta = tuple(a + g for a, g in zip(alpha, gamma))
                r = row_index.setdefault((o, beta), len(row_index))
                entries[(r, j)] = entries.get((r, j), flint.fmpq(0)) + c
    M = flint.fmpq_mat(max(1, len(row_index)), len(cols))
    for (r, j), c in entries.items():
        M[r, j] = c
    return M


def _vector_to_exprs(vec: Sequence[flint.fmpq], cols: _Columns, xs: Sequence[sp.Symbol]) -> tuple[sp.Expr, ...]:
    comps = [sp.Integer(0)] * cols.n
    for j, c in enumerate(vec):
        if c != 0:
            i, alpha = cols.keys[j]
            comps[i] += linalg.fmpq_to_sympy(c) * sp.Mul(*[x**e for x, e in zip(xs, alpha)])
    return tuple(sp.expand(c) for c in comps)


def _field_vector(exprs: Sequence[sp.Expr], xs: Sequence[sp.Symbol], cols: _Columns) -> list[flint.fmpq] | None:
    """Coefficient vector of a polynomial field, or None if it has a term outside the columns."""
    vec = [flint.fmpq(0)] * len(cols)
    for i, e in enumerate(exprs):
        try:
            terms = _poly_terms(sp.expand(e), xs)
        except (sp.PolynomialError, sp.CoercionFailed):
            return None
        for alpha, c in terms.items():
            j = cols.index.get((i, alpha))
            if j is None:
                return None
            vec[j] = c
    return vec


def _rows_matrix(rows: Sequence[Sequence[flint.fmpq]], ncols: int) -> flint.fmpq_mat:
    if not rows:
        return flint.fmpq_mat(0, ncols)
    return flint.fmpq_mat(len(rows), ncols, [c for r in rows for c in r])


def _shift(vec: Sequence[flint.fmpq], mono: Exponent, cols: _Columns) -> list[flint.fmpq] | None:
    """``x^mono * v`` as a coefficient vector, or None if it exceeds the degree bound."""
    out = [flint.fmpq(0)] * len(cols)
    for j, c in enumerate(vec):
        if c != 0:
            i, alpha = cols.keys[j]
            k = cols.index.get((i, tuple(a + b for a, b in zip(alpha, mono))))
            if k is None:
                return None
            out[k] = c
    return out


def _span_rank(rows: list[list[flint.fmpq]], ncols: int) -> int:
    return linalg.rank(_rows_matrix(rows, ncols)) if rows else 0


def _multiples(
    base: list[list[flint.fmpq]], cols: _Columns, degree_of: Callable[[list[flint.fmpq]], int]
) -> list[list[flint.fmpq]]:
    """All ``x^mu * w`` for ``w`` in ``base`` that stay within the degree bound."""
    out = []
    for w in base:
        room = cols.degree - degree_of(w)
        if room < 0:
            continue
        for mu in monomials(cols.n, room):
            shifted = _shift(w, mu, cols)
            if shifted is not None:
                out.append(shifted)
    return out


def polynomial_symmetries(oracle: Oracle, *, degree: int) -> PolynomialSymmetries:
    """Every polynomial vector field of degree ``<= degree`` that preserves ``oracle``, exactly.

    Parameters
    ----------
    oracle : Oracle
        A polynomial formula oracle (rational coefficients; several components allowed: all
        must be preserved).
    degree : int
        The degree bound ``D`` (0 to :data:`MAX_DEGREE`); without a bound the space is
        infinite-dimensional (see the module notes).

    Returns
    -------
    PolynomialSymmetries

    Raises
    ------
    OracleError
        If the oracle is not a polynomial formula or the degree is out of range.

    Examples
    --------
    >>> x1, x2 = sp.symbols("x1 x2", real=True)
    >>> from liealg.oracle import Oracle
    >>> sol = polynomial_symmetries(Oracle(x1 * x2), degree=2)
    >>> sol.fields[0], sol.dimension, dict(sol.counts)
    ((x1, -x2), 3, {0: 0, 1: 1, 2: 2})
    >>> sol.fields[1:]
    ((x1**2, -x1*x2), (x1*x2, -x2**2))
    >>> sol.linear[0]
    Matrix([
    [1,  0],
    [0, -1]])
    """
    _require_polynomial(oracle, "polynomial_symmetries")
    if not isinstance(degree, int) or isinstance(degree, bool) or not 0 <= degree <= MAX_DEGREE:
        raise OracleError(f"degree must be an integer from 0 to {MAX_DEGREE}, got {degree!r}")
    start = time.perf_counter()
    xs = tuple(oracle.real_variables)
    n = len(xs)
    cols = _Columns(n, degree)
    p = len(cols)
    M = _condition_matrix(oracle, cols)
    N = linalg.nullspace(M)  # rows: canonical basis, each supported on columns <= its free column
    entries = N.entries()
    basis = [list(entries[r * p:(r + 1) * p]) for r in range(N.nrows())]

    def degree_of(vec: Sequence[flint.fmpq]) -> int:
        return max((cols.deg[j] for j, c in enumerate(vec) if c != 0), default=0)

    degrees = tuple(degree_of(v) for v in basis)
    counts = {d: sum(1 for x in degrees if x == d) for d in range(degree + 1)}
    fields = tuple(_vector_to_exprs(_primitive(v), cols, xs) for v in basis)

    # Translations and homogeneous linear fields: the solutions supported on those columns.
    def restricted(ds: set[int]) -> list[list[flint.fmpq]]:
        keep = [j for j in range(p) if cols.deg[j] in ds]
        if not keep:
            return []
        sub = flint.fmpq_mat(M.nrows(), len(keep), [M[r, j] for r in range(M.nrows()) for j in keep])
        Ns = linalg.nullspace(sub)
        out = []
        for r in range(Ns.nrows()):
            vec = [flint.fmpq(0)] * p
            for c_, j in enumerate(keep):
                vec[j] = Ns[r, c_]
            out.append(vec)
        return out

    trans_vecs = restricted({0})
    lin_vecs = restricted({1}) if degree >= 1 else []
    translations = tuple(_vector_to_exprs(_primitive(v), cols, xs) for v in trans_vecs)
    linear = tuple(_linear_matrix(_primitive(v), cols) for v in lin_vecs)

    # Nested trivial pieces: base (translations + linear), phi-power multiples, all polynomial
    # multiples, then Hamiltonian-type fields and their multiples.
    base = trans_vecs + lin_vecs
    invariants = _invariant_products(oracle, xs, degree)
    phi_mult = []
    for w in base:
        for inv in invariants:
            prod = _poly_times_field(inv, w, cols)
            if prod is not None:
                phi_mult.append(prod)
    poly_mult = _multiples(base, cols, degree_of)
    ham = _hamiltonian_vectors(oracle, xs, cols)
    ham_mult = _multiples(ham, cols, degree_of)
    r_base = _span_rank(base, p)
    r_phi = _span_rank(base + phi_mult, p)
    r_poly = _span_rank(base + phi_mult + poly_mult, p)
    trivial = base + phi_mult + poly_mult + ham_mult
    r_triv = _span_rank(trivial, p)
    trivial_counts = {
        "translations+linear": r_base,
        "phi-power multiples": r_phi - r_base,
        "other polynomial multiples": r_poly - r_phi,
        "hamiltonian-type": r_triv - r_poly,
    }

    # Truly non-linear: basis fields (ascending degree) outside the trivial span and outside the
    # polynomial multiples of the truly non-linear fields already found (those are counted apart).
    nonlinear_vecs = []
    current = list(trivial)
    rank_now = r_triv
    for v in basis:
        if rank_now == len(basis):
            break
        r = _span_rank(current + [v], p)
        if r > rank_now:
            nonlinear_vecs.append(v)
            current.extend(_multiples([v], cols, degree_of))
            rank_now = _span_rank(current, p)
    nonlinear = tuple(_vector_to_exprs(_primitive(v), cols, xs) for v in nonlinear_vecs)
    trivial_counts["truly non-linear"] = len(nonlinear_vecs)
    trivial_counts["multiples of truly non-linear"] = len(basis) - r_triv - len(nonlinear_vecs)

    # Minimal generators by degree: solutions of degree d modulo x_j * (solutions of degree < d).
    gens: dict[int, int] = {}
    for d in range(degree + 1):
        lower = [v for v, dv in zip(basis, degrees) if dv < d]
        products = []
        for v in lower:
            for j in range(n):
                s = _shift(v, tuple(int(i == j) for i in range(n)), cols)
                if s is not None:
                    products.append(s)
        upto = [v for v, dv in zip(basis, degrees) if dv <= d]
        gens[d] = len(upto) - _span_rank(lower + products, p)
    log.info("polynomial symmetries of %s up to degree %d: dimension %d", oracle.formula_text(), degree, len(basis))
    Nr, npiv = linalg.rref(N) if N.nrows() else (N, ())
    return PolynomialSymmetries(
        oracle=oracle,
        degree=degree,
        variables=xs,
        fields=fields,
        degrees=degrees,
        counts=MappingProxyType(counts),
        translations=translations,
        linear=linear,
        nonlinear=nonlinear,
        trivial_counts=MappingProxyType(trivial_counts),
        generators_by_degree=MappingProxyType(gens),
        seconds=time.perf_counter() - start,
        _basis=(Nr, npiv, cols),
    )


def _primitive(vec: Sequence[flint.fmpq]) -> list[flint.fmpq]:
    """The same line, scaled to coprime integers with a positive first nonzero entry.

    The canonical null-space basis has a 1 in its last (highest-degree) free column, which
    often leaves fractions and a leading minus sign: ``(-x1, x2)``, ``(1/2, x1)``. Rescaling each
    basis field changes no span and reads better: ``(x1, -x2)``, ``(1, 2 x1)``.
    """
    nz = [c for c in vec if c != 0]
    if not nz:
        return list(vec)
    den = 1
    for c in nz:
        den = den * int(c.q) // math.gcd(den, int(c.q))
    nums = [int(c * den) for c in nz]
    g = 0
    for a in nums:
        g = math.gcd(g, abs(a))
    factor = flint.fmpq(den, g) * (1 if nums[0] > 0 else -1)
    return [c * factor for c in vec]


def _linear_matrix(vec: Sequence[flint.fmpq], cols: _Columns) -> sp.Matrix:
    """A homogeneous degree-1 field ``v_i = sum_j W_ij x_j`` as its matrix ``W``."""
    W = sp.zeros(cols.n, cols.n)
    for j, c in enumerate(vec):
        if c != 0:
            i, alpha = cols.keys[j]
            W[i, alpha.index(1)] = linalg.fmpq_to_sympy(c)
    return W


def _invariant_products(oracle: Oracle, xs: Sequence[sp.Symbol], degree: int) -> list[dict[Exponent, flint.fmpq]]:
    """Products of powers of the oracle's components (at least one factor) of degree <= degree."""
    comps = [sp.Poly(e, *xs, domain=sp.QQ) for e in oracle.real_exprs]
    comps = [c for c in comps if c.total_degree() >= 1]
    out: list[dict[Exponent, flint.fmpq]] = []
    frontier = [sp.Poly(1, *xs, domain=sp.QQ)]
    seen: set = set()
    while frontier:
        nxt = []
        for f in frontier:
            for c in comps:
                g = f * c
                if g.total_degree() <= degree and g.as_expr() not in seen:
                    seen.add(g.as_expr())
                    nxt.append(g)
                    out.append({tuple(e): flint.fmpq(int(q.numerator), int(q.denominator)) for e, q in g.terms()})
        frontier = nxt
    return out


def _poly_times_field(
    poly: dict[Exponent, flint.fmpq], vec: Sequence[flint.fmpq], cols: _Columns
) -> list[flint.fmpq] | None:
    out = [flint.fmpq(0)] * len(cols)
    for j, c in enumerate(vec):
        if c != 0:
            i, alpha = cols.keys[j]
            for mu, q in poly.items():
                k = cols.index.get((i, tuple(a + b for a, b in zip(alpha, mu))))
                if k is None:
                    return None
                out[k] += c * q
    return out


def _hamiltonian_vectors(oracle: Oracle, xs: Sequence[sp.Symbol], cols: _Columns) -> list[list[flint.fmpq]]:
    """``(d phi/d x_j) e_i - (d phi/d x_i) e_j`` for ``i < j`` (scalar oracles), within the bound."""
    if len(oracle.real_exprs) != 1:
        return []  # for several components no field preserves them all for free
    grad = _gradient_terms(oracle)[0]
    out = []
    for i in range(cols.n):
        for j in range(i + 1, cols.n):
            vec = [flint.fmpq(0)] * len(cols)
            ok = True
            for comp, terms, sign in ((i, grad[j], 1), (j, grad[i], -1)):
                for alpha, c in terms.items():
                    k = cols.index.get((comp, alpha))
                    if k is None:
                        ok = False
                        break
                    vec[k] += sign * c
            if ok and any(c != 0 for c in vec):
                out.append(vec)
    return out


# --------------------------------------------------------------------------- certify
def _field_component(e: FieldComponent, by_name: Mapping[str, sp.Symbol]) -> sp.Expr:
    """One component as a sympy expression: strings through the safe parser, never ``sympify``."""
    if isinstance(e, str):
        try:
            return parse_formula(e, symbols=by_name)
        except OracleError as err:
            raise CertificationError(f"cannot read the field component {e[:60]!r}: {err}") from None
    if isinstance(e, bool) or not isinstance(e, (sp.Expr, int, Fraction)):
        raise CertificationError(f"a field component must be a sympy expression or a formula string, got {e!r}")
    return sp.sympify(e)  # sympy expressions and exact numbers only: nothing is parsed


def _as_field_exprs(oracle: Oracle, field_exprs: Sequence[FieldComponent]) -> tuple[sp.Expr, ...]:
    """Read and re-bind a field's components to the oracle's own symbols (by name)."""
    xs = tuple(oracle.real_variables)
    if isinstance(field_exprs, (str, sp.Basic)) or not isinstance(field_exprs, Sequence):
        raise CertificationError(
            f"a field is a sequence of {len(xs)} expressions, one per variable; got {field_exprs!r}"
        )
    if len(field_exprs) != len(xs):
        raise CertificationError(
            f"the field has {len(field_exprs)} components but the oracle has {len(xs)} variables "
            f"({oracle.real_variables_text})"
        )
    by_name = {s.name: s for s in xs}
    out = []
    for component in field_exprs:
        e = _field_component(component, by_name)
        unknown = sorted(s.name for s in e.free_symbols if s.name not in by_name)
        if unknown:
            raise CertificationError(
                f"the field uses {', '.join(unknown)}, not a variable of the oracle ({oracle.real_variables_text})"
            )
        e = e.xreplace({s: by_name[s.name] for s in e.free_symbols})
        if e.atoms(sp.Float):
            raise CertificationError(
                f"the field component {e} has floating-point coefficients; exact certification needs exact "
                "numbers (use fit_polynomial_field to rationalize a learned field)"
            )
        out.append(e)
    return tuple(out)


def certify_field(oracle: Oracle, field_exprs: Sequence[FieldComponent]) -> bool:
    """Prove that a vector field preserves a formula oracle: ``v . grad phi`` simplifies to 0.

    Parameters
    ----------
    oracle : Oracle
        A formula oracle (polynomial oracles get an exact expansion; others ``simplify``).
    field_exprs : sequence of sympy expressions (or strings), one per variable
        Exact coefficients (no floats).

    Returns
    -------
    bool
        True when ``v . grad phi_j`` is identically 0 for every component ``j``; False when it
        is not (or, for a non-polynomial oracle, when simplification cannot show it).

    Raises
    ------
    CertificationError
        For a callable oracle, a field of the wrong length, unknown symbols or float coefficients.

    Examples
    --------
    >>> x1, x2 = sp.symbols("x1 x2", real=True)
    >>> from liealg.oracle import Oracle
    >>> certify_field(Oracle(x1 * x2), (x1, -x2)), certify_field(Oracle(x1 * x2), (x2, x1))
    (True, False)
    """
    if not oracle.is_symbolic:
        raise CertificationError(
            "exact certification needs a formula oracle; for a callable, check numerically with "
            "liealg.nonlinear.oracle_drift"
        )
    exprs = _as_field_exprs(oracle, field_exprs)
    xs = oracle.real_variables
    for phi in oracle.real_exprs:
        lie = sum((v * sp.diff(phi, s) for v, s in zip(exprs, xs)), sp.Integer(0))
        if sp.expand(lie) == 0:
            continue
        if oracle.is_polynomial and all(_is_polynomial(v, xs) for v in exprs):
            return False  # an expanded polynomial with a nonzero term: a disproof
        if sp.simplify(lie) != 0:
            return False
    return True


def _is_polynomial(e: sp.Expr, xs: Sequence[sp.Symbol]) -> bool:
    try:
        sp.Poly(e, *xs, domain=sp.QQ)
        return True
    except (sp.PolynomialError, sp.CoercionFailed, sp.GeneratorsNeeded):
        return False


# --------------------------------------------------------------------------- fit a learned field
def _monomial_matrix(x: np.ndarray, monos: Sequence[Exponent]) -> np.ndarray:
    return np.stack([np.prod(x ** np.array(a)[None, :], axis=1) for a in monos], axis=1)


def _round(value: float, max_denominator: int) -> Fraction:
    return Fraction(value).limit_denominator(max_denominator)


def fit_polynomial_field(
    field: Callable[[torch.Tensor], torch.Tensor],
    oracle: Oracle,
    *,
    degree: int,
    samples: torch.Tensor,
    max_denominator: int = 12,
    tol: float = 1e-2,
) -> PolynomialField:
    """Recover an exact polynomial symmetry from a learned field, and certify it.

    1. Least squares of the field's values on ``samples`` against the monomials of degree
       ``<= degree`` (each component separately). Refused when the relative residual exceeds
       ``tol``: the field is not a polynomial of that degree on the samples.
    2. The overall scale is free (the training normalized ``mean |v|^2 = 1``), so the
       coefficients are divided by a large one, and each is rounded to the nearest rational
       with denominator ``<= max_denominator``. Refused when some coefficient moves by more than
       ``tol`` (relative to the largest).
    3. Certified exactly with :func:`certify_field`. Refused when the exact field is not a
       symmetry.

    Parameters
    ----------
    field : callable ``(m, n) -> (m, n)``
        One learned field (e.g. ``result.field(0)``).
    oracle : Oracle
        A polynomial formula oracle.
    degree : int
        Highest monomial degree of the fit.
    samples : torch.Tensor, shape (m, n)
        Points at which the field is fitted (need ``m`` well above the number of monomials).
    max_denominator : int
    tol : float

    Returns
    -------
    PolynomialField

    Raises
    ------
    RationalizationError
        When any of the three steps refuses; the message says which and by how much.

    Examples
    --------
    >>> import torch
    >>> x1, x2 = sp.symbols("x1 x2", real=True)
    >>> from liealg.oracle import Oracle
    >>> learned = lambda x: 0.7 * torch.stack([x[:, 0], -x[:, 1]], -1)
    >>> fit_polynomial_field(learned, Oracle(x1 * x2), degree=1, samples=torch.randn(64, 2, dtype=torch.float64)).text()
    '(x1, -x2)'
    """
    import torch

    _require_polynomial(oracle, "fit_polynomial_field")
    if not isinstance(degree, int) or isinstance(degree, bool) or not 0 <= degree <= MAX_DEGREE:
        raise OracleError(f"degree must be an integer from 0 to {MAX_DEGREE}, got {degree!r}")
    if not isinstance(max_denominator, int) or max_denominator < 1:
        raise OracleError(f"max_denominator must be a positive integer, got {max_denominator!r}")
    xs = tuple(oracle.real_variables)
    n = len(xs)
    x = torch.as_tensor(samples).detach()
    if x.ndim != 2 or x.shape[1] != n:
        raise OracleError(f"samples must have shape (m, {n}), got {tuple(x.shape)}")
    monos = monomials(n, degree)
    if x.shape[0] < 2 * len(monos):
        raise OracleError(f"a degree-{degree} fit has {len(monos)} monomials per component; give at least "
                          f"{2 * len(monos)} samples, got {x.shape[0]}")
    with torch.no_grad():
        v = field(x)
    values = v.detach().double().cpu().numpy()
    if values.shape != (x.shape[0], n):
        raise OracleError(f"the field must map (m, {n}) to (m, {n}); got shape {values.shape}")
    xn = x.double().cpu().numpy()
    A = _monomial_matrix(xn, monos)
    # Column scaling keeps the least squares well conditioned for higher degrees.
    colscale = np.sqrt((A * A).mean(0)).clip(1e-300)
    C, *_ = np.linalg.lstsq(A / colscale, values, rcond=None)
    C = C / colscale[:, None]  # (p, n): coefficient of monomial j in component i
    resid = float(np.linalg.norm(A @ C - values) / max(float(np.linalg.norm(values)), 1e-300))
    if not resid <= tol:
        raise RationalizationError(
            f"the learned field is not a polynomial of degree <= {degree} on the samples: relative residual "
            f"{resid:.2e} > tol {tol:.0e}; try a higher degree, or train with weights={{'curvature': ...}} to "
            "prefer low-degree fields"
        )
    flat = C.T.reshape(-1)  # component-major
    top = float(np.abs(flat).max())
    if top == 0:
        raise RationalizationError("the learned field is zero on the samples")
    # Try each large coefficient as the unit; keep the normalization with the smallest rounding error.
    best: tuple[float, list[Fraction], float] | None = None
    for c in sorted(flat, key=abs, reverse=True)[: min(len(flat), 6)]:
        if abs(c) < 0.25 * top:
            break
        scaled = flat / c
        fracs = [_round(float(s), max_denominator) for s in scaled]
        err = max(abs(float(q) - s) for q, s in zip(fracs, scaled)) * abs(c) / top
        if best is None or err < best[2]:
            best = (float(c), fracs, err)
    assert best is not None
    scale, fracs, err = best
    lead = next((q for q in fracs if q != 0), Fraction(1))
    if lead < 0:  # the sign is free too: report (x1, -x2), not (-x1, x2), with a negative scale
        fracs, scale = [-q for q in fracs], -scale
    if err > tol:
        raise RationalizationError(
            f"the fitted coefficients are not simple rationals: after scaling, one moves by {err:.2e} "
            f"(relative) when rounded to denominators <= {max_denominator} (> tol {tol:.0e})"
        )
    comps = []
    p = len(monos)
    for i in range(n):
        e = sp.Integer(0)
        for j, a in enumerate(monos):
            q = fracs[i * p + j]
            if q != 0:
                e += sp.Rational(q.numerator, q.denominator) * sp.Mul(*[s**k for s, k in zip(xs, a)])
        comps.append(sp.expand(e))
    exprs = tuple(comps)
    if all(e == 0 for e in exprs):
        raise RationalizationError("every coefficient rounded to zero")
    if not certify_field(oracle, exprs):
        lie = [sp.expand(sum(v_ * sp.diff(phi, s) for v_, s in zip(exprs, xs))) for phi in oracle.real_exprs]
        raise RationalizationError(
            f"the rounded field {exprs} is not an exact symmetry: v . grad phi = {lie[0] if len(lie) == 1 else lie}"
        )
    deg = max((sp.Poly(e, *xs).total_degree() for e in exprs if e != 0), default=0)
    return PolynomialField(exprs=exprs, variables=xs, degree=int(deg), scale=scale, fit_residual=resid,
                           rounding_error=err)


# --------------------------------------------------------------------------- report
def _field_text(f: Sequence[sp.Expr]) -> str:
    return "(" + ", ".join(str(sp.factor(e)) if e != 0 else "0" for e in f) + ")"


def report_polynomial(result: PolynomialSymmetries, *, max_fields: int = 12) -> str:
    """The human-readable report of :func:`polynomial_symmetries` (what the CLI prints).

    Parameters
    ----------
    result : PolynomialSymmetries
    max_fields : int
        At most this many basis fields are listed.
    """
    oracle = result.oracle
    lines = [
        f"oracle: {oracle.formula_text()}  (variables {oracle.real_variables_text})",
        (f"exact polynomial symmetries of degree <= {result.degree}: dimension {result.dimension} "
         f"({result.seconds:.2f} s, null space over Q)"),
        "  by degree: " + ", ".join(f"{d}: {c}" for d, c in result.counts.items()),
        ("  note: a vector space, not a Lie algebra in general; it grows without bound with the degree "
         "(g(x) v is a symmetry whenever v is)"),
    ]
    if result.translations:
        lines.append(f"translations ({len(result.translations)}): "
                     + "; ".join(_field_text(f) for f in result.translations))
    if result.linear:
        lines.append(f"linear symmetries v = W x ({len(result.linear)}): "
                     + "; ".join(str(W.tolist()) for W in result.linear))
    tc = result.trivial_counts
    lines.append(
        "trivially non-linear: "
        f"{tc['phi-power multiples']} = phi^k times a linear symmetry or translation, "
        f"{tc['other polynomial multiples']} = other polynomial multiples of those, "
        f"{tc['hamiltonian-type']} = Hamiltonian-type (dphi/dxj e_i - dphi/dxi e_j) and multiples"
    )
    if result.nonlinear:
        lines.append(f"truly non-linear ({len(result.nonlinear)}, plus "
                     f"{tc['multiples of truly non-linear']} polynomial multiples of them): "
                     + "; ".join(_field_text(f) for f in result.nonlinear[:max_fields])
                     + (" ..." if len(result.nonlinear) > max_fields else ""))
    else:
        lines.append("truly non-linear: none (every solution is a polynomial multiple of linear, translation "
                     "or Hamiltonian-type fields)")
    gens = result.generators_by_degree.items()
    lines.append("module generators by degree: " + ", ".join(f"{d}: {c}" for d, c in gens))
    shown = result.fields[:max_fields]
    lines.append(f"basis ({result.dimension} fields, ascending degree):")
    lines.extend(f"  {i + 1:>3}. {_field_text(f)}" for i, f in enumerate(shown))
    if result.dimension > max_fields:
        lines.append(f"  ... and {result.dimension - max_fields} more")
    return "\n".join(lines)
