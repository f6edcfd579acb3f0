"""The tools that keep the code honest run with the tests: ruff (lint, import order) and mypy
(type hints) on the package, with the settings in pyproject.toml. Both are in the test extra."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=900)


def test_ruff_finds_nothing_in_the_package():
    r = _run("ruff", "check", "liealg", "--output-format", "concise")
    assert r.returncode == 0, r.stdout + r.stderr


def test_ruff_finds_no_errors_in_tests_examples_and_benchmarks():
    # Undefined names, unused imports, syntax errors: the rules that catch bugs, not style.
    r = _run("ruff", "check", "tests", "examples", "benchmarks", "--select", "F,E9", "--output-format", "concise")
    assert r.returncode == 0, r.stdout + r.stderr


def test_mypy_accepts_the_package():
    r = _run("mypy")  # files and options from [tool.mypy] in pyproject.toml
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_package_ships_its_type_hints():
    # PEP 561: a py.typed marker inside the package, declared as package data.
    assert (ROOT / "liealg" / "py.typed").is_file()
    assert 'liealg = ["py.typed"]' in (ROOT / "pyproject.toml").read_text()
