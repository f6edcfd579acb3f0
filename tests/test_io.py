"""Untrusted files and strings: every reader refuses bad input with one LieAlgError, fast, and
never runs a string as code (issues 10 and 11)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import sympy

import liealg.catalog as cat
from liealg import cli, io
from liealg.algebra import MAX_TENSOR_ENTRIES, LieAlgebra
from liealg.errors import (
    InputFileError,
    LieAlgError,
    NotALieAlgebraError,
    OptionError,
    ResourceError,
)
from liealg.exact import certify, orthonormal_basis, rationalize, same_span
from liealg.oracle import Oracle


def _evil(marker: Path) -> str:
    """A string that creates ``marker`` if anything ever evaluates it as Python."""
    return f"__import__('pathlib').Path({str(marker)!r}).touch()"


# ---- strings never become code --------------------------------------------------------------


def test_from_matrices_refuses_code_in_a_string_entry_and_runs_nothing(tmp_path):
    marker = tmp_path / "ran"
    with pytest.raises(NotALieAlgebraError, match=r"matrix 0\[0, 1\]: cannot read"):
        LieAlgebra.from_matrices([[["0", _evil(marker)], ["-1", "0"]]])
    assert not marker.exists()


@pytest.mark.parametrize(
    "call",
    [
        lambda L, s: L.change_basis([[s, 0, 0], [0, 1, 0], [0, 0, 1]]),
        lambda L, s: L.subalgebra([[s, 0, 0]]),
        lambda L, s: L.quotient([[s, 0, 0]]),
        lambda L, s: L.ad([s, 0, 0]),
        lambda L, s: L.bracket([s, 0, 0], [0, 1, 0]),
        lambda L, s: LieAlgebra.from_structure_constants(3, [[0, 1, 2, s]]),
    ],
)
def test_every_lie_algebra_entry_point_refuses_code(call, tmp_path):
    marker = tmp_path / "ran"
    with pytest.raises(LieAlgError):
        call(LieAlgebra.from_matrices(cat.so(3)), _evil(marker))
    assert not marker.exists()


def test_exact_layer_refuses_code_in_string_entries(tmp_path):
    marker = tmp_path / "ran"
    evil = [[["0", _evil(marker)], ["0", "0"]]]
    oracle = Oracle("x1**2 + x2**2")
    with pytest.raises(LieAlgError):
        certify(oracle, evil)
    with pytest.raises(LieAlgError):
        same_span(evil, evil)
    with pytest.raises(LieAlgError):
        orthonormal_basis(evil)
    with pytest.raises(LieAlgError):
        rationalize(evil)
    assert not marker.exists()


def test_string_entries_that_are_numbers_are_read_exactly():
    L = LieAlgebra.from_matrices([[["0", "1/2"], ["-1/2", "0"]]])
    assert L.matrices == (sympy.Matrix([[0, sympy.Rational(1, 2)], [-sympy.Rational(1, 2), 0]]),)
    assert certify(Oracle("x1**2 + x2**2"), [[["0", "1"], ["-1", "0"]]]).certified


# ---- hostile files: one clear error, within seconds -------------------------------------------


def _assert_quick(fn, error, match):
    start = time.perf_counter()
    with pytest.raises(error, match=match) as info:
        fn()
    assert time.perf_counter() - start < 5.0
    assert "\n" not in str(info.value)  # one line, as the command line prints it
    return info.value


def test_huge_dimension_is_refused_before_allocating(tmp_path):
    path = tmp_path / "huge.json"
    path.write_text(json.dumps({"dim": 10**9, "brackets": [[0, 1, 2, "1"]]}))
    err = _assert_quick(lambda: io.load_structure_constants(path), ResourceError, "dimension 1000000000")
    assert str(path) in str(err) and f"{MAX_TENSOR_ENTRIES:,}" in str(err)
    _assert_quick(lambda: LieAlgebra.from_structure_constants(10**9, []), ResourceError, "limit")


def test_huge_matrix_file_is_refused_before_allocating(tmp_path):
    path = tmp_path / "huge_matrices.json"
    path.write_text(json.dumps({"matrix_size": 10**9, "count": 1, "entries": [[0, 0, 0, "1"]]}))
    _assert_quick(lambda: io.load_matrices(path), ResourceError, "entries")


def test_non_utf8_file_is_refused(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"dim": 3, "brackets": [], "note": "caf\xe9"}'.encode("latin-1"))
    _assert_quick(lambda: io.load_structure_constants(path), InputFileError, "not UTF-8")
    _assert_quick(lambda: io.load_matrices(path), InputFileError, "not UTF-8")
    _assert_quick(lambda: io.read_json(path), InputFileError, "not UTF-8")


def test_deeply_nested_json_is_refused(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    _assert_quick(lambda: io.load_structure_constants(path), InputFileError, "nested too deeply")
    _assert_quick(lambda: io.load_matrices(path), InputFileError, "nested too deeply")
    _assert_quick(lambda: LieAlgebra.from_json("[" * 100_000 + "]" * 100_000), InputFileError, "nested too deeply")


@pytest.mark.parametrize(
    "name, content, option, fragment",
    [
        ("huge_dim.json", json.dumps({"dim": 10**9, "brackets": []}).encode(), "--structure-constants",
         "dimension 1000000000"),
        ("latin1.json", b'{"dim": 3, "brackets": [], "x": "caf\xe9"}', "--structure-constants", "not UTF-8"),
        ("deep.json", b"[" * 100_000 + b"]" * 100_000, "--structure-constants", "nested too deeply"),
        ("deep_matrices.json", b"[" * 100_000, "--matrices", "nested too deeply"),
        ("huge_matrices.json", json.dumps({"matrix_size": 10**9, "count": 2, "entries": []}).encode(), "--matrices",
         "entries"),
    ],
    ids=lambda value: value if isinstance(value, str) and value.endswith(".json") else "",
)
def test_cli_identify_reports_hostile_files_in_one_line(name, content, option, fragment, tmp_path, capsys):
    path = tmp_path / name
    path.write_bytes(content)
    start = time.perf_counter()
    code = cli.main(["identify", option, str(path)])
    assert time.perf_counter() - start < 5.0
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert fragment in err


def test_cli_identify_result_file_that_is_not_utf8(tmp_path, capsys):
    path = tmp_path / "result.json"
    path.write_bytes(b"\xff\xfe{}")
    assert cli.main(["identify", str(path)]) == 2
    assert "not UTF-8" in capsys.readouterr().err


# ---- the file formats round-trip through liealg.io ----------------------------------------------


def test_structure_constant_and_matrix_files_round_trip(tmp_path):
    L = LieAlgebra.from_matrices(cat.su(3))
    io.save_structure_constants(L, tmp_path / "sc.json")
    assert io.load_structure_constants(tmp_path / "sc.json") == L
    io.save_matrices(cat.su(3), tmp_path / "m.json")
    assert io.load_matrices(tmp_path / "m.json") == tuple(sympy.ImmutableMatrix(m) for m in cat.su(3))


def test_matrices_to_json_refuses_symbols():
    x = sympy.Symbol("x")
    with pytest.raises(OptionError, match="not a number"):
        io.matrices_to_json([sympy.Matrix([[x]])])
