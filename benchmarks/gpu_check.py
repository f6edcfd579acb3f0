"""Training on a GPU beside the CPU: so(32), e6 and e7, float64 and float32, side by side.

Prints one line per (case, device, dtype): the training time, the number of generators, and
whether the learned span is the exact solver's (largest principal angle). Run on a machine with
CUDA (``benchmarks/gpu_check.sh`` does it in one go); on a CPU-only machine the CUDA rows are
reported as unavailable, never an error.

    python benchmarks/gpu_check.py [--cases so32 e6 e7] [--cpu]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import torch

import liealg
from liealg.catalog import oracles as catalog
from liealg.exact import principal_angles, solve_symmetries
from liealg.training import fit_auto

CASES = {"so32": lambda: liealg.Oracle(" + ".join(f"x{i}**2" for i in range(1, 33))),
         "e6": lambda: catalog.get("e6").oracle(),
         "e7": lambda: catalog.get("e7").oracle()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES))
    parser.add_argument("--cpu", action="store_true", help="also time the CPU (slow for e7)")
    args = parser.parse_args()
    devices = (["cuda"] if torch.cuda.is_available() else []) + (["cpu"] if args.cpu else [])
    if not torch.cuda.is_available():
        print("CUDA: not available on this machine (torch.cuda.is_available() is False)")
    else:
        print(f"CUDA: {torch.cuda.get_device_name(0)}")
    for key in args.cases:
        oracle = CASES[key]()
        exact = solve_symmetries(oracle)
        for device in devices:
            for dtype in ("float64", "float32"):
                t = time.perf_counter()
                result, dim, _ = fit_auto(oracle, seed=0, training=liealg.TrainConfig(device=device, dtype=dtype))
                seconds = time.perf_counter() - t
                assert result is not None
                angle = float(np.max(principal_angles(result.polished(), exact)))
                print(f"{key:5s} {device:5s} {dtype:8s} {dim:4d} generators  train {seconds:8.2f} s  "
                      f"converged {result.converged}  span angle to exact (polished) {angle:.1e}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
