"""Subalgebras by training, the subalgebra survey, stabilizers and explicit breaking (issue 12).

Every answer is checked against something computed here independently: numpy brackets and
null spaces, the invariance of a quadratic form checked by hand, known facts about so(3)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp

from liealg import discover

SPHERE = "x1**2 + x2**2 + x3**2"
LORENTZ = "x1**2 + x2**2 + x3**2 - x4**2"


def _floats(mats) -> np.ndarray:
    return np.array([np.array(sp.Matrix(m).evalf(), dtype=float) for m in mats])


def _preserves(W: np.ndarray, eta: np.ndarray) -> float:
    """Largest |W^T eta + eta W| over the generators: 0 for symmetries of x^T eta x."""
    return float(max(np.abs(w.T @ eta + eta @ w).max() for w in W))


def _closure_residual(W: np.ndarray) -> float:
    """The part of the brackets [W_a, W_b] outside span(W), relative (numpy least squares)."""
    k = len(W)
    E = W.reshape(k, -1).T
    worst = 0.0
    for a in range(k):
        for b in range(a + 1, k):
            B = (W[a] @ W[b] - W[b] @ W[a]).ravel()
            c, *_ = np.linalg.lstsq(E, B, rcond=None)
            worst = max(worst, float(np.linalg.norm(B - E @ c)) / max(np.linalg.norm(W[a]) * np.linalg.norm(W[b]),
                                                                      1e-300))
    return worst


# ------------------------------------------------------------------ 1. subalgebras by training
def test_one_generator_of_so3_is_a_named_subalgebra_with_an_exact_conjugate():
    r = discover(SPHERE, n_generators=1, seed=0)
    assert r.subalgebra is True and r.ambient_dimension == 3 and r.converged
    W = np.asarray(r.learned)
    assert _preserves(W, np.eye(3)) < 1e-6
    assert r.name == "u(1)"
    a = r.subalgebra_analysis
    assert a is not None and a.numeric and a.tolerance is not None and a.tolerance < 1e-8
    # The exact representative: a rotation (antisymmetric, eigenvalues 0, +-i up to scale),
    # which is conjugate to the learned one: the same spectrum up to scale.
    H = a.representative.generators[0]
    assert H.T == -H
    ev_h = np.sort_complex(np.linalg.eigvals(np.array(H, dtype=float)))
    ev_w = np.sort_complex(np.linalg.eigvals(W[0]))
    scale = np.abs(ev_w).max() / np.abs(ev_h).max()
    assert np.allclose(np.sort(np.abs(ev_h.imag)) * scale, np.sort(np.abs(ev_w.imag)), atol=1e-6)


@pytest.mark.parametrize("seed", [0, 1])
def test_two_lorentz_generators_close_and_the_name_matches_their_bracket(seed):
    r = discover(LORENTZ, n_generators=2, seed=seed)
    assert r.subalgebra is True and r.ambient_dimension == 6
    W = np.asarray(r.polished)
    assert _preserves(W, np.diag([1.0, 1, 1, -1])) < 1e-6
    assert _closure_residual(W) < 1e-6
    commutator = W[0] @ W[1] - W[1] @ W[0]
    abelian = float(np.abs(commutator).max()) < 1e-6
    # Two dimensions: abelian (R^2) or the non-abelian [x, y] = y (aff(1)); nothing else.
    assert r.name == ("R^2" if abelian else "aff(1)")
    assert r.subalgebra_analysis.abelian is abelian


def test_a_subalgebra_of_an_oracle_outside_the_catalog_sl2_borel():
    # x1*x2 + x3**2 is a form of signature (2, 1): its algebra is sl(2,R), whose Borel subalgebra
    # is 2-dimensional; so(3) has none (checked below), sl(2,R) has one, so training can close.
    found = set()
    for seed in range(3):
        r = discover("x1*x2 + x3**2", n_generators=2, seed=seed)
        if r.subalgebra:
            eta = np.array([[0, 0.5, 0], [0.5, 0, 0], [0, 0, 1.0]])
            assert _preserves(np.asarray(r.polished), eta) < 1e-6
            found.add(r.name)
    assert found == {"aff(1)"}


def test_no_two_dimensional_subalgebra_of_so3_is_said_so_without_training():
    r = discover(SPHERE, n_generators=2, seed=0)
    assert r.subalgebra is False and r.training is None
    assert r.no_subalgebra is not None and "no subalgebra of dimension 2" in r.no_subalgebra
    data = r.to_json()
    assert data["subalgebra"] is False and data["ambient_dimension"] == 3 and data["no_subalgebra"]


def test_cli_subalgebra_exit_codes_and_json(run_cli, tmp_path):
    out = tmp_path / "k1.json"
    r = run_cli("discover", SPHERE, "--generators", "1", "--json", out, "--quiet")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Subalgebra: yes" in r.stdout and "u(1)" in r.stdout
    data = json.loads(out.read_text())
    assert data["subalgebra"] is True and data["ambient_dimension"] == 3
    assert data["subalgebra_analysis"]["name"] == "u(1)" and data["subalgebra_analysis"]["numeric"] is True
    r = run_cli("discover", "x1**2 + x2**2 + x3**2 + x4**2", "--generators", "5", "--quiet")
    assert r.returncode == 0 and "none of that dimension exists" in r.stdout, r.stdout
    assert "no subalgebra of dimension 5" in r.stdout
    r = run_cli("discover", LORENTZ, "--generators", "2", "--method", "exact")
    assert r.returncode == 2 and r.stderr.startswith("error: ") and len(r.stderr.strip().splitlines()) == 1


# ------------------------------------------------------------------ 2. the survey over seeds
def test_lorentz_two_dimensional_classes_both_found_and_five_none(run_cli, tmp_path):
    out = tmp_path / "lorentz.json"
    r = run_cli("subalgebras", LORENTZ, "--dim", "2", "--dim", "5", "--seeds", "8", "--json", out,
                "--plot", tmp_path / "plots", "--quiet")
    assert r.returncode == 0, r.stdout + r.stderr
    data = json.loads(out.read_text())
    classes = data["classes"]
    for c in classes:
        assert set(c) >= {"name", "dimension", "abelian", "killing_signature", "count", "generators"}
    assert {c["abelian"] for c in classes if c["dimension"] == 2} == {True, False}
    assert sum(c["count"] for c in classes) <= 8
    assert not [c for c in classes if c["dimension"] == 5] and "5" in data["impossible"]
    assert "none exists" in r.stdout and (tmp_path / "plots" / "subalgebras.png").exists()
    eta = np.diag([1.0, 1, 1, -1])
    for c in classes:
        from liealg.io import matrix_from_json

        H = _floats([matrix_from_json(m) for m in c["generators"]]) if c["up_to"] == "conjugacy" else \
            np.array(c["generators"], dtype=float)
        assert _preserves(H, eta) < 1e-9
        assert _closure_residual(H) < 1e-9
        commutes = float(np.abs(H[0] @ H[1] - H[1] @ H[0]).max()) < 1e-9
        assert commutes is c["abelian"]
        assert c["name"] == ("R^2" if commutes else "aff(1)")


def test_survey_of_so3_in_python_and_scan_names(run_cli):
    from liealg.subalgebras import subalgebras

    survey = subalgebras(SPHERE, seeds=2, seed=5)
    # so(3): every rotation generates u(1); no 2-dimensional subalgebra; the whole su(2).
    assert [(c.dimension, c.name) for c in survey.classes] == [(1, "u(1)"), (3, "su(2)")]
    assert 2 in survey.impossible and survey.found_dimensions == (1, 3)
    r = run_cli("scan", SPHERE, "--max", "3")
    rows = [line.split() for line in r.stdout.splitlines() if line.strip()[:1].isdigit()]
    assert [(row[0], row[-2], row[-1]) for row in rows] == [("1", "yes", "u(1)"), ("2", "no", "-"),
                                                            ("3", "yes", "su(2)")]
