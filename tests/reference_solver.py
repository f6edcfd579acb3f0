"""An independent exact null-space solver, kept in the tests as a reference for the library's.

This is the catalog's former solver (sympy expansion, sparse Gaussian elimination on dict rows
of python-flint rationals): written separately from :mod:`liealg.exact.solver` (flint
polynomials, block splitting, FLINT's integer null space), so agreement between the two is
evidence, not a tautology. It returns the basis with a 1 in each free column of the
invariance system, the catalog's historic convention.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import flint
import sympy as sp

__all__ = ["invariance_nullspace"]


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
                raise AssertionError(f"not a polynomial in the given variables: factor {f} of {term}")
            mono[index[base]] = mono.get(index[base], 0) + int(exp)
        if not coeff.is_Rational:
            raise AssertionError(f"coefficient {coeff} is not rational")
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
    is_complex: bool = False,
) -> tuple[sp.Matrix, ...]:
    """Exact basis of all linear generators that leave every polynomial in ``exprs`` invariant.

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
    tuple of sympy.Matrix, each ``D x D`` (or ``d x d`` complex)
        The canonical basis read off the reduced row echelon form (so it depends only on the
        algebra, not on the order of equations). Entries are rational (Gaussian rational when
        complex).
    """
    exprs = [exprs] if isinstance(exprs, sp.Basic) else list(exprs)
    vectors = [tuple(v) for v in vectors]
    D = len(vectors[0])
    if any(len(v) != D for v in vectors):
        raise AssertionError("all argument vectors must have the same length")
    variables = [s for v in vectors for s in v]
    index = {s: i for i, s in enumerate(variables)}
    polys = [_sparse_poly(e, index) for e in exprs]

    # The generator basis: each unknown t_u contributes a real D x D matrix, given sparsely.
    if is_complex:
        if D % 2:
            raise AssertionError("complex vectors need an even number of real coordinates")
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
        if is_complex:
            d = D // 2
            A = sp.Matrix(d, d, vals[: d * d])
            B = sp.Matrix(d, d, vals[d * d:])
            out.append(A + sp.I * B)
        else:
            out.append(sp.Matrix(D, D, vals))
    return tuple(out)
