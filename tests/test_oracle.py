"""Oracle construction, variables, complex and multi-vector forms, samples, callables."""

import pytest
import sympy as sp
import torch

from liealg.errors import OptionError, OracleError
from liealg.oracle import Oracle, check_finite, sample_points


def test_formula_string_variables_sorted_naturally():
    phi = Oracle("x10**2 + x2**2 + x1**2")
    assert [s.name for s in phi.variables] == ["x1", "x2", "x10"]
    assert phi.matrix_size == 3 and phi.n_vectors == 1 and phi.n_outputs == 1
    assert phi.is_polynomial


def test_explicit_variable_order_is_kept():
    phi = Oracle("x1*x2 - x3", variables="x3 x1 x2")
    assert [s.name for s in phi.variables] == ["x3", "x1", "x2"]
    x = torch.tensor([[1.0, 2.0, 3.0]], dtype=torch.float64)  # x3=1, x1=2, x2=3
    assert phi(x).item() == pytest.approx(5.0)


def test_sympy_expression_and_vector_valued():
    x1, x2, x3 = sp.symbols("x1 x2 x3")
    phi = Oracle([x1**2 + x2**2, x3])
    assert phi.n_outputs == 2
    out = phi(torch.tensor([[1.0, 2.0, 3.0]], dtype=torch.float64))
    assert out.tolist() == [[5.0, 3.0]]


def test_constant_component_broadcasts():
    phi = Oracle(["x1 + x2", "x1 - x1 + 3"], variables="x1 x2")
    out = phi(torch.zeros(4, 2, dtype=torch.float64))
    assert out.shape == (4, 2)


def test_unknown_variables_are_errors_and_named_unused_ones_belong_to_the_space():
    with pytest.raises(OracleError, match="x3.*not among the listed variables"):
        Oracle("x1 + x3", variables="x1 x2")
    phi = Oracle("x1 + x2", variables="x1 x2 x3")
    assert phi.unused_variables == ("x3",) and phi.n_inputs == 3


def test_bad_variable_names_and_duplicates():
    with pytest.raises(OracleError, match="cannot be a variable name"):
        Oracle("x1", variables="__x1")
    with pytest.raises(OracleError, match="listed twice"):
        Oracle("x1", variables="x1 x1")


def test_no_variables_is_an_error():
    with pytest.raises(OracleError, match="no variables"):
        Oracle("3 + 4")


def test_multi_vector_oracle():
    phi = Oracle("x1*y2 - x2*y1", vectors="x1 x2; y1 y2")
    assert phi.n_vectors == 2 and phi.matrix_size == 2 and phi.n_inputs == 4
    with pytest.raises(OracleError, match="same length"):
        Oracle("x1*y1", vectors=[["x1", "x2"], ["y1"]])


def test_complex_oracle_real_form():
    phi = Oracle("z1*conjugate(z1) + z2*conjugate(z2)", is_complex=True)
    assert phi.is_complex and phi.matrix_size == 2 and phi.n_inputs == 4
    assert phi.n_outputs == 1  # the imaginary part is identically zero and is dropped
    x = torch.tensor([[1.0, 2.0, 3.0, 4.0]], dtype=torch.float64)  # Re z1, Re z2, Im z1, Im z2
    assert phi(x).item() == pytest.approx(1 + 4 + 9 + 16)


def test_callable_oracle_and_shape_errors():
    phi = Oracle.from_callable(lambda x: (x**2).sum(-1), 3)
    assert phi.n_outputs == 1 and not phi.is_symbolic and not phi.is_polynomial
    with pytest.raises(OracleError, match="shape"):
        Oracle.from_callable(lambda x: x.sum(), 3)
    with pytest.raises(OracleError, match="failed"):
        Oracle.from_callable(lambda x: x @ torch.ones(5), 3)
    net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2))
    assert Oracle.from_callable(net, 4).n_outputs == 2


def test_samples_seeded_and_checked():
    phi = Oracle("x1**2 + x2**2")
    a = sample_points(phi, 16, seed=3)
    b = sample_points(phi, 16, seed=3)
    assert torch.equal(a, b) and a.shape == (16, 2)
    u = sample_points(phi, 100, distribution="uniform", low=0.5, high=2.0, seed=0)
    assert float(u.min()) >= 0.5 and float(u.max()) <= 2.0
    with pytest.raises(OptionError, match="unknown distribution"):
        sample_points(phi, 4, distribution="cauchy")


def test_samples_are_drawn_where_the_oracle_is_defined():
    phi = Oracle("log(x1) + x2")
    x = sample_points(phi, 64, seed=0)  # half of N(0, 1) has x1 < 0: drawn again
    assert x.shape == (64, 2) and bool((x[:, 0] > 0).all())
    assert check_finite(phi, x).shape == (64, 1)


def test_an_oracle_undefined_everywhere_names_formula_and_sample():
    phi = Oracle("sqrt(-1 - x1**2) + x2")
    with pytest.raises(OracleError, match=r"sqrt\(-x1\*\*2 - 1\).*not finite at the sample \(x1="):
        sample_points(phi, 64, seed=0)


def test_batch_shape_is_checked():
    phi = Oracle("x1 + x2")
    with pytest.raises(OracleError, match=r"shape \(m, 2\)"):
        phi(torch.zeros(3, 5, dtype=torch.float64))


@pytest.mark.parametrize("formula,expected", [
    ("x1**2/3 + x2", True), ("x1**2 + 0.5*x2", True), ("sqrt(2)*x1**2 + x2**2", False),
    ("sin(1)*x1 + x2", False), ("pi*x1 + x2", False), ("sqrt(x1) + x2", False),
])
def test_is_polynomial_means_rational_coefficients(formula, expected):
    assert Oracle(formula).is_polynomial is expected


def test_imaginary_unit_in_a_real_oracle_suggests_complex():
    with pytest.raises(OracleError, match="imaginary unit I.*is_complex=True"):
        Oracle("x1**2 + I*x2**2")
    assert Oracle("z1*conjugate(z1) + I*(z1 - conjugate(z1))", is_complex=True).n_outputs == 1
