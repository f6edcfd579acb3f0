"""E7 from Freudenthal's quartic invariant (liealg.catalog.freudenthal, catalog keys e7 and e7(-25)).

Expected answers are derived here independently of the pipeline under test: exact polynomial
identities with python-flint, hand-known generators, numpy ranks and Killing forms in floats.
"""

import random

import flint
import numpy as np
import pytest
import sympy as sp
import torch
from sympy import QQ
from sympy.polys.rings import ring

from liealg.catalog import freudenthal as fts
from liealg.catalog import oracles as cat
from liealg.catalog.exceptional import invariance_nullspace
from liealg.oracle import Oracle

SPLIT = {"e7": True, "e7(-25)": False}
EXPECTED = {  # key: (name, Killing signature, real rank), IDENTIFICATION.md §3.2
    "e7": ("E7(7)", (70, 63, 0), 7),
    "e7(-25)": ("E7(-25)", (54, 79, 0), 3),
}


# ---------------------------------------------------------------------------- helpers
def _mpolys(exprs, symbols):
    """Sympy polynomials -> python-flint fmpq_mpoly (exact, fast) in the given symbols."""
    ctx = flint.fmpq_mpoly_ctx.get(("x", len(symbols)), "lex")
    R, *_ = ring(symbols, QQ)
    out = []
    for e in exprs:
        terms = R.from_expr(e).terms()
        out.append(ctx.from_dict({mono: flint.fmpq(int(c.numerator), int(c.denominator)) for mono, c in terms}))
    return ctx, ctx.gens(), out


def _lie_derivatives(q, symbols, mats):
    """``grad q . W x`` for each W, exactly: the gradient once, then one linear combination per W."""
    ctx, gens, (Q,) = _mpolys([q], symbols)
    grad = [Q.derivative(i) for i in range(len(symbols))]
    out = []
    for W in mats:
        total = ctx.constant(0)
        for (i, j), w in W.todok().items():
            total += grad[i] * gens[j] * flint.fmpq(int(w.p), int(w.q))
        out.append(total)
    return out


def _float_stack(mats):
    return np.array([np.array(W.tolist(), dtype=float) for W in mats])


def _pivot_entries(basis):
    """Indices of ``n`` matrix entries on which the ``n`` flattened basis matrices are independent
    (row echelon with complete pivoting, floats): coordinates are read off those entries."""
    M = basis.copy()
    pivots = []
    for r in range(len(M)):
        j = int(np.argmax(np.abs(M[r])))
        pivots.append(j)
        M[r + 1:] -= np.outer(M[r + 1:, j] / M[r, j], M[r])
    return np.array(pivots)


def _numeric_killing_signature(mats, tol=1e-6):
    """Killing signature from float structure constants, independent of LieAlgebra and identify.

    ``[e_a, e_b]`` is only evaluated at ``n`` pivot entries ``(i_p, j_p)`` (where the basis is
    independent), which is enough to read its coordinates: ``n^3 d`` work instead of ``n^3 d^2``.
    Closure is spot-checked on the full brackets of three basis elements.
    """
    G = _float_stack(mats)
    n, d, _ = G.shape
    basis = G.reshape(n, -1)
    P = _pivot_entries(basis)
    Pi, Pj = P // d, P % d
    to_coords = np.linalg.inv(basis[:, P])  # coordinates = (values at the pivots) @ to_coords
    cols_j, rows_i = G[:, :, Pj], G[:, Pi, :]  # (n, d, n): column j_p of each e_b; (n, n, d): row i_p
    ad = np.empty((n, n, n))  # ad[a][c, b] = coefficient of e_c in [e_a, e_b]
    for a in range(n):
        at_pivots = np.einsum("pk,bkp->bp", G[a][Pi], cols_j) - np.einsum("bpk,kp->bp", rows_i, G[a][:, Pj])
        ad[a] = (at_pivots @ to_coords).T
    for a in (0, n // 2, n - 1):  # closure: the coordinates rebuild the whole brackets
        br = (G[a] @ G - G @ G[a]).reshape(n, -1)
        assert np.abs(ad[a].T @ basis - br).max() < 1e-8 * max(1.0, np.abs(br).max())
    K = ad.reshape(n, -1) @ ad.transpose(0, 2, 1).reshape(n, -1).T  # tr(ad_a ad_b)
    ev = np.linalg.eigvalsh(K)
    scale = np.abs(ev).max()
    return (int((ev > tol * scale).sum()), int((ev < -tol * scale).sum()), int((np.abs(ev) <= tol * scale).sum()))


def _fmpq_mat(W):
    M = flint.fmpq_mat(W.rows, W.cols)
    for (i, j), v in W.todok().items():
        M[i, j] = flint.fmpq(int(v.p), int(v.q))
    return M


def _exact_rank(mats):
    d = mats[0].rows
    M = flint.fmpq_mat(len(mats), d * d)
    for r, W in enumerate(mats):
        for (i, j), v in W.todok().items():
            M[r, i * d + j] = flint.fmpq(int(v.p), int(v.q))
    return M.rank()


def _oracle(J):
    return Oracle(fts.quartic_invariant(J), variables=fts.fts_symbols(J))


# ---------------------------------------------------------------------------- the convention
def test_sign_convention_on_small_jordan_algebras():
    """J = R gives sl(2,R) (binary cubics), J = R+R+R gives sl(2,R)^3 (three qubits); the
    literature's other sign of the N and T(A#, B#) terms does not (see the module docstring)."""
    from liealg.exact.solver import solve_symmetries

    for J, dim, wrong_dim in ((fts.real_line(), 3, 1), (fts.diagonal_cubic(), 9, 3)):
        assert len(solve_symmetries(_oracle(J))) == dim
        syms = fts.fts_symbols(J)
        n = J.dimension
        alpha, A, B, beta = syms[0], syms[1:n + 1], syms[n + 1:2 * n + 1], syms[-1]
        # (P^2 + 4 alpha N(A) + 4 beta N(B) - 4 T(A#, B#)) with the last three signs flipped
        P = alpha * beta - sum(g * a * b for g, a, b in zip(J.trace_gram, A, B))
        other = 2 * P**2 - fts.quartic_invariant(J)
        assert len(solve_symmetries(Oracle(other, variables=syms))) == wrong_dim
        assert len(fts.e7_generators(J)) == dim


def test_binary_cubic_discriminant():
    # J = R: q is the discriminant of alpha s^3 + 3 b s^2 t + 3 a s t^2 + beta t^3 (classical form).
    alpha, a, b, beta = fts.fts_symbols(fts.real_line())
    a0, a1, a2, a3 = alpha, b, a, beta
    disc = a0**2 * a3**2 - 6 * a0 * a1 * a2 * a3 + 4 * a0 * a2**3 + 4 * a1**3 * a3 - 3 * a1**2 * a2**2
    assert sp.expand(fts.quartic_invariant(fts.real_line()) - disc) == 0


@pytest.mark.parametrize("split", [False, True], ids=["h3(O)", "h3(O')"])
def test_sharp_identities(split):
    """T(A, A#) = 3 N(A) and A## = N(A) A exactly at seeded random integer points: they tie the
    trace form to the cubic norm (a wrong Gram matrix or norm breaks the second)."""
    J = fts.albert_algebra(split=split)
    xs = J.symbols
    sharp = fts.sharp_polynomials(J)
    rng = random.Random(7)
    for _ in range(3):
        point = {x: sp.Integer(rng.randint(-4, 4)) for x in xs}
        A = [point[x] for x in xs]
        As = [s.xreplace(point) for s in sharp]
        N = J.norm.xreplace(point)
        assert sum(g * a * b for g, a, b in zip(J.trace_gram, A, As)) == 3 * N
        Ass = [s.xreplace(dict(zip(xs, As))) for s in sharp]
        assert Ass == [N * a for a in A]


def test_split_albert_norm_has_e6_6():
    """The split cubic norm's symmetry algebra is 78-dimensional with Killing signature (42, 36, 0):
    E6(6), maximal compact sp(4) (IDENTIFICATION.md §3.2). Solved by the catalog's own solver."""
    from liealg.catalog import jordan

    mats = invariance_nullspace(jordan.split_cubic_norm_polynomial(), [jordan.jordan_symbols()])
    assert len(mats) == 78
    assert _numeric_killing_signature(mats) == (42, 36, 0)


# ---------------------------------------------------------------------------- the quartic
@pytest.mark.parametrize("split", [False, True], ids=["h3(O)", "h3(O')"])
def test_quartic_basic_properties(split):
    J = fts.albert_algebra(split=split)
    syms = fts.fts_symbols(J)
    assert len(syms) == 56 and len(set(syms)) == 56
    q = fts.quartic_invariant(J)
    _, gens, (Q,) = _mpolys([q], syms)
    assert Q.total_degree() == 4
    assert all(sum(m) == 4 for m in Q.monoms())  # homogeneous
    assert all(c.q == 1 for c in Q.coeffs())  # integer coefficients
    assert q.free_symbols == set(syms)  # uses every variable
    # the grading: (alpha, A, B, beta) -> (l^-3 alpha, l A, l^-1 B, l^3 beta) for l = 2
    lam = flint.fmpq(2)
    weights = [-3] + [1] * 27 + [-1] * 27 + [3]
    scaled = Q.compose(*[g * lam**w for g, w in zip(gens, weights)])
    assert scaled == Q
    # the swap (alpha, A) <-> (beta, B)
    swapped = Q.compose(*([gens[55]] + list(gens[28:55]) + list(gens[1:28]) + [gens[0]]))
    assert swapped == Q
    # values: q(alpha, 0, 0, beta) = alpha^2 beta^2; q(0, I, 0, 0) = 0 (A alone: only 4 alpha N(A))
    alpha, beta = syms[0], syms[-1]
    assert sp.expand(q.xreplace({s: 0 for s in syms[1:55]})) == alpha**2 * beta**2
    identity = {s: 0 for s in syms}
    identity.update({syms[1]: 1, syms[2]: 1, syms[3]: 1, alpha: 1})
    assert q.xreplace(identity) == 4  # 4 alpha N(I) = 4


@pytest.mark.parametrize("split", [False, True], ids=["h3(O)", "h3(O')"])
def test_known_generators_are_symmetries(split):
    """The 78 + 1 + 27 + 27 hand-known generators (e6 on J + J* with the dual action, the grading,
    raising and lowering maps) are independent, kill q exactly, and preserve the symplectic form."""
    J = fts.albert_algebra(split=split)
    gens = fts.e7_generators(J)
    assert len(gens) == 133
    assert _exact_rank(gens) == 133
    assert all(L == 0 for L in _lie_derivatives(fts.quartic_invariant(J), fts.fts_symbols(J), gens))
    Om = _fmpq_mat(fts.symplectic_matrix(J))
    for W in map(_fmpq_mat, gens):
        assert W.transpose() * Om + Om * W == flint.fmpq_mat(56, 56)


def test_known_generators_numeric_killing_signature():
    # Independent of LieAlgebra and identify: float structure constants of the hand-known basis.
    gens = fts.e7_generators(fts.albert_algebra(split=False))
    assert _numeric_killing_signature(gens) == (54, 79, 0)


def test_exact_dimension_133():
    """The exact solver finds exactly 133 symmetries of the split quartic (3 s on 2 cores)."""
    from liealg.exact.solver import solve_symmetries

    assert len(solve_symmetries(cat.get("e7").oracle())) == 133


# ---------------------------------------------------------------------------- the catalog
def test_catalog_entries():
    for key, (name, sig, rank) in EXPECTED.items():
        entry = cat.get(key)
        assert entry is cat.CATALOG[key]
        assert (entry.key, entry.dimension, entry.name, entry.killing_signature) == (key, 133, name, sig)
        assert (entry.cartan_type, entry.real_rank, entry.heavy) == ("E7", rank, True)
    assert cat.get("E7(-25)") is cat.get("e7(-25)")
    assert "EVII" in cat.get("e7(-25)").aliases and "EV" in cat.get("e7").aliases


# ---------------------------------------------------------------------------- slow: end to end
@pytest.mark.slow
@pytest.mark.parametrize("key", list(EXPECTED))
def test_end_to_end_names_e7(key):
    """Exact solver -> LieAlgebra -> identify names the real form (~10 s each on 2 cores)."""
    from liealg.algebra import LieAlgebra
    from liealg.exact.solver import solve_symmetries
    from liealg.identification import identify

    entry = cat.get(key)
    mats = solve_symmetries(entry.oracle())
    assert len(mats) == 133
    ident = identify(LieAlgebra.from_matrices(mats))
    name, sig, rank = EXPECTED[key]
    assert entry.name == name == ident.name  # one spelling: the catalog's is identify's
    assert ident.killing_signature == sig
    assert ident.cartan_type == "E7"
    assert {n.lower() for n in (ident.name,) + ident.aliases} & {n.lower() for n in entry.names}
    assert len(ident.ideals) == 1 and ident.ideals[0].real_rank == rank
    # the solver's span is the span of the hand-known generators
    known = fts.e7_generators(fts.albert_algebra(split=SPLIT[key]))
    assert _exact_rank(list(mats) + list(known)) == 133


@pytest.mark.slow
@pytest.mark.parametrize("key", list(EXPECTED))
def test_numeric_nullspace_is_133(key):
    """Sampled invariance conditions grad q(x_i) (x) x_i, in floats (torch autograd, numpy):
    their null space is 133-dimensional, with a wide gap (~15 s each)."""
    o = cat.get(key).oracle()
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(3600, 56, generator=gen, dtype=torch.float64, requires_grad=True)
    (grad,) = torch.autograd.grad(o(x).sum(), x)
    rows = torch.einsum("mi,mj->mij", grad, x.detach()).reshape(len(x), -1).numpy()
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    # eigenvalues of the Gram matrix (squared singular values): 4x faster than an SVD of the rows
    ev = np.sort(np.linalg.eigvalsh(rows.T @ rows))[::-1]
    ev /= ev[0]
    rank = 56 * 56 - 133
    assert int((ev < 1e-10).sum()) == 133  # measured: the null ones are ~1e-16
    assert ev[rank - 1] > 1e-6  # and the smallest nonzero one ~5e-4: a wide gap


@pytest.mark.slow
def test_numeric_killing_signature_split():
    gens = fts.e7_generators(fts.albert_algebra(split=True))
    assert _numeric_killing_signature(gens) == (70, 63, 0)
