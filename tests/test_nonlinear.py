"""Neural vector fields: the squeeze mapping, flows, brackets, fit + certify, options."""

from __future__ import annotations

import json
import math

import pytest
import sympy as sp
import torch

from liealg.config import Sampling, TrainConfig
from liealg.errors import OptionError, OracleError
from liealg.exact.polyfields import fit_polynomial_field
from liealg.generators import NeuralVectorFields
from liealg.losses import (field_brackets, field_closure, field_invariance, field_normalization,
                           field_orthogonality)
from liealg.nonlinear import (
    FieldLosses,
    FieldNetwork,
    alignment,
    discover_nonlinear,
    hamiltonian_field,
    integrate_flow,
    nonlinear_to_json,
    oracle_drift,
    report_nonlinear,
    save_field_plots,
)
from liealg.oracle import Oracle, sample_points

x1, x2, x3 = sp.symbols("x1 x2 x3", real=True)
SMALL = dict(network=FieldNetwork(hidden=(32, 32)), sampling=Sampling(n=256))


@pytest.fixture(scope="module")
def squeeze():
    """One trained squeeze field, shared by the tests that inspect it."""
    return discover_nonlinear(Oracle(x1 * x2), seed=0, **SMALL)


def test_squeeze_field_is_invariant_and_parallel_to_x1_minus_x2(squeeze):
    assert squeeze.converged
    assert squeeze.losses["invariance"] < 1e-5
    assert abs(squeeze.losses["normalization"]) < 1e-5
    x = sample_points(squeeze.oracle, 500, seed=1)
    cos = alignment(squeeze.field(0), lambda z: torch.stack([z[:, 0], -z[:, 1]], -1), x)
    # Up to sign (and up to a function g(x): in 2-D every symmetry is g(x) (x1, -x2)).
    assert float(cos.nanmean()) > 0.99
    assert float(torch.nanquantile(cos, 0.05)) > 0.95


def test_squeeze_history_and_best_model(squeeze):
    hist = squeeze.history
    assert set(hist) >= {"invariance", "normalization", "orthogonality", "closure", "total"}
    assert len(hist["total"]) == squeeze.epochs
    # The kept model is the best epoch, and its losses are that epoch's.
    assert squeeze.losses["total"] == min(hist["total"])
    assert squeeze.losses["total"] == hist["total"][squeeze.best_epoch - 1]


def test_squeeze_rk4_drift_is_small(squeeze):
    x0 = sample_points(squeeze.oracle, 200, seed=2)
    drift = oracle_drift(squeeze.oracle, squeeze.field(0), x0, 0.5, steps=50)
    assert drift.displacement > 0.2  # it moves the points ...
    assert drift.relative < 1e-2  # ... but not the oracle
    assert drift.mean_abs < 1e-2


def test_report_names_the_squeeze(squeeze):
    text = report_nonlinear(squeeze, fit_degree=None)
    assert "J grad phi = (x1, -x2)" in text and "converged" in text


def test_plots_and_json(squeeze, tmp_path):
    paths = save_field_plots(squeeze, tmp_path)
    assert [p.name for p in paths] == ["vector_field_1.png"] and paths[0].stat().st_size > 1000
    data = json.loads(json.dumps(nonlinear_to_json(squeeze)))
    assert data["converged"] and data["losses"]["total"] == squeeze.losses["total"]


def test_reproducible_with_seed():
    tiny = dict(training=TrainConfig(epochs=3), network=FieldNetwork(hidden=(8,)), sampling=Sampling(n=64))
    a = discover_nonlinear(Oracle(x1 * x2), seed=3, **tiny)
    b = discover_nonlinear(Oracle(x1 * x2), seed=3, **tiny)
    assert a.history["total"] == b.history["total"]


def test_curvature_picks_the_linear_field_which_fits_and_certifies():
    # Among the fields g(x) (x1, -x2), a curvature penalty selects the affine one.
    result = discover_nonlinear(Oracle(x1 * x2), seed=0, losses=FieldLosses(curvature=1e-2),
                                training=TrainConfig(epochs=40), **SMALL)
    fitted = fit_polynomial_field(result.field(0), result.oracle, degree=1, samples=result.samples)
    assert fitted.exprs in ((x1, -x2), (-x1, x2))
    assert fitted.certified and fitted.fit_residual < 1e-2


def test_integrate_flow_matches_exact_squeeze():
    squeeze = lambda x: torch.stack([x[:, 0], -x[:, 1]], -1)  # noqa: E731
    x0 = torch.tensor([[1.0, 2.0], [-0.5, 0.3]], dtype=torch.float64)
    exact = x0 * torch.tensor([math.e, 1 / math.e], dtype=torch.float64)
    for method, tol in (("rk4", 1e-9), ("midpoint", 1e-4), ("euler", 5e-2)):
        path = integrate_flow(squeeze, x0, 1.0, steps=100, method=method)
        assert path.shape == (101, 2, 2)
        assert torch.allclose(path[-1], exact, atol=tol), method
    back = integrate_flow(squeeze, exact, -1.0, steps=100)[-1]  # negative time: the inverse map
    assert torch.allclose(back, x0, atol=1e-9)


# torch.func.jvp (the generic path) loads torch's jvp decompositions, which call torch.jit.script.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_lie_brackets_of_linear_fields():
    # v_a = W_a x  =>  [v_a, v_b] = (J v_b) v_a - (J v_a) v_b = (W_b W_a - W_a W_b) x
    g = torch.Generator().manual_seed(0)
    W = torch.randn(3, 3, 3, dtype=torch.float64, generator=g)
    x = torch.randn(10, 3, dtype=torch.float64, generator=g)
    fields = lambda z: torch.einsum("aij,mj->mai", W, z)  # noqa: E731
    v, br = field_brackets(fields, x)
    expect = torch.einsum("abij,mj->mabi", torch.einsum("bij,ajk->abik", W, W) - torch.einsum("aij,bjk->abik", W, W), x)
    assert torch.allclose(br, expect, atol=1e-12)
    # The hand-written forward mode of NeuralVectorFields agrees with torch.func.
    net = NeuralVectorFields(3, 2, hidden=(5,), activation="silu", generator=g)
    _, br_fast = field_brackets(net, x)
    _, br_ref = field_brackets(lambda z: net(z), x)
    assert torch.allclose(br_fast, br_ref, atol=1e-12)


def test_loss_terms():
    v = torch.tensor([[[1.0, 0.0], [0.0, 2.0]], [[1.0, 0.0], [0.0, 0.0]]], dtype=torch.float64)  # (m=2, k=2, n=2)
    grads = torch.tensor([[[0.0, 1.0]], [[1.0, 0.0]]], dtype=torch.float64)
    # field 0: v.grad = 0, 1; field 1: 2, 0 -> means 0.5 and 2
    assert float(field_invariance(v, grads)) == pytest.approx(2.5)
    assert float(field_normalization(torch.zeros(4, 1, 2))) == 1.0  # v = 0 is ruled out
    spiky = torch.tensor([[[2.0, 0.0]], [[0.0, 0.0]], [[0.0, 0.0]], [[0.0, 0.0]]])  # mean |v|^2 = 1
    assert float(field_normalization(spiky, "mean")) == 0.0
    assert float(field_normalization(spiky, "pointwise")) == pytest.approx((9 + 3) / 4)  # ruled out
    assert float(field_orthogonality(v, "pointwise")) == 0.0
    same = torch.cat([v[:, :1], v[:, :1]], 1)
    assert float(field_orthogonality(same, "pointwise")) == pytest.approx(1.0)
    f = torch.zeros(2, 2, 2, dtype=torch.float64)
    assert float(field_closure(v, torch.zeros(2, 2, 2, 2, dtype=torch.float64), f)) == 0.0


def test_global_orthogonality_allows_function_multiples():
    # g(x) v and v are globally orthogonal for g odd, but pointwise parallel.
    x = torch.randn(1000, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    v = torch.stack([x[:, 0], -x[:, 1]], -1)
    both = torch.stack([v, torch.sign(x[:, :1]) * v], 1)
    assert float(field_orthogonality(both, "global")) < 0.01
    assert float(field_orthogonality(both, "pointwise")) == pytest.approx(1.0)


def test_closure_run_records_structure_constants():
    result = discover_nonlinear(Oracle(x3 + 0 * x1 + 0 * x2, variables="x1 x2 x3"), 2,
                                losses=FieldLosses(closure=1.0), training=TrainConfig(epochs=5),
                                network=FieldNetwork(hidden=(16,)), sampling=Sampling(n=128))
    assert result.structure_constants.shape == (2, 2, 2)
    assert len(result.history["closure"]) == result.epochs
    assert all(math.isfinite(v) for v in result.losses.values())


def test_progress_callable_and_adam():
    seen = []
    discover_nonlinear(Oracle(x1 * x2), training=TrainConfig(optimizer="adam", epochs=4),
                       network=FieldNetwork(hidden=(8,)), sampling=Sampling(n=64),
                       progress=lambda epoch, losses: seen.append((epoch, losses["total"])))
    assert [e for e, _ in seen] == [1, 2, 3, 4]


def test_hamiltonian_field_of_l1_norm():
    ham = hamiltonian_field(Oracle(sp.Abs(x1) + sp.Abs(x2)))
    out = ham(torch.tensor([[1.0, -2.0]], dtype=torch.float64))
    assert out.tolist() == [[-1.0, -1.0]]  # (sign x2, -sign x1)


def test_bad_options_list_valid_values():
    phi = Oracle(x1 * x2)
    with pytest.raises(OptionError, match="lbfgs, adam"):
        TrainConfig(optimizer="sgd")
    with pytest.raises(TypeError, match="invariant"):
        FieldLosses(invariant=1.0)  # type: ignore[call-arg]
    with pytest.raises(OptionError, match="must be a finite non-negative number"):
        FieldLosses(curvature=-1.0)
    with pytest.raises(OptionError, match="tanh"):
        FieldNetwork(activation="sigmoid")
    with pytest.raises(OptionError, match="pointwise, global"):
        FieldLosses(orthogonality_mode="local")
    with pytest.raises(OptionError, match="mean, pointwise"):
        FieldLosses(normalization_mode="unit")
    with pytest.raises(OptionError, match="num_threads"):
        TrainConfig(num_threads=0)
    with pytest.raises(OptionError, match="n_fields"):
        discover_nonlinear(phi, n_fields=0)
    with pytest.raises(OracleError, match=r"shape \(m, 2\)"):
        discover_nonlinear(phi, sampling=Sampling(points=torch.zeros(5, 3)))
    with pytest.raises(OptionError, match="progress"):
        discover_nonlinear(phi, progress="bar")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="euler, midpoint, rk4"):
        integrate_flow(lambda x: x, torch.zeros(1, 2), 1.0, method="rk45")
    with pytest.raises(OptionError, match="pick one"):
        integrate_flow(NeuralVectorFields(2, 2), torch.zeros(1, 2, dtype=torch.float64), 1.0)


@pytest.mark.slow
def test_l1_norm_reaches_the_benchmark_target():
    result = discover_nonlinear(Oracle(sp.Abs(x1) + sp.Abs(x2)), seed=0)
    assert result.losses["invariance"] < 1e-4


@pytest.mark.slow
def test_so3_fields_close_with_global_orthogonality():
    result = discover_nonlinear(Oracle(x1**2 + x2**2 + x3**2), 3,
                                losses=FieldLosses(closure=1.0, orthogonality_mode="global"),
                                network=FieldNetwork(hidden=(32, 32)), sampling=Sampling(n=512),
                                training=TrainConfig(epochs=150))
    assert result.losses["invariance"] < 1e-3
    assert result.losses["closure"] < 1e-2


def test_float32_training_and_report():
    result = discover_nonlinear(Oracle(x1 * x2), training=TrainConfig(dtype="float32", epochs=5),
                                network=FieldNetwork(hidden=(16,)), sampling=Sampling(n=128))
    assert result.samples.dtype == torch.float32
    assert next(result.fields.parameters()).dtype == torch.float32
    assert all(math.isfinite(v) for v in result.losses.values())
    assert "field 1" in report_nonlinear(result)  # the report works from float32 fields too
