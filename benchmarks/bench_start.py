"""A fast start: the whole `liealg discover` process for so(3) beside `python -c "import torch, sympy"`.

Both are timed as whole processes, alternately, several times (the median is printed), on the
same machine in the same run. The goal: discover within 1.5 times the bare imports. Also
`liealg --help` and `liealg identify`, which must not import torch at all.

    python benchmarks/bench_start.py [--repeat 5] [--save]

``--save`` also writes benchmarks/results/start.json (the docs show it).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import record  # benchmarks/record.py: saved results


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--save", action="store_true", help="write benchmarks/results/start.json")
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        result = str(Path(tmp) / "so3.json")
        subprocess.run([py, "-m", "liealg.cli", "discover", "x1**2 + x2**2 + x3**2", "--json", result, "--quiet"],
                       check=True, capture_output=True)
        cases = {
            'python -c "import torch, sympy"': [py, "-c", "import torch, sympy"],
            "liealg discover x1**2+x2**2+x3**2": [py, "-m", "liealg.cli", "discover", "x1**2 + x2**2 + x3**2",
                                                  "--quiet"],
            "liealg --help": [py, "-m", "liealg.cli", "--help"],
            "liealg identify so3.json": [py, "-m", "liealg.cli", "identify", result],
        }
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.repeat):
            for name, argv in cases.items():
                times[name].append(timed(argv))
    base = statistics.median(times['python -c "import torch, sympy"'])
    rows = []
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:40s} {median:6.2f} s  ({median / base:4.2f} x the bare imports)")
        rows.append([f"`{name}`", f"{median:.2f}", f"{median / base:.2f}"])
    ratio = statistics.median(times["liealg discover x1**2+x2**2+x3**2"]) / base
    verdict = f"goal: discover within 1.5 x the bare imports: {ratio:.2f} x, {'met' if ratio <= 1.5 else 'NOT met'}"
    print(verdict)
    if args.save:
        path = record.save(
            "start", title="Start-up time of whole processes", script="benchmarks/bench_start.py",
            command="python benchmarks/bench_start.py" + (f" --repeat {args.repeat}" if args.repeat != 5 else ""),
            columns=["command", "median s", "x the bare imports"], rows=rows,
            notes=[f"each command a whole process, timed alternately {args.repeat} times, the median shown", verdict])
        print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
