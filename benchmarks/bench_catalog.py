"""The big catalog algebras end to end: time per stage, final loss, peak memory, beside the reference code.

Each case runs in its own subprocess (so the peak resident memory, ``ru_maxrss``, is that case's
alone): build the catalog oracle, then ``liealg.discover(oracle, seed=0)`` with the defaults. The
table shows the oracle's build time, training, the exact solver (run by discover to check the
learned span), rationalize + certify + algebra + identify, the end-to-end total (build included),
the final training loss, the peak memory, whether the result was right (dimension, certified,
matches the exact solver, named as the catalog expects), and the goal and the reference code's
time for the same algebra.

    python benchmarks/bench_catalog.py                     # su(3), su(6), g2, f4, e6, so(10)
    python benchmarks/bench_catalog.py --cases "su(3)" g2
    python benchmarks/bench_catalog.py --save              # also write benchmarks/results/catalog.json (the docs show it)

The reference code's figures come from benchmarks/reference_code.json, labelled by source.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import record  # benchmarks/record.py: saved results, the reference code's figures

CASES = ["su(3)", "su(6)", "g2", "f4", "e6", "so(10)"]
# Goals (seconds); the reference code's figures: record.reference_for(case).
GOALS = {"su(3)": 30, "su(6)": 300, "g2": 60, "f4": 600, "e6": 900}
PEAK_GOAL_MB = 4096


def run_case(key: str, seed: int) -> dict:
    """In the child process: build, discover, and report times and peak memory as a dict."""
    import liealg
    from liealg.catalog import oracles as catalog

    entry = catalog.get(key)
    t0 = time.perf_counter()
    oracle = entry.oracle()
    build = time.perf_counter() - t0
    result = liealg.discover(oracle, seed=seed)
    t = result.timings
    ident = result.identification
    names = {n.lower() for n in (ident.name, *ident.aliases)} if ident is not None else set()
    ok = bool(result.dimension == entry.dimension and result.certified and result.matches_exact
              and names & {n.lower() for n in entry.names}
              and ident.killing_signature == entry.killing_signature)
    return {
        "case": key,
        "dim": result.dimension,
        "name": result.name,
        "build": build,
        "train": t.get("train", 0.0),
        "exact": t.get("exact_solve", 0.0),
        "post": sum(t.get(k, 0.0) for k in ("rationalize", "certify", "algebra", "identify")),
        "total": build + t.get("total", 0.0),
        "loss": result.loss.get("total", float("nan")),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # KiB on Linux
        "ok": ok,
        "notes": list(result.notes),
    }


def spawn(key: str, seed: int) -> dict:
    """Run one case in a fresh interpreter and parse its JSON line."""
    proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", key, "--seed", str(seed)],
                          capture_output=True, text=True)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"case": key, "error": (proc.stderr.strip().splitlines() or ["no output"])[-1]}
    return json.loads(lines[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", nargs="*", default=CASES)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--child", metavar="KEY", help=argparse.SUPPRESS)
    parser.add_argument("--save", action="store_true", help="write benchmarks/results/catalog.json")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_case(args.child, args.seed)))
        return

    header = (f"{'case':7s} {'dim':>3s} {'build s':>7s} {'train s':>8s} {'exact s':>7s} {'post s':>6s} "
              f"{'total s':>8s} {'final loss':>10s} {'peak MB':>7s} {'right':5s} {'goal s':>8s}  reference code")
    print(header)
    print("-" * len(header))
    rows: list[list[object]] = []
    for key in args.cases:
        r = spawn(key, args.seed)
        if "error" in r:
            print(f"{key:7s} failed: {r['error']}")
            rows.append([key] + ["-"] * 9 + [f"failed: {r['error']}"])
            continue
        goal = GOALS.get(key)
        within = goal is not None and r["total"] < goal and r["peak_mb"] < PEAK_GOAL_MB
        met = "-" if goal is None else f"{'met' if within else 'MISS'} {goal}"
        print(f"{r['case']:7s} {r['dim']:3d} {r['build']:7.2f} {r['train']:8.2f} {r['exact']:7.2f} {r['post']:6.2f} "
              f"{r['total']:8.2f} {r['loss']:10.1e} {r['peak_mb']:7.0f} {'yes' if r['ok'] else 'NO':5s} {met:>8s}  "
              f"{record.reference_for(key)}", flush=True)
        for note in r["notes"]:
            print(f"          note: {note}")
        rows.append([r["case"], r["dim"], f"{r['build']:.2f}", f"{r['train']:.2f}", f"{r['exact']:.2f}",
                     f"{r['post']:.2f}", f"{r['total']:.2f}", f"{r['loss']:.1e}", f"{r['peak_mb']:.0f}",
                     "yes" if r["ok"] else "NO", met])
    legend = (f"post = rationalize + certify + algebra + identify; total = build + discover; "
              f"goals: time in s and peak < {PEAK_GOAL_MB} MB.")
    print("\n" + legend)
    if args.save:
        command = "python benchmarks/bench_catalog.py" + (
            "" if args.cases == CASES else " --cases " + " ".join(f'"{c}"' if "(" in c else c for c in args.cases))
        path = record.save(
            "catalog", title="Catalog algebras end to end (liealg.discover with the defaults)",
            script="benchmarks/bench_catalog.py", command=command,
            columns=["case", "dim", "build s", "train s", "exact s", "post s", "total s", "final loss", "peak MB",
                     "right", "goal s"], rows=rows,
            notes=["each case in its own process; right: the dimension, certified, the exact solver's span and the "
                   "catalog's name", legend])
        print(f"saved {path}")


if __name__ == "__main__":
    main()
