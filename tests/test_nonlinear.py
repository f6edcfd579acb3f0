"""Neural vector fields: the squeeze mapping, flows, brackets, fit + certify, options."""

from __future__ import annotations

import json
import math

import pytest
import sympy as sp
import torch

from liealg.config import Sampling, TrainConfig
from liealg.errors import OptionError, OracleError, ResourceError
from liealg.exact.polyfields import fit_polynomial_field
from liealg.generators import NeuralVectorFields
from liealg.losses import (
    field_brackets,
    field_closure,
    field_invariance,
    field_normalization,
    field_orthogonality,
    field_speed,
    speed_floor,
)
from liealg.nonlinear import (
    FieldCheck,
    FieldLosses,
    FieldNetwork,
    alignment,
    discover_nonlinear,
    field_grid,
    hamiltonian_field,
    integrate_flow,
    max_fields,
    measure_fields,
    nonlinear_to_json,
    oracle_drift,
    report_nonlinear,
    save_field_plots,
    scan_fields,
)
from liealg.oracle import Oracle, oracle_gradients, sample_points

x1, x2, x3 = sp.symbols("x1 x2 x3", real=True)
SMALL = {"network": FieldNetwork(hidden=(32, 32)), "sampling": Sampling(n=256)}
HELD_OUT = torch.randn(2000, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(1))


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
    tiny = {"training": TrainConfig(epochs=3), "network": FieldNetwork(hidden=(8,)), "sampling": Sampling(n=64)}
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
    _v, br = field_brackets(fields, x)
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


# --------------------------------------------------------------------------- fields that move
# Independent references, written by hand (not from liealg): for each non-smooth oracle the
# exact direction of its level sets, and its gradient, by region.
def _unit(x):
    return x / x.norm(dim=1, keepdim=True)


def _l1_reference(z):  # |x1| + |x2|: around the diamond, (sign x2, -sign x1)
    return torch.stack([torch.sign(z[:, 1]), -torch.sign(z[:, 0])], -1), torch.sign(z)


def _max_reference(z):  # max(|x1|, |x2|): vertical where |x1| > |x2|, horizontal elsewhere
    right = (z[:, 0].abs() > z[:, 1].abs())[:, None]
    e1, e2 = torch.tensor([1.0, 0.0], dtype=z.dtype), torch.tensor([0.0, 1.0], dtype=z.dtype)
    grad = torch.where(right, e1 * torch.sign(z), e2 * torch.sign(z))
    return torch.where(right, e2, e1), grad


def _piecewise_reference(z):  # x1 if x1 >= 0 else -x2: vertical on the right, horizontal on the left
    right = (z[:, 0] >= 0)[:, None]
    e1, e2 = torch.tensor([1.0, 0.0], dtype=z.dtype), torch.tensor([0.0, 1.0], dtype=z.dtype)
    return torch.where(right, e2, e1), torch.where(right, e1, -e2)


NON_SMOOTH = {
    "l1": (sp.Abs(x1) + sp.Abs(x2), _l1_reference),
    "max": (sp.Max(sp.Abs(x1), sp.Abs(x2)), _max_reference),
    "piecewise": (sp.Piecewise((x1, x1 >= 0), (-x2, True)), _piecewise_reference),
}


@pytest.mark.parametrize("name", list(NON_SMOOTH))
def test_non_smooth_field_moves_everywhere_along_the_exact_direction(name):
    expr, reference = NON_SMOOTH[name]
    result = discover_nonlinear(Oracle(expr), seed=0, sampling=Sampling(n=256),
                                training=TrainConfig(tol=1e-4, epochs=80))
    assert result.converged, result.failures
    assert result.coverage[0] >= 0.9 and result.tangency[0] < 0.05
    # On held-out points, by hand: the field moves (|v| >= 0.1 RMS) nearly everywhere ...
    v = result.field(0)(HELD_OUT)
    speed = v.norm(dim=1)
    assert float((speed >= 0.1 * speed.pow(2).mean().sqrt()).double().mean()) >= 0.95
    # ... along the exact direction of the level sets (up to sign: g(x) v is a symmetry too) ...
    direction, grad = reference(HELD_OUT)
    cos = (_unit(v) * _unit(direction)).sum(1).abs()
    assert float(cos.median()) > 0.999 and float(cos.quantile(0.05)) > 0.9
    # ... so it is tangent: |cos(v, grad phi)| is small (small is good).
    tangency = (_unit(v) * _unit(grad)).sum(1).abs()
    assert float(tangency.median()) < 0.01


def test_speed_floor_and_check_catch_a_near_trivial_field():
    # A field that moves only in the far corners of |x1| + |x2| (as the mean normalization alone
    # allowed): exactly tangent where it moves, zero elsewhere.
    def corners(z):
        direction, _ = _l1_reference(z)
        return direction * ((z[:, 0].abs() > 1) & (z[:, 1].abs() > 1)).to(z.dtype)[:, None]

    phi = Oracle(sp.Abs(x1) + sp.Abs(x2))
    fig = measure_fields(corners, phi, HELD_OUT)
    assert fig.coverage[0] == pytest.approx(float(((HELD_OUT.abs() > 1).all(1)).double().mean()))
    assert fig.coverage[0] < 0.2 and fig.invariance[0] == 0.0
    (why,) = fig.failures(FieldCheck())
    assert "moves on" in why and "below the 90% required" in why
    # The loss term sees it too: the floor is f (= 0.2) wherever |grad phi| is constant.
    _, g = oracle_gradients(phi, HELD_OUT)
    floor = speed_floor(g, 0.2)
    assert torch.allclose(floor, torch.full_like(floor, 0.2 / math.sqrt(1.04)))
    assert float(field_speed(corners(HELD_OUT)[:, None, :], floor)) > 0.02
    assert float(field_speed(_l1_reference(HELD_OUT)[0][:, None, :], floor)) == 0.0
    # At a critical point (the origin of x1 x2) the floor falls to zero.
    _, g = oracle_gradients(Oracle(x1 * x2), torch.tensor([[0.0, 0.0], [1.0, 1.0]], dtype=torch.float64))
    assert speed_floor(g, 0.2).tolist()[0] == 0.0


def test_a_field_that_is_not_tangent_fails_the_check():
    fig = measure_fields(lambda z: z, Oracle(x1**2 + x2**2), HELD_OUT)  # radial: across the circles
    assert fig.tangency[0] == pytest.approx(1.0) and fig.coverage[0] > 0.95
    assert any("not tangent" in why for why in fig.failures(FieldCheck()))
    with pytest.raises(OptionError, match="from 0 to 1"):
        FieldCheck(coverage=1.5)
    with pytest.raises(OptionError, match="min_speed"):
        FieldLosses(min_speed=1.0)


def test_too_many_fields_are_refused_before_training():
    # One oracle in n dimensions: level sets of dimension n - 1, at most n - 1 pointwise
    # independent fields; several independent components leave fewer.
    assert max_fields(Oracle(x1 * x2)) == 1
    assert max_fields(Oracle(x1**2 + x2**2 + x3**2)) == 2
    assert max_fields(Oracle([x1 + x2, x3])) == 1
    assert max_fields(Oracle([x1 + x2, 2 * x1 + 2 * x2, x3])) == 1  # a dependent component adds nothing
    with pytest.raises(OptionError, match=r"at most 1 field\(s\)"):
        discover_nonlinear(Oracle(x1 * x2), 2, **SMALL)
    with pytest.raises(OptionError, match="no field can move"):
        discover_nonlinear(Oracle([x1, x2]), 1, **SMALL)
    # Independent over the reals only (global orthogonality): not bounded pointwise.
    tiny = {"network": FieldNetwork(hidden=(8,)), "sampling": Sampling(n=64), "training": TrainConfig(epochs=1)}
    result = discover_nonlinear(Oracle(x1 * x2), 2, losses=FieldLosses(orthogonality_mode="global"), **tiny)
    assert result.n_fields == 2 and result.max_fields == 1


def test_scan_over_field_counts_stops_where_the_oracle_does():
    tiny = {"network": FieldNetwork(hidden=(8,)), "sampling": Sampling(n=64), "training": TrainConfig(epochs=2)}
    scan = scan_fields(Oracle(x1**2 + x2**2 + x3**2), 4, **tiny)
    assert scan.bound == 2 and scan.counts == (1, 2)
    text = scan.text()
    assert "3..4  impossible, not trained" in text and "allows at most 2" in text


def test_field_grid_and_json_carry_the_figures(squeeze, tmp_path):
    grid = json.loads(json.dumps(field_grid(squeeze, per_side=5)))
    x = squeeze.samples
    assert grid["box"] == {"low": x.min(0).values.tolist(), "high": x.max(0).values.tolist()}
    assert len(grid["points"]) == 25 and len(grid["fields"]) == 1 and grid["vectors"] == grid["fields"][0]
    pts = torch.tensor(grid["points"], dtype=torch.float64)
    assert torch.allclose(torch.tensor(grid["vectors"], dtype=torch.float64), squeeze.field(0)(pts))
    assert {tuple(p) for p in grid["points"]} >= {tuple(grid["box"]["low"]), tuple(grid["box"]["high"])}
    with pytest.raises(ResourceError, match="above the limit"):
        field_grid(squeeze, per_side=2000)
    data = nonlinear_to_json(squeeze)
    assert data["coverage"] == list(squeeze.coverage) and data["tangency"] == list(squeeze.tangency)
    assert data["failures"] == [] and data["max_fields"] == 1


def test_cli_nonlinear_exit_codes_and_files(run_cli, tmp_path):
    grid, out = tmp_path / "grid.json", tmp_path / "result.json"
    r = run_cli("discover", "--nonlinear", "x1*x2", "--samples", "256", "--field-grid", grid, "--json", out)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "moves on" in r.stdout and "tangency" in r.stdout
    data = json.loads(out.read_text())
    assert data["converged"] and data["coverage"][0] >= 0.9 and data["tangency"][0] < 0.05
    assert len(json.loads(grid.read_text())["points"]) == 21 * 21
    # Not converged (3 epochs): exit 3, with the figures and the reason.
    r = run_cli("discover", "--nonlinear", "abs(x1)+abs(x2)", "--samples", "128", "--epochs", "3", "--json", out)
    assert r.returncode == 3 and "NOT converged" in r.stdout and "not converged: loss" in r.stdout
    assert not json.loads(out.read_text())["converged"]
    # Refused, not trained: too many fields; options of the other kind.
    r = run_cli("discover", "--nonlinear", "x1*x2", "--fields", "2")
    assert r.returncode == 2 and "at most 1 field(s)" in r.stderr
    r = run_cli("discover", "--nonlinear", "x1*x2", "--sparsity", "0.1")
    assert r.returncode == 2 and "--sparsity applies to linear generators" in r.stderr
    r = run_cli("discover", "x1*x2", "--field-grid", grid)
    assert r.returncode == 2 and "add --nonlinear" in r.stderr


# --------------------------------------------------------------------------- non-smooth formulas in torch
POINTS = torch.tensor([[1.0, 2.0], [-1.0, 3.0], [0.5, -0.2], [-2.0, -0.5]], dtype=torch.float64)


def _values_and_grads(expr):
    y, g = oracle_gradients(Oracle(expr, variables="x1 x2"), POINTS)
    return y[:, 0].tolist(), g[:, 0].tolist()


def test_piecewise_evaluates_and_differentiates_in_torch():
    # The reference code's piecewise oracle: x1 if x1 >= 0 else -x2 (by hand at each point).
    y, g = _values_and_grads(sp.Piecewise((x1, x1 >= 0), (-x2, True)))
    assert y == [1.0, -3.0, 0.5, 0.5]
    assert g == [[1.0, 0.0], [0.0, -1.0], [1.0, 0.0], [0.0, -1.0]]
    # Conditions joined with and / or; the first true branch wins.
    expr = sp.Piecewise((x1 * x2, (x1 >= 0) & (x2 < 1)), (x2**2, (x1 < -1.5) | (x2 > 2.5)), (x1 + x2, True))
    y, g = _values_and_grads(expr)
    assert y == [3.0, 9.0, -0.1, 0.25]
    assert g == [[1.0, 1.0], [0.0, 6.0], [-0.2, 0.5], [0.0, -1.0]]


def test_max_min_sign_with_numbers_evaluate_and_differentiate_in_torch():
    y, g = _values_and_grads(sp.Max(x1, 0) + x2)
    assert y == [3.0, 3.0, 0.3, -0.5] and g == [[1.0, 1.0], [0.0, 1.0], [1.0, 1.0], [0.0, 1.0]]
    y, g = _values_and_grads(sp.Min(sp.Abs(x1), sp.Rational(3, 2)) * x2)
    assert y == [2.0, 3.0, -0.1, -0.75] and g == [[2.0, 1.0], [-3.0, 1.0], [-0.2, 0.5], [0.0, 1.5]]
    y, g = _values_and_grads(sp.sign(x1) * x2)
    assert y == [2.0, -3.0, -0.2, 0.5] and g == [[0.0, 1.0], [0.0, -1.0], [0.0, 1.0], [0.0, -1.0]]


def test_heaviside_evaluates_and_differentiates_in_torch():
    y, g = _values_and_grads(sp.Heaviside(x1) * x2)
    assert y == [2.0, 0.0, -0.2, 0.0] and g == [[0.0, 1.0], [0.0, 0.0], [0.0, 1.0], [0.0, 0.0]]
