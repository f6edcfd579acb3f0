"""The example scripts run as a user runs them (``python examples/X.py --plot DIR``, here in this
process through ``runpy`` to spare the interpreter's start-up): no error, the algebra's name
printed, and the figures written where ``--plot`` says.

The fast ones run in the default suite; f4 and e6 take a minute or more each and are marked slow.
"""

from __future__ import annotations

import contextlib
import io
import runpy
import sys
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

# script -> (strings that must appear in stdout, figures that --plot must write)
FAST = {
    "lorentz.py": (["Lie algebra: so(3,1)", "Rotations: 3, boosts: 3"], ["lorentz_generators.png"]),
    "rotations.py": (["so(5)", "su(2) = so(3)", "Largest N_g that succeeds: 3"],
                     ["so3_scan.png", "so5_generators.png"]),
    "unitary.py": (["su(3)", "su(2) ⊕ u(1)", "su(3) ⊕ u(1)", "6 of 6"], ["su3_generators.png"]),
    "symplectic.py": (["Lie algebra: so(3,2)", "sp(4,R)", "W^T J + J W = 0 exactly: True"],
                      ["sp4_generators.png", "sp4_dynkin.png"]),
    "g2.py": (["Lie algebra: g2", "14 of 14"], ["g2_generators.png", "g2_dynkin.png"]),
    "custom_oracle.py": (["sl(2,R)", "so(3,1)", "su(2)", "certificate skipped"],
                         ["custom_generators.png", "callable_loss.png"]),
    "physics_potentials.py": (["Lie algebra: su(5)", "Peccei-Quinn couplings add 1 generator"],
                              ["su5_generators.png"]),
    "identify_only.py": (["su(2)", "sl(2,R)", "heis(3)", "iso(2)", "aff(1)", "Jacobi identity fails"],
                         ["so4_dynkin.png"]),
}
SLOW = {
    "f4.py": (["Lie algebra: f4", "52 of 52"], ["f4_generators.png", "f4_dynkin.png"]),
    "e6.py": (["Lie algebra: E6(-26)", "(26, 52, 0)"], ["e6_generators.png", "e6_dynkin.png"]),
}


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str


def run_example(script: str, plot_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """``python examples/SCRIPT --plot DIR`` in this process: its own argv, stdout and __main__."""
    matplotlib.use("Agg")
    monkeypatch.setattr(sys, "argv", [str(EXAMPLES / script), "--plot", str(plot_dir)])
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out):
        try:
            runpy.run_path(str(EXAMPLES / script), run_name="__main__")
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return Run(code, out.getvalue())


def check(script: str, expected: tuple[list[str], list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    must_print, figures = expected
    r = run_example(script, tmp_path, monkeypatch)
    assert r.returncode == 0, f"{script} exited {r.returncode}\nstdout:\n{r.stdout}"
    for text in must_print:
        assert text in r.stdout, f"{script}: {text!r} not in the output:\n{r.stdout}"
    for name in figures:
        path = tmp_path / name
        assert path.exists() and path.stat().st_size > 1000, f"{script} did not write {path}"


@pytest.mark.parametrize("script", list(FAST))
def test_fast_example(script, tmp_path, monkeypatch):
    check(script, FAST[script], tmp_path, monkeypatch)


@pytest.mark.slow
@pytest.mark.parametrize("script", list(SLOW))
def test_slow_example(script, tmp_path, monkeypatch):
    check(script, SLOW[script], tmp_path, monkeypatch)


def test_every_example_is_tested():
    """A new example script must be listed here. The three non-linear examples are owned (and tested,
    if at all) elsewhere; they are not run by this file. The data_*.py examples run (at small size)
    in tests/test_data.py."""
    others = {"nonlinear_squeeze.py", "nonlinear_l1.py", "digits_flows.py", "sweep_2hdm.py"}  # sweep: test_sweep.py
    others |= {p.name for p in EXAMPLES.glob("data_*.py")}
    scripts = {p.name for p in EXAMPLES.glob("*.py") if not p.name.startswith("_")}
    assert scripts - others - set(FAST) - set(SLOW) == set()
