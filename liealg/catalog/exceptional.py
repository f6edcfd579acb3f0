"""Exact matrix bases of the exceptional Lie algebras g2, g2(2), f4 and e6(-26).

Each algebra is computed, not transcribed: it is the exact null space over Q of the *linear*
infinitesimal invariance condition of a polynomial it preserves,

    sum_v  grad_{x^(v)} f(x) . W x^(v) = 0   for all x,

(one ``d x d`` matrix ``W`` acting on every argument vector ``x^(v)``), which is linear in the
entries of ``W``: each monomial of the left-hand side gives one linear equation.

================  =========================================  ======  ================
function          invariant(s)                               shape   dim / real form
================  =========================================  ======  ================
g2_matrices       associative 3-form phi on Im O             7 x 7   14, compact g2
g2_split_matrices split 3-form phi' on Im O'                 7 x 7   14, split G2(2)
f4_matrices       tr, tr(A o A) and N on h3(O)               27x27   52, compact f4
e6_matrices       the cubic norm N on h3(O)                  27x27   78, E6(-26)
================  =========================================  ======  ================

``f4_matrices(traceless=True)`` gives the 26 x 26 action on the traceless part instead.

The null space comes from the library's one exact solver (:mod:`liealg.exact.solver`); an
independent reference solver lives in the tests (``tests/reference_solver.py``) and checks both.
e6 (729 unknowns) takes well under a second once the cubic norm is built.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import flint
import sympy as sp
from sympy.polys.rings import ring

from liealg.catalog import jordan, octonions
from liealg.exact.linalg import columns, coordinates_in_rref, qmatrix, rref
from liealg.exact.solver import (
    polynomial_conditions,
    rows_to_matrices,
    solve_conditions,
)

__all__ = [
    "closes",
    "e6_matrices",
    "f4_matrices",
    "g2_matrices",
    "g2_split_matrices",
    "invariance_nullspace",
    "lie_derivative",
]

def invariance_nullspace(
    exprs: sp.Expr | Sequence[sp.Expr],
    vectors: Sequence[Sequence[sp.Symbol]],
    *,
    is_complex: bool = False,
) -> tuple[sp.ImmutableMatrix, ...]:
    """Exact basis of all linear generators that leave every polynomial in ``exprs`` invariant.

    The null space comes from the library's one exact solver
    (:func:`liealg.exact.solver.polynomial_conditions` and
    :func:`~liealg.exact.solver.solve_conditions`); this function only fixes the basis the
    catalog has always used: the one with a 1 in each free column of the invariance system and
    0 in the other free columns (the reduced row echelon form read from the last column).

    Parameters
    ----------
    exprs : sympy.Expr or sequence of them
        Real polynomials with rational coefficients in the symbols of ``vectors``.
    vectors : sequence of sequences of sympy.Symbol
        The argument vectors, each of the same length ``D``; one generator acts on each. For
        ``is_complex=True`` each vector lists real coordinates ``(Re z_1..Re z_d, Im z_1..Im z_d)``
        (``D = 2d``, the layout of :attr:`liealg.oracle.Oracle.real_vectors`).
    is_complex : bool
        Look for complex ``d x d`` generators ``W = A + iB``, acting on real coordinates as
        ``[[A, -B], [B, A]]``.

    Returns
    -------
    tuple of sympy.ImmutableMatrix, each ``D x D`` (or ``d x d`` complex)
        The canonical basis (it depends only on the algebra, not on the order of equations).
        Entries are rational (Gaussian rational when complex).

    Raises
    ------
    OracleError
        An expression that is not a polynomial with rational coefficients in those symbols, or
        vectors of different lengths.

    Examples
    --------
    >>> x, y = sp.symbols("x y", real=True)
    >>> invariance_nullspace(x**2 + y**2, [(x, y)])
    (Matrix([
    [0, -1],
    [1,  0]]),)
    """
    exprs = [exprs] if isinstance(exprs, sp.Basic) else list(exprs)
    cond = polynomial_conditions(exprs, vectors, is_complex=is_complex)
    R, _ = solve_conditions(cond)
    p = R.ncols()
    # RREF of the column-reversed null space = the basis with identity on the free columns
    # of the system (its pivots, read from the right, are exactly those free columns).
    reversed_cols = list(range(p - 1, -1, -1))
    Rrev, _ = rref(columns(R, reversed_cols))
    entries = columns(Rrev, reversed_cols).entries()
    m = Rrev.nrows()
    by_free_column = flint.fmpq_mat(m, p, [x for i in range(m - 1, -1, -1) for x in entries[i * p:(i + 1) * p]])
    return tuple(M.as_immutable() for M in rows_to_matrices(by_free_column, cond.matrix_size, cond.is_complex))


# ---------------------------------------------------------------------------- checks
def lie_derivative(expr: sp.Expr, W: sp.Matrix, vectors: Sequence[Sequence[sp.Symbol]]) -> sp.Expr:
    """``sum_v grad_{x^(v)} expr . W x^(v)``, expanded: exactly 0 iff ``W`` is a symmetry.

    Computed in a sparse polynomial ring over Q (sympy.polys.rings), which is ~100x faster than
    differentiating and expanding sympy expressions at the size of the cubic norm.

    Parameters
    ----------
    expr : sympy.Expr
        A polynomial with rational coefficients in the symbols of ``vectors``.
    W : sympy.Matrix, shape (d, d)
        A real rational generator acting on every vector.
    vectors : sequence of sequences of d sympy.Symbol
    """
    variables = [s for v in vectors for s in v]
    R, *gens = ring(variables, sp.QQ)
    f = R.from_expr(expr)
    pos = {s: i for i, s in enumerate(variables)}
    total = R.zero
    for vec in vectors:
        x = [gens[pos[s]] for s in vec]
        for i, s in enumerate(vec):
            row = [(j, W[i, j]) for j in range(len(vec)) if W[i, j] != 0]
            if not row:
                continue
            Wx_i = R.zero
            for j, w in row:
                Wx_i += R.domain.convert(w) * x[j]
            total += f.diff(gens[pos[s]]) * Wx_i
    return total.as_expr()


def closes(mats: Sequence[sp.Matrix]) -> bool:
    """True when every commutator ``[A, B]`` lies in the span of ``mats`` (exact, with flint).

    The span is put in RREF once; a bracket is in it iff it equals the combination given by its
    entries at the pivot columns (no solve needed).
    """
    n = len(mats)
    if n == 0:
        return True
    F = [qmatrix(m) for m in mats]
    size = len(mats[0])
    basis = flint.fmpq_mat(n, size, [q for M in F for q in M.entries()])
    R, pivots = rref(basis)
    brackets = [F[i] * F[j] - F[j] * F[i] for i in range(n) for j in range(i + 1, n)]
    if not brackets:
        return True
    V = flint.fmpq_mat(len(brackets), size, [q for M in brackets for q in M.entries()])
    return coordinates_in_rref(R, pivots, V) is not None


# ---------------------------------------------------------------------------- the algebras
@functools.cache
def g2_matrices() -> tuple[sp.ImmutableMatrix, ...]:
    """Compact g2: the 14 generators (7 x 7, antisymmetric) preserving ``phi(x, y, z) = <x, yz>``.

    Equal, as a span, to :func:`liealg.catalog.octonions.derivations` (checked in the tests).
    """
    vecs = [octonions.imaginary_symbols(p) for p in "xyz"]
    return invariance_nullspace(octonions.associative_3form(False), vecs)


@functools.cache
def g2_split_matrices() -> tuple[sp.ImmutableMatrix, ...]:
    """Split G2(2): the 14 generators (7 x 7) preserving the split octonions' 3-form."""
    vecs = [octonions.imaginary_symbols(p) for p in "xyz"]
    return invariance_nullspace(octonions.associative_3form(True), vecs)


@functools.cache
def f4_matrices(traceless: bool = False) -> tuple[sp.ImmutableMatrix, ...]:
    """Compact f4 = Der(h3(O)): 52 generators preserving ``tr``, ``tr(A o A)`` and ``N``.

    Parameters
    ----------
    traceless : bool
        False (default): 27 x 27 matrices on ``a, b, c, u0..u7, v0..v7, w0..w7``; each kills the
        identity ``I``. True: 26 x 26 matrices on the traceless part, coordinates
        ``a, b, u0..w7`` with ``c = -a - b``, preserving the restricted ``tr(A o A)`` and ``N``.
    """
    if traceless:
        sub = jordan.traceless_substitution()
        exprs = [sp.expand(jordan.quadratic_form_polynomial().xreplace(sub)),
                 sp.expand(jordan.cubic_norm_polynomial().xreplace(sub))]
        return invariance_nullspace(exprs, [jordan.traceless_symbols()])
    exprs = [jordan.trace_polynomial(), jordan.quadratic_form_polynomial(), jordan.cubic_norm_polynomial()]
    return invariance_nullspace(exprs, [jordan.jordan_symbols()])


@functools.cache
def e6_matrices() -> tuple[sp.ImmutableMatrix, ...]:
    """E6(-26): the 78 generators (27 x 27) preserving the cubic norm ``N`` of h3(O)."""
    return invariance_nullspace(jordan.cubic_norm_polynomial(), [jordan.jordan_symbols()])
