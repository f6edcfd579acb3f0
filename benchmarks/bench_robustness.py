"""Robustness over seeds: is every small catalog algebra found and named every time?

For every catalog entry of dimension <= 15 (``liealg.catalog.oracles.keys()``), runs
``liealg.discover(entry.oracle(), seed=s)`` for seeds 0..9 and counts a success when the result
has the right dimension, is certified, matches the exact solver, and is named as the catalog
expects (the same name ``identify`` gives the exact solver's answer, and one of the entry's
names). Prints a table (entry, expected name, successes, mean and max seconds) and, for every
failure, the seed and the first stage that went wrong.

    python benchmarks/bench_robustness.py                  # all entries of dimension <= 15, seeds 0..9
    python benchmarks/bench_robustness.py --seeds 3 --keys "so(3)" "su(3)"
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass, field

import liealg
from liealg.algebra import LieAlgebra
from liealg.catalog import oracles as catalog
from liealg.identification import Identification, identify


@dataclass
class Row:
    """The outcome of one catalog entry over all seeds."""

    key: str
    name: str
    dimension: int
    seconds: list[float] = field(default_factory=list)
    failures: dict[int, str] = field(default_factory=dict)

    @property
    def successes(self) -> int:
        return len(self.seconds) - len(self.failures)


def expected_identification(oracle: liealg.Oracle) -> Identification:
    """What identify says about the exact solver's answer (the reference name)."""
    return identify(LieAlgebra.from_matrices(list(liealg.solve_symmetries(oracle))))


def failure(entry: catalog.CatalogEntry, expected: Identification, result: liealg.Discovery) -> str | None:
    """None for a success; otherwise the first stage that went wrong, in pipeline order."""
    if result.dimension != entry.dimension:
        return f"train: dimension {result.dimension}, expected {entry.dimension}"
    if not result.converged:
        return f"train: not converged (loss {result.loss.get('total', float('nan')):.2e})"
    if result.generators is None:
        return "rationalize: refused (" + "; ".join(result.notes)[:160] + ")"
    if result.matches_exact is not True:
        return "compare: the exact span differs from the learned one"
    if result.certified is not True:
        return f"certify: statuses {result.certificate and result.certificate.statuses}"
    ident = result.identification
    if ident is None:
        return "identify: " + "; ".join(result.notes)[:160]
    names = {n.lower() for n in (ident.name, *ident.aliases)}
    if ident.name != expected.name or not names & {n.lower() for n in entry.names}:
        return f"identify: named {ident.name!r}, expected {expected.name!r} / {entry.names}"
    if tuple(ident.killing_signature) != tuple(entry.killing_signature):
        return f"identify: Killing signature {ident.killing_signature}, expected {entry.killing_signature}"
    return None


def run_entry(key: str, seeds: int) -> Row:
    """discover() on one entry for seeds 0..seeds-1."""
    entry = catalog.get(key)
    oracle = entry.oracle()
    expected = expected_identification(oracle)
    row = Row(key=key, name=entry.name, dimension=entry.dimension)
    for seed in range(seeds):
        t0 = time.perf_counter()
        try:
            result = liealg.discover(oracle, seed=seed)
            why = failure(entry, expected, result)
        except liealg.LieAlgError as exc:  # a stage that raises is a failure too, with its message
            why = f"raised {type(exc).__name__}: {exc}"
        row.seconds.append(time.perf_counter() - t0)
        if why is not None:
            row.failures[seed] = why
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=10, help="seeds 0..N-1 (default 10)")
    parser.add_argument("--max-dim", type=int, default=15, help="largest algebra dimension (default 15)")
    parser.add_argument("--keys", nargs="*", help="only these catalog keys")
    args = parser.parse_args()

    keys = args.keys or [k for k in catalog.keys() if catalog.get(k).dimension <= args.max_dim]
    liealg.discover("x1**2 + x2**2", seed=0)  # warm-up: one-off torch initialization
    header = f"{'entry':16s} {'expected name':14s} {'dim':>3s} {'successes':>9s} {'mean s':>7s} {'max s':>7s}"
    print(header)
    print("-" * len(header))
    rows = []
    t0 = time.perf_counter()
    for key in keys:
        row = run_entry(key, args.seeds)
        rows.append(row)
        print(f"{row.key:16s} {row.name:14s} {row.dimension:3d} {row.successes:>5d}/{args.seeds:<3d} "
              f"{statistics.mean(row.seconds):7.2f} {max(row.seconds):7.2f}", flush=True)
    total = sum(r.successes for r in rows)
    print("-" * len(header))
    print(f"{len(rows)} entries x {args.seeds} seeds: {total}/{len(rows) * args.seeds} successes "
          f"in {time.perf_counter() - t0:.0f} s")
    failed = [(r.key, seed, why) for r in rows for seed, why in sorted(r.failures.items())]
    if failed:
        print("\nFailures (entry, seed: first stage that went wrong):")
        for key, seed, why in failed:
            print(f"  {key}, seed {seed}: {why}")


if __name__ == "__main__":
    main()
