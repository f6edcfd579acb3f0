"""The Freudenthal triple system of a cubic Jordan algebra, its quartic invariant, and e7.

From a cubic Jordan algebra ``J`` (dimension ``n``) with cubic norm ``N``, trace form ``T`` and
sharp map ``#``, Freudenthal's construction gives the ``2n + 2``-dimensional space

    V = R + J + J + R,        x = (alpha, A, B, beta),

with a quartic form ``q`` and a symplectic form ``{x, y}``. For the Albert algebras (``n = 27``)
the linear maps of ``V = R^56`` that preserve ``q`` form a real form of E7 (dimension 133):

======================  ===============  ==============  ============  =========
J                       structure group  E7 real form    Killing       real rank
======================  ===============  ==============  ============  =========
h3(O')  (split Albert)  E6(6)            E7(7)  (EV)     (70, 63, 0)   7
h3(O)   (compact O)     E6(-26)          E7(-25) (EVII)  (54, 79, 0)   3
======================  ===============  ==============  ============  =========

Conventions (each one checked by the tests, not assumed)
--------------------------------------------------------
* ``T(A, B) = sum_k g_k A_k B_k`` with the diagonal Gram matrix ``g`` of the structure (for
  h3: ``tr(A o B)``, :func:`liealg.catalog.jordan.trace_form_gram`).
* The sharp ``A#`` is the ``T``-gradient of ``N``: ``T(A#, B) = d/dt N(A + tB)|_0``, i.e.
  ``A# = G^-1 grad N(A)``. Hence ``T(A, A#) = 3 N(A)``, and for a Jordan algebra
  ``A## = N(A) A`` (the identity that ties ``T`` to ``N``; a test checks it exactly).
* The cross product ``A x C = (A + C)# - A# - C# = G^-1 Hess N(A) C`` (symmetric, bilinear).
* The quartic invariant (integer coefficients for the Albert algebras)::

      q(alpha, A, B, beta) = (alpha beta - T(A, B))^2 + 4 alpha N(A) + 4 beta N(B) - 4 T(A#, B#).

  For ``J = R`` (``N(a) = a^3``, ``T(a, b) = 3ab``) it is the discriminant of the binary cubic
  ``alpha s^3 + 3 b s^2 t + 3 a s t^2 + beta t^3``, whose symmetry algebra is sl(2, R).
  The literature often writes ``(alpha beta - T(A, B))^2 - 4 [alpha N(A) + beta N(B) -
  T(A#, B#)]``, with other conventions for ``T`` or for the dual copy ``J*``; with this module's
  ``T`` and ``#`` that form is *not* Freudenthal's (for ``J = R`` its symmetry algebra is
  1-dimensional, not sl(2, R); a test compares both), and :func:`e7_generators` shows where the
  signs come from.
* The symplectic form ``{x, y} = alpha beta' - beta alpha' + T(A, B') - T(B, A')``
  (:func:`symplectic_matrix`), preserved by the same algebra.
* Grading: ``h = diag(-3, +1 (A), -1 (B), +3)`` is a symmetry (``alpha N(A)``, ``beta N(B)``,
  ``alpha beta``, ``T(A, B)`` and ``T(A#, B#)`` all have weight 0), so ``q`` is invariant
  under ``(alpha, A, B, beta) -> (l^-3 alpha, l A, l^-1 B, l^3 beta)``.

Variables: ``alpha``, ``A_<name>`` for the ``n`` coordinates of ``A``, ``B_<name>`` for ``B``,
``beta``, in that order (for h3: ``A_a, A_b, A_c, A_u0..A_w7``, the coordinates of
:mod:`liealg.catalog.jordan`). A generator ``W`` acts on the column vector ``x`` in this order.

The explicit generators of :func:`e7_generators` (133 = 78 + 1 + 27 + 27 for h3) are
``(X, -X^dagger)`` for ``X`` in the reduced structure algebra of ``N`` (its ``T``-adjoint acts on
``B``), the grading ``h``, and for each ``C`` in ``J`` the raising map ``(alpha, A, B, beta) ->
(0, B x C, alpha C, T(A, C))`` and the lowering map ``(T(B, C), beta C, A x C, 0)``.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp
from sympy import QQ
from sympy.polys.matrices import DomainMatrix
from sympy.polys.rings import ring

from liealg.catalog import jordan
from liealg.errors import OracleError

__all__ = [
    "CubicNormStructure",
    "albert_algebra",
    "real_line",
    "diagonal_cubic",
    "fts_symbols",
    "sharp_polynomials",
    "quartic_invariant",
    "symplectic_matrix",
    "structure_algebra",
    "e7_generators",
]


@dataclass(frozen=True)
class CubicNormStructure:
    """A cubic Jordan algebra given by coordinates: its cubic norm and its (diagonal) trace form.

    Attributes
    ----------
    name : str
        For messages and reports (``"h3(O)"``, ``"h3(O')"``).
    variable_names : tuple of str
        The ``n`` coordinate names; ``norm`` is a polynomial in real symbols with these names.
    norm : sympy.Expr
        The cubic norm ``N``, homogeneous of degree 3 with rational coefficients.
    trace_gram : tuple of int or Fraction
        The diagonal ``g`` of the trace form ``T(A, B) = sum_k g_k A_k B_k`` (all nonzero).

    Examples
    --------
    >>> J = real_line()
    >>> J.name, J.norm, J.trace_gram
    ('R', a**3, (3,))
    """

    name: str
    variable_names: tuple[str, ...]
    norm: sp.Expr
    trace_gram: tuple[int | Fraction, ...]

    def __post_init__(self) -> None:
        if len(self.trace_gram) != len(self.variable_names) or any(g == 0 for g in self.trace_gram):
            raise OracleError(f"{self.name}: need one nonzero trace-form entry per coordinate "
                              f"({len(self.variable_names)}), got {self.trace_gram}")

    @property
    def dimension(self) -> int:
        """``n = dim J``."""
        return len(self.variable_names)

    @property
    def symbols(self) -> tuple[sp.Symbol, ...]:
        """The coordinates as real sympy symbols (the symbols of ``norm``)."""
        return tuple(sp.Symbol(n, real=True) for n in self.variable_names)


def albert_algebra(*, split: bool = False) -> CubicNormStructure:
    """The Albert algebra h3(O) (``split=False``) or the split Albert algebra h3(O') (27 coordinates).

    The norm is :func:`liealg.catalog.jordan.cubic_norm_polynomial` (or its split twin) and the
    trace form ``tr(A o B)`` (:func:`liealg.catalog.jordan.trace_form_gram`).

    Examples
    --------
    >>> J = albert_algebra(split=True)
    >>> J.name, J.dimension
    ("h3(O')", 27)
    """
    norm = jordan.split_cubic_norm_polynomial() if split else jordan.cubic_norm_polynomial()
    return CubicNormStructure(
        name="h3(O')" if split else "h3(O)",
        variable_names=jordan.JORDAN_VARIABLE_NAMES,
        norm=norm,
        trace_gram=jordan.trace_form_gram(split=split),
    )


def real_line() -> CubicNormStructure:
    """``J = R`` with ``N(a) = a^3``, ``T(a, b) = 3ab``, ``a# = a^2``: the FTS is R^4, its ``q`` the
    discriminant of a binary cubic, with symmetry algebra sl(2, R) (dimension 3)."""
    return CubicNormStructure(name="R", variable_names=("a",), norm=sp.Symbol("a", real=True) ** 3,
                              trace_gram=(3,))


def diagonal_cubic() -> CubicNormStructure:
    """``J = R + R + R`` with ``N = a b c``, ``T = aa' + bb' + cc'``: the FTS is R^8 (three qubits),
    ``q`` is Cayley's hyperdeterminant and its symmetry algebra sl(2, R)^3 (dimension 9)."""
    a, b, c = (sp.Symbol(n, real=True) for n in "abc")
    return CubicNormStructure(name="R+R+R", variable_names=("a", "b", "c"), norm=a * b * c, trace_gram=(1, 1, 1))


# ---------------------------------------------------------------------------- the triple system
def fts_symbols(structure: CubicNormStructure) -> tuple[sp.Symbol, ...]:
    """The ``2n + 2`` real symbols ``alpha, A_*, B_*, beta`` of ``V = R + J + J + R``.

    Examples
    --------
    >>> [str(s) for s in fts_symbols(real_line())]
    ['alpha', 'A_a', 'B_a', 'beta']
    """
    names = structure.variable_names
    return (sp.Symbol("alpha", real=True),) + tuple(sp.Symbol(f"A_{n}", real=True) for n in names) + tuple(
        sp.Symbol(f"B_{n}", real=True) for n in names) + (sp.Symbol("beta", real=True),)


def _rational(v: int | Fraction) -> sp.Rational:
    v = Fraction(v)
    return sp.Rational(v.numerator, v.denominator)


@functools.cache
def sharp_polynomials(structure: CubicNormStructure) -> tuple[sp.Expr, ...]:
    """The sharp ``A# = G^-1 grad N(A)``: ``n`` quadratic polynomials in ``structure.symbols``.

    Examples
    --------
    >>> sharp_polynomials(real_line())
    (a**2,)
    >>> sharp_polynomials(diagonal_cubic())
    (b*c, a*c, a*b)
    """
    R, *xs = ring(structure.symbols, QQ)
    N = R.from_expr(structure.norm)
    return tuple((N.diff(x) * QQ(1) / _qq(g)).as_expr() for x, g in zip(xs, structure.trace_gram))


def _qq(v: int | Fraction) -> Any:
    v = Fraction(v)
    return QQ(v.numerator, v.denominator)


def _split_symbols(structure: CubicNormStructure) -> tuple[sp.Symbol, tuple[sp.Symbol, ...], tuple[sp.Symbol, ...],
                                                            sp.Symbol]:
    s = fts_symbols(structure)
    n = structure.dimension
    return s[0], s[1:n + 1], s[n + 1:2 * n + 1], s[-1]


@functools.cache
def quartic_invariant(structure: CubicNormStructure, *, expand: bool = False) -> sp.Expr:
    """Freudenthal's quartic ``q = (alpha beta - T(A, B))^2 + 4 alpha N(A) + 4 beta N(B) - 4 T(A#, B#)``.

    Parameters
    ----------
    structure : CubicNormStructure
    expand : bool
        False (default): a sum of four expanded pieces, with ``(alpha beta - T(A, B))^2`` kept
        as a square. Shorter for lambdify and torch (fewer operations per evaluation); still a
        polynomial with rational coefficients, which the exact solver expands itself.
        True: fully expanded (for h3: 3,000-odd terms).

    Returns
    -------
    sympy.Expr
        In the symbols :func:`fts_symbols` (``2n + 2`` real variables).

    Examples
    --------
    >>> sp.expand(quartic_invariant(real_line()))
    4*A_a**3*alpha - 3*A_a**2*B_a**2 - 6*A_a*B_a*alpha*beta + 4*B_a**3*beta + alpha**2*beta**2
    """
    # Sparse polynomial arithmetic (sympy.polys.rings) is ~10x faster than expanding sympy
    # expressions here: 2.3 s -> 0.2 s for h3(O'), whose T(A#, B#) has ~1,700 terms.
    symbols = fts_symbols(structure)
    n = structure.dimension
    R, *gens = ring(symbols, QQ)
    alpha, A, B, beta = gens[0], gens[1:n + 1], gens[n + 1:2 * n + 1], gens[-1]
    g = [_qq(v) for v in structure.trace_gram]
    RJ, *xs = ring(structure.symbols, QQ)
    N = RJ.from_expr(structure.norm)
    sharp = [N.diff(x) * (1 / gk) for x, gk in zip(xs, g)]

    def embed(f: Any, target: Sequence[Any]) -> Any:  # J -> the A or B coordinates of V
        out = R.zero
        for mono, c in f.terms():
            term = R(c)
            for t, e in zip(target, mono):
                if e:
                    term *= t**e
            out += term
        return out

    pairing = sum((gk * a * b for gk, a, b in zip(g, A, B)), R.zero)
    sharps = sum((gk * embed(s, A) * embed(s, B) for gk, s in zip(g, sharp)), R.zero)
    pieces = (alpha * beta - pairing, 4 * alpha * embed(N, A), 4 * beta * embed(N, B), -4 * sharps)
    if expand:
        return (pieces[0] ** 2 + pieces[1] + pieces[2] + pieces[3]).as_expr()
    first, *rest = (f.as_expr() for f in pieces)
    return sp.Add(first**2, *rest)


def symplectic_matrix(structure: CubicNormStructure) -> sp.Matrix:
    """``Omega`` with ``{x, y} = x^T Omega y = alpha beta' - beta alpha' + T(A, B') - T(B, A')``.

    Examples
    --------
    >>> symplectic_matrix(real_line())
    Matrix([
    [ 0,  0, 0, 1],
    [ 0,  0, 3, 0],
    [ 0, -3, 0, 0],
    [-1,  0, 0, 0]])
    """
    n = structure.dimension
    m = 2 * n + 2
    Om = sp.zeros(m, m)
    Om[0, m - 1], Om[m - 1, 0] = 1, -1
    for k, gk in enumerate(structure.trace_gram):
        Om[1 + k, 1 + n + k] = _rational(gk)
        Om[1 + n + k, 1 + k] = -_rational(gk)
    return Om


# ---------------------------------------------------------------------------- explicit generators
@functools.cache
def structure_algebra(structure: CubicNormStructure) -> tuple[sp.Matrix, ...]:
    """An exact basis of the reduced structure algebra ``{X : T(A#, X A) = 0}`` (``n x n``).

    Solved by :func:`liealg.catalog.exceptional.invariance_nullspace` (the catalog's own solver,
    independent of :mod:`liealg.exact.solver`): e6(-26) for h3(O), e6(6) for h3(O'), 78 each.
    """
    from liealg.catalog.exceptional import invariance_nullspace

    return invariance_nullspace(structure.norm, [structure.symbols])


def _third_derivatives(structure: CubicNormStructure) -> dict[tuple[int, ...], sp.Rational]:
    """The constant symmetric tensor ``d^3 N / dx_i dx_j dx_k`` (sparse; all index orders listed).

    ``Hess N(C)_{ik} = sum_j D3[i, k, j] C_j``, so the cross product with a unit vector ``e_j`` is
    ``(Y x e_j)_i = sum_k D3[i, k, j] Y_k / g_i``.
    """
    RJ, *_ = ring(structure.symbols, QQ)
    out: dict[tuple[int, ...], sp.Rational] = {}
    for mono, c in RJ.from_expr(structure.norm).terms():
        factor = 1
        idx: list[int] = []
        for v, e in enumerate(mono):
            idx += [v] * e
            factor *= 1 if e < 2 else (2 if e == 2 else 6)  # e! for e <= 3
        if len(idx) != 3:
            raise OracleError(f"{structure.name}: the norm must be homogeneous of degree 3, found a term of "
                              f"degree {len(idx)}")
        value = sp.Rational(int(c.numerator), int(c.denominator)) * factor
        for perm in set(itertools.permutations(idx)):
            out[perm] = out.get(perm, 0) + value
    return out


def _matrix(m: int, entries: dict[tuple[int, int], sp.Rational]) -> sp.Matrix:
    # Through a sparse DomainMatrix over QQ: skips sympy's per-entry checks (2.4 s -> 0.1 s for
    # the 133 matrices of 56 x 56).
    sdm: dict[int, dict[int, Any]] = {}
    for (i, j), v in entries.items():
        if v != 0:
            sdm.setdefault(i, {})[j] = QQ(int(v.p), int(v.q))
    return DomainMatrix(sdm, (m, m), QQ).to_Matrix()


def e7_generators(structure: CubicNormStructure) -> tuple[sp.Matrix, ...]:
    """The known symmetries of :func:`quartic_invariant`: ``dim str0 + 1 + 2n`` exact matrices.

    In the order: ``(X, -X^dagger)`` for each ``X`` of :func:`structure_algebra` (``X^dagger =
    G^-1 X^T G``, the ``T``-adjoint: then ``T(A, B)`` is kept); the grading
    ``h = diag(-3, 1, .., 1, -1, .., -1, 3)``; the raising maps ``R_C``; the lowering maps
    ``L_C``, for ``C`` the coordinate unit vectors of ``J``::

        R_C (alpha, A, B, beta) = (0, B x C, alpha C, T(A, C)),
        L_C (alpha, A, B, beta) = (T(B, C), beta C, A x C, 0).

    Why ``L_C`` preserves ``q`` (``R_C`` is its mirror under ``(alpha, A) <-> (beta, B)``):
    with ``P = alpha beta - T(A, B)``, the identities ``T(A x C, A) = 2 T(A#, C)`` and
    ``A# x (A x C) = N(A) C + T(A#, C) A`` give ``dP = -2 T(A#, C)`` and

        d q = -4 P T(A#, C) + 4 N(A) T(B, C) + 4 alpha beta T(A#, C)
              + 4 beta T(B#, A x C) - 4 beta T(A x C, B#) - 4 T(A#, B x (A x C))
            = 4 T(A, B) T(A#, C) + 4 N(A) T(B, C) - 4 [N(A) T(B, C) + T(A#, C) T(A, B)] = 0.

    With ``-4 alpha N(A) - 4 beta N(B) + 4 T(A#, B#)`` instead, the ``alpha beta`` terms need
    ``A x C`` with one sign and the ``beta`` terms with the other: no such ``L_C`` exists.

    For h3 this gives ``78 + 1 + 27 + 27 = 133`` generators of ``56 x 56`` rational matrices.

    Examples
    --------
    >>> len(e7_generators(real_line()))  # str0(R) = 0: h, R_1, L_1 span sl(2, R)
    3
    """
    n = structure.dimension
    m = 2 * n + 2
    g = [_rational(v) for v in structure.trace_gram]
    A0, B0, beta_i = 1, 1 + n, m - 1  # block offsets of A, B and the index of beta
    out: list[sp.Matrix] = []
    for X in structure_algebra(structure):
        entries = {}
        for (i, j), v in X.todok().items():
            entries[(A0 + i, A0 + j)] = v
            entries[(B0 + j, B0 + i)] = -v * g[i] / g[j]  # -(G^-1 X^T G)[j, i]
        out.append(_matrix(m, entries))
    out.append(sp.diag(-3, *([1] * n), *([-1] * n), 3))
    D3 = _third_derivatives(structure)
    # One raising and one lowering map per unit vector e_j of J; their A<->B blocks are the
    # cross product Y -> Y x e_j, read off the third derivatives of N.
    cross: list[dict[tuple[int, int], sp.Rational]] = [{} for _ in range(n)]
    for (i, k, j), v in D3.items():
        cross[j][(i, k)] = v / g[i]
    for j in range(n):  # raising: alpha -> B, B -> A, A -> beta
        entries = {(A0 + i, B0 + k): v for (i, k), v in cross[j].items()}
        entries[(B0 + j, 0)] = sp.Integer(1)
        entries[(beta_i, A0 + j)] = g[j]
        out.append(_matrix(m, entries))
    for j in range(n):  # lowering: beta -> A, A -> B, B -> alpha
        entries = {(B0 + i, A0 + k): v for (i, k), v in cross[j].items()}
        entries[(A0 + j, beta_i)] = sp.Integer(1)
        entries[(0, B0 + j)] = g[j]
        out.append(_matrix(m, entries))
    return tuple(out)
