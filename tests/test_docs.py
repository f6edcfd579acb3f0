"""Docs that hold: every snippet in README.md and docs/ runs, every shown output is current, and
the site builds with warnings as errors.

* each page's ```python blocks run in order, in one namespace, in a temporary folder (a block
  after ``<!-- docs: no-run (REASON) -->`` is skipped; the reason is required);
* every ``liealg ...`` line in a bash/console block parses with the real argument parser (the
  flags exist), without running it;
* every ``<!-- docs: cli-output -->`` block and ``<!-- docs: generated NAME -->`` region equals
  what ``scripts/regenerate_docs.py`` produces now (timings and round-off masked);
* the notebooks (examples/notebooks/*.ipynb) run, and each shows its headline answer (so(3,1),
  su(3) and its Gell-Mann structure constants, g2 as derivations of the octonions, the
  two-Higgs-doublet symmetry map, symmetry breaking at a vacuum and by an added term), both
  freshly executed and in the committed outputs;
* ``mkdocs build --strict`` succeeds (the site: docs/, mkdocs.yml, the API reference from the
  docstrings, the pictures and the notebooks just executed).

Time (2 cores shared with other jobs): the notebooks about 45 s (one kernel for five), the site
about 25 s, the snippets about 10 s. Marked slow: docs/sweeps.md's snippet (it starts worker
processes, about 20 s) and the digits notebook (training, about 30 s; the default run checks its
committed outputs).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("regenerate_docs", ROOT / "scripts" / "regenerate_docs.py")
assert _spec is not None and _spec.loader is not None
regen = importlib.util.module_from_spec(_spec)
sys.modules["regenerate_docs"] = regen
_spec.loader.exec_module(regen)

PAGES = regen.pages()

# Pages of other engineers whose snippets do not run as written; strict xfails, so a fix shows
# up as XPASS and the entry must go. Reasons are reported to the page's owner.
KNOWN_FAILING = {
}


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _python_blocks(path: Path) -> list[regen.Block]:
    lines = path.read_text(encoding="utf-8").split("\n")
    return [b for b in regen.blocks(lines) if b.lang in ("python", "py")]


# Pages whose snippets take more than ~10 s: their test is marked slow (the reason says why).
SLOW_PAGES = {"docs/sweeps.md": "starts a pool of worker processes (about 20 s on 2 cores)"}

PYTHON_PAGES = [pytest.param(p, id=_id(p), marks=[pytest.mark.slow] if _id(p) in SLOW_PAGES else [])
                for p in PAGES if _python_blocks(p)]


@pytest.mark.parametrize("page", PYTHON_PAGES)
def test_python_snippets_run(page, tmp_path, monkeypatch):
    if _id(page) in KNOWN_FAILING:
        pytest.xfail(KNOWN_FAILING[_id(page)])
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    ran = 0
    for block in _python_blocks(page):
        if block.marker and block.marker[0] == "no-run":
            continue
        code = "\n".join(block.body)
        try:
            exec(compile(code, f"{_id(page)}:{block.start + 2}", "exec"), namespace)
        except Exception as exc:
            raise AssertionError(f"{_id(page)}, the block at line {block.start + 1} fails: "
                                 f"{type(exc).__name__}: {exc}") from exc
        ran += 1
    assert ran or all(b.marker for b in _python_blocks(page))


def test_no_run_markers_give_a_reason():
    bad = []
    for page in PAGES:
        for block in regen.blocks(page.read_text(encoding="utf-8").split("\n")):
            if block.marker and block.marker[0] == "no-run" and not block.marker[1].strip("() "):
                bad.append(f"{_id(page)}:{block.start}")
    assert not bad, f"no-run markers without a reason: {bad}"


def _shell_commands(page: Path) -> list[tuple[int, list[str]]]:
    out = []
    for block in regen.blocks(page.read_text(encoding="utf-8").split("\n")):
        if block.lang not in ("bash", "sh", "console", "shell"):
            continue
        for n, line in enumerate(block.body):
            if block.lang == "console" and not line.startswith("$ "):
                continue  # a console block: commands after "$ ", the rest is their output
            text = line.strip().removeprefix("$ ")
            for part in text.split("&&"):
                words = shlex.split(part, comments=True)
                if words and words[0] == "liealg":
                    out.append((block.start + n + 2, words[1:]))
    return out


SHELL_PAGES = [p for p in PAGES if _shell_commands(p)]


@pytest.mark.parametrize("page", SHELL_PAGES, ids=_id)
def test_shell_commands_use_real_flags(page, capsys):
    from liealg.cli import build_parser

    parser = build_parser()
    for line, argv in _shell_commands(page):
        try:
            parser.parse_args(argv)
        except SystemExit as exc:
            if exc.code:
                err = capsys.readouterr().err.strip().splitlines()[-1:]
                raise AssertionError(f"{_id(page)}:{line}: liealg {shlex.join(argv)}: {err}") from None


def test_cli_page_shows_every_command():
    """docs/cli.md shows the real --help of every subcommand the parser has."""
    import argparse

    from liealg.cli import build_parser

    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    subparsers = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    missing = [name for name in subparsers.choices if f"$ liealg {name} --help" not in text]
    assert not missing, (f"add a '<!-- docs: cli-output -->' block with '$ liealg NAME --help' to docs/cli.md "
                         f"for {missing}")


GENERATED_PAGES = [p for p in PAGES if regen.has_generated_content(p)]


@pytest.mark.parametrize("page", GENERATED_PAGES, ids=_id)
def test_shown_outputs_are_current(page):
    """What a page shows is what the code prints now (python scripts/regenerate_docs.py)."""
    old = page.read_text(encoding="utf-8")
    new = regen.regenerate_page(page)
    old_lines, new_lines = regen.mask(old).split("\n"), regen.mask(new).split("\n")
    diff = [f"line {i + 1}:\n  shown: {a}\n  now:   {b}"
            for i, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b]
    assert old_lines == new_lines, (f"{_id(page)} is out of date; run python scripts/regenerate_docs.py\n"
                                    + "\n".join(diff[:10]))


def test_mask_hides_only_what_varies():
    assert regen.mask("Loss: invariance 5.1e-17, total 2.4e-3") == "Loss: invariance ~0, total 2.4e-3"
    assert regen.mask("Final loss: 1.4e-15; time 1.81 s") == "Final loss: ~0; time #s"
    assert regen.mask("Time: train 0.12s, exact 0.01s") == "Time: ..."
    assert regen.mask("dim 3, (0, 3, 0), 1e-6") == "dim 3, (0, 3, 0), 1e-6"


def test_cli_output_lines_option():
    lines = [str(i) for i in range(1, 8)]
    assert regen._keep(lines, "lines=1-2,5") == ["1", "2", "...", "5", "..."]
    assert regen._keep(lines, "lines=6-") == ["...", "6", "7"]
    assert regen._keep(lines, "") == lines


# --------------------------------------------------------------------------------------------
# Benchmarks: tables generated from saved results, never typed by hand
# --------------------------------------------------------------------------------------------

BENCHMARK_PAGE = ROOT / "docs" / "benchmarks.md"


def test_benchmark_page_shows_no_hand_typed_figure():
    """Every table row or code line of docs/benchmarks.md with a number in it is generated."""
    lines = BENCHMARK_PAGE.read_text(encoding="utf-8").split("\n")
    regions = list(regen._regions(lines))
    generated = {i for _, start, end in regions for i in range(start, end + 1)}
    fenced = {i for b in regen.blocks(lines) for i in range(b.start, b.end + 1)}
    typed = [f"line {i + 1}: {line}" for i, line in enumerate(lines)
             if i not in generated and (line.lstrip().startswith("|") or i in fenced)
             and re.search(r"\d", re.sub(r"\]\([^)]*\)", "]", line))]  # a link's target may hold digits
    assert not typed, "figures typed by hand on the benchmark page:\n" + "\n".join(typed)
    names = {name for name, _, _ in regions}
    assert {"benchmark-comparison", "benchmark-reference", "benchmark-training", "benchmark-catalog",
            "benchmark-identify", "benchmark-start"} <= names


@pytest.mark.parametrize("path", sorted(regen.BENCHMARK_RESULTS.glob("*.json")), ids=lambda p: p.name)
def test_saved_benchmark_says_when_where_and_how(path):
    import datetime

    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["benchmark"] == path.stem
    when = datetime.datetime.fromisoformat(data["measured"])
    assert when.tzinfo is not None and when.year >= 2026
    assert data["machine"]["cpu"] and data["machine"]["cores"] >= 1 and data["machine"]["python"]
    assert data["command"].startswith(f"python {data['script']}") and (ROOT / data["script"]).is_file()
    assert data["rows"] and all(len(row) == len(data["columns"]) for row in data["rows"])


def test_benchmark_table_from_a_saved_result(tmp_path):
    import datetime

    record = regen._record()
    path = record.save("demo", title="demo", script="benchmarks/bench_demo.py",
                       command="python benchmarks/bench_demo.py", columns=["case", "time s"],
                       rows=[["so(3)", "0.25"], ["a|b", 1]], notes=["a note"], folder=tmp_path)
    machine = json.loads(path.read_text(encoding="utf-8"))["machine"]
    lines = regen.benchmark_table("demo", folder=tmp_path)
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    assert lines[0].startswith(f"Measured {today} ") and record.describe(machine) in lines[0]
    assert "`python benchmarks/bench_demo.py`" in lines[0]
    assert lines[2:6] == ["| case | time s |", "| --- | --- |", "| so(3) | 0.25 |", "| a\\|b | 1 |"]
    assert lines[-1] == "* a note"
    with pytest.raises(ValueError, match="2 cells"):
        record.save("bad", title="", script="", command="", columns=["a", "b"], rows=[["x"]], folder=tmp_path)
    with pytest.raises(ValueError, match="--save"):
        regen.benchmark_table("missing", folder=tmp_path)


def test_comparison_puts_the_reference_figures_beside_saved_results(tmp_path):
    record = regen._record()
    record.save("training", title="", script="benchmarks/bench_training.py",
                command="python benchmarks/bench_training.py", columns=["case", "dim", "train s", "exact s"],
                rows=[["so(10)", "45", "0.38", "0.008"]], folder=tmp_path)
    lines = regen.comparison_table(folder=tmp_path)
    so10 = next(line for line in lines if line.startswith("| so(10) |"))
    assert "training 0.38 s, exact solve 0.008 s" in so10 and "790 s (published)" in so10
    su3 = next(line for line in lines if line.startswith("| su(3) |"))
    assert "not in the saved results" in su3 and "908 s (published)" in su3
    # every reference figure names a source the page explains
    data = json.loads((ROOT / "benchmarks" / "reference_code.json").read_text(encoding="utf-8"))
    assert {f["label"] for f in data["figures"]} <= set(data["sources"])
    assert any(line.startswith("* **measured here**") for line in regen.reference_table())


# --------------------------------------------------------------------------------------------
# Notebooks
# --------------------------------------------------------------------------------------------

NOTEBOOKS = sorted(regen.NOTEBOOKS.glob("*.ipynb"))


def _lines(nb) -> list[str]:
    return [line.strip() for text in regen.notebook_text(nb) for line in text.split("\n")]


def _grid_2hdm() -> list[list[int]]:
    """The symmetry map by hand (examples/sweep_2hdm.py derives each case): with m12 = l6 = l7 = 0,
    the gauge su(2) + u(1) (4); l5 = 0 adds Peccei-Quinn (5); l5 = +-l4 != 0 a custodial su(2) (6);
    l4 = l5 = 0: so(4) + so(4) (12). Rows l5, columns l4, both -1, -1/2, 0, 1/2, 1."""
    values = [-2, -1, 0, 1, 2]
    def dim(l4: int, l5: int) -> int:
        if l4 == l5 == 0:
            return 12
        if l5 == 0:
            return 5
        return 6 if abs(l5) == abs(l4) else 4
    return [[dim(l4, l5) for l4 in values] for l5 in values]


def check_lorentz(lines: list[str]) -> None:
    assert "so(3,1)" in lines and "generators: 6 | certified: True" in lines
    kinds = next(line for line in lines if line.startswith("['rotation'"))
    assert kinds.count("rotation") == 3 and kinds.count("boost") == 3
    assert "L := LieAlgebraByStructureConstants(Rationals, T);;" in lines


def check_su3(lines: list[str]) -> None:
    assert "su(3)" in lines and "generators: 8 | certified: True" in lines
    assert "rank learned: 8 | rank learned + Gell-Mann: 8" in lines  # the span of i lambda_a
    assert "every generator anti-Hermitian and traceless: True" in lines
    # the textbook structure constants of the Gell-Mann basis
    assert "f_123 = 1 | f_147 = 1/2 | f_458 = sqrt(3)/2 | f_678 = sqrt(3)/2" in lines


def check_g2(lines: list[str]) -> None:
    assert "g2" in lines and "the 3-form has 42 terms" in lines
    assert "generators: 14 | certified: True | Killing signature: (0, 14, 0)" in lines
    assert "every generator is a derivation of O: True" in lines


def check_2hdm(lines: list[str]) -> None:
    assert "su(2) ⊕ u(1) | dimension 4" in lines
    assert "Peccei-Quinn  l4=-1/5, l5=0: su(2) ⊕ u(1)^2 (dimension 5)" in lines
    assert "custodial     l4=-1/5, l5=-1/5: su(2) ⊕ su(2) (dimension 6)" in lines
    rows = [[int(v) for v in m.split()] for line in lines for m in re.findall(r"\[([\d ]+)\]", line)]
    assert rows == _grid_2hdm()
    assert "12 su(2) ⊕ su(2) ⊕ su(2) ⊕ su(2)" in lines


def check_digits(lines: list[str]) -> None:
    line = next(line for line in lines if line.startswith("class kept along the flow:"))
    flow, control = (float(v) for v in re.findall(r"([\d.]+)%", line))
    assert flow > control and "the flow keeps the class better than the control: True" in lines
    assert "classifier on latent codes: held-out accuracy 1.000" in lines


def check_breaking(lines: list[str]) -> None:
    # By hand: so(4) = su(2) + su(2) (6) fixing a vector of R^4 leaves so(3) (3), so 3 broken;
    # su(5) (24) at diag(2,2,2,-3,-3) leaves the block-diagonal s(u(3) + u(2)) = su(3) + su(2) + u(1)
    # (8 + 3 + 1 = 12), so 24 - 12 = 12 broken; x4**4 leaves the rotations of x1..x3.
    assert "SM Higgs at h3=1: su(2) ⊕ su(2) (so(4)) -> su(2) (so(3)) | unbroken 3 | broken 3" in lines
    assert ("SU(5) adjoint at diag(2,2,2,-3,-3): su(5) -> su(3) ⊕ su(2) ⊕ u(1) | unbroken 12 | broken 12"
            in lines)
    assert "x4**4: su(2) ⊕ su(2) (so(4)) -> su(2) (so(3)) | residual 3 | broken 3" in lines
    assert "residual generators fix x4: True" in lines
    assert lines.count("trained and certified: train True") == 2
    # Goldstone's theorem, counted from the mass matrix (autograd Hessian), not from the stabilizer;
    # SU(5): the massive (8,1), (1,3), (1,1) with m2(1,3) = 4 m2(8,1) (c = 0)
    assert "mass matrix: 3 zero eigenvalues (Goldstones), 1 positive" in lines
    assert "mass matrix: 12 zero eigenvalues (Goldstones), 12 positive" in lines
    assert "masses squared (multiplicity): 0 (12), 0.3571 (8), 1.429 (3), 2 (1)" in lines
    assert lines.count("Goldstone directions W v: 3 independent, all massless: True") == 1
    assert lines.count("Goldstone directions W v: 12 independent, all massless: True") == 1


HEADLINES = {"lorentz": check_lorentz, "su3_gell_mann": check_su3, "g2_octonions": check_g2,
             "two_higgs_doublet": check_2hdm, "digits_flows": check_digits, "symmetry_breaking": check_breaking}
# Notebooks that train for more than ~10 s: executed by a slow test (in a fresh kernel); the
# default run checks their committed outputs and renders those in the site.
SLOW_NOTEBOOKS = {"digits_flows": "trains an autoencoder, a classifier and a field (about 30 s)"}


def test_every_notebook_has_a_headline_check():
    assert sorted(p.stem for p in NOTEBOOKS) == sorted(HEADLINES)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Every notebook, executed now (one kernel, namespace cleared between notebooks)."""
    import nbformat

    paths = [p for p in NOTEBOOKS if p.stem not in SLOW_NOTEBOOKS]
    nbs = regen.execute_notebooks(paths, shared_kernel=True, timeout=300)
    folder = tmp_path_factory.mktemp("notebooks")
    for path, nb in zip(paths, nbs):
        nbformat.write(nb, folder / path.name)
    return folder


def _check_executed(nb, name: str) -> None:
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error"
            assert not (out.get("output_type") == "stream" and out.get("name") == "stderr"), out.get("text")
    HEADLINES[name](_lines(nb))


@pytest.mark.parametrize("name", sorted(set(HEADLINES) - set(SLOW_NOTEBOOKS)))
def test_notebook_gives_its_headline_answer(executed, name):
    import nbformat

    _check_executed(nbformat.read(executed / f"{name}.ipynb", as_version=4), name)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SLOW_NOTEBOOKS))
def test_slow_notebook_gives_its_headline_answer(name):
    _check_executed(regen.execute_notebook(regen.NOTEBOOKS / f"{name}.ipynb", timeout=600), name)


@pytest.mark.parametrize("name", sorted(HEADLINES))
def test_committed_notebook_shows_the_answer(name):
    """The outputs kept in the repository (GitHub shows them) say the same; refresh them with
    python scripts/regenerate_docs.py --notebooks."""
    import nbformat

    nb = nbformat.read(regen.NOTEBOOKS / f"{name}.ipynb", as_version=4)
    assert all(c.get("outputs") for c in nb.cells if c.cell_type == "code"), "run the notebooks and commit them"
    HEADLINES[name](_lines(nb))


# --------------------------------------------------------------------------------------------
# The site
# --------------------------------------------------------------------------------------------


def test_site_builds_strict(tmp_path, executed):
    """The site builds with warnings as errors (broken links, missing pages, bad docstrings),
    with the notebooks just executed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LIEALG_NOTEBOOKS": str(executed), "NO_MKDOCS_2_WARNING": "1"}
    site = tmp_path / "site"
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                       cwd=ROOT, capture_output=True, text=True, timeout=900, env=env)
    assert r.returncode == 0, r.stderr[-4000:]
    for page in ("index.html", "concepts/index.html", "cli/index.html", "api/index.html", "catalog/index.html",
                 "interop/index.html", "display/index.html", "diagrams/index.html", "json/index.html",
                 "errors/index.html"):
        assert (site / page).is_file(), page
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Set-up and the two commands" in home and 'href="cli/"' in home  # README, its links pointed at the site
    api = (site / "api" / "index.html").read_text(encoding="utf-8")
    for name in ("liealg.pipeline.discover", "liealg.oracle.Oracle", "liealg.algebra.LieAlgebra",
                 "liealg.identification.identify", "liealg.config.TrainConfig", "liealg.losses.LinearLosses"):
        assert f'id="{name}"' in api, name
    # the pictures: made by the build, one Dynkin diagram and one root system per simple ideal
    svgs = sorted(p.name for p in (site / "img" / "generated").glob("*.svg"))
    assert "g2-0-dynkin.svg" in svgs and "so8-0-roots.svg" in svgs
    g2 = (site / "img" / "generated" / "g2-0-roots.svg").read_text(encoding="utf-8")
    assert g2.count("<circle") == 12 + 1  # 12 roots and the origin
    # the notebooks, rendered with their outputs: the answer and the card with its diagrams
    for name, answer in (("lorentz", "so(3,1)"), ("su3_gell_mann", "f_458 = sqrt(3)/2"),
                         ("g2_octonions", "derivation of O: True"), ("two_higgs_doublet", "data:image/png"),
                         ("symmetry_breaking", "su(3) ⊕ su(2) ⊕ u(1) | unbroken 12"),
                         ("digits_flows", "data:image/png")):  # the last: its committed outputs
        text = (site / "notebooks" / name / "index.html").read_text(encoding="utf-8")
        assert answer in text, (name, answer)
    assert "<svg" in (site / "notebooks" / "lorentz" / "index.html").read_text(encoding="utf-8")
    search = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any(d["location"].startswith("interop/") for d in search["docs"])
