"""The matrix-free invariance term against the dense form's memory (a script, not a test).

The oracle x1^2 + x2^2 + x3^2 + 4 x4^2 + 5 x5^2 + ... + d xd^2 on d variables (a positive quadratic
form: its symmetry algebra is a conjugate of so(d)); three generators of d x d are trained (with closure:
a 3-dimensional subalgebra), p = d^2 unknowns each. Each d runs in
its own process (peak memory is that run's): ``fit(oracle, 3)`` with the default
``invariance="auto"``, which goes matrix-free once the dense form would pass a quarter of the
available memory (or with ``--force``). The table shows the dense form's estimate, the mode
chosen, training time, peak memory, the final loss and whether it converged.

    python benchmarks/bench_matrix_free.py                 # d = 30, 60
    python benchmarks/bench_matrix_free.py --d 60 --force  # matrix-free even where dense fits
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time
import liealg
from liealg.config import TrainConfig
from liealg.training import InvarianceOperator, dense_form_bytes, default_n_samples, fit, _space

d, force = int(sys.argv[1]), sys.argv[2] == "1"
phi = liealg.Oracle(" + ".join(["x1**2", "x2**2", "x3**2"] + [f"{i}*x{i}**2" for i in range(4, d + 1)]))
m = default_n_samples(_space(phi), 1)
t = time.perf_counter()
result = fit(phi, 3, seed=0, training=TrainConfig(invariance="matrix_free" if force else "auto"))
train = time.perf_counter() - t
print(json.dumps({"d": d, "p": d * d, "dense_gb": dense_form_bytes(phi, m) / 1e9,
                  "mode": "matrix-free" if isinstance(result.form, InvarianceOperator) else "dense",
                  "train": train, "converged": bool(result.converged), "loss": float(result.loss["total"]),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--d", type=int, nargs="+", default=[30, 60])
    parser.add_argument("--force", action="store_true", help="invariance='matrix_free' for every d")
    args = parser.parse_args()
    print(f"{'d':>4s} {'p':>6s} {'dense form':>11s} {'mode':>12s} {'train':>8s} {'peak':>8s} {'loss':>9s}")
    for d in args.d:
        r = subprocess.run([sys.executable, "-c", CHILD, str(d), "1" if args.force else "0"], capture_output=True,
                           text=True, cwd=ROOT, timeout=3600)
        if r.returncode != 0:
            print(f"d = {d} failed:\n{r.stderr[-2000:]}")
            continue
        row = json.loads(r.stdout.strip().splitlines()[-1])
        print(f"{row['d']:4d} {row['p']:6d} {row['dense_gb']:9.2f}GB {row['mode']:>12s} {row['train']:7.1f}s "
              f"{row['peak_mb']:6.0f}MB {row['loss']:9.1e}{'' if row['converged'] else '  (not converged)'}",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
