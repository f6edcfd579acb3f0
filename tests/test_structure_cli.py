"""The structure shown: `--plot DIR` files, JSON keys, the text report's brackets and Cartan data."""

from __future__ import annotations

import json

import sympy as sp

import liealg.catalog as cat
from liealg.algebra import LieAlgebra
from liealg.io import save_matrices
from liealg.plots import plot_dynkin, plot_roots, plot_weights
from liealg.report import bracket_report
from liealg.structure import structure


def test_discover_json_and_plots_carry_the_structure(tmp_path, run_cli):
    out = tmp_path / "so3.json"
    r = run_cli("discover", "x1**2 + x2**2 + x3**2", "--method", "exact", "--json", str(out),
                "--plot", str(tmp_path / "plots"))
    assert r.returncode == 0, r.stderr
    # the brackets of three rotations: each bracket is +-(the third rotation)
    lines = [l for l in r.stdout.splitlines() if l.strip().startswith("[J")]
    assert len(lines) == 3 and all(l.split("=")[1].strip().lstrip("-") in ("J1", "J2", "J3") for l in lines)
    assert "Weights on the 3 variables (Dynkin labels): (2,), (0,), (-2,)" in r.stdout
    data = json.loads(out.read_text())
    s = data["structure"]
    assert s["cartan_type"] == "A1" and s["cartan_matrix"] == [[2]] and s["highest_weight"] == [2]
    assert len(s["cartan_subalgebra"]["matrices"]) == 1 and s["cartan_kind"] == "compact"
    assert sorted(w["dynkin_labels"][0] for w in s["weights"]) == [-2, 0, 2]
    for name in ("roots.png", "weights.png", "dynkin.png", "structure_constants.png", "killing_form.png"):
        assert (tmp_path / "plots" / name).stat().st_size > 1000, name


def test_identify_json_has_cartan_data_and_structure_constants(tmp_path, run_cli):
    path = tmp_path / "so31.json"
    save_matrices(cat.so(3, 1), path)
    r = run_cli("identify", "--matrices", str(path), "--json", str(tmp_path / "id.json"),
                "--plot", str(tmp_path / "p"))
    assert r.returncode == 0, r.stderr
    data = json.loads((tmp_path / "id.json").read_text())
    assert data["algebra"]["name"] == "so(3,1)"
    s = data["structure"]
    assert s["cartan_type"] == "A1+A1" and s["cartan_matrix"] == [[2, 0], [0, 2]]
    assert s["highest_weight"] == [1, 1]  # the vector of so(3,1) is (1/2, 1/2) of sl(2,C)
    assert len(s["roots"]["dynkin_labels"]) == 4 and len(s["simple_roots"]) == 2
    # the structure constants, checked on the matrices themselves
    mats = [sp.Matrix(m) for m in cat.so(3, 1)]
    total = {}
    for i, j, k, c in data["structure_constants"]:
        total.setdefault((i, j), sp.zeros(4))
        total[(i, j)] += sp.Rational(c) * mats[k]
    for (i, j), rhs in total.items():  # [J_i, J_j] = sum_k c_ij^k J_k on the matrices themselves
        assert mats[i] * mats[j] - mats[j] * mats[i] == rhs
    L = LieAlgebra.from_matrices(cat.so(3, 1))
    assert len(data["structure_constants"]) == sum(len(v) for v in L.structure_constants.values())
    assert "Cartan matrix (A1+A1, Bourbaki order)" in r.stdout
    assert (tmp_path / "p" / "roots.png").exists() and (tmp_path / "p" / "dynkin.png").exists()


def test_solvable_algebra_identify_has_no_roots(tmp_path, run_cli):
    path = tmp_path / "heis.json"
    save_matrices(cat.heisenberg(1), path)
    r = run_cli("identify", "--matrices", str(path), "--json", str(tmp_path / "id.json"), "--plot", str(tmp_path / "p"))
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "id.json").read_text())["structure"] is None
    assert (tmp_path / "p" / "structure_constants.png").exists() and not (tmp_path / "p" / "roots.png").exists()


def test_bracket_report_coefficients_by_hand():
    # sl(2,R): [h, e] = 2e, [h, f] = -2f, [e, f] = h
    h, e, f = sp.diag(1, -1), sp.Matrix([[0, 1], [0, 0]]), sp.Matrix([[0, 0], [1, 0]])
    lines = bracket_report(LieAlgebra.from_matrices([h, e, f]))
    assert lines[1:] == ["  [J1, J2] = 2*J2", "  [J1, J3] = -2*J3", "  [J2, J3] = J1"]
    assert bracket_report(LieAlgebra.from_matrices([h]))[0].startswith("Structure constants: all brackets vanish")


def test_plots_from_python(tmp_path):
    s = structure(cat.su(3))
    assert plot_roots(s, path=tmp_path / "r.png") is not None and (tmp_path / "r.png").exists()
    assert plot_weights(s, path=tmp_path / "w.png") is not None
    for t in ("G2", "B3", "C3", "F4", "D5", "E6", "A1+A1"):
        fig = plot_dynkin(t, path=tmp_path / f"{t}.png")
        ax = fig.axes[0]
        # nodes are drawn as one scatter each: as many as the rank
        assert len(ax.collections) == sum(int(p[1:]) for p in t.split("+")), t


def test_saved_structure_survives_load(tmp_path):
    from liealg.pipeline import Discovery, discover

    result = discover("x1**2 + x2**2 + x3**2 - x4**2", method="exact")
    assert result.structure is not None and result.structure.highest_weight == (1, 1)
    path = result.save(tmp_path / "lorentz.json")
    again = Discovery.load(path).to_json()["structure"]
    assert again["cartan_type"] == "A1+A1" and again["highest_weight"] == [1, 1]
    assert again["satake"] == {"black": [False, False], "arrows": [[0, 1]]}


def test_big_representations_do_not_print_their_matrices():
    from liealg.catalog import exceptional

    lines = structure(exceptional.g2_matrices()).summary()
    assert any(l.startswith("  h1 = ") for l in lines)  # 7 x 7: shown
    s = structure(cat.su(3))
    assert all(len(l) < 200 for l in s.summary())
