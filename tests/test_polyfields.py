"""Exact polynomial vector-field symmetries: known answers, the classification, fit + certify."""

from __future__ import annotations

import pytest
import sympy as sp
import torch

from liealg.errors import CertificationError, OracleError, RationalizationError
from liealg.exact.polyfields import (
    certify_field,
    fit_polynomial_field,
    monomials,
    polynomial_symmetries,
    report_polynomial,
)
from liealg.oracle import Oracle

x1, x2, x3 = sp.symbols("x1 x2 x3", real=True)


def test_monomials_are_in_ascending_degree():
    assert monomials(2, 2) == ((0, 0), (1, 0), (0, 1), (2, 0), (1, 1), (0, 2))
    assert len(monomials(3, 3)) == 20  # C(3 + 3, 3)


def test_squeeze_degree_1_is_exactly_the_squeeze():
    sol = polynomial_symmetries(Oracle(x1 * x2), degree=1)
    assert sol.dimension == 1
    assert sol.fields == ((x1, -x2),)
    assert sol.linear == (sp.Matrix([[1, 0], [0, -1]]),)
    assert sol.translations == () and sol.nonlinear == ()


@pytest.mark.parametrize("degree", [1, 2, 3, 4])
def test_squeeze_dimension_formula(degree):
    # x1 and x2 are coprime, so v1 x2 + v2 x1 = 0 forces v = r(x) (x1, -x2) with r a polynomial
    # of degree <= D - 1: as many solutions as such monomials, D (D + 1) / 2 (3 for D = 2), and
    # exactly d of them of degree d.
    sol = polynomial_symmetries(Oracle(x1 * x2), degree=degree)
    assert sol.dimension == degree * (degree + 1) // 2
    assert dict(sol.counts) == {d: d for d in range(degree + 1)}
    # All of them are polynomial multiples of the one linear symmetry: one module generator.
    assert dict(sol.generators_by_degree) == {d: int(d == 1) for d in range(degree + 1)}
    assert sol.nonlinear == ()
    assert sum(sol.trivial_counts.values()) == sol.dimension


def test_squeeze_degree_2_basis():
    sol = polynomial_symmetries(Oracle(x1 * x2), degree=2)
    assert sol.fields == ((x1, -x2), (x1**2, -x1 * x2), (x1 * x2, -x2**2))
    assert sol.trivial_counts["other polynomial multiples"] == 2


def test_circle_degree_3_contains_rotation_times_phi():
    phi = x1**2 + x2**2
    sol = polynomial_symmetries(Oracle(phi), degree=3)
    assert sol.contains((-x2 * phi, x1 * phi))
    assert sol.contains((-x2, x1))
    assert not sol.contains((x1, x2))  # the dilation is no symmetry
    assert not sol.contains((-x2 * x1**3, x1**4))  # degree 4 is outside the bound
    # phi^k times the rotation: one such field at degree 3 (k = 1).
    assert sol.trivial_counts["phi-power multiples"] == 1
    assert sol.dimension == 6  # r(x) (-x2, x1), r of degree <= 2


def test_truly_nonlinear_parabolas():
    # (x2 - x1^2)^2 is preserved by (1, 2 x1), the flow sliding along the parabolas; that field is
    # neither linear nor a multiple of J grad phi = 2 (x2 - x1^2) (1, 2 x1).
    sol = polynomial_symmetries(Oracle((x2 - x1**2) ** 2), degree=2)
    assert sol.nonlinear == ((sp.Integer(1), 2 * x1),)
    assert sol.trivial_counts["multiples of truly non-linear"] == 2
    # For x2 - x1^2 itself the same field is its Hamiltonian field: trivial by the definition.
    sol2 = polynomial_symmetries(Oracle(x2 - x1**2), degree=2)
    assert sol2.nonlinear == ()
    assert sol2.trivial_counts["hamiltonian-type"] == 3


def test_sphere_linear_part_is_so3():
    sol = polynomial_symmetries(Oracle(x1**2 + x2**2 + x3**2), degree=2)
    assert len(sol.linear) == 3
    assert all(W.T == -W for W in sol.linear)
    assert sol.counts[1] == 3 and sol.nonlinear == ()


def test_translations_are_found():
    sol = polynomial_symmetries(Oracle(x1 - x2), degree=1)
    assert sol.translations == ((sp.Integer(1), sp.Integer(1)),)


def test_report_mentions_the_finiteness_rule():
    text = report_polynomial(polynomial_symmetries(Oracle(x1 * x2), degree=2))
    assert "dimension 3" in text and "not a Lie algebra" in text and "(x1, -x2)" in text


def test_certify_field():
    phi = Oracle(x1 * x2)
    assert certify_field(phi, (x1, -x2))
    assert certify_field(phi, ("x1**3*x2", "-x1**2*x2**2"))  # strings, matched by name
    assert not certify_field(phi, (x2, x1))
    with pytest.raises(CertificationError, match="floating-point"):
        certify_field(phi, (1.0 * x1, -x2))
    with pytest.raises(CertificationError, match="2 variables"):
        certify_field(phi, (x1,))
    assert certify_field(Oracle(sp.Abs(x1) + sp.Abs(x2)), (x2 * sp.Abs(x1), -x1 * sp.Abs(x2)))


def test_fit_polynomial_field_rationalizes_and_certifies():
    phi = Oracle(x1 * x2)
    x = torch.randn(200, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    noisy = lambda z: 0.7071 * torch.stack([z[:, 0], -z[:, 1]], -1) + 1e-5 * torch.sin(z)  # noqa: E731
    fitted = fit_polynomial_field(noisy, phi, degree=2, samples=x)
    assert fitted.exprs == (x1, -x2) and fitted.degree == 1 and fitted.certified
    assert abs(fitted.scale - 0.7071) < 1e-3


def test_fit_polynomial_field_refuses():
    phi = Oracle(x1 * x2)
    x = torch.randn(200, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    with pytest.raises(RationalizationError, match="not a polynomial"):
        fit_polynomial_field(lambda z: torch.tanh(3 * z), phi, degree=1, samples=x)
    with pytest.raises(RationalizationError, match="not an exact symmetry"):
        fit_polynomial_field(lambda z: z.flip(1), phi, degree=1, samples=x)  # (x2, x1): exact but wrong
    with pytest.raises(OracleError, match="polynomial"):
        polynomial_symmetries(Oracle(sp.Abs(x1) + x2), degree=1)
    with pytest.raises(OracleError, match="degree must be an integer from 0"):
        polynomial_symmetries(phi, degree=-1)
