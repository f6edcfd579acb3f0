"""Identification that grows gently (issue 16): the sparse and modular shortcuts give the answers of
the dense and exact routes they replace, computed independently here."""

from __future__ import annotations

import random

import flint
import numpy as np
import pytest
import scipy.sparse as sps

import liealg.algebra as algebra_module
import liealg.catalog as cat
from liealg.algebra import LieAlgebra
from liealg.errors import NotALieAlgebraError
from liealg.exact import linalg as xl
from liealg.identification import identify


def _numeric_structure(mats: list[np.ndarray]) -> np.ndarray:
    """c[a, b, k] with [X_a, X_b] = sum_k c X_k, by a float least-squares solve (independent)."""
    n = len(mats)
    M = np.array([m.ravel() for m in mats], dtype=float).T  # (d^2, n)
    c = np.zeros((n, n, n))
    for a in range(n):
        for b in range(n):
            comm = (mats[a] @ mats[b] - mats[b] @ mats[a]).ravel()
            c[a, b], *_ = np.linalg.lstsq(M, comm, rcond=None)
    return c


def _sparse_set(seed: int) -> list[np.ndarray]:
    """so(8) in a basis that is not the catalog's: signed sums of pairs of generators (still sparse)."""
    rng = random.Random(seed)
    base = [np.array(m.tolist(), dtype=np.int64) for m in cat.so(8)]
    out = []
    for i, m in enumerate(base):
        j = (i + 1) % len(base)
        out.append(m + rng.choice([-2, -1, 1, 3]) * base[j] if i % 3 == 0 else m * rng.choice([1, -1, 2]))
    return out


def test_sparse_structure_constants_match_an_independent_solve():
    mats = _sparse_set(3)
    L = LieAlgebra.from_matrices(mats)
    assert np.count_nonzero(np.array([m.ravel() for m in mats])) <= 0.05 * len(mats) * 64  # the sparse route
    exact = np.zeros((L.dim,) * 3)
    for (a, b), row in L.structure_constants.items():  # a < b; antisymmetry gives the rest
        for k, c in row.items():
            exact[a, b, k], exact[b, a, k] = float(c), -float(c)
    assert np.allclose(exact, _numeric_structure([m.astype(float) for m in mats]), atol=1e-9)


def test_sparse_and_dense_routes_give_the_same_algebra(monkeypatch):
    mats = _sparse_set(5)
    sparse = LieAlgebra.from_matrices(mats)
    monkeypatch.setattr(algebra_module, "_SPARSE_FILL", -1.0)  # everything is "dense" now
    dense = LieAlgebra.from_matrices(mats)
    assert sparse == dense
    assert sparse.killing_matrix() == dense.killing_matrix()


def test_sparse_route_detects_a_set_that_does_not_close():
    mats = [np.array(m.tolist(), dtype=np.int64) for m in cat.so(8)]
    del mats[5]
    with pytest.raises(NotALieAlgebraError, match="not in the span"):
        LieAlgebra.from_matrices(mats)


def test_killing_form_from_sparse_constants_matches_traces():
    L = LieAlgebra.from_matrices(cat.sp(6))
    A = np.array(L.ad_matrices_float())
    K_float = np.einsum("iab,jba->ij", A, A)
    K = np.array([float(x) for x in L.killing_matrix().entries()]).reshape(L.dim, L.dim)
    assert np.allclose(K, K_float)
    assert L.killing_signature() == (12, 9, 0)  # sp(6,R): dim 21, maximal compact u(3) of dim 9


def test_ad_of_rows_matches_the_dense_tensor():
    L = LieAlgebra.from_matrices(cat.su(3))
    rows = np.random.default_rng(0).standard_normal((4, L.dim))
    assert np.allclose(L.ad_matrices_float(rows), np.tensordot(rows, L.ad_matrices_float(), axes=1))


def test_brackets_vanish_agrees_with_the_brackets_on_big_entries():
    L = LieAlgebra.from_matrices(cat.so(6))
    rng = random.Random(11)
    big = 10**80
    x = flint.fmpq_mat(1, L.dim, [rng.randint(-7, 7) for _ in range(L.dim)])
    H = xl.span(xl.nullspace(L.ad_matrix(x)))  # a Cartan subalgebra: its rows commute
    Hbig = H * flint.fmpq(big + 1, 3)
    assert L.brackets_vanish(Hbig, Hbig)
    assert xl.is_zero(L.brackets(Hbig, Hbig))
    other = flint.fmpq_mat(1, L.dim, [big * rng.randint(1, 5) + 1 for _ in range(L.dim)])
    assert not L.brackets_vanish(Hbig, other)
    assert not xl.is_zero(L.brackets(Hbig, other))
    # one bracket off by the smallest amount is caught: [e0 * big, e1] has a nonzero entry
    e = xl.identity(L.dim)
    assert not L.brackets_vanish(xl.row(e, 0) * big, xl.row(e, 1))


def test_wide_rref_with_big_entries_is_the_rref():
    rng = random.Random(2)
    big = 10**120
    M = flint.fmpq_mat(5, 40, [flint.fmpq(rng.randint(-big, big), rng.randint(1, big)) for _ in range(200)])
    R, piv = xl.rref(M)
    R2, r = M.rref()  # flint's own, directly
    assert r == 5 and R == R2 and piv == tuple(range(5))
    # a rank-deficient wide matrix falls back and is still right
    D = xl.stack([xl.row(M, 0), xl.row(M, 1), xl.row(M, 0) * 3 + xl.row(M, 1), xl.row(M, 2)], 40)
    R3, _ = xl.rref(D)
    assert R3.nrows() == 3 and R3 == xl.rref(xl.stack([xl.row(M, 0), xl.row(M, 1), xl.row(M, 2)], 40))[0]


def test_sparse_int_matmul_refuses_a_product_that_could_overflow():
    A = sps.csr_matrix(np.array([[2**40, 1]], dtype=np.int64))
    B = sps.csr_matrix(np.array([[2**30], [1]], dtype=np.int64))
    assert xl.sparse_int_matmul(A, B) is None
    small = xl.sparse_int_matmul(A, sps.csr_matrix(np.array([[3], [4]], dtype=np.int64)))
    assert small.toarray().tolist() == [[3 * 2**40 + 4]]


@pytest.mark.parametrize("n, expected", [(9, ("so(9)", "B4")), (12, ("so(12)", "D6"))])
def test_classical_names_through_the_fast_stages(n, expected):
    r = identify(LieAlgebra.from_matrices(cat.so(n)))
    assert (r.name, r.cartan_type) == expected
    assert r.killing_signature == (0, n * (n - 1) // 2, 0)
    assert r.evidence["cartan_subalgebra_dimension"] == n // 2
