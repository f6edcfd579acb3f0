"""Every bad input a user can give, through the command line and through the Python API.

Each command-line case runs ``python -m liealg.cli ...`` and must give: exit code 2, no
"Traceback" on stderr, and an ``error:`` line that names what was wrong and how to fix it (the
fragments listed with the case). To pay the interpreter's start-up (torch, sympy: ~3 s) once
rather than 50 times, all cases run in ONE subprocess, each exactly as ``python -m`` runs it
(``runpy.run_module("liealg.cli", run_name="__main__")`` with its own ``sys.argv``, stdout and
stderr; an exception that escapes is printed as the interpreter prints it, exit code 1); a
sample of cases is also run as separate ``python -m liealg.cli`` processes and must agree.
Each API case must raise a :class:`liealg.LieAlgError` whose message holds the listed fragments.
Cases marked ``known_bug`` currently fail; they are strict xfails, so fixing the bug turns them
into failures that ask for the marker to go.

``python tests/test_errors.py`` prints the table of docs/errors.md (input, first line of the
message, exit code) from the current code.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest
import sympy as sp
import torch

ROOT = Path(__file__).resolve().parents[1]
FORMULA = "x1**2 + x2**2"


@dataclass(frozen=True)
class CliCase:
    """A command line (``{d}`` stands for the folder of prepared files) and what its error must say."""

    id: str
    args: tuple[str, ...]
    fragments: tuple[str, ...]
    code: int = 2
    known_bug: str | None = None


@dataclass(frozen=True)
class ApiCase:
    """A Python call and what its exception must say."""

    id: str
    call: Callable[[], Any]
    fragments: tuple[str, ...]
    known_bug: str | None = None


DEEP = "(" * 1000 + "x1" + ")" * 1000

CLI_CASES = [
    # --- the formula
    CliCase("no formula", ("discover",), ("give a formula", "--catalog KEY")),
    CliCase("empty formula", ("discover", ""), ("the formula is empty", "type an expression such as")),
    CliCase("whitespace formula", ("discover", "   "), ("the formula is empty", "type an expression such as")),
    CliCase("syntax error", ("discover", "x1**2 +"), ("could not parse the formula", "missing operand")),
    CliCase("implicit multiplication", ("discover", "2x1 + x2"), ("could not parse the formula", "write 2*x1")),
    CliCase("unknown function", ("discover", "foo(x1)"), ("'foo' is not an allowed function", "allowed functions are")),
    CliCase("attribute access", ("discover", "x1.real"), ("attribute access is not allowed", "write re(z)")),
    CliCase("dunder call", ("discover", "__import__('os')"), ("'__import__' is not allowed", "rename it")),
    CliCase("code injection", ("discover", "__import__('os').system('ls')"), ("is not allowed", "__import__")),
    CliCase("lambda", ("discover", "lambda: x1"), ("'lambda' is not allowed", "write the formula itself")),
    CliCase("huge exponent", ("discover", "x1**10**10"), ("exponent 10000000000 is too large", "smaller exponent")),
    CliCase("deep nesting", ("discover", DEEP), ("nested too deeply", "remove redundant parentheses")),
    CliCase("no variables", ("discover", "2 + 3"), ("no variables", "such as x1, x2")),
    CliCase("number beyond float64", ("discover", "1e999*x1**2"), ("1e999", "beyond the range of floating point")),
    CliCase("imaginary unit in a real oracle", ("discover", "x1**2 + I*x2**2"), ("imaginary unit", "--complex")),
    CliCase("catalog too large", ("discover", "--catalog", "so(1000)"), ("1000x1000 generators", "TB of memory", "GB available")),
    CliCase("negative --memory-budget", ("discover", FORMULA, "--memory-budget", "-1"),
            ("argument --memory-budget", "expected a positive number")),
    CliCase("unknown --invariance", ("discover", FORMULA, "--invariance", "sparse"),
            ("argument --invariance", "invalid choice")),
    CliCase("equality as a branch condition", ("discover", "x1 if x1 == 0 else x2"), ("only < <= > >=",)),
    # --- variables and vectors
    CliCase("unknown variable (--vars)", ("discover", FORMULA, "--vars", "x1 y"),
            ("uses x2, which is not among the listed variables", "add it")),
    CliCase("--vars and --vectors", ("discover", "x1*y2 - x2*y1", "--vars", "x1 x2", "--vectors", "x1 x2; y1 y2"),
            ("--vars or --vectors, not both",)),
    CliCase("vectors of unequal length", ("discover", "x1*y2 - x2*y1", "--vectors", "x1 x2; y1"),
            ("same length", "got lengths [2, 1]")),
    CliCase("NaN oracle", ("discover", "sqrt(-1 - x1**2)"), ("is not finite", "--distribution uniform --low 0.5")),
    CliCase("--catalog with a formula", ("discover", FORMULA, "--catalog", "so(3)"),
            ("--catalog names a complete oracle", "do not also give formulas")),
    CliCase("bad --catalog key", ("discover", "--catalog", "e9"), ("unknown catalog key 'e9'", "valid keys")),
    # --- options
    CliCase("--generators 0", ("discover", FORMULA, "--generators", "0"),
            ("argument --generators", "positive integer or 'auto'")),
    CliCase("--generators abc", ("discover", FORMULA, "--generators", "abc"),
            ("argument --generators", "positive integer or 'auto'")),
    CliCase("--generators 1000", ("discover", FORMULA, "--generators", "1000"),
            ("n_generators must be an integer from 1 to 4", "2x2 real matrices")),
    CliCase("unknown --method", ("discover", FORMULA, "--method", "magic"), ("argument --method", "choose from")),
    CliCase("unknown --optimizer", ("discover", FORMULA, "--optimizer", "sgd"),
            ("argument --optimizer", "choose from")),
    CliCase("--dtype float16", ("discover", FORMULA, "--dtype", "float16"), ("argument --dtype", "choose from")),
    CliCase("unknown --basis", ("discover", FORMULA, "--basis", "gellmann"), ("argument --basis", "choose from")),
    CliCase("--method exact, not a polynomial", ("discover", "sqrt(x1**2 + x2**2)", "--method", "exact"),
            ("needs a polynomial oracle", "method='train'")),
    CliCase("--method exact --generators 2", ("discover", FORMULA, "--method", "exact", "--generators", "1"),
            ("method='exact' finds the whole symmetry algebra", "method='train'")),
    CliCase("--at unknown variable", ("discover", FORMULA, "--at", "x9=1"),
            ("the point names x9", "not among the variables")),
    CliCase("--at without =", ("discover", FORMULA, "--at", "x1"), ("comma-separated assignments", "x3=1/2")),
    CliCase("--at not a number", ("discover", FORMULA, "--at", "x1=y"), ("x1", "number")),
    CliCase("--at with --nonlinear", ("discover", FORMULA, "--nonlinear", "--at", "x1=1"),
            ("--at, --break and --standard", "not --nonlinear")),
    CliCase("--break on a non-polynomial", ("discover", "sin(x1**2 + x2**2)", "--break", "x1**4"),
            ("needs polynomial formulas", "is not one")),
    CliCase("--break with a new variable", ("discover", FORMULA, "--break", "x3**4"),
            ("uses x3", "not among the listed variables")),
    CliCase("subalgebras --seeds 0", ("subalgebras", FORMULA, "--seeds", "0"),
            ("argument --seeds", "positive integer")),
    CliCase("subalgebras, no symmetry", ("subalgebras", "x1 + x2**3"), ("no continuous linear symmetry",)),
    CliCase("--samples 0", ("discover", FORMULA, "--samples", "0"), ("argument --samples", "positive integer")),
    CliCase("--sparsity -1", ("discover", FORMULA, "--sparsity", "-1"), ("sparsity", "non-negative")),
    CliCase("uniform with low >= high", ("discover", FORMULA, "--distribution", "uniform", "--low", "2", "--high", "1"),
            ("low < high", "low=2.0")),
    CliCase("--device nonsense", ("discover", FORMULA, "--device", "nonsense"),
            ("unknown device 'nonsense'", "use 'cpu'")),
    CliCase("--json into a folder", ("discover", FORMULA, "--json", "{d}"), ("{d}' is a folder", "give a file path")),
    CliCase("--json under a file", ("discover", FORMULA, "--json", "{d}/good.json/r.json"),
            ("cannot create the folder", "good.json")),
    CliCase("--plot into a file", ("discover", FORMULA, "--plot", "{d}/good.json"), ("good.json", "folder")),
    CliCase("unknown command", ("discoverr", FORMULA), ("invalid choice: 'discoverr'", "discover")),
    CliCase("scan --max too large", ("scan", FORMULA, "--max", "100"), ("max_generators <= 4", "got 1..100")),
    # --- identify
    CliCase("identify: nothing given", ("identify",), ("give exactly one of", "--structure-constants FILE")),
    CliCase("identify: two inputs", ("identify", "{d}/good.json", "--matrices", "{d}/open.json"),
            ("give exactly one of",)),
    CliCase("identify: missing file", ("identify", "{d}/missing.json"), ("missing.json", "does not exist")),
    CliCase("identify: a folder", ("identify", "{d}"), ("cannot read result file", "is a directory")),
    CliCase("identify: truncated JSON", ("identify", "{d}/truncated.json"), ("is not valid JSON", "truncated")),
    CliCase("identify: binary file", ("identify", "{d}/binary.json"), ("cannot read result file", "utf-8")),
    CliCase("identify: JSON of another schema", ("identify", "{d}/other.json"),
            ("is not a liealg result", "'schema': 'liealg.discovery'")),
    CliCase("identify: other schema version", ("identify", "{d}/version.json"),
            ("schema version 99", "reads version 1")),
    CliCase("identify: code as a matrix entry", ("identify", "{d}/evil.json"),
            ("generators[0]", "is not a number")),
    CliCase("identify: code as a structure constant", ("identify", "--structure-constants", "{d}/evil_sc.json"),
            ("cannot read", "as an exact number")),
    CliCase("identify: structure constants failing Jacobi", ("identify", "--structure-constants", "{d}/jacobi.json"),
            ("jacobi identity fails", "(e_0, e_1, e_2)")),
    CliCase("identify: structure-constant index out of range", ("identify", "--structure-constants", "{d}/index.json"),
            ("index k=5 out of range 0..2",)),
    CliCase("identify: result file given as --structure-constants",
            ("identify", "--structure-constants", "{d}/good.json"),
            ("missing key 'dim'",)),
    CliCase("identify: matrices that do not close", ("identify", "--matrices", "{d}/open.json"),
            ("do not close", "add the missing generators")),
    CliCase("identify: dependent matrices", ("identify", "--matrices", "{d}/dependent.json"),
            ("linearly dependent", "pass a basis")),
    CliCase("identify: code as a matrix entry (--matrices)", ("identify", "--matrices", "{d}/evil_m.json"),
            ("cannot read", "as an exact number")),
]


# ------------------------------------------------------------------------------------ API cases
def _api_cases() -> list[ApiCase]:
    from liealg import ExactConfig, LieAlgebra, Oracle, Sampling, TrainConfig, discover
    from liealg.catalog import oracles as catalog
    from liealg.pipeline import Discovery

    E12, E23 = sp.zeros(3), sp.zeros(3)
    E12[0, 1] = E23[1, 2] = 1
    return [
        ApiCase("callable with the wrong output shape", lambda: Oracle.from_callable(lambda x: x.sum(), 3),
                ("must map a batch of shape (m, 3) to shape (m,) or (m, k)", "returned shape ()")),
        ApiCase("callable returning a batch of matrices",
                lambda: Oracle.from_callable(lambda x: x[:, :, None] * x[:, None, :], 3),
                ("shape (m,) or (m, k)", "(2, 3, 3)")),
        ApiCase("callable returning numpy", lambda: Oracle.from_callable(lambda x: x.numpy().sum(-1), 3),
                ("must return a torch tensor", "ndarray")),
        ApiCase("callable that raises", lambda: Oracle.from_callable(lambda x: 1 / 0, 3),
                ("calling the oracle on a batch of shape (2, 3) failed", "ZeroDivisionError")),
        ApiCase("n_generators = 0", lambda: discover(FORMULA, n_generators=0), ("from 1 to 4", "got 0")),
        ApiCase("n_generators = 1000", lambda: discover(FORMULA, n_generators=1000), ("from 1 to 4", "got 1000")),
        ApiCase("n_generators = 2.5", lambda: discover(FORMULA, n_generators=2.5),
                ("positive integer or 'auto'", "2.5")),
        ApiCase("method='exact' on a non-polynomial oracle", lambda: discover("sqrt(x1**2 + x2**2)", method="exact"),
                ("needs a polynomial oracle", "method='train'")),
        ApiCase("method='exact' on a callable", lambda: discover(Oracle.from_callable(lambda x: (x ** 2).sum(-1), 2),
                                                                 method="exact"),
                ("needs a polynomial oracle", "method='train'")),
        ApiCase("unknown method", lambda: discover(FORMULA, method="magic"),
                ("unknown method 'magic'", "train, exact")),
        ApiCase("unknown basis", lambda: discover(FORMULA, exact=ExactConfig(basis="gellmann")),
                ("unknown basis", "rref, orthonormal")),
        ApiCase("unknown optimizer", lambda: discover(FORMULA, training=TrainConfig(optimizer="sgd")),
                ("unknown optimizer 'sgd'", "lbfgs")),
        ApiCase("dtype float16", lambda: discover(FORMULA, training=TrainConfig(dtype=torch.float16)),
                ("dtype must be one of: float64, float32", "float16")),
        ApiCase("NaN callable oracle", lambda: discover(Oracle.from_callable(lambda x: torch.sqrt(-1 - x[:, 0]**2),
                                                                            2)),
                ("is not finite", "distribution='uniform'")),
        ApiCase("samples of the wrong shape", lambda: discover(FORMULA, sampling=Sampling(points=torch.zeros(10, 5))),
                ("samples must have shape (m, 2)", "got (10, 5)")),
        ApiCase("variables with an Oracle", lambda: discover(Oracle(FORMULA), variables="x1 x2"),
                ("an Oracle already has them",)),
        ApiCase("not a formula", lambda: discover(None), ("got NoneType", "Oracle.from_callable")),
        ApiCase("unequal vectors", lambda: Oracle("x1*y2", vectors=[["x1", "x2"], ["y1"]]),
                ("same length", "[2, 1]")),
        ApiCase("structure constants failing Jacobi",
                lambda: LieAlgebra.from_structure_constants(3, [[0, 1, 2, 1], [1, 2, 0, 1], [0, 2, 0, 1]]),
                ("Jacobi identity fails", "(e_0, e_1, e_2)")),
        ApiCase("float structure constant", lambda: LieAlgebra.from_structure_constants(3, [[0, 1, 2, 0.1]]),
                ("floating-point value 0.1 refused", "give exact numbers")),
        ApiCase("matrices that do not close", lambda: LieAlgebra.from_matrices([E12, E23]),
                ("do not close", "add the missing generators")),
        ApiCase("unknown catalog key", lambda: catalog.get("e9"), ("unknown catalog key 'e9'", "valid keys")),
        ApiCase("missing result file", lambda: Discovery.load(ROOT / "no-such-result.json"), ("does not exist",)),
        ApiCase("device 'nonsense'", lambda: discover(FORMULA, training=TrainConfig(device="nonsense")),
                ("unknown device 'nonsense'", "use 'cpu'")),
        ApiCase("epochs = 0", lambda: TrainConfig(epochs=0), ("epochs must be an integer of at least 1", "got 0")),
        ApiCase("negative tol", lambda: TrainConfig(tol=-1.0), ("tol must be a positive number", "-1.0")),
        ApiCase("n_samples = 0", lambda: Sampling(n=0),
                ("the number of samples must be an integer of at least 2",)),
    ]


API_CASES = _api_cases()


# ------------------------------------------------------------------------------------ files
def make_files(d: Path) -> Path:
    """The bad files the identify cases read (and a good result to damage)."""
    from liealg.pipeline import discover

    d.mkdir(parents=True, exist_ok=True)
    good = discover("x1**2 + x2**2 + x3**2", method="exact").save(d / "good.json")
    text = good.read_text()
    (d / "truncated.json").write_text(text[: len(text) // 2])
    (d / "binary.json").write_bytes(b"\xff\xfe\x00 not json")
    (d / "other.json").write_text(json.dumps({"schema": "someone.else", "data": [1, 2, 3]}))
    data = json.loads(text)
    data["schema_version"] = 99
    (d / "version.json").write_text(json.dumps(data))
    data = json.loads(text)
    data["generators"][0][0][1] = "__import__('os')"
    (d / "evil.json").write_text(json.dumps(data))
    (d / "evil_sc.json").write_text(json.dumps({"dim": 3, "brackets": [[0, 1, 2, "__import__('os')"]]}))
    (d / "jacobi.json").write_text(json.dumps({"dim": 3, "brackets": [[0, 1, 2, "1"], [1, 2, 0, "1"], [0, 2, 0, "1"]]}))
    (d / "index.json").write_text(json.dumps({"dim": 3, "brackets": [[0, 1, 5, "1"]]}))
    (d / "open.json").write_text(json.dumps({"matrix_size": 3, "count": 2,
                                             "entries": [[0, 0, 1, "1"], [1, 1, 2, "1"]]}))
    (d / "dependent.json").write_text(json.dumps({"matrix_size": 2, "count": 2,
                                                  "entries": [[0, 0, 1, "1"], [0, 1, 0, "-1"],
                                                              [1, 0, 1, "2"], [1, 1, 0, "-2"]]}))
    (d / "evil_m.json").write_text(json.dumps({"matrix_size": 2, "count": 1,
                                               "entries": [[0, 0, 1, "__import__('os').system('ls')"]]}))
    return d


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    return make_files(tmp_path_factory.mktemp("bad_inputs"))


@dataclass(frozen=True)
class Outcome:
    """What a command line printed and returned."""

    returncode: int
    stdout: str
    stderr: str


def _env() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("LIEALG_DEBUG", None)
    return env


def run_cli(args: tuple[str, ...], d: Path) -> Outcome:
    """One ``python -m liealg.cli ...`` process."""
    argv = [a.replace("{d}", str(d)) for a in args]
    r = subprocess.run([sys.executable, "-m", "liealg.cli", *argv], capture_output=True, text=True, env=_env(),
                       cwd=d, timeout=600)
    return Outcome(r.returncode, r.stdout, r.stderr)


def run_cli_batch(cases: list[CliCase], d: Path) -> dict[str, Outcome]:
    """All cases in one subprocess (see the module docstring); returns id -> outcome."""
    payload = json.dumps({"dir": str(d), "cases": [[c.id, [a.replace("{d}", str(d)) for a in c.args]] for c in cases]})
    r = subprocess.run([sys.executable, str(Path(__file__).resolve()), DRIVER_FLAG], input=payload,
                       capture_output=True, text=True, env=_env(), cwd=d, timeout=1800)
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith(DRIVER_FLAG)]
    assert r.returncode == 0 and lines, f"the batch driver failed: {r.stderr[-3000:]}"
    return {cid: Outcome(*o) for cid, o in json.loads(lines[-1][len(DRIVER_FLAG):]).items()}


DRIVER_FLAG = "--run-cli-cases"


def _driver() -> None:
    """Subprocess side of :func:`run_cli_batch`: run each argv as ``python -m liealg.cli`` would."""
    import contextlib
    import io
    import runpy
    import traceback

    job = json.loads(sys.stdin.read())
    os.chdir(job["dir"])
    results = {}
    for cid, argv in job["cases"]:
        out, err = io.StringIO(), io.StringIO()
        sys.argv = ["liealg.cli", *argv]
        code = 0
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                runpy.run_module("liealg.cli", run_name="__main__", alter_sys=True)
            except SystemExit as exc:
                if exc.code is None or isinstance(exc.code, int):
                    code = exc.code or 0
                else:
                    print(exc.code, file=sys.stderr)
                    code = 1
            except BaseException:  # noqa: BLE001 - what the interpreter would print
                traceback.print_exc()
                code = 1
        results[cid] = [code, out.getvalue(), err.getvalue()]
    print(DRIVER_FLAG + json.dumps(results))


@pytest.fixture(scope="module")
def cli_outcomes(files: Path) -> dict[str, Outcome]:
    return run_cli_batch(CLI_CASES, files)


TEMP_FILE = re.compile(r"\.[\w.-]+\.tmp\b")


def error_line(stderr: str) -> str:
    """The line of stderr that carries the message (argparse prints its usage first)."""
    lines = [ln for ln in stderr.splitlines() if ln.startswith("error:")]
    return lines[0] if lines else (stderr.strip().splitlines() or [""])[-1]


def _marks(case: CliCase | ApiCase) -> list:
    return [pytest.mark.xfail(strict=True, reason=case.known_bug)] if case.known_bug else []


# ------------------------------------------------------------------------------------ tests
@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=_marks(c)) for c in CLI_CASES])
def test_cli_bad_input(case: CliCase, files: Path, cli_outcomes: dict[str, Outcome]):
    r = cli_outcomes[case.id]
    assert "Traceback" not in r.stderr, r.stderr[-2000:]
    assert r.returncode == case.code, f"exit {r.returncode}; stderr: {r.stderr[-500:]}"
    line = error_line(r.stderr)
    assert line.startswith("error: "), r.stderr
    for fragment in case.fragments:
        fragment = fragment.replace("{d}", str(files))
        assert fragment.lower() in r.stderr.lower(), f"{fragment!r} not in: {r.stderr}"
    assert not TEMP_FILE.search(line), f"the message names an internal temporary file: {line}"


# A sample (an argparse error of discover, a file error of identify): as separate processes they
# must behave exactly as in the batch.
SAMPLE = ["--generators abc", "identify: truncated JSON"]


@pytest.mark.parametrize("case_id", SAMPLE)
def test_batch_agrees_with_separate_processes(case_id: str, files: Path, cli_outcomes: dict[str, Outcome]):
    case = next(c for c in CLI_CASES if c.id == case_id)
    alone, batch = run_cli(case.args, files), cli_outcomes[case_id]
    assert alone.returncode == batch.returncode
    assert error_line(alone.stderr) == error_line(batch.stderr)
    assert ("Traceback" in alone.stderr) == ("Traceback" in batch.stderr)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=_marks(c)) for c in API_CASES])
def test_api_bad_input(case: ApiCase):
    from liealg.errors import LieAlgError

    with pytest.raises(LieAlgError) as info:
        case.call()
    message = str(info.value)
    for fragment in case.fragments:
        assert fragment.lower() in message.lower(), f"{fragment!r} not in: {message}"


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available here")
def test_cli_cuda_without_cuda(run_cli):
    r = run_cli("discover", FORMULA, "--device", "cuda")
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert "device 'cuda'" in error_line(r.stderr) and "use 'cpu'" in error_line(r.stderr)


# ------------------------------------------------------------------------------------ docs table
def _markdown() -> str:
    import tempfile

    rows = ["| input | what the user sees (first line of the message) | exit |", "| --- | --- | --- |"]
    with tempfile.TemporaryDirectory() as tmp:
        d = make_files(Path(tmp))
        outcomes = run_cli_batch(CLI_CASES, d)
        for case in CLI_CASES:
            r = outcomes[case.id]
            traceback = "Traceback" in r.stderr
            shown = "Traceback: " + r.stderr.strip().splitlines()[-1] if traceback else error_line(r.stderr)
            shown = shown.replace(str(d), "DIR").replace("|", "\\|")
            args = " ".join("'((( ... 1000 levels ... x1 )))'" if a == DEEP
                            else a if a and " " not in a and "(" not in a else repr(a) for a in case.args)
            args = args.replace("{d}", "DIR").replace("|", "\\|")
            flag = " **known problem**" if case.known_bug else ""
            rows.append(f"| `liealg {args}` | `{shown}` | {r.returncode}{flag} |")
    rows += ["", "| API call | exception: message | |", "| --- | --- | --- |"]  # third column: flags
    for case in API_CASES:
        try:
            case.call()
            shown = "no error"
        except Exception as exc:  # noqa: BLE001 - documenting whatever happens
            shown = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
        flag = "**known problem**" if case.known_bug else ""
        rows.append(f"| {case.id} | `{shown.replace('|', chr(92) + '|')}` | {flag} |")
    return "\n".join(rows)


if __name__ == "__main__":
    if DRIVER_FLAG in sys.argv:
        _driver()
    else:
        print(_markdown())
