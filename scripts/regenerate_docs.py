"""Regenerate what the documentation shows, so no claim in it can go stale.

    python scripts/regenerate_docs.py              # CLI outputs and generated tables in README.md, docs/*.md
    python scripts/regenerate_docs.py --notebooks  # also re-execute examples/notebooks/*.ipynb in place
    python scripts/regenerate_docs.py --check      # exit 1 if anything is out of date (what the tests do)

Markers (HTML comments, invisible on GitHub and in the site):

* ``<!-- docs: cli-output -->`` before a fenced block whose first line is ``$ liealg ARGS``: the
  rest of the block is what ``liealg ARGS`` prints, produced by running ``liealg.cli.main`` in
  this process, in one temporary folder per page (so a later command can read a file an earlier
  one wrote). ``<!-- docs: cli-output lines=1-14,30- -->`` keeps those lines of the output
  (1-based) and writes ``...`` for the gaps. A nonzero exit code is shown as ``(exit code N)``.
* ``<!-- docs: generated NAME -->`` ... ``<!-- docs: end -->``: a region written by the
  generator ``NAME`` (see ``GENERATORS``: the catalog table, the reference code's figures, the
  comparison with them), or, for ``benchmark-X``, the saved benchmark result
  ``benchmarks/results/X.json`` (written by ``python benchmarks/bench_X.py --save``) with the
  date and the machine it was measured on.
* ``<!-- docs: no-run (REASON) -->`` before a ```` ```python ```` block: the snippet test
  (tests/test_docs.py) does not run it. Use it sparingly, always with the reason.

What legitimately varies from run to run is masked before outputs are compared (:func:`mask`):
timings, and numbers at round-off level (below 1e-8: loss values, principal angles).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime
import importlib.util
import io
import json
import os
import re
import shlex
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
NOTEBOOKS = ROOT / "examples" / "notebooks"
BENCHMARK_RESULTS = ROOT / "benchmarks" / "results"

MARKER = re.compile(r"^<!--\s*docs:\s*(?P<kind>[a-z-]+)\s*(?P<arg>.*?)\s*-->\s*$")
FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*(?P<lang>[\w+-]*)")


def pages() -> list[Path]:
    """README.md and every Markdown page under docs/."""
    return [ROOT / "README.md"] + sorted(DOCS.rglob("*.md"))


@dataclasses.dataclass
class Block:
    """A fenced code block: its language, body lines and the marker just before it (if any)."""

    lang: str
    start: int          # index of the opening fence line
    end: int            # index of the closing fence line
    body: list[str]
    marker: tuple[str, str] | None  # (kind, argument)


def blocks(lines: list[str]) -> list[Block]:
    out, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence = m.group("fence")
        j = i + 1
        while j < len(lines) and not lines[j].strip().startswith(fence):
            j += 1
        marker = None
        k = i - 1
        while k >= 0 and not lines[k].strip():
            k -= 1
        if k >= 0 and (mm := MARKER.match(lines[k].strip())):
            marker = (mm.group("kind"), mm.group("arg"))
        out.append(Block(m.group("lang").lower(), i, j, lines[i + 1:j], marker))
        i = j + 1
    return out


# --------------------------------------------------------------------------------------------
# Masks
# --------------------------------------------------------------------------------------------

_ROUNDOFF = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?e-(?:0?[89]|[1-9]\d)\b")
_SECONDS = re.compile(r"\b\d+(?:\.\d+)?\s?s\b")
_TIME_LINE = re.compile(r"^(\s*Time:).*$", re.M)
_ANGLE = re.compile(r"(principal angle )-?\d+(?:\.\d+)?(?:e-?\d+)?")


def mask(text: str) -> str:
    """Hide what varies between runs: timings, principal angles and numbers below 1e-8 (round-off)."""
    text = _TIME_LINE.sub(r"\1 ...", text)
    text = _ANGLE.sub(r"\1~", text)  # float round-off of training: varies with the BLAS
    text = _ROUNDOFF.sub("~0", text)
    text = _SECONDS.sub("#s", text)
    return text


# --------------------------------------------------------------------------------------------
# CLI outputs
# --------------------------------------------------------------------------------------------


def run_cli(command: str, cwd: Path) -> str:
    """Run ``liealg ARGS`` in-process in ``cwd``; stdout then stderr, and the exit code if not 0."""
    from liealg import cli

    argv = shlex.split(command)
    if not argv or argv[0] != "liealg":
        raise ValueError(f"a cli-output block must start with '$ liealg ...', got {command!r}")
    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    old_columns = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "100"  # argparse wraps --help to the terminal: the same width everywhere
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(argv[1:])
            except SystemExit as exc:  # argparse's --help and usage errors
                code = exc.code if isinstance(exc.code, int) else 0
    finally:
        os.chdir(old)
        if old_columns is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = old_columns
    text = out.getvalue() + err.getvalue()
    text = text.replace(str(cwd) + os.sep, "")
    if code:
        text += f"(exit code {code})\n"
    return text


def _keep(lines: list[str], spec: str) -> list[str]:
    m = re.fullmatch(r"lines=([\d,\- ]+)", spec.strip())
    if not spec.strip():
        return lines
    if not m:
        raise ValueError(f"unknown cli-output option {spec!r}; use lines=1-10,20-")
    keep: list[int] = []
    for part in m.group(1).split(","):
        a, _, b = part.strip().partition("-")
        lo = int(a)
        hi = (int(b) if b else len(lines)) if "-" in part else lo
        keep.extend(range(lo, min(hi, len(lines)) + 1))
    out, last = [], 0
    for n in sorted(set(keep)):
        if n != last + 1:
            out.append("...")
        out.append(lines[n - 1])
        last = n
    if last < len(lines):
        out.append("...")
    return out


def cli_block_body(block: Block, cwd: Path) -> list[str]:
    command = block.body[0].removeprefix("$").strip()
    output = run_cli(command, cwd).rstrip("\n").split("\n")
    assert block.marker is not None
    return [block.body[0]] + _keep(output, block.marker[1])


# --------------------------------------------------------------------------------------------
# Generated regions
# --------------------------------------------------------------------------------------------


def catalog_table() -> list[str]:
    """Every catalog oracle: key, what it is, the algebra, dimension, Killing signature, type, real rank."""
    from liealg.catalog import oracles as catalog

    rows = ["| key | oracle | algebra | also | dim | Killing (+, −, 0) | complex type | real rank |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for key in catalog.keys():
        e = catalog.get(key)
        also = ", ".join(a for a in e.aliases if a != e.name)
        rows.append(f"| `{key}` | {e.title} | {e.name} | {also} | {e.dimension} | "
                    f"{tuple(e.killing_signature)} | {e.cartan_type or '–'} | {e.real_rank} |")
    return rows


def _record() -> ModuleType:
    """benchmarks/record.py (saved results, the reference code's figures), loaded from its file."""
    if "liealg_benchmarks_record" not in sys.modules:
        spec = importlib.util.spec_from_file_location("liealg_benchmarks_record", ROOT / "benchmarks" / "record.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return sys.modules["liealg_benchmarks_record"]


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|")


def _table(columns: list[str], rows: list[list[Any]]) -> list[str]:
    return (["| " + " | ".join(_cell(c) for c in columns) + " |", "| " + " | ".join("---" for _ in columns) + " |"]
            + ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows])


def _when(iso: str) -> str:
    t = datetime.datetime.fromisoformat(iso).astimezone(datetime.timezone.utc)
    return t.strftime("%Y-%m-%d %H:%M UTC")


def saved_benchmark(name: str, folder: Path | None = None) -> dict[str, Any]:
    """The saved result ``benchmarks/results/NAME.json`` (or in ``folder``)."""
    path = (BENCHMARK_RESULTS if folder is None else folder) / f"{name}.json"
    if not path.is_file():
        raise ValueError(f"no saved benchmark {path.name}: run its script with --save (benchmarks/record.py)")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def benchmark_table(name: str, folder: Path | None = None) -> list[str]:
    """A saved benchmark as Markdown: when, on what machine, how to reproduce it, its table and notes."""
    data = saved_benchmark(name, folder)
    lines = [f"Measured {_when(data['measured'])} on {_record().describe(data['machine'])}, with "
             f"`{data['command']}` (saved by `--save` in `benchmarks/results/{name}.json`).", ""]
    lines += _table(data["columns"], data["rows"])
    if data.get("notes"):
        lines.append("")
        lines += [f"* {note}" for note in data["notes"]]
    return lines


def reference_table() -> list[str]:
    """The reference code's figures (benchmarks/reference_code.json), each with its source."""
    data = json.loads((ROOT / "benchmarks" / "reference_code.json").read_text(encoding="utf-8"))
    rows = [[f["case"], f["figure"], f["what"], f["label"]] for f in data["figures"]]
    lines = _table(["case", "reference code", "what", "source"], rows)
    return lines + [""] + [f"* **{label}**: {text}." for label, text in data["sources"].items()]


def comparison_table(folder: Path | None = None) -> list[str]:
    """Each case the reference code has a figure for: liealg's saved measurements beside it."""
    record = _record()
    saved = {}
    for name in ("training", "catalog"):
        try:
            saved[name] = saved_benchmark(name, folder)
        except ValueError:
            continue

    def rows_of(name: str) -> dict[str, dict[str, str]]:
        data = saved.get(name)
        return {} if data is None else {r[0]: dict(zip(data["columns"], r)) for r in data["rows"]}

    training, catalog = rows_of("training"), rows_of("catalog")
    cases = list(dict.fromkeys(f["case"] for f in record.reference_figures()))
    rows = []
    for case in cases:
        ours = []
        if case in training:
            t = training[case]
            ours.append(f"training {t['train s']} s, exact solve {t['exact s']} s")
        if case in catalog and catalog[case].get("total s", "-") != "-":
            c = catalog[case]
            ours.append(f"end to end {c['total s']} s (certified and named right: {c['right']})")
        rows.append([case, "; ".join(ours) or "not in the saved results", record.reference_for(case)])
    when = ", ".join(f"`{name}.json` {_when(data['measured'])}" for name, data in saved.items())
    return (_table(["case", "liealg (saved measurements)", "reference code (source)"], rows)
            + ["", f"liealg's figures from {when or 'no saved results'}; the machines are given with each table "
               "below. The reference code's figures are its own, labelled by source (the next section)."])


GENERATORS: dict[str, Callable[[], list[str]]] = {"catalog-table": catalog_table,
                                                  "benchmark-reference": reference_table,
                                                  "benchmark-comparison": comparison_table}


def generator(name: str) -> Callable[[], list[str]] | None:
    """The generator of a region: one of ``GENERATORS``, or ``benchmark-X`` for a saved result X."""
    if name in GENERATORS:
        return GENERATORS[name]
    if name.startswith("benchmark-") and (BENCHMARK_RESULTS / f"{name.removeprefix('benchmark-')}.json").is_file():
        return lambda: benchmark_table(name.removeprefix("benchmark-"))
    return None


def _regions(lines: list[str]) -> Iterator[tuple[str, int, int]]:
    i = 0
    while i < len(lines):
        m = MARKER.match(lines[i].strip())
        if m and m.group("kind") == "generated":
            j = i + 1
            while j < len(lines) and not (MARKER.match(lines[j].strip()) and "end" in lines[j]):
                j += 1
            if j == len(lines):
                raise ValueError(f"line {i + 1}: '<!-- docs: generated ... -->' without '<!-- docs: end -->'")
            yield m.group("arg").strip(), i, j
            i = j
        i += 1


# --------------------------------------------------------------------------------------------
# A page, regenerated
# --------------------------------------------------------------------------------------------


def regenerate_page(path: Path) -> str:
    """The page's text with every cli-output block and generated region rewritten."""
    lines = path.read_text(encoding="utf-8").split("\n")
    with tempfile.TemporaryDirectory(prefix="liealg-docs-") as tmp:
        replacements = []  # commands run in page order: a later one may read a file an earlier one wrote
        for block in blocks(lines):
            if block.marker and block.marker[0] == "cli-output":
                replacements.append((block.start + 1, block.end, cli_block_body(block, Path(tmp))))
        for start, end, body in reversed(replacements):
            lines[start:end] = body
    for name, start, end in reversed(list(_regions(lines))):
        make = generator(name)
        if make is None:
            raise ValueError(f"{path}: unknown generated region {name!r}; known: {', '.join(GENERATORS)}, "
                             f"benchmark-X for benchmarks/results/X.json")
        lines[start + 1:end] = make()
    return "\n".join(lines)


def has_generated_content(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    return "docs: cli-output" in text or "docs: generated" in text


# --------------------------------------------------------------------------------------------
# Notebooks
# --------------------------------------------------------------------------------------------


_RESET = "get_ipython().run_line_magic('reset', '-f')\nimport matplotlib.pyplot as _plt\n_plt.close('all')\ndel _plt"


def execute_notebooks(paths: list[Path], *, timeout: int = 600, cwd: Path | None = None,
                      shared_kernel: bool = False) -> list:  # -> list[nbformat.NotebookNode]
    """Execute notebooks with nbclient (kernel python3); return them with their outputs.

    ``shared_kernel=True`` runs them one after another in one kernel (torch and sympy are imported
    once), clearing the user namespace (``%reset -f``) and matplotlib's figures before each, so a
    notebook that forgets an import still fails. The tests use it; the committed notebooks are
    executed each in a fresh kernel.
    """
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    out = []
    with tempfile.TemporaryDirectory(prefix="liealg-nb-") as tmp:
        where = str(cwd or tmp)
        km = None
        if shared_kernel:
            km = KernelManager(kernel_name="python3")
            km.start_kernel(cwd=where)
        try:
            for path in paths:
                nb = nbformat.read(path, as_version=4)
                if km is not None:
                    nb.cells.insert(0, nbformat.v4.new_code_cell(_RESET))
                client = NotebookClient(nb, km=km, timeout=timeout, kernel_name="python3",
                                        resources={"metadata": {"path": where}})
                try:
                    client.execute()
                finally:
                    if km is not None and client.kc is not None:  # ours to close: nbclient keeps it
                        client.kc.stop_channels()
                if km is not None:
                    nb.cells.pop(0)
                for cell in nb.cells:  # volatile metadata out, so a re-run changes only what changed
                    cell.get("metadata", {}).pop("execution", None)
                out.append(nb)
        finally:
            if km is not None:
                km.shutdown_kernel(now=True)
    return out


def execute_notebook(path: Path, *, timeout: int = 600, cwd: Path | None = None):  # -> nbformat.NotebookNode
    """Execute one notebook in a fresh kernel and return it with its outputs."""
    return execute_notebooks([path], timeout=timeout, cwd=cwd)[0]


def notebook_text(nb) -> list[str]:
    """The text outputs of each code cell (stream and text/plain), masked."""
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        parts = []
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                parts.append(o.get("text", ""))
            elif "data" in o and "text/plain" in o["data"]:
                parts.append(o["data"]["text/plain"])
        out.append(mask("".join(parts)))
    return out


# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="report pages that are out of date; change nothing")
    ap.add_argument("--notebooks", action="store_true", help="also re-execute examples/notebooks/*.ipynb in place")
    ap.add_argument("files", nargs="*", type=Path, help="pages to regenerate (default: all)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    stale = []
    for path in [p.resolve() for p in args.files] or pages():
        if not has_generated_content(path):
            continue
        old = path.read_text(encoding="utf-8")
        new = regenerate_page(path)
        if mask(new) != mask(old):
            stale.append(path)
            if not args.check:
                path.write_text(new, encoding="utf-8")
        print(f"{'stale' if mask(new) != mask(old) else 'current'}: {path.relative_to(ROOT)}")
    if args.notebooks and not args.check:
        import nbformat

        for path in sorted(NOTEBOOKS.glob("*.ipynb")):
            nbformat.write(execute_notebook(path), path)
            print(f"executed: {path.relative_to(ROOT)}")
    if args.check and stale:
        print("out of date (run python scripts/regenerate_docs.py):", ", ".join(str(p) for p in stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
