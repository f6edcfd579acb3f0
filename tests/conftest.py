"""Shared test configuration: every random test is seeded; torch runs single-threaded here so
timings are stable on the 2-core CI machine."""

import dataclasses
import os

import pytest
import torch

torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))


@pytest.fixture(params=[torch.float64, torch.float32], ids=["float64", "float32"])
def dtype(request):
    """Run a test in both precisions; tolerances come from liealg.training.default_tol(dtype)."""
    return request.param


@dataclasses.dataclass(frozen=True)
class CliRun:
    """What one command line printed and returned."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run_cli(capsys):
    """Run ``liealg ARGS...`` in this process (the entry point ``liealg.cli.main``), as the
    installed script would, without paying the interpreter's start-up; one test per command in
    test_cli_scripts.py runs the real script in a subprocess."""
    from liealg import cli

    def run(*args: str) -> CliRun:
        capsys.readouterr()  # drop what came before
        try:
            code = cli.main([str(a) for a in args])
        except SystemExit as exc:  # argparse's own exits (usage errors, --help)
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        return CliRun(code, out, err)

    return run
