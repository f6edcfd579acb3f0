"""The installed ``liealg`` script, once per command, as a separate process.

Every other CLI test calls the entry point in-process (the ``run_cli`` fixture); these prove that
the console script set-up installs works end to end: exit code, output and files.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

LIEALG = shutil.which("liealg")


def liealg(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert LIEALG is not None, "the liealg script is not on PATH: run `bash scripts/setup.sh`"
    env = dict(os.environ, MPLBACKEND="Agg")
    env.pop("LIEALG_DEBUG", None)
    return subprocess.run([LIEALG, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=600)


def test_discover_and_identify(tmp_path):
    r = liealg("discover", "x1**2 + x2**2 + x3**2 - x4**2", "--json", "lorentz.json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Lie algebra: so(3,1)" in r.stdout
    r = liealg("identify", "lorentz.json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "so(3,1)" in r.stdout


def test_scan(tmp_path):
    r = liealg("scan", "x1**2 + x2**2 + x3**2", "--max", "3", "--json", "scan.json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "scan.json").read_text())["success"] == [True, False, True]


def test_catalog(tmp_path):
    r = liealg("catalog", cwd=tmp_path)
    assert r.returncode == 0 and "lorentz" in r.stdout


def test_flows(tmp_path):
    r = liealg("flows", "digits", "--latent", "2", "--classes", "2", "--epochs", "3", "--fit-epochs", "3",
               "--json", "flows.json", cwd=tmp_path)
    assert r.returncode in (0, 3), r.stderr  # 3 says only that 3 epochs did not converge
    assert "class unchanged" in r.stdout
    assert json.loads((tmp_path / "flows.json").read_text())["latent"] == 2


def test_bad_input_exits_2_with_one_line(tmp_path):
    r = liealg("discover", "--catalog", "nope", cwd=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.startswith("error:") and len(r.stderr.strip().splitlines()) == 1


def test_help(tmp_path):
    r = liealg("--help", cwd=tmp_path)
    assert r.returncode == 0 and "usage: liealg" in r.stdout
    for command in ("discover", "scan", "identify", "catalog", "flows"):
        assert command in r.stdout
