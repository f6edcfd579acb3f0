"""Shared test configuration: every random test is seeded; torch runs single-threaded here so
timings are stable on the 2-core CI machine."""

import os

import pytest
import torch

torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))


@pytest.fixture(params=[torch.float64, torch.float32], ids=["float64", "float32"])
def dtype(request):
    """Run a test in both precisions; tolerances come from liealg.training.default_tol(dtype)."""
    return request.param
