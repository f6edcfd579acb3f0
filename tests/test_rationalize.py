"""rationalize: learned floats -> the exact canonical basis of their span (or a refusal)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import sympy as sp
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from liealg.errors import RationalizationError
from liealg.exact import orthonormal_basis, principal_angles, rationalize, same_span, solve_symmetries
from liealg.oracle import Oracle


def E(d, i, j):
    M = sp.zeros(d, d)
    M[i, j] = 1
    return M


def so_basis(n):
    return [E(n, i, j) - E(n, j, i) for i, j in itertools.combinations(range(n), 2)]


def as_array(mats) -> np.ndarray:
    arr = np.array([np.array(M.evalf(), dtype=complex) for M in mats])
    return arr if np.any(arr.imag) else arr.real


def mix(arr: np.ndarray, rng: np.random.Generator, noise: float) -> np.ndarray:
    """A random, well-conditioned change of basis of the span, plus noise (as training gives)."""
    k = arr.shape[0]
    Q, _ = np.linalg.qr(rng.normal(size=(k, k)))
    mixed = np.einsum("ab,bij->aij", Q * rng.uniform(0.5, 2.0, size=k), arr)
    if np.iscomplexobj(arr):
        return mixed + noise * (rng.normal(size=arr.shape) + 1j * rng.normal(size=arr.shape))
    return mixed + noise * rng.normal(size=arr.shape)


def gell_mann() -> list[sp.Matrix]:
    I = sp.I
    return [
        sp.Matrix([[0, 1, 0], [1, 0, 0], [0, 0, 0]]),
        sp.Matrix([[0, -I, 0], [I, 0, 0], [0, 0, 0]]),
        sp.diag(1, -1, 0),
        sp.Matrix([[0, 0, 1], [0, 0, 0], [1, 0, 0]]),
        sp.Matrix([[0, 0, -I], [0, 0, 0], [I, 0, 0]]),
        sp.Matrix([[0, 0, 0], [0, 0, 1], [0, 1, 0]]),
        sp.Matrix([[0, 0, 0], [0, 0, -I], [0, I, 0]]),
        sp.diag(1, 1, -2) / sp.sqrt(3),
    ]


def su3() -> list[sp.Matrix]:
    return [sp.I * lam for lam in gell_mann()]


def assert_exactly_orthonormal(mats):
    for a, A in enumerate(mats):
        for b, B in enumerate(mats):
            ip = sp.nsimplify(sp.simplify(sp.re(sp.expand((A * B.H).trace()))))
            assert ip == (2 if a == b else 0), (a, b, ip)


# --------------------------------------------------------------------------- exact round trips
@pytest.mark.parametrize("n", [3, 5, 8])
def test_noisy_exact_algebra_comes_back_exactly(n):
    rng = np.random.default_rng(n)
    exact = solve_symmetries(Oracle(" + ".join(f"x{i}**2" for i in range(1, n + 1))))
    noisy = as_array(exact) + 1e-9 * rng.normal(size=(len(exact), n, n))
    res = rationalize(noisy)
    assert res.matrices == exact
    assert res.rank == len(exact) and res.exact_kind == "rational"
    assert res.max_error < 1e-8 and res.gap == np.inf
    assert res.pivots == tuple(i * n + j for i, j in itertools.combinations(range(n), 2))


def test_random_mixing_of_so4_gives_the_rref_basis():
    rng = np.random.default_rng(4)
    G = as_array(so_basis(4))
    mixed = np.einsum("ab,bij->aij", rng.normal(size=(6, 6)), G)  # invertible, not orthogonal
    res = rationalize(mixed + 1e-10 * rng.normal(size=G.shape))
    assert list(res.matrices) == so_basis(4)


def test_lorentz_comes_back_as_rotations_and_boosts():
    rng = np.random.default_rng(13)
    exact = solve_symmetries(Oracle("x1**2 + x2**2 + x3**2 - x4**2"))
    res = rationalize(mix(as_array(exact), rng, 1e-9))
    assert res.matrices == exact
    assert all(set(W) <= {0, 1, -1} for W in res.matrices)
    assert sum(W.T == -W for W in res.matrices) == 3 and sum(W.T == W for W in res.matrices) == 3
    # already orthonormal in the method's normalization: the orthonormal basis is the same
    assert rationalize(mix(as_array(exact), rng, 1e-9), basis="orthonormal").matrices == exact


def test_so_n_orthonormal_basis_is_unchanged():
    rng = np.random.default_rng(5)
    res = rationalize(mix(as_array(so_basis(5)), rng, 1e-9), basis="orthonormal")
    assert list(res.matrices) == so_basis(5)
    assert res.exact_kind == "rational"


def test_su3_rref_basis_is_gaussian_and_the_sqrt3_disappears():
    rng = np.random.default_rng(3)
    res = rationalize(mix(as_array(su3()), rng, 1e-9))
    assert res.rank == 8 and res.exact_kind == "gaussian"
    assert same_span(res.matrices, su3())
    for W in res.matrices:
        assert W + W.H == sp.zeros(3, 3) and W.trace() == 0
        assert all(sp.re(e).is_Rational and sp.im(e).is_Rational for e in W)


def test_su3_orthonormal_basis_is_gell_mann_like():
    rng = np.random.default_rng(8)
    res = rationalize(mix(as_array(su3()), rng, 1e-9), basis="orthonormal")
    mats = res.matrices
    assert res.exact_kind == "algebraic"
    assert same_span(mats, su3())
    assert_exactly_orthonormal(mats)
    # The six off-diagonal generators are exactly i*lambda_k (up to sign).
    gm = su3()
    off = [W for W in mats if any(W[i, j] != 0 for i in range(3) for j in range(3) if i != j)]
    assert len(off) == 6
    assert all(any(W == G or W == -G for G in gm) for W in off)
    # The Cartan pair: i*diag(1,0,-1) and i*diag(-1,2,-1)/sqrt(3), which is (i*lambda3, -i*lambda8)
    # after swapping z2 <-> z3 (RREF order fixes this rotation inside the Cartan plane).
    diag = [W for W in mats if W not in off]
    assert diag == [sp.I * sp.diag(1, 0, -1), sp.I * sp.diag(-1, 2, -1) / sp.sqrt(3)]
    swap = sp.Matrix([[1, 0, 0], [0, 0, 1], [0, 1, 0]])
    assert [swap * W * swap for W in diag] == [gm[2], -gm[7]]


def test_orthonormal_basis_is_exact_gram_schmidt():
    mats = orthonormal_basis([sp.diag(1, 0, -1), sp.diag(0, 1, -1), sp.Matrix([[0, 1, 0], [-1, 0, 0], [0, 0, 1]])])
    assert_exactly_orthonormal(mats)
    assert same_span(mats, [sp.diag(1, 0, -1), sp.diag(0, 1, -1), sp.Matrix([[0, 1, 0], [-1, 0, 0], [0, 0, 1]])])


def test_redundant_generators_give_the_right_rank():
    rng = np.random.default_rng(1)
    G = as_array(so_basis(3))
    redundant = np.einsum("ab,bij->aij", rng.normal(size=(5, 3)), G) + 1e-10 * rng.normal(size=(5, 3, 3))
    res = rationalize(redundant)
    assert res.rank == 3 and res.gap > 1e6
    assert list(res.matrices) == so_basis(3)


def test_algebraic_entries_are_recognized_only_when_rationals_fail():
    rng = np.random.default_rng(2)
    A = sp.Matrix([[1, sp.sqrt(2), 0], [0, 0, sp.sqrt(3) / 3], [0, 0, 0]])
    B = sp.Matrix([[0, 0, 0], [1, 0, 0], [0, 0, sp.Rational(1, 2)]])
    res = rationalize(mix(as_array([A, B]), rng, 1e-10))
    assert res.exact_kind == "algebraic"
    assert list(res.matrices) == [A, B]
    with pytest.raises(RationalizationError, match="no simple exact"):
        rationalize(mix(as_array([A, B]), rng, 1e-10), constants=())


def test_torch_float32_input_uses_the_looser_default_tolerance():
    rng = np.random.default_rng(6)
    G = mix(as_array(so_basis(4)), rng, 1e-6)
    res = rationalize(torch.tensor(G, dtype=torch.float32))
    assert res.tol == 1e-4
    assert list(res.matrices) == so_basis(4)
    # float32 results upcast to float64 (as training returns them) are recognized as float32.
    upcast = torch.tensor(G, dtype=torch.float32).double()
    assert rationalize(upcast).tol == 1e-4
    with pytest.raises(RationalizationError):
        rationalize(torch.tensor(G, dtype=torch.float64) + 1e-5)  # float64 default: 1e-6 is too tight
    # exact-looking float64 input (0, +-1, halves) keeps the tight float64 tolerance
    assert rationalize(np.array([[[0.0, 0.5], [-0.5, 0.0]]])).tol == 1e-6


def test_refuses_when_noise_is_too_big_and_keeps_the_floats():
    rng = np.random.default_rng(7)
    noisy = mix(as_array(so_basis(4)), rng, 1e-3)
    with pytest.raises(RationalizationError) as info:
        rationalize(noisy)
    assert np.array_equal(info.value.floats, noisy)
    assert "tighter loss" in str(info.value)


def test_refuses_non_finite_input():
    bad = np.full((1, 2, 2), np.nan)
    with pytest.raises(RationalizationError, match="NaN"):
        rationalize(bad)


def test_empty_and_zero_inputs_give_the_zero_algebra():
    assert rationalize(np.zeros((0, 3, 3))).rank == 0
    res = rationalize(np.zeros((2, 3, 3)))
    assert res.rank == 0 and res.matrices == ()


def test_invalid_arguments_list_the_choices():
    with pytest.raises(ValueError, match="rref, orthonormal"):
        rationalize(np.zeros((1, 2, 2)), basis="qr")
    with pytest.raises(ValueError, match="sqrt"):
        rationalize(np.zeros((1, 2, 2)), constants=("pi",))


# --------------------------------------------------------------------------- span tools
def test_principal_angles_small_large_and_mismatched():
    so3 = as_array(so_basis(3))
    assert principal_angles(so3, 2.0 * so3[::-1]).max() < 1e-12
    # A rotation of one generator by 1e-8 rad is resolved (sines, not cosines).
    tilted = so3.copy()
    tilted[0] = np.cos(1e-8) * so3[0] + np.sin(1e-8) * np.diag([1.0, 0, 0]) * np.sqrt(2)
    ang = principal_angles(so3, tilted)
    assert abs(ang[0] - 1e-8) < 1e-12
    # Different dimensions: the extra angles are pi/2.
    ang = principal_angles(so3, so3[:2])
    assert ang.shape == (3,) and ang[0] == pytest.approx(np.pi / 2) and ang[1] < 1e-12
    assert principal_angles(so3, so3[:2], pad=False).shape == (2,)
    assert principal_angles(so3, so3[:2], pad=False).max() < 1e-12  # so3[:2] lies inside so3
    # Exact (sympy) and complex inputs.
    assert principal_angles(su3(), as_array(su3())).max() < 1e-12
    assert principal_angles([sp.eye(2)], [sp.Matrix([[0, 1], [-1, 0]])])[0] == pytest.approx(np.pi / 2)


def test_same_span_rational_gaussian_and_algebraic():
    J = sp.Matrix([[0, 1], [-1, 0]])
    assert same_span([J], [-3 * J])
    assert not same_span([J], [J, sp.eye(2)])
    assert same_span([sp.I * J, J], [J + sp.I * J, J - sp.I * J])
    assert not same_span([sp.I * J], [J])  # real spans: i*J is not a real multiple of J
    assert same_span([sp.sqrt(2) * J + sp.eye(2)], [J + sp.eye(2) / sp.sqrt(2)])
    assert same_span([], [])


# --------------------------------------------------------------------------- property
@st.composite
def rref_spans(draw):
    """A random exact span (real or complex) given by an RREF basis with small-denominator entries."""
    d = draw(st.integers(2, 4))
    is_complex = draw(st.booleans())
    n = d * d
    p = 2 * n if is_complex else n
    r = draw(st.integers(1, 4))
    pivots = sorted(draw(st.lists(st.integers(0, p - 1), min_size=r, max_size=r, unique=True)))
    rows = []
    small = st.sampled_from([0, 0, 0, 1, -1, 2, sp.Rational(1, 2), sp.Rational(-1, 3), sp.Rational(3, 4)])
    for i, piv in enumerate(pivots):
        row = [sp.S.Zero] * p
        row[piv] = sp.S.One
        for j in range(piv + 1, p):
            if j not in pivots:
                row[j] = draw(small)
        rows.append(row)
    if is_complex:  # theta = (Re W, Im W)
        return [sp.Matrix(d, d, [row[a] + sp.I * row[n + a] for a in range(n)]) for row in rows]
    return [sp.Matrix(d, d, row) for row in rows]


@settings(derandomize=True, deadline=None, max_examples=50)
@given(rref_spans(), st.integers(0, 2**31 - 1))
def test_property_noisy_rational_spans_come_back_exactly(mats, seed):
    rng = np.random.default_rng(seed)
    noisy = mix(as_array(mats), rng, 1e-9)
    res = rationalize(noisy)
    assert same_span(res.matrices, mats)
    assert list(res.matrices) == mats  # the RREF basis is canonical: exactly the one we started from
