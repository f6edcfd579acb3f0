"""The matrix-free invariance term (issue 16): the same loss and gradient as the dense form, chosen
automatically over a memory budget, and a forced matrix-free run finds the exact span."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from liealg.config import TrainConfig
from liealg.errors import OptionError
from liealg.exact import principal_angles, solve_symmetries
from liealg.oracle import Oracle, sample_points
from liealg.training import (InvarianceForm, InvarianceOperator, fit, fit_auto, invariance_form, invariance_operator,
                             symmetry_dimension)

ORACLES = [
    Oracle("x1**2 + x2*x3 + 2*x3**2 - x1*x4"),  # not in the catalog
    Oracle("x1*y2 - x2*y1 + x1*y1", vectors=[["x1", "x2"], ["y1", "y2"]]),  # two argument vectors
    Oracle("z1*conjugate(z1) + 2*z2*conjugate(z2)", is_complex=True),  # complex generators
    Oracle(["x1**2 + x2**2", "x1*x3"]),  # two components, weighted each by its own size
]


@pytest.mark.parametrize("oracle", ORACLES, ids=["real", "vectors", "complex", "components"])
def test_matrix_free_loss_and_gradient_equal_the_dense_form(oracle):
    torch.manual_seed(0)
    x = sample_points(oracle, 80, seed=3)
    dense = invariance_form(oracle, x)
    op = invariance_operator(oracle, x)
    theta = torch.randn(3, dense.q.shape[0], dtype=torch.float64, requires_grad=True)
    want = torch.einsum("kp,pq,kq->", theta, dense.q, theta)  # theta^T q theta, summed over generators
    got = op.loss(theta)
    assert torch.allclose(got, want, rtol=1e-10, atol=1e-14)
    (g_dense,) = torch.autograd.grad(want, theta)
    (g_free,) = torch.autograd.grad(op.loss(theta), theta)
    assert torch.allclose(g_free, g_dense, rtol=1e-9, atol=1e-13)
    assert torch.allclose(op.apply(theta.detach()), 0.5 * g_dense, rtol=1e-9, atol=1e-13)
    assert op.scale == pytest.approx(dense.scale, rel=1e-12)


def test_forced_matrix_free_so8_finds_the_exact_span():
    phi = Oracle(" + ".join(f"x{i}**2" for i in range(1, 9)))
    result = fit(phi, 28, seed=0, training=TrainConfig(invariance="matrix_free"))
    assert isinstance(result.form, InvarianceOperator) and result.converged
    exact = solve_symmetries(phi)
    assert len(exact) == 28
    assert float(np.max(principal_angles(result.generators, list(exact)))) < 1e-5
    assert result.polished() is result.generators  # no eigenvectors to polish against: unchanged


def test_matrix_free_dimension_matches_the_dense_spectrum():
    # so(4) on x1..x4 (6), traceless diagonal scalings of x5 x6 x7 (2), x9 -> 2t x9, x10 -> -t x10 (1)
    phi = Oracle("x1**2 + x2**2 + x3**2 + x4**2 + x5*x6*x7 + x8**3 + x9*x10**2")
    x = sample_points(phi, 400, seed=1)
    dense_dim, _ = symmetry_dimension(invariance_form(phi, x))
    free_dim, evals = symmetry_dimension(invariance_operator(phi, x))
    assert dense_dim == free_dim == 9
    assert len(evals) == 16  # read from a block of the 16 smallest eigenvalues (LOBPCG), p = 100


def test_matrix_free_dimension_with_a_large_block():
    # x1^2 + ... + x5^2 - x6^2 + 3 x7^2: a nondegenerate form of signature (6, 1), so(6,1): 21
    phi = Oracle(" + ".join(f"x{i}**2" for i in range(1, 6)) + " - x6**2 + 3*x7**2")
    x = sample_points(phi, 300, seed=1)
    assert symmetry_dimension(invariance_form(phi, x))[0] == symmetry_dimension(invariance_operator(phi, x))[0] == 21


def test_auto_switches_over_the_memory_budget():
    phi = Oracle("x1**2 + x2**2 + x3**2")
    small = fit(phi, 3, seed=0, training=TrainConfig(memory_budget=1.0))  # 1 byte: nothing dense fits
    assert isinstance(small.form, InvarianceOperator) and small.converged
    big = fit(phi, 3, seed=0)
    assert isinstance(big.form, InvarianceForm)
    result, dim, _ = fit_auto(phi, seed=0, training=TrainConfig(invariance="matrix_free"))
    assert dim == 3 and result is not None and result.converged
    exact = solve_symmetries(phi)
    assert float(np.max(principal_angles(small.generators, list(exact)))) < 1e-5


@pytest.mark.parametrize("bad", [{"invariance": "sparse"}, {"memory_budget": -1.0}, {"memory_budget": "1GB"}])
def test_invariance_options_are_validated(bad):
    with pytest.raises(OptionError):
        TrainConfig(**bad)


def test_discover_matrix_free_is_exact_certified_and_named():
    import liealg

    # a quadratic form of signature (4, 2) (x5 x6 is one plus and one minus square): so(4,2) = su(2,2)
    result = liealg.discover("x1**2 + x2**2 + x3**2 - x4**2 + x5*x6", seed=0,
                             training=TrainConfig(invariance="matrix_free"))
    assert result.dimension == 15 and result.certified
    assert result.identification.killing_signature == (8, 7, 0)  # so(4,2): maximal compact so(4) + so(2)
    assert "so(4,2)" in {result.name, *result.identification.aliases}
