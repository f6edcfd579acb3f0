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

The solver here (:func:`invariance_nullspace`) is deliberately small and self-contained, so the
catalog does not depend on :mod:`liealg.exact.solver` and can serve as an independent check of it.
Speed: derivatives are taken once per variable on sparse coefficient dicts, and the (very sparse)
linear system is reduced by sparse exact elimination on python-flint rationals; e6 (729 unknowns)
takes well under a second once the cubic norm is built.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import flint
import sympy as sp
from sympy.polys.rings import ring

from liealg.catalog import jordan, octonions
from liealg.exact.linalg import coordinates_in_rref, rref

__all__ = [
    "invariance_nullspace",
    "g2_matrices",
    "g2_split_matrices",
    "f4_matrices",
    "e6_matrices",
    "lie_derivative",
    "closes",
]

Monomial = tuple[tuple[int, int], ...]  # sparse: ((variable index, exponent), ...), sorted


def _sparse_poly(expr: sp.Expr, index: dict[sp.Symbol, int]) -> dict[Monomial, flint.fmpq]:
    """A polynomial as ``{sparse monomial: rational coefficient}``; refuses non-polynomials."""
    out: dict[Monomial, Any] = {}
    for term, coeff in sp.expand(expr).as_coefficients_dict().items():
        mono: dict[int, int] = {}
        factors = term.args if term.is_Mul else (term,)
        for f in factors:
            if f == 1:
                continue
            base, exp = f.as_base_exp()
            if base not in index or not (exp.is_Integer and exp > 0):
                raise ValueError(f"not a polynomial in the given variables: factor {f} of {term}")
            mono[index[base]] = mono.get(index[base], 0) + int(exp)
        if not coeff.is_Rational:
            raise ValueError(f"coefficient {coeff} is not rational")
        key = tuple(sorted(mono.items()))
        out[key] = out.get(key, 0) + flint.fmpq(int(coeff.p), int(coeff.q))
    return {m: c for m, c in out.items() if c != 0}


def _derivative(poly: dict[Monomial, Any], var: int) -> dict[Monomial, Any]:
    out: dict[Monomial, Any] = {}
    for mono, coeff in poly.items():
        for pos, (v, e) in enumerate(mono):
            if v == var:
                new = mono[:pos] + (((v, e - 1),) if e > 1 else ()) + mono[pos + 1:]
                out[new] = out.get(new, 0) + coeff * e
                break
    return out


def _times_var(mono: Monomial, var: int) -> Monomial:
    d = dict(mono)
    d[var] = d.get(var, 0) + 1
    return tuple(sorted(d.items()))


def _sparse_rref(rows: Sequence[dict[int, flint.fmpq]]) -> dict[int, dict[int, flint.fmpq]]:
    """Reduced row echelon form of a sparse rational matrix, as ``{pivot column: row}``.

    The invariance systems are extremely sparse (e6: 3267 x 729 with 6561 nonzeros), so plain
    Gaussian elimination on dict rows beats dense elimination by ~50x. The RREF of a row space is
    unique, so the result equals :func:`liealg.exact.linalg.rref` of the dense matrix.
    """
    pivots: dict[int, dict[int, flint.fmpq]] = {}
    for r in rows:
        row = {c: v for c, v in r.items() if v != 0}
        while row:  # reduce the leading entry until it is a new pivot, or the row vanishes
            lead = min(row)
            p = pivots.get(lead)
            if p is None:
                inv = 1 / row[lead]
                pivots[lead] = {c: v * inv for c, v in row.items()}
                break
            _axpy(row, -row[lead], p)
    # Back-substitution, highest pivot first: clear each pivot column from the rows above it.
    cols = sorted(pivots)
    for i in reversed(range(len(cols))):
        prow = pivots[cols[i]]
        for j in range(i):
            other = pivots[cols[j]]
            f = other.get(cols[i])
            if f:
                _axpy(other, -f, prow)
    return pivots


def _axpy(row: dict[int, flint.fmpq], f: flint.fmpq, p: dict[int, flint.fmpq]) -> None:
    # row += f * p, in place, dropping exact zeros (keeps rows sparse).
    for c, v in p.items():
        nv = row.get(c, 0) + f * v
        if nv == 0:
            row.pop(c, None)
        else:
            row[c] = nv


def _sparse_nullspace(rows: Sequence[dict[int, flint.fmpq]], ncols: int) -> list[list[flint.fmpq]]:
    """The canonical null-space basis (one vector per free column, 1 there), as in
    :func:`liealg.exact.linalg.nullspace`."""
    pivots = _sparse_rref(rows)
    out = []
    for f in range(ncols):
        if f in pivots:
            continue
        v = [flint.fmpq(0)] * ncols
        v[f] = flint.fmpq(1)
        for pc, prow in pivots.items():
            x = prow.get(f)
            if x:
                v[pc] = -x
        out.append(v)
    return out


def invariance_nullspace(
    exprs: sp.Expr | Sequence[sp.Expr],
    vectors: Sequence[Sequence[sp.Symbol]],
    *,
    complex: bool = False,
) -> tuple[sp.Matrix, ...]:
    """Exact basis of all linear generators that leave every polynomial in ``exprs`` invariant.

    Parameters
    ----------
    exprs : sympy.Expr or sequence of them
        Real polynomials with rational coefficients in the symbols of ``vectors``.
    vectors : sequence of sequences of sympy.Symbol
        The argument vectors, each of the same length ``D``; one generator acts on each. For
        ``complex=True`` each vector lists real coordinates ``(Re z_1..Re z_d, Im z_1..Im z_d)``
        (``D = 2d``, the layout of :attr:`liealg.oracle.Oracle.real_vectors`).
    complex : bool
        Look for complex ``d x d`` generators ``W = A + iB``, acting on real coordinates as
        ``[[A, -B], [B, A]]``.

    Returns
    -------
    tuple of sympy.Matrix, each ``D x D`` (or ``d x d`` complex)
        The canonical basis read off the reduced row echelon form (so it depends only on the
        algebra, not on the order of equations). Entries are rational (Gaussian rational when
        complex).
    """
    exprs = [exprs] if isinstance(exprs, sp.Basic) else list(exprs)
    vectors = [tuple(v) for v in vectors]
    D = len(vectors[0])
    if any(len(v) != D for v in vectors):
        raise ValueError("all argument vectors must have the same length")
    variables = [s for v in vectors for s in v]
    index = {s: i for i, s in enumerate(variables)}
    polys = [_sparse_poly(e, index) for e in exprs]

    # The generator basis: each unknown t_u contributes a real D x D matrix, given sparsely.
    if complex:
        if D % 2:
            raise ValueError("complex vectors need an even number of real coordinates")
        d = D // 2
        units = [[(i, j, 1), (d + i, d + j, 1)] for i in range(d) for j in range(d)]  # A_ij
        units += [[(i, d + j, -1), (d + i, j, 1)] for i in range(d) for j in range(d)]  # B_ij
    else:
        units = [[(i, j, 1)] for i in range(D) for j in range(D)]

    # d f / d x^(v)_r, once per variable.
    derivs = [{i: _derivative(p, i) for i in range(len(variables))} for p in polys]
    rows: dict[tuple[int, Monomial], int] = {}
    entries: dict[tuple[int, int], Any] = {}
    for u, unit in enumerate(units):
        column: dict[tuple[int, Monomial], Any] = {}
        for k in range(len(polys)):
            for vec in vectors:
                for r, c, val in unit:
                    # (grad f . E x)  picks  df/dx_r * x_c  for the entry E_rc.
                    xr, xc = index[vec[r]], index[vec[c]]
                    for mono, coeff in derivs[k][xr].items():
                        key = (k, _times_var(mono, xc))
                        column[key] = column.get(key, 0) + val * coeff
        for key, value in column.items():
            if value != 0:
                row = rows.setdefault(key, len(rows))
                entries[(row, u)] = value
    n_unknowns = len(units)
    by_row: list[dict[int, flint.fmpq]] = [{} for _ in range(len(rows))]
    for (r, c), v in entries.items():
        by_row[r][c] = v
    N = _sparse_nullspace(by_row, n_unknowns)
    out = []
    for vec in N:
        vals = [sp.Rational(int(q.p), int(q.q)) for q in vec]
        if complex:
            d = D // 2
            A = sp.Matrix(d, d, vals[: d * d])
            B = sp.Matrix(d, d, vals[d * d:])
            out.append(A + sp.I * B)
        else:
            out.append(sp.Matrix(D, D, vals))
    return tuple(out)


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


def _fmpq_mat(M: sp.Matrix) -> flint.fmpq_mat:
    return flint.fmpq_mat(M.rows, M.cols, [_q(v) for row in M.tolist() for v in row])


def closes(mats: Sequence[sp.Matrix]) -> bool:
    """True when every commutator ``[A, B]`` lies in the span of ``mats`` (exact, with flint).

    The span is put in RREF once; a bracket is in it iff it equals the combination given by its
    entries at the pivot columns (no solve needed).
    """
    n = len(mats)
    if n == 0:
        return True
    F = [_fmpq_mat(m) for m in mats]
    size = len(mats[0])
    basis = flint.fmpq_mat(n, size, [q for M in F for q in M.entries()])
    R, pivots = rref(basis)
    brackets = [F[i] * F[j] - F[j] * F[i] for i in range(n) for j in range(i + 1, n)]
    if not brackets:
        return True
    V = flint.fmpq_mat(len(brackets), size, [q for M in brackets for q in M.entries()])
    return coordinates_in_rref(R, pivots, V) is not None


def _q(v: Any) -> flint.fmpq:
    if v == 0:  # most entries: skip sympy's Rational machinery
        return flint.fmpq(0)
    v = sp.Rational(v)
    return flint.fmpq(int(v.p), int(v.q))


# ---------------------------------------------------------------------------- the algebras
@functools.lru_cache(maxsize=None)
def g2_matrices() -> tuple[sp.Matrix, ...]:
    """Compact g2: the 14 generators (7 x 7, antisymmetric) preserving ``phi(x, y, z) = <x, yz>``.

    Equal, as a span, to :func:`liealg.catalog.octonions.derivations` (checked in the tests).
    """
    vecs = [octonions.imaginary_symbols(p) for p in "xyz"]
    return invariance_nullspace(octonions.associative_3form(False), vecs)


@functools.lru_cache(maxsize=None)
def g2_split_matrices() -> tuple[sp.Matrix, ...]:
    """Split G2(2): the 14 generators (7 x 7) preserving the split octonions' 3-form."""
    vecs = [octonions.imaginary_symbols(p) for p in "xyz"]
    return invariance_nullspace(octonions.associative_3form(True), vecs)


@functools.lru_cache(maxsize=None)
def f4_matrices(traceless: bool = False) -> tuple[sp.Matrix, ...]:
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


@functools.lru_cache(maxsize=None)
def e6_matrices() -> tuple[sp.Matrix, ...]:
    """E6(-26): the 78 generators (27 x 27) preserving the cubic norm ``N`` of h3(O)."""
    return invariance_nullspace(jordan.cubic_norm_polynomial(), [jordan.jordan_symbols()])
