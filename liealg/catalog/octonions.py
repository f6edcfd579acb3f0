"""The octonions O and the split octonions O', built by Cayley–Dickson doubling.

Everything here is exact: structure constants are integer tables, elements are 8-tuples of any
exact ring elements (``int``, ``fractions.Fraction``, sympy expressions).

Construction (the derivation a reader can follow)
-------------------------------------------------
Start from the reals ``R`` and double three times. A pair ``(a, b)`` of elements of an algebra
``A`` with conjugation ``*`` is multiplied and conjugated by

    (a, b)(c, d) = (a c + g d* b,  d a + b c*),        (a, b)* = (a*, -b),

with a sign ``g`` chosen at each step. With ``g = -1`` three times this gives C, the quaternions
H and the octonions O (Baez, "The Octonions", Bull. AMS 39 (2002), §2.2 uses exactly this
formula). Taking ``g = +1`` at the last step gives the split octonions O'. The norm obeys
``N(a, b) = N(a) - g N(b)``, positive definite for O and of signature (4, 4) for O'.

Basis: ``e0 = 1`` and ``e1 .. e7``; at each doubling the new basis elements are ``(0, e_i)``, so
``e_{n+i} = (0, e_i)`` when doubling an algebra of dimension ``n``. Every product of two basis
elements is ``+-`` a basis element; :func:`multiplication_table` lists them. For O the
quaternionic triples ``e_i e_j = e_k`` (cyclic; each line of the Fano plane) come out as::

    (1, 2, 3), (1, 4, 5), (1, 7, 6), (2, 4, 6), (2, 5, 7), (3, 4, 7), (3, 6, 5)

(checked in the tests, and recomputed by :func:`fano_triples`); ``e_i^2 = -1`` for i = 1..7.
For O' the same triples hold up to sign, and ``e_i^2 = +1`` for i = 4..7 (the "split" units).

Derived objects
---------------
* :func:`associative_3form`: ``phi(x, y, z) = <x, y z>`` on ``Im O = R^7`` (totally antisymmetric),
  a sympy polynomial in ``x1..x7, y1..y7, z1..z7``; its stabilizer in GL(7, R) is compact G2
  (and, for O', the split G2(2)).
* :func:`derivations`: an exact basis of ``Der(O) = g2`` (``Der(O') = g2(2)``), 14 matrices
  7 x 7, the null space of the linear equations ``D(e_i e_j) = D(e_i) e_j + e_i D(e_j)``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from fractions import Fraction
from typing import TypeAlias

import sympy as sp

from liealg.errors import OptionError
from liealg.exact.linalg import nullspace, qmatrix

#: An octonion coordinate: an exact number or a sympy expression (symbols for polynomials).
Scalar: TypeAlias = int | Fraction | sp.Expr

__all__ = [
    "OCTONION_SIGNS",
    "SPLIT_OCTONION_SIGNS",
    "associative_3form",
    "basis",
    "cayley_dickson_multiply",
    "conjugate",
    "derivations",
    "fano_lines",
    "fano_triples",
    "imaginary_symbols",
    "inner",
    "metric_signs",
    "multiplication_table",
    "multiply",
    "norm",
    "real_part",
    "structure_constants",
]

#: Doubling signs ``g`` (R -> C -> H -> O): all -1 gives the (division) octonions.
OCTONION_SIGNS: tuple[int, int, int] = (-1, -1, -1)
#: The last doubling with ``g = +1`` gives the split octonions (norm of signature (4, 4)).
SPLIT_OCTONION_SIGNS: tuple[int, int, int] = (-1, -1, +1)


def _signs(split: bool) -> tuple[int, ...]:
    return SPLIT_OCTONION_SIGNS if split else OCTONION_SIGNS


# ---------------------------------------------------------------------------- Cayley–Dickson
def _cd_conjugate(x: Sequence[Scalar]) -> list[Scalar]:
    # (a, b)* = (a*, -b) unrolls to: keep the real part, negate every other coordinate.
    return [x[0]] + [-v for v in x[1:]]


def cayley_dickson_multiply(x: Sequence[Scalar], y: Sequence[Scalar], signs: Sequence[int]) -> list[Scalar]:
    """Multiply two elements of the Cayley–Dickson algebra built with the doubling ``signs``.

    Parameters
    ----------
    x, y : sequence of length ``2 ** len(signs)``
        Coordinates in the basis ``e0 .. e_{2^k - 1}`` (any exact ring elements).
    signs : sequence of int
        The sign ``g`` of each doubling step, innermost first.

    Returns
    -------
    list
        The coordinates of ``x y``, by ``(a, b)(c, d) = (a c + g d* b, d a + b c*)``.

    Examples
    --------
    >>> cayley_dickson_multiply([0, 1], [0, 1], [-1])  # i * i = -1 in C
    [-1, 0]
    """
    n = len(x)
    if n != len(y) or n != 2 ** len(signs):
        raise OptionError(f"need two vectors of length {2 ** len(signs)}, got {len(x)} and {len(y)}")
    if n == 1:
        return [x[0] * y[0]]
    h = n // 2
    g = signs[-1]
    inner_signs = signs[:-1]
    a, b, c, d = x[:h], x[h:], y[:h], y[h:]
    ac = cayley_dickson_multiply(a, c, inner_signs)
    dstar_b = cayley_dickson_multiply(_cd_conjugate(d), b, inner_signs)
    da = cayley_dickson_multiply(d, a, inner_signs)
    b_cstar = cayley_dickson_multiply(b, _cd_conjugate(c), inner_signs)
    return [p + g * q for p, q in zip(ac, dstar_b)] + [p + q for p, q in zip(da, b_cstar)]


@functools.cache
def multiplication_table(split: bool = False) -> tuple[tuple[tuple[int, int], ...], ...]:
    """The product of basis elements: ``table[i][j] = (s, k)`` means ``e_i e_j = s e_k``.

    Computed once from :func:`cayley_dickson_multiply` on unit vectors (so the table *is* the
    Cayley–Dickson construction, not a transcription of it).

    Examples
    --------
    >>> multiplication_table()[1][2]  # e1 e2 = e3
    (1, 3)
    """
    signs = _signs(split)
    table = []
    for i in range(8):
        row = []
        for j in range(8):
            p = cayley_dickson_multiply(_unit(i), _unit(j), signs)
            nz = [(k, v) for k, v in enumerate(p) if v != 0]
            # Doubling maps signed basis elements to signed basis elements: one entry, +-1.
            assert len(nz) == 1 and nz[0][1] in (1, -1), (i, j, p)
            row.append((int(nz[0][1]), nz[0][0]))
        table.append(tuple(row))
    return tuple(table)


@functools.cache
def structure_constants(split: bool = False) -> tuple[tuple[tuple[int, ...], ...], ...]:
    """Integer structure constants ``c[i][j][k]`` with ``e_i e_j = sum_k c[i][j][k] e_k``."""
    table = multiplication_table(split)
    return tuple(
        tuple(tuple(table[i][j][0] if table[i][j][1] == k else 0 for k in range(8)) for j in range(8))
        for i in range(8)
    )


@functools.cache
def metric_signs(split: bool = False) -> tuple[int, ...]:
    """``eta_i`` with ``N(x) = sum_i eta_i x_i^2``: all +1 for O; (+1 x4, -1 x4) for O'."""
    table = multiplication_table(split)
    # N(e_i) = e_i e_i* ; e_i* = -e_i for i > 0, so N(e_i) = -(e_i e_i) = -(s e_0).
    out = [1]
    for i in range(1, 8):
        s, k = table[i][i]
        assert k == 0
        out.append(-s)
    return tuple(out)


def fano_triples() -> tuple[tuple[int, int, int], ...]:
    """The seven oriented lines ``(i, j, k)`` of the Fano plane for O: ``e_i e_j = +e_k``.

    Each line is a quaternionic triple (``e_j e_k = e_i``, ``e_k e_i = e_j`` and the reversed
    products are ``-``); it is listed with its smallest index first, lines sorted.

    Examples
    --------
    >>> fano_triples()[:3]
    ((1, 2, 3), (1, 4, 5), (1, 7, 6))
    """
    table = multiplication_table(False)
    reps = set()
    for i in range(1, 8):
        for j in range(1, 8):
            s, k = table[i][j]
            if i != j and s == 1:
                reps.add(min([(i, j, k), (j, k, i), (k, i, j)]))
    return tuple(sorted(reps))


def fano_lines(split: bool = False) -> tuple[tuple[int, int, int], ...]:
    """The seven lines ``{i, j, k}`` (sorted) with ``e_i e_j = +-e_k``; the same for O and O'.

    In O' some signs differ from O (``e4 e5 = -e1`` in O' but ``+e1`` in O), so only the
    unoriented lines are shared.
    """
    table = multiplication_table(split)
    triples = {(a, b, c) for i in range(1, 8) for j in range(1, 8) if i != j
               for a, b, c in [sorted((i, j, table[i][j][1]))]}
    return tuple(sorted(triples))


def _unit(i: int) -> list[int]:
    v = [0] * 8
    v[i] = 1
    return v


def basis(i: int) -> tuple[int, ...]:
    """The basis octonion ``e_i`` as an integer 8-tuple."""
    if not 0 <= i < 8:
        raise OptionError(f"octonion basis index must be 0..7, got {i}")
    return tuple(_unit(i))


# ---------------------------------------------------------------------------- element arithmetic
def _check(a: Sequence[Scalar], what: str = "octonion") -> None:
    if len(a) != 8:
        raise OptionError(f"an {what} has 8 coordinates, got {len(a)}")


def multiply(a: Sequence[Scalar], b: Sequence[Scalar], *, split: bool = False) -> tuple[Scalar, ...]:
    """The octonion product ``a b`` (of O, or of O' when ``split``), exactly.

    Parameters
    ----------
    a, b : sequence of 8 exact ring elements
        Coordinates in ``e0 .. e7``.

    Examples
    --------
    >>> multiply(basis(1), basis(2))
    (0, 0, 0, 1, 0, 0, 0, 0)
    """
    _check(a)
    _check(b)
    table = multiplication_table(split)
    out: list[Scalar] = [0] * 8
    for i, ai in enumerate(a):
        if ai == 0:
            continue
        for j, bj in enumerate(b):
            if bj == 0:
                continue
            s, k = table[i][j]
            out[k] = out[k] + s * ai * bj
    return tuple(out)


def conjugate(a: Sequence[Scalar]) -> tuple[Scalar, ...]:
    """``a* = a0 e0 - a1 e1 - ... - a7 e7`` (the same formula for O and O')."""
    _check(a)
    return tuple(_cd_conjugate(a))


def real_part(a: Sequence[Scalar]) -> Scalar:
    """``Re a = a0 = (a + a*) / 2``."""
    _check(a)
    return a[0]


def norm(a: Sequence[Scalar], *, split: bool = False) -> Scalar:
    """The quadratic norm ``N(a) = a a* = sum_i eta_i a_i^2`` (not its square root).

    Multiplicative, ``N(a b) = N(a) N(b)``, for both O and O'.
    """
    _check(a)
    eta = metric_signs(split)
    return sum(e * v * v for e, v in zip(eta, a))


def inner(a: Sequence[Scalar], b: Sequence[Scalar], *, split: bool = False) -> Scalar:
    """The polar bilinear form ``<a, b> = Re(a b*) = sum_i eta_i a_i b_i``."""
    _check(a)
    _check(b)
    eta = metric_signs(split)
    return sum(e * u * v for e, u, v in zip(eta, a, b))


# ---------------------------------------------------------------------------- the 3-form and g2
def imaginary_symbols(prefix: str) -> tuple[sp.Symbol, ...]:
    """Seven real symbols ``prefix1 .. prefix7``: coordinates on ``Im O`` in ``e1 .. e7``."""
    return tuple(sp.Symbol(f"{prefix}{i}", real=True) for i in range(1, 8))


@functools.cache
def associative_3form(split: bool = False) -> sp.Expr:
    """The associative 3-form ``phi(x, y, z) = <x, y z>`` on ``Im O = R^7``.

    A trilinear, totally antisymmetric polynomial with 42 terms (7 Fano lines x 3! orders) in the
    21 real variables ``x1..x7, y1..y7, z1..z7`` (coordinates on ``e1..e7``). Written as a form:
    ``phi = sum over the 7 lines (i, j, k) of +-e^{ijk}``. Its stabilizer in GL(7, R) is the compact
    G2 for O and the split G2(2) for O' (where ``<,>`` is the split, (3,4)-signature form on Im O').

    Examples
    --------
    >>> len(associative_3form().args)
    42
    """
    x, y, z = (imaginary_symbols(p) for p in "xyz")
    xo, yo, zo = ((0,) + v for v in (x, y, z))
    return sp.expand(inner(xo, multiply(yo, zo, split=split), split=split))


@functools.cache
def _derivation_basis(split: bool) -> tuple[sp.Matrix, ...]:
    table = multiplication_table(split)
    # Unknowns D[m, a] (D acts on column coordinate vectors: D e_a = sum_m D[m, a] e_m), flattened
    # as index 8*m + a. One equation per (i, j, component m) of
    #   D(e_i e_j) - D(e_i) e_j - e_i D(e_j) = 0.
    rows = []
    for i in range(8):
        for j in range(8):
            eqs = [[0] * 64 for _ in range(8)]
            s, k = table[i][j]
            for m in range(8):  # D(e_i e_j) = s D(e_k): component m is s D[m, k]
                eqs[m][8 * m + k] += s
            for b in range(8):  # D(e_i) e_j = sum_b D[b, i] e_b e_j
                sb, kb = table[b][j]
                eqs[kb][8 * b + i] -= sb
            for b in range(8):  # e_i D(e_j) = sum_b D[b, j] e_i e_b
                sb, kb = table[i][b]
                eqs[kb][8 * b + j] -= sb
            rows.extend(eqs)
    N = nullspace(qmatrix(rows))
    mats = []
    for r in range(N.nrows()):
        D = sp.Matrix(8, 8, [N[r, c] for c in range(64)]).applyfunc(lambda q: sp.Rational(int(q.p), int(q.q)))
        # A derivation kills 1 (D(1) = D(1*1) = 2 D(1)) and maps Im O into itself, so the 7x7 block
        # on e1..e7 carries everything; check instead of assuming.
        assert all(v == 0 for v in D[:, 0]) and all(v == 0 for v in D[0, :])
        mats.append(D[1:, 1:])
    return tuple(mats)


def derivations(split: bool = False) -> tuple[sp.Matrix, ...]:
    """An exact basis of the derivation algebra ``Der(O) = g2`` (or ``Der(O') = g2(2)``).

    Solves the 512 linear equations ``D(e_i e_j) = D(e_i) e_j + e_i D(e_j)`` for the 64 entries of
    an 8 x 8 matrix ``D`` (exact null space over Q). Every derivation kills ``e0`` and preserves
    ``Im O``, so each is returned as its 7 x 7 block on ``e1 .. e7``.

    Returns
    -------
    tuple of 14 sympy.Matrix, each 7 x 7 with rational entries
        Antisymmetric for O (derivations preserve the positive norm); for O' they satisfy
        ``D^T eta + eta D = 0`` with ``eta = diag(metric_signs(True)[1:])``.
    """
    return _derivation_basis(bool(split))
