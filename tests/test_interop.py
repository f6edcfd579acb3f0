"""GAP and sympy interop: liealg -> GAP text -> liealg gives the same algebra; GAP itself reads
what liealg writes (when installed) and agrees on the complex type; the CLI's ``gap`` command."""

from __future__ import annotations

import random
import shutil
import subprocess

import pytest
import sympy

import liealg.catalog as cat
from liealg import interop
from liealg.algebra import LieAlgebra
from liealg.errors import InputFileError, NotALieAlgebraError, OptionError
from liealg.exact import orthonormal_basis

GAP = shutil.which("gap")
needs_gap = pytest.mark.skipif(GAP is None, reason="GAP is not installed (apt-get install gap-core gap-libs)")


def _algebras() -> dict[str, LieAlgebra]:
    return {
        "so(3)": LieAlgebra.from_matrices(cat.so(3)),
        "so(3,1)": LieAlgebra.from_matrices(cat.so(3, 1)),
        "su(3)": LieAlgebra.from_matrices(cat.su(3)),
        "sp(4,R)": LieAlgebra.from_matrices(cat.sp(4)),
        "u(2)": LieAlgebra.from_matrices(cat.u(2)),
        "poincare(1,3)": LieAlgebra.from_matrices(cat.poincare(1, 3)),
        "heis(3) with 1/2": LieAlgebra.from_structure_constants(3, [[0, 1, 2, "1/2"]]),
        "aff(1)": LieAlgebra.from_structure_constants(2, [[0, 1, 1, 1]]),
        "R^2": LieAlgebra.from_structure_constants(2, {}),
    }


ALGEBRAS = _algebras()


@pytest.mark.parametrize("label", list(ALGEBRAS))
def test_round_trip_through_gap_text(label):
    L = ALGEBRAS[label]
    assert interop.from_gap(interop.to_gap_table(L)) == L
    assert interop.from_gap(interop.to_gap(L)) == L


def test_round_trip_in_a_random_basis():
    L = ALGEBRAS["su(3)"]
    rng = random.Random(3)
    P = sympy.eye(8)
    for _ in range(16):
        i, j = rng.sample(range(8), 2)
        P[i, :] = P[i, :] + sympy.Rational(rng.choice([-2, 1, 3]), rng.choice([1, 2, 5])) * P[j, :]
    M = L.change_basis(P)
    assert interop.from_gap(interop.to_gap_table(M)) == M


def test_gap_script_is_exact_and_one_based():
    L = LieAlgebra.from_structure_constants(3, [[0, 1, 2, "-3/7"]])
    script = interop.to_gap(L, semisimple_type=True)
    assert "SetEntrySCTable(T, 1, 2, [-3/7, 3]);;" in script
    assert "LieAlgebraByStructureConstants(Rationals, T)" in script
    assert "SemiSimpleType" in script


def test_number_field_algebra_is_exported_in_its_rational_basis():
    L = LieAlgebra.from_matrices(orthonormal_basis(cat.su(3)))
    assert str(L.field) != "QQ"
    script = interop.to_gap(L)
    assert "rational_form" in script
    assert interop.from_gap(script) == L.rational_form()


@pytest.mark.parametrize("text, fragment", [
    ("[ [ [ [ ], [ ] ] ], 1, 0 ]", "not -1"),
    ("[ [ [ [ 1 ], [ 1 ] ] ], -1, 0 ]", "is not zero"),
    ("[ [ [ [ ], [ ] ], [ [ 2 ], [ 1 ] ] ], [ [ [ 2 ], [ 1 ] ], [ [ ], [ ] ] ], -1, 0 ]", "antisymmetry"),
    ("[ [ [ [ ], [ ] ], [ [ 3 ], [ 1 ] ] ], [ [ [ 3 ], [ -1 ] ], [ [ ], [ ] ] ], -1, 0 ]", "out of range"),
    ("[ [ [ [ ], [ ] ], [ [ 2 ], [ E(4) ] ] ]", "unexpected"),
    ("[ [ [ [ ], [ ] ]", "never closed"),
    ("Exec(\"rm -rf /\");", "no '\\['"),
    ('T := EmptySCTable(3, 0, "antisymmetric");; SetEntrySCTable(T, 1, 2, [1, 3]);; '
     "SetEntrySCTable(T, 1, 3, [1, 3]);; SetEntrySCTable(T, 2, 3, [1, 1]);;", "Jacobi"),
])
def test_bad_gap_text_is_refused_with_a_reason(text, fragment):
    with pytest.raises(NotALieAlgebraError, match=fragment):
        interop.from_gap(text)


def test_load_gap_names_the_file(tmp_path):
    with pytest.raises(InputFileError, match="does not exist"):
        interop.load_gap(tmp_path / "missing.g")
    bad = tmp_path / "bad.txt"
    bad.write_text("[ [ [ [ ], [ ] ] ], 1, 0 ]")
    with pytest.raises(InputFileError, match=r"bad\.txt"):
        interop.load_gap(bad)


def test_sympy_array_round_trip_and_killing_form():
    L = ALGEBRAS["so(3,1)"]
    C = interop.structure_constants_array(L)
    assert C.shape == (6, 6, 6)
    assert interop.from_structure_constants_array(C) == L
    K = sympy.Matrix(sympy.tensorcontraction(sympy.tensorproduct(C, C), (1, 5), (2, 4)).tolist())
    assert K == L.killing_form()
    with pytest.raises(NotALieAlgebraError, match="antisymmetric"):
        interop.from_structure_constants_array([[[0, 1], [1, 0]], [[0, 0], [0, 0]]])


def test_normalize_cartan_type():
    assert interop.normalize_cartan_type("A1 A1") == "A1+A1"
    assert interop.normalize_cartan_type("G2 A10 A2") == "A2+A10+G2"
    assert interop.normalize_cartan_type("") == ""


def test_missing_gap_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("LIEALG_GAP", "/nonexistent/gap")
    with pytest.raises(OptionError, match="apt-get install gap-core"):
        interop.find_gap()


@needs_gap
def test_gap_reads_our_script_and_agrees_on_the_complex_type():
    """One GAP session for all: its answers match identify()'s cartan_type."""
    from liealg.identification import identify

    labels = list(ALGEBRAS)
    theirs = interop.gap_semisimple_types([ALGEBRAS[k] for k in labels])
    for label, gap_type in zip(labels, theirs):
        assert gap_type == interop.normalize_cartan_type(identify(ALGEBRAS[label]).cartan_type), label


@needs_gap
def test_gap_prints_back_the_table_we_read():
    """GAP's own Print of the table (after building the algebra from our script) reads back equal."""
    L = ALGEBRAS["sp(4,R)"]
    script = interop.to_gap(L) + "Print(StructureConstantsTable(Basis(L)), \"\\n\");\nQUIT;\n"
    out = subprocess.run([GAP, "-q", "-b"], input=script, capture_output=True, text=True, timeout=300).stdout
    assert interop.from_gap(out) == L


# ------------------------------------------------------------------------------ the CLI


def test_cli_gap_writes_script_and_table_and_reads_them_back(tmp_path, run_cli):
    from liealg import io

    io.save_structure_constants(ALGEBRAS["su(3)"], tmp_path / "su3.json")
    r = run_cli("gap", "--structure-constants", tmp_path / "su3.json")
    assert r.returncode == 0, r.stderr
    assert "LieAlgebraByStructureConstants(Rationals, T)" in r.stdout
    r = run_cli("gap", "--structure-constants", tmp_path / "su3.json", "--format", "table",
                "--out", tmp_path / "su3.txt")
    assert r.returncode == 0, r.stderr
    assert interop.load_gap(tmp_path / "su3.txt") == ALGEBRAS["su(3)"]
    r = run_cli("gap", "--table", tmp_path / "su3.txt", "--json", tmp_path / "back.json")
    assert r.returncode == 0, r.stderr
    assert io.load_structure_constants(tmp_path / "back.json") == ALGEBRAS["su(3)"]


def test_cli_gap_bad_input(tmp_path, run_cli):
    r = run_cli("gap")
    assert r.returncode == 2 and "give exactly one of" in r.stderr
    (tmp_path / "bad.txt").write_text("[ 1, 2 ]")
    r = run_cli("gap", "--table", tmp_path / "bad.txt")
    assert r.returncode == 2 and "bad.txt" in r.stderr and "Traceback" not in r.stderr


def test_cli_gap_check_without_gap(tmp_path, run_cli, monkeypatch):
    from liealg import io

    monkeypatch.setenv("LIEALG_GAP", "/nonexistent/gap")
    io.save_structure_constants(ALGEBRAS["so(3)"], tmp_path / "so3.json")
    r = run_cli("gap", "--structure-constants", tmp_path / "so3.json", "--check")
    assert r.returncode == 2 and "GAP was not found" in r.stderr


@needs_gap
def test_cli_gap_check(tmp_path, run_cli):
    from liealg import io

    io.save_structure_constants(ALGEBRAS["so(3,1)"], tmp_path / "lorentz.json")
    r = run_cli("gap", "--structure-constants", tmp_path / "lorentz.json", "--check")
    assert r.returncode == 0, r.stderr
    assert "GAP SemiSimpleType: A1+A1; agree" in r.stdout
