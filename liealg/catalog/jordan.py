"""The exceptional Jordan algebra h3(O): 3 x 3 Hermitian octonionic matrices (27 real dimensions).

Coordinates (the convention used everywhere in liealg)
------------------------------------------------------
An element is

    A = [[ a,   w,   v* ],
         [ w*,  b,   u  ],
         [ v,   u*,  c  ]]

with real ``a, b, c`` and octonions ``u, v, w`` (``*`` = octonion conjugation), so ``u`` sits opposite
``a``, ``v`` opposite ``b`` and ``w`` opposite ``c`` (Baez, "The Octonions", §3.4, with his
``x, y, z`` = our ``u, v, w``). The 27 real variables, in this order, are

    a, b, c, u0..u7, v0..v7, w0..w7

where ``u0`` is the real part of ``u`` and ``u1..u7`` its ``e1..e7`` coordinates in the
Cayley–Dickson basis of :mod:`liealg.catalog.octonions`.

Structure
---------
* Jordan product ``A o B = (A B + B A) / 2`` (octonionic matrix products; not associative, but
  commutative and power-associative, so ``A^2 = A A`` and ``A^3 = A o A^2`` are well defined).
* ``tr A = a + b + c``; quadratic form ``tr(A o A) = a^2 + b^2 + c^2 + 2(|u|^2 + |v|^2 + |w|^2)``.
* Cubic norm (the determinant)

      N(A) = a b c - a |u|^2 - b |v|^2 - c |w|^2 + 2 Re(u v w).

  ``Re(u v w)`` needs no brackets: ``Re((u v) w) = Re(u (v w))`` and it is invariant under cyclic
  permutation. For complex entries this is the ordinary determinant: the two 3-cycles of the
  Leibniz formula are ``A12 A23 A31 = w u v`` and its conjugate. The convention is *verified*,
  not assumed: Cayley–Hamilton
  ``A^3 - tr(A) A^2 + S(A) A - N(A) I = 0`` with ``S(A) = (tr(A)^2 - tr(A^2)) / 2`` holds exactly
  (tests on random integer matrices); with ``Re(w v u)`` in place of ``Re(u v w)`` it fails.
* Symmetries: the linear maps preserving ``N`` form E6(-26) (dim 78); those preserving ``N`` and
  ``tr`` (equivalently fixing the identity ``I``) are the automorphisms, compact F4 (dim 52), which
  act on the 26-dimensional traceless part ``a + b + c = 0`` irreducibly.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from fractions import Fraction
from typing import TypeAlias

import sympy as sp

from liealg.catalog import octonions as octo
from liealg.catalog.octonions import Scalar
from liealg.errors import OptionError

__all__ = [
    "JORDAN_VARIABLE_NAMES",
    "cayley_hamilton_residual",
    "cubic_norm",
    "cubic_norm_polynomial",
    "from_coordinates",
    "identity",
    "jordan_power",
    "jordan_product",
    "jordan_symbols",
    "matrix_multiply",
    "quadratic_form",
    "quadratic_form_polynomial",
    "second_invariant",
    "to_coordinates",
    "trace",
    "trace_polynomial",
    "traceless_substitution",
    "split_cubic_norm",
    "split_cubic_norm_polynomial",
    "trace_form_gram",
    "traceless_symbols",
]

#: The 27 coordinate names, in order: diagonal a, b, c; then u, v, w (8 each, real part first).
JORDAN_VARIABLE_NAMES: tuple[str, ...] = ("a", "b", "c") + tuple(
    f"{p}{i}" for p in "uvw" for i in range(8)
)

OMatrix: TypeAlias = list[list[tuple[Scalar, ...]]]  # 3 x 3 nested lists of octonions


def _zero() -> tuple[Scalar, ...]:
    return (0,) * 8


def _real(x: Scalar) -> tuple[Scalar, ...]:
    return (x,) + (0,) * 7


def _add(p: Sequence[Scalar], q: Sequence[Scalar]) -> tuple[Scalar, ...]:
    return tuple(s + t for s, t in zip(p, q))


def _scale(k: Scalar, p: Sequence[Scalar]) -> tuple[Scalar, ...]:
    return tuple(k * s for s in p)


def _halve(x: Scalar) -> Scalar:
    # Keep ints exact (Fraction) and let sympy / Fraction values divide themselves.
    return Fraction(x, 2) if isinstance(x, int) else x / 2


# ---------------------------------------------------------------------------- coordinates
def jordan_symbols() -> tuple[sp.Symbol, ...]:
    """The 27 real sympy symbols ``a, b, c, u0..u7, v0..v7, w0..w7``."""
    return tuple(sp.Symbol(n, real=True) for n in JORDAN_VARIABLE_NAMES)


def from_coordinates(coords: Sequence[Scalar]) -> OMatrix:
    """The 3 x 3 octonionic Hermitian matrix with the given 27 coordinates.

    Parameters
    ----------
    coords : sequence of 27 exact ring elements
        ``a, b, c, u0..u7, v0..v7, w0..w7``.

    Returns
    -------
    list of 3 lists of 3 octonions (8-tuples)
    """
    if len(coords) != 27:
        raise OptionError(f"h3(O) has 27 coordinates, got {len(coords)}")
    a, b, c = coords[:3]
    u, v, w = (tuple(coords[3 + 8 * k: 11 + 8 * k]) for k in range(3))
    cj = octo.conjugate
    return [
        [_real(a), w, cj(v)],
        [cj(w), _real(b), u],
        [v, cj(u), _real(c)],
    ]


def to_coordinates(A: OMatrix) -> tuple[Scalar, ...]:
    """The 27 coordinates of a Hermitian octonionic matrix (the inverse of :func:`from_coordinates`).

    Raises ``ValueError`` if ``A`` is not Hermitian (diagonal not real, or ``A_ji != A_ij*``).
    """
    for i in range(3):
        if any(v != 0 for v in A[i][i][1:]):
            raise OptionError(f"diagonal entry {i} is not real: {A[i][i]}")
        for j in range(3):
            if tuple(A[j][i]) != octo.conjugate(A[i][j]):
                raise OptionError(f"entries ({i},{j}) and ({j},{i}) are not conjugate")
    return (A[0][0][0], A[1][1][0], A[2][2][0]) + tuple(A[1][2]) + tuple(A[2][0]) + tuple(A[0][1])


def identity() -> OMatrix:
    """The unit ``I`` of h3(O)."""
    return from_coordinates([1, 1, 1] + [0] * 24)


# ---------------------------------------------------------------------------- products
def matrix_multiply(X: OMatrix, Y: OMatrix) -> OMatrix:
    """The ordinary (non-associative) product of two 3 x 3 octonionic matrices."""
    out = []
    for i in range(3):
        row = []
        for j in range(3):
            acc = _zero()
            for k in range(3):
                acc = _add(acc, octo.multiply(X[i][k], Y[k][j]))
            row.append(acc)
        out.append(row)
    return out


def jordan_product(A: OMatrix, B: OMatrix) -> OMatrix:
    """``A o B = (A B + B A) / 2``: commutative, and Hermitian when ``A`` and ``B`` are."""
    AB = matrix_multiply(A, B)
    BA = matrix_multiply(B, A)
    return [[tuple(_halve(p + q) for p, q in zip(AB[i][j], BA[i][j])) for j in range(3)] for i in range(3)]


def jordan_power(A: OMatrix, n: int) -> OMatrix:
    """``A^n`` with ``A^1 = A`` and ``A^n = A o A^(n-1)`` (h3(O) is power-associative)."""
    if n < 1:
        raise OptionError("power must be >= 1")
    P = A
    for _ in range(n - 1):
        P = jordan_product(A, P)
    return P


def _combine(*terms: tuple[Scalar, OMatrix]) -> OMatrix:
    out = [[_zero() for _ in range(3)] for _ in range(3)]
    for k, M in terms:
        for i in range(3):
            for j in range(3):
                out[i][j] = _add(out[i][j], _scale(k, M[i][j]))
    return out


# ---------------------------------------------------------------------------- invariants
def trace(A: OMatrix) -> Scalar:
    """``tr A = a + b + c`` (the real parts of the diagonal)."""
    return A[0][0][0] + A[1][1][0] + A[2][2][0]


def quadratic_form(A: OMatrix) -> Scalar:
    """``tr(A o A) = a^2 + b^2 + c^2 + 2(|u|^2 + |v|^2 + |w|^2)``, positive definite."""
    return trace(jordan_product(A, A))


def second_invariant(A: OMatrix) -> Scalar:
    """``S(A) = (tr(A)^2 - tr(A o A)) / 2 = ab + bc + ca - |u|^2 - |v|^2 - |w|^2``."""
    return _halve(trace(A) ** 2 - quadratic_form(A))


def cubic_norm(A: OMatrix) -> Scalar:
    """The determinant ``N(A) = abc - a|u|^2 - b|v|^2 - c|w|^2 + 2 Re(u v w)`` (module docstring)."""
    a, b, c = A[0][0][0], A[1][1][0], A[2][2][0]
    u, v, w = A[1][2], A[2][0], A[0][1]
    nu, nv, nw = octo.norm(u), octo.norm(v), octo.norm(w)
    return a * b * c - a * nu - b * nv - c * nw + 2 * octo.real_part(octo.multiply(octo.multiply(u, v), w))


def cayley_hamilton_residual(A: OMatrix) -> OMatrix:
    """``A^3 - tr(A) A^2 + S(A) A - N(A) I``: identically zero in h3(O) (used to verify ``N``)."""
    A2 = jordan_power(A, 2)
    A3 = jordan_product(A, A2)
    return _combine((1, A3), (-trace(A), A2), (second_invariant(A), A), (-cubic_norm(A), identity()))


# ---------------------------------------------------------------------------- polynomials
@functools.cache
def trace_polynomial() -> sp.Expr:
    """``a + b + c`` in :func:`jordan_symbols`."""
    return sp.expand(trace(from_coordinates(jordan_symbols())))


@functools.cache
def quadratic_form_polynomial() -> sp.Expr:
    """``tr(A o A)`` as a polynomial in the 27 symbols (27 terms)."""
    s = jordan_symbols()
    a, b, c = s[:3]
    return sp.expand(a**2 + b**2 + c**2 + 2 * sum(x**2 for x in s[3:]))


@functools.cache
def cubic_norm_polynomial() -> sp.Expr:
    """The cubic norm ``N`` as a polynomial in the 27 symbols (89 terms; integer coefficients).

    Examples
    --------
    >>> len(cubic_norm_polynomial().args)
    89
    """
    return sp.expand(cubic_norm(from_coordinates(jordan_symbols())))


def traceless_symbols() -> tuple[sp.Symbol, ...]:
    """The 26 coordinates of the traceless part: ``a, b, u0..u7, v0..v7, w0..w7`` (``c = -a - b``)."""
    s = jordan_symbols()
    return s[:2] + s[3:]


def traceless_substitution() -> dict[sp.Symbol, sp.Expr]:
    """``{c: -a - b}``: restrict a polynomial on h3(O) to the traceless hyperplane."""
    a, b, c = jordan_symbols()[:3]
    return {c: -a - b}


# ---------------------------------------------------------------------------- the split Albert algebra
def split_cubic_norm(A: OMatrix) -> Scalar:
    """The cubic norm of the split Albert algebra h3(O'): the same formula with split octonions.

    ``N'(A) = abc - a n(u) - b n(v) - c n(w) + 2 Re(u v w)`` where ``n`` is the split norm
    (signature (4, 4), :func:`liealg.catalog.octonions.norm` with ``split=True``) and the product
    is that of O'. The coordinates are those of :func:`from_coordinates` (conjugation is the same
    formula in O and O'). Its symmetry algebra is the split real form E6(6) (dim 78, maximal
    compact sp(4), Killing signature (42, 36, 0)); the tests check that, and the sharp identity
    ``A## = N'(A) A``, rather than assume it.
    """
    a, b, c = A[0][0][0], A[1][1][0], A[2][2][0]
    u, v, w = A[1][2], A[2][0], A[0][1]
    nu, nv, nw = (octo.norm(x, split=True) for x in (u, v, w))
    uvw = octo.multiply(octo.multiply(u, v, split=True), w, split=True)
    return a * b * c - a * nu - b * nv - c * nw + 2 * octo.real_part(uvw)


@functools.lru_cache(maxsize=None)
def split_cubic_norm_polynomial() -> sp.Expr:
    """:func:`split_cubic_norm` as a polynomial in :func:`jordan_symbols` (89 terms, integer coefficients).

    Examples
    --------
    >>> len(split_cubic_norm_polynomial().args)
    89
    """
    return sp.expand(split_cubic_norm(from_coordinates(jordan_symbols())))


def trace_form_gram(*, split: bool = False) -> tuple[int, ...]:
    """The diagonal Gram matrix of the trace form ``T(A, B) = tr(A o B)`` in the 27 coordinates.

    ``T(A, B) = aa' + bb' + cc' + 2 (<u, u'> + <v, v'> + <w, w'>)`` with the octonion inner product
    ``<x, y> = sum_i eta_i x_i y_i`` (``eta`` all +1 for O, :func:`liealg.catalog.octonions.metric_signs`
    for O'), so the Gram matrix is ``diag(1, 1, 1, 2 eta, 2 eta, 2 eta)``.

    Examples
    --------
    >>> trace_form_gram()[:5], trace_form_gram(split=True)[7:11]
    ((1, 1, 1, 2, 2), (-2, -2, -2, -2))
    """
    eta = octo.metric_signs(bool(split))
    return (1, 1, 1) + tuple(2 * e for e in eta) * 3
