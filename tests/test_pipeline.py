"""discover() end to end, the saved JSON result, and the CLI."""

import json

import pytest

import liealg
from liealg import cli
from liealg.errors import InputFileError, OptionError, OracleError
from liealg.pipeline import Discovery, discover

LORENTZ = "x1**2 + x2**2 + x3**2 - x4**2"


@pytest.fixture(scope="module")
def lorentz():
    return discover(LORENTZ, seed=0)


def test_lorentz_exact_certified_named(lorentz):
    assert lorentz.dimension == 6 and lorentz.converged
    assert lorentz.certified is True and lorentz.matches_exact is True
    assert lorentz.name == "so(3,1)"
    # rotations and boosts, entries 0 and +-1
    entries = {v for m in lorentz.generators for v in m}
    assert entries <= {0, 1, -1}
    rotations = [m for m in lorentz.generators if m == -m.T]
    boosts = [m for m in lorentz.generators if m == m.T]
    assert len(rotations) == 3 and len(boosts) == 3


def test_json_has_the_documented_keys_and_roundtrips(lorentz, tmp_path):
    path = lorentz.save(tmp_path / "lorentz.json")
    data = json.loads(path.read_text())
    for key in ("method", "dimension", "generators", "loss", "certified", "structure_constants",
                "matches_exact", "algebra", "schema_version"):
        assert key in data
    assert data["method"] == "train" and data["dimension"] == 6 and data["certified"] is True
    assert set(data["algebra"]) == {"name", "aliases", "cartan_type", "killing_signature", "rank", "semisimple",
                                    "solvable", "nilpotent", "abelian", "radical_dimension", "center_dimension",
                                    "ideals"}
    loaded = Discovery.load(path)
    assert loaded.generators == lorentz.generators
    assert loaded.name == "so(3,1)"
    assert loaded.algebra.structure_constants == lorentz.algebra.structure_constants


def test_damaged_result_files_are_clear_errors(lorentz, tmp_path):
    path = lorentz.save(tmp_path / "r.json")
    text = path.read_text()
    (tmp_path / "trunc.json").write_text(text[: len(text) // 2])
    with pytest.raises(InputFileError, match="not valid JSON"):
        Discovery.load(tmp_path / "trunc.json")
    data = json.loads(text)
    data["generators"][0][0][1] = "__import__('os')"
    (tmp_path / "evil.json").write_text(json.dumps(data))
    with pytest.raises(InputFileError, match="not a number"):
        Discovery.load(tmp_path / "evil.json")
    data = json.loads(text)
    data["schema_version"] = 99
    (tmp_path / "v.json").write_text(json.dumps(data))
    with pytest.raises(InputFileError, match="version"):
        Discovery.load(tmp_path / "v.json")
    with pytest.raises(InputFileError, match="does not exist"):
        Discovery.load(tmp_path / "missing.json")


def test_exact_method_matches_training(lorentz):
    exact = discover(LORENTZ, method="exact")
    assert exact.generators == lorentz.generators and exact.name == "so(3,1)"


def test_no_symmetry_is_a_result_not_an_error():
    result = discover("x1 + 2*x2**2 + 3*x3**3", seed=0)
    assert result.dimension == 0 and result.generators == ()
    assert "no continuous linear symmetry" in result.summary()


def test_public_api_is_explicit():
    for name in ("discover", "Oracle", "LieAlgebra", "identify", "rationalize", "certify", "Discovery"):
        assert hasattr(liealg, name)
    with pytest.raises(AttributeError):
        liealg.not_a_thing


def test_bad_options_list_valid_choices():
    with pytest.raises(OptionError, match="train, exact"):
        discover(LORENTZ, method="magic")
    with pytest.raises(OracleError, match="polynomial"):
        discover("sqrt(x1**2 + x2**2)", method="exact")


# ------------------------------------------------------------------------------------------- CLI
def test_cli_discover_json_and_identify_roundtrip(tmp_path, run_cli):
    out = tmp_path / "so3.json"
    r = run_cli("discover", "x1**2 + x2**2 + x3**2", "--json", str(out), "--latex", "--plot", str(tmp_path / "plots"))
    assert r.returncode == 0, r.stderr
    assert "Lie algebra: su(2)" in r.stdout or "Lie algebra: so(3)" in r.stdout
    assert "\\begin{pmatrix}" in r.stdout or "pmatrix" in r.stdout
    assert (tmp_path / "plots" / "generators.png").exists()
    data = json.loads(out.read_text())
    assert data["dimension"] == 3 and data["certified"] is True
    r = run_cli("identify", str(out), "--json", str(tmp_path / "id.json"))
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "id.json").read_text())["algebra"]["cartan_type"] == "A1"


def test_cli_bad_input_is_one_line_not_a_traceback(run_cli):
    r = run_cli("discover", "x1.__class__")
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and r.stderr.startswith("error:")
    r = run_cli("discover", "x1 + x2", "--generators", "zero")
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_cli_no_symmetry_exits_zero(run_cli):
    r = run_cli("discover", "x1 + x2**2")
    assert r.returncode == 0, r.stderr
    assert "No continuous linear symmetry" in r.stdout


def test_cli_main_in_process(capsys):
    assert cli.main(["discover", "x1*x2", "--method", "exact"]) == 0
    assert "Lie algebra" in capsys.readouterr().out
