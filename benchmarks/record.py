"""Saved benchmark results: a table, with the date and the machine it was measured on.

A benchmark run with ``--save`` writes ``benchmarks/results/NAME.json``; the documentation
(docs/benchmarks.md) shows those files, never a hand-typed figure: ``scripts/regenerate_docs.py``
renders each ``<!-- docs: generated benchmark-NAME -->`` region from ``results/NAME.json``, and
``tests/test_docs.py`` fails when the page and the files disagree. To refresh a table::

    python benchmarks/bench_training.py --save
    python scripts/regenerate_docs.py

The file (one JSON object): ``benchmark`` (NAME), ``title``, ``script``, ``command`` (how to
reproduce it), ``measured`` (UTC, ISO 8601), ``machine`` (CPU model, cores usable, memory, OS,
Python, torch and its threads, the liealg commit), ``columns``, ``rows`` (the cells as the
script prints them, strings) and ``notes``.

The reference code's figures are not measurements of liealg: they live in
``benchmarks/reference_code.json``, each with its source, and are shown as such.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
REFERENCE_FILE = HERE / "reference_code.json"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except (OSError, ValueError, IndexError):
        pass
    return None


def _commit() -> str | None:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True,
                              timeout=10)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "liealg"], cwd=HERE,
                               capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    if head.returncode:
        return None
    return head.stdout.strip() + (" (liealg/ modified)" if dirty.stdout.strip() else "")


def machine() -> dict[str, object]:
    """Where the benchmark runs: CPU, cores this process may use, memory, OS, Python, torch."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 0
    info: dict[str, object] = {
        "cpu": _cpu_model(),
        "cores": usable,
        "memory_gib": _memory_gib(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "liealg_commit": _commit(),
    }
    torch = sys.modules.get("torch")
    if torch is not None:
        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
    return info


def describe(info: dict[str, object]) -> str:
    """One line for the documentation: ``AMD EPYC, 2 cores, 23.5 GiB, Linux ..., Python 3.11.7, torch 2.3``."""
    parts = [str(info.get("cpu") or "unknown CPU"), f"{info.get('cores')} cores"]
    if info.get("memory_gib"):
        parts.append(f"{info['memory_gib']} GiB")
    parts += [str(info.get("os")), f"Python {info.get('python')}"]
    if info.get("torch"):
        parts.append(f"torch {info['torch']} ({info.get('torch_threads')} threads)")
    if info.get("liealg_commit"):
        parts.append(f"liealg {info['liealg_commit']}")
    return ", ".join(parts)


def save(name: str, *, title: str, script: str, command: str, columns: Sequence[str],
         rows: Sequence[Sequence[object]], notes: Sequence[str] = (), folder: Path | None = None) -> Path:
    """Write ``results/NAME.json`` (or into ``folder``) and return its path."""
    if any(len(r) != len(columns) for r in rows):
        raise ValueError(f"every row needs {len(columns)} cells ({', '.join(columns)})")
    data = {
        "benchmark": name,
        "title": title,
        "script": script,
        "command": command,
        "measured": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "columns": list(columns),
        "rows": [[str(c) for c in r] for r in rows],
        "notes": list(notes),
    }
    folder = RESULTS if folder is None else Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def reference_figures() -> list[dict[str, str]]:
    """The method's reference code: its figures, each with ``case``, ``figure``, ``what`` and ``source``."""
    return list(json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))["figures"])


def reference_for(case: str) -> str:
    """The reference code's figures for one case, as one short cell (``-`` when there are none)."""
    figures = [f for f in reference_figures() if f["case"] == case]
    if not figures:
        return "-"
    return "; ".join(f"{f['figure']} ({f['label']})" for f in figures)
