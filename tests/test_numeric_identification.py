"""identify_numeric: names for float generators and float structure-constant tables, marked numeric.

Every expected answer is built here independently: the standard generators of the algebra, a
seeded random change of basis and seeded noise; principal angles and Killing forms by numpy.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp

from liealg.errors import OptionError
from liealg.exact import same_span
from liealg.numeric_identification import NumericIdentification, identify_numeric


def rotations(n: int) -> np.ndarray:
    """E_ij - E_ji, i < j: the standard basis of so(n)."""
    out = []
    for i in range(n):
        for j in range(i + 1, n):
            m = np.zeros((n, n))
            m[i, j], m[j, i] = 1.0, -1.0
            out.append(m)
    return np.array(out)


def lorentz() -> np.ndarray:
    """Rotations and boosts of (t, x, y, z) with metric diag(+1, -1, -1, -1)."""
    out = []
    for i in range(1, 4):
        m = np.zeros((4, 4))
        m[0, i] = m[i, 0] = 1.0  # boost along x_i
        out.append(m)
    for i in range(1, 4):
        for j in range(i + 1, 4):
            m = np.zeros((4, 4))
            m[i, j], m[j, i] = 1.0, -1.0
            out.append(m)
    return np.array(out)


def mixed(basis: np.ndarray, noise: float, seed: int) -> np.ndarray:
    """A seeded, well-conditioned random basis of the span (a rotation, scales in [0.5, 2]), with
    noise of relative size ``noise`` on every entry: what training returns."""
    rng = np.random.default_rng(seed)
    k = basis.shape[0]
    q, _ = np.linalg.qr(rng.normal(size=(k, k)))
    mixing = q * rng.uniform(0.5, 2.0, size=k)[:, None]
    return np.einsum("ab,bij->aij", mixing, basis) + noise * rng.normal(size=basis.shape)


def exact(matrices: np.ndarray) -> list[sp.Matrix]:
    return [sp.Matrix(m.astype(int).tolist()) for m in matrices]


def angles(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Principal angles between two spans of equal dimension (numpy only, small angles): the
    arcsines of the singular values of the part of one orthonormal basis outside the other."""
    qa = np.linalg.qr(a.reshape(len(a), -1).T)[0]
    qb = np.linalg.qr(b.reshape(len(b), -1).T)[0]
    return np.arcsin(np.clip(np.linalg.svd(qa - qb @ (qb.T @ qa), compute_uv=False), 0, 1))


def killing_signature(f: np.ndarray, floor: float = 1e-8) -> tuple[int, int, int]:
    ad = f.transpose(0, 2, 1)
    K = np.einsum("aij,bji->ab", ad, ad)
    ev = np.linalg.eigvalsh(0.5 * (K + K.T))
    top = np.abs(ev).max()
    return int((ev > floor * top).sum()), int((ev < -floor * top).sum()), int((np.abs(ev) <= floor * top).sum())


def so3_table() -> np.ndarray:
    c = np.zeros((3, 3, 3))
    for i, j, k in [(0, 1, 2), (1, 2, 0), (2, 0, 1)]:
        c[i, j, k], c[j, i, k] = 1.0, -1.0
    return c


@pytest.mark.parametrize("noise", [1e-8, 1e-4, 3e-3])
def test_noisy_rotations_are_named_with_tolerance_and_confidence(noise):
    r = identify_numeric(mixed(rotations(3), noise, seed=1))
    assert r.numeric is True
    assert r.name == "su(2)" and "so(3)" in r.aliases
    assert r.dimension == 3 and r.killing_signature == (0, 3, 0)
    assert r.tolerance is not None and r.confidence is not None
    assert r.confidence <= r.tolerance <= max(30 * noise, 1e-8) * 10
    # The exact candidate is the standard basis, up to its span.
    assert same_span(list(r.exact_generators), exact(rotations(3)))
    # The confidence is the largest principal angle between the floats and the exact span.
    candidate = np.array([np.array(m, dtype=float) for m in r.exact_generators])
    assert r.confidence == pytest.approx(angles(mixed(rotations(3), noise, seed=1), candidate).max(), abs=1e-9)


def test_lorentz_with_learned_noise_is_so31():
    floats = mixed(lorentz(), 1e-3, seed=2)
    r = identify_numeric(floats)
    assert r.name == "so(3,1)" and r.killing_signature == (3, 3, 0) and r.semisimple
    assert same_span(list(r.exact_generators), exact(lorentz()))
    assert r.confidence <= r.tolerance <= 0.05
    assert any(outcome == "accepted" for _, outcome in r.attempts)


def test_the_answer_does_not_depend_on_the_basis():
    a = identify_numeric(mixed(lorentz(), 1e-4, seed=3))
    b = identify_numeric(mixed(lorentz(), 1e-4, seed=4))
    assert (a.name, a.killing_signature, a.dimension) == (b.name, b.killing_signature, b.dimension)


def test_too_noisy_gives_numeric_facts_and_no_name():
    r = identify_numeric(mixed(lorentz(), 0.3, seed=5))
    assert r.name is None and r.tolerance is None and r.confidence is None and r.algebra is None
    assert r.dimension == 6 and r.closure_error > 0.05
    assert r.numeric and r.notes
    text = str(r)
    assert "no name (numeric)" in text


def test_rounded_table_is_named_and_the_deviation_reported():
    table = np.round(so3_table() * 0.99993, 4)  # a user's table with rounding
    r = identify_numeric(structure_constants=table)
    assert r.name == "su(2)" and r.confidence_kind == "relative_deviation"
    # The largest deviation of an entry, relative to the largest entry (0.9999).
    assert r.confidence == pytest.approx(np.abs(table - so3_table()).max() / 0.9999, rel=1e-9)
    assert r.confidence <= r.tolerance


def test_noisy_heisenberg_table_is_nilpotent():
    rng = np.random.default_rng(6)
    c = np.zeros((3, 3, 3))
    c[0, 1, 2], c[1, 0, 2] = 1.0, -1.0
    r = identify_numeric(structure_constants=c + 1e-6 * rng.normal(size=c.shape))
    assert r.name == "heis(3)"
    assert r.nilpotent and r.solvable and not r.semisimple
    assert r.derived_series == (3, 1, 0) and r.lower_central_series == (3, 1, 0)
    assert r.killing_signature == (0, 0, 3)


def test_solvable_not_nilpotent_table():
    c = np.zeros((2, 2, 2))
    c[0, 1, 1], c[1, 0, 1] = 1.0, -1.0  # [e0, e1] = e1: the affine algebra of the line
    r = identify_numeric(structure_constants=c + 1e-7)
    assert r.name == "aff(1)"
    assert r.solvable and not r.nilpotent
    assert r.derived_series == (2, 1, 0) and r.lower_central_series == (2, 1)
    assert r.killing_signature == (1, 0, 1)


def test_table_in_a_random_basis_has_numeric_facts_but_no_name():
    rng = np.random.default_rng(7)
    B = rng.normal(size=(3, 3))
    # e'_i = B_ia e_a: [e'_i, e'_j] = B_ia B_jb c_ab^c e_c = B_ia B_jb c_abc (B^-1)_ck e'_k
    table = np.einsum("ia,jb,abc,ck->ijk", B, B, so3_table(), np.linalg.inv(B))
    r = identify_numeric(structure_constants=table)
    assert r.name is None
    assert r.killing_signature == killing_signature(table) == (0, 3, 0)
    assert r.semisimple and not r.solvable


def test_to_json_is_plain_json_with_the_documented_keys():
    r = identify_numeric(mixed(rotations(3), 1e-5, seed=8))
    data = r.to_json()
    assert set(data) == {
        "numeric", "dimension", "name", "aliases", "tolerance", "max_tolerance", "confidence", "confidence_kind",
        "closure_error", "killing_signature", "killing_eigenvalues", "signature_gap", "derived_series",
        "lower_central_series", "semisimple", "solvable", "nilpotent", "exact_generators", "structure_constants",
        "algebra", "attempts", "notes",
    }
    assert data["numeric"] is True and data["name"] == "su(2)"
    json.dumps(data, allow_nan=False)
    none = identify_numeric(mixed(rotations(3), 0.5, seed=8)).to_json()
    json.dumps(none, allow_nan=False)
    assert none["name"] is None and none["exact_generators"] is None


def test_result_is_frozen():
    r = identify_numeric(mixed(rotations(3), 1e-6, seed=9))
    assert isinstance(r, NumericIdentification)
    with pytest.raises(AttributeError):
        r.name = "x"  # type: ignore[misc]
    with pytest.raises(ValueError):
        r.structure_constants[0, 0, 0] = 1.0


@pytest.mark.parametrize("kwargs", [
    {},
    {"generators": np.zeros((1, 2, 2)), "structure_constants": np.zeros((1, 1, 1))},
    {"generators": np.zeros((2, 2))},
    {"generators": np.full((1, 2, 2), np.nan)},
    {"structure_constants": np.zeros((2, 3, 3))},
    {"generators": rotations(3), "max_tolerance": 1.5},
    {"generators": rotations(3), "max_denominator": 0},
])
def test_bad_input_is_an_option_error(kwargs):
    with pytest.raises(OptionError):
        identify_numeric(**kwargs)
