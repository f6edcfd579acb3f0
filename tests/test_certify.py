"""certify: exact proofs that generators are symmetries; failures are reported, never hidden."""

from __future__ import annotations

import importlib
import json

import numpy as np
import pytest
import sympy as sp
import torch

from liealg.errors import CertificationError
from liealg.exact import Certificate, certify, certify_numeric, lie_derivative, rationalize, solve_symmetries
from liealg.oracle import Oracle

# The package re-exports the function ``certify``, which shadows the submodule's attribute name.
certify_module = importlib.import_module("liealg.exact.certify")


def E(d, i, j):
    M = sp.zeros(d, d)
    M[i, j] = 1
    return M


SO3 = [E(3, 0, 1) - E(3, 1, 0), E(3, 0, 2) - E(3, 2, 0), E(3, 1, 2) - E(3, 2, 1)]


@pytest.mark.parametrize(
    "oracle",
    [
        Oracle("x1**2 + x2**2 + x3**2 + x4**2 + x5**2"),
        Oracle("x1**2 + x2**2 + x3**2 - x4**2"),
        Oracle("x1*y2 - x2*y1", vectors=[["x1", "x2"], ["y1", "y2"]]),
        Oracle("z1*conjugate(z1) + z2*conjugate(z2)", is_complex=True),
        Oracle(["x1**2 + x2**2 + x3**2", "x3"]),
    ],
    ids=["so5", "so13", "sp2", "u2", "vector-valued"],
)
def test_every_solver_generator_is_proved(oracle):
    gens = solve_symmetries(oracle)
    cert = certify(oracle, gens)
    assert cert.certified and cert.numeric and cert.failures == ()
    assert cert.statuses == ("proved",) * len(gens)
    assert set(cert.methods) == {"polynomial"}
    assert cert.residuals == (0.0,) * len(gens)


def test_a_wrong_generator_fails_with_its_residual():
    oracle = Oracle("x1**2 + x2**2 + x3**2")
    wrong = E(3, 0, 1)  # a shear: L_W phi = 2*x1*x2
    cert = certify(oracle, SO3 + [wrong])
    assert cert.statuses == ("proved", "proved", "proved", "failed")
    assert not cert.certified and not cert.numeric
    assert cert.failures == (3,)
    assert cert.residuals[3] == 2.0
    assert "x1*x2" in cert.messages[3]


def test_flint_polynomial_verdict_agrees_with_the_linear_system():
    # certify expands L_W phi with python-flint polynomials; the solver's linear system C theta
    # is an independent route to the same coefficients (python-flint >= 0.7 always has mpoly,
    # so certify no longer falls back to it).
    from liealg.exact.solver import exact_sparse_theta, symmetry_conditions

    oracle = Oracle("x1**2/4 + x2**2 + x3**2")
    gens = [E(3, 1, 2) - E(3, 2, 1), E(3, 0, 1), E(3, 0, 1) - E(3, 1, 0) / 4]
    cert = certify(oracle, gens)
    assert cert.statuses == ("proved", "failed", "proved")
    cond = symmetry_conditions(oracle)
    residuals = cond.sparse_residuals([exact_sparse_theta(sp.Matrix(W), False) for W in gens])
    assert [not r for r in residuals] == [s == "proved" for s in cert.statuses]
    # the failed one: L_W phi = x1*x2/2, so the largest |coefficient| is 1/2 (unscaled)
    (r,) = [r for r in residuals if r]
    assert cert.residuals[1] == max(abs(float(v)) for v in r.values()) / cond.scales[0] == 0.5


def test_rational_coefficient_residual_is_unscaled():
    cert = certify(Oracle("x1**2/4 + x2**2"), [E(2, 0, 1)])  # L_W phi = x1*x2/2
    assert cert.statuses == ("failed",) and cert.residuals[0] == 0.5


def test_certifies_a_rationalization_directly():
    oracle = Oracle("x1**2 + x2**2 + x3**2 - x4**2")
    rng = np.random.default_rng(0)
    exact = solve_symmetries(oracle)
    floats = np.array([np.array(W, dtype=float) for W in exact]) + 1e-10 * rng.normal(size=(6, 4, 4))
    assert certify(oracle, rationalize(floats)).certified


def test_algebraic_entries_on_a_polynomial_oracle():
    oracle = Oracle("x1**2 + x2**2")
    J = E(2, 0, 1) - E(2, 1, 0)
    cert = certify(oracle, [sp.sqrt(2) * J, sp.sqrt(3) * E(2, 0, 1)])
    assert cert.statuses == ("proved", "failed")
    assert cert.methods == ("simplify", "simplify")
    assert cert.residuals[1] == pytest.approx(2 * np.sqrt(3))


def test_non_polynomial_radial_oracle_with_so3():
    # sqrt(x1^2+x2^2+x3^2): L_W phi cancels symbolically for rotations, so this is "proved"
    # (by simplification, not numerically); the test accepts "numeric" as the weaker verdict.
    oracle = Oracle("sqrt(x1**2 + x2**2 + x3**2)")
    cert = certify(oracle, SO3)
    assert cert.numeric
    assert cert.statuses == ("proved",) * 3
    assert set(cert.methods) == {"simplify"}
    bad = certify(oracle, [E(3, 0, 0)])
    assert bad.statuses == ("failed",)


def test_transcendental_oracles():
    assert certify(Oracle("exp(-x1**2 - x2**2) + cos(x3)"), [E(3, 0, 1) - E(3, 1, 0)]).certified
    assert not certify(Oracle("exp(-x1**2 - x2**2) + cos(x3)"), [E(3, 0, 2) - E(3, 2, 0)]).numeric


def test_numeric_fallback_when_simplification_cannot_decide(monkeypatch):
    # Force "undecided" to exercise the mpmath path deterministically.
    monkeypatch.setattr(certify_module, "_simplifies_to_zero", lambda expr: False)
    oracle = Oracle("sqrt(x1**2 + x2**2 + x3**2) + log(1 + x1**2 + x2**2)")
    good = E(3, 0, 1) - E(3, 1, 0)
    bad = E(3, 0, 2) - E(3, 2, 0)
    cert = certify(oracle, [good, bad], numeric_digits=40, n_points=8, seed=3)
    assert cert.statuses == ("numeric", "failed")
    assert cert.numeric is False and cert.certified is False
    assert cert.methods == ("mpmath", "mpmath")
    assert cert.residuals[0] < 1e-20 and cert.residuals[1] > 1e-3


def test_lie_derivative_complex_oracle():
    oracle = Oracle("z1*conjugate(z1) + z2*conjugate(z2)", is_complex=True)
    (L,) = lie_derivative(oracle, sp.I * E(2, 0, 0))
    assert sp.expand(L) == 0
    (L,) = lie_derivative(oracle, E(2, 0, 0))  # a real scaling of z1 is not unitary
    assert sp.expand(L) != 0


def test_input_errors():
    oracle = Oracle("x1**2 + x2**2")
    with pytest.raises(CertificationError, match="rationalize"):
        certify(oracle, np.array([[[0.0, 1.0], [-1.0, 0.0]]]))
    with pytest.raises(CertificationError, match="rationalize"):
        certify(oracle, [sp.Matrix([[0, 0.5], [-0.5, 0]])])
    with pytest.raises(CertificationError, match="2 x 2"):
        certify(oracle, [sp.eye(3)])
    with pytest.raises(CertificationError, match="is_complex=True"):
        certify(oracle, [sp.I * sp.eye(2)])


def test_callable_oracle_needs_numeric_certification():
    phi = Oracle.from_callable(lambda x: (x**2).sum(-1), 3)
    with pytest.raises(CertificationError, match="certify_numeric"):
        certify(phi, SO3)
    cert = certify_numeric(phi, SO3 + [E(3, 0, 1)], n_points=64)
    assert cert.statuses == ("numeric",) * 3 + ("failed",)
    assert cert.failures == (3,) and max(cert.residuals[:3]) < 1e-12


def test_certify_numeric_float_and_complex_inputs():
    oracle = Oracle("z1*conjugate(z1) + z2*conjugate(z2)", is_complex=True)
    gens = torch.tensor([[[1j, 0], [0, 0]], [[0, 1], [-1, 0]]], dtype=torch.complex128)
    assert certify_numeric(oracle, gens, n_points=32).numeric
    assert not certify_numeric(oracle, torch.tensor([[[1.0, 0], [0, 0]]]), n_points=32).numeric


def test_certificate_json_and_invariants():
    cert = certify(Oracle("x1**2 + x2**2"), [E(2, 0, 1) - E(2, 1, 0), E(2, 0, 1)])
    data = json.loads(cert.to_json())
    assert data["statuses"] == ["proved", "failed"]
    assert data["certified"] is False and data["failures"] == [1]
    assert "1 proved, 1 failed" in cert.summary()
    inf = Certificate(("failed",), (float("inf"),), ("mpmath",), ("could not evaluate",))
    assert json.loads(inf.to_json())["residuals"] == ["inf"]
    with pytest.raises(ValueError, match="unknown status"):
        Certificate(("ok",), (0.0,), ("x",), ("",))
    assert certify(Oracle("x1**2 + x2**2"), []).certified  # vacuously
