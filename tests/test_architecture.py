"""The import rules of docs/architecture.md, checked on the source.

* Imports flow one way: a module imports (at import time) only modules that come before it in
  the pipeline order below.
* No module imports another module's private names (``from liealg.x import _y``).
* The exact half (parsing, io, exact, algebra, identification) never imports torch at import
  time: ``liealg identify`` and exact work start without it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "liealg"

# The pipeline order of docs/architecture.md: each module may import only those before it.
ORDER = [
    "errors",
    "config",
    "parsing",
    "exact.linalg",
    "exact.fields",
    "exact.solver",
    "exact.rationalize",
    "exact.certify",
    "exact.polyfields",
    "exact",
    "algebra",
    "io",
    "identification",
    "structure",
    "interop",
    "display",
    "numeric_identification",
    "oracle",
    "catalog.octonions",
    "catalog.jordan",
    "catalog.algebras",
    "catalog.exceptional",
    "catalog.freudenthal",
    "catalog.physics",
    "catalog.oracles",
    "catalog",
    "generators.linear",
    "generators.fields",
    "generators",
    "losses",
    "optim",
    "engine",
    "training",
    "nonlinear",
    "flows",
    "report",
    "plots",
    "data",
    "subalgebras",
    "pipeline",
    "sweeps",
    "testing",
    "cli",
]
TORCH_FREE = ["liealg.parsing", "liealg.io", "liealg.exact", "liealg.algebra", "liealg.identification",
              "liealg.structure", "liealg.numeric_identification", "liealg.config", "liealg.errors",
              "liealg.interop", "liealg.display"]


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join(parts)


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py"))


def import_time_imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) imported at module level, outside ``if TYPE_CHECKING:`` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[tuple[str, list[str]]] = []

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.Import):
                out.extend((alias.name, []) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                out.append((node.module, [a.name for a in node.names]))
            elif isinstance(node, (ast.If, ast.Try)):
                visit(node.body)
                visit(getattr(node, "orelse", []))

    visit(tree.body)
    return out


def rank(name: str) -> int:
    """Position of a liealg module (or of the package owning it) in ORDER."""
    while name:
        if name in ORDER:
            return ORDER.index(name)
        name = name.rpartition(".")[0]
    raise AssertionError(f"module liealg.{name} is not placed in ORDER (docs/architecture.md)")


def test_every_module_is_placed_in_the_order():
    for path in modules():
        name = module_name(path)
        if name:  # the package's own __init__ re-exports everything lazily
            rank(name)


def test_imports_flow_one_way():
    bad = []
    for path in modules():
        name = module_name(path)
        if not name:
            continue
        for imported, names in import_time_imports(path):
            if not imported.startswith("liealg.") and imported != "liealg":
                continue
            targets = [f"{imported}.{n}" for n in names if f"{imported}.{n}".removeprefix("liealg.") in ORDER]
            for target in targets or [imported]:
                short = target.removeprefix("liealg.").removeprefix("liealg")
                if not short or short == name or name.startswith(short + "."):
                    continue  # the package itself, or a package importing its own modules
                if rank(short) >= rank(name) and not short.startswith(name + "."):
                    bad.append(f"liealg.{name} imports liealg.{short}")
    assert not bad, "imports that flow backwards:\n" + "\n".join(bad)


def test_no_private_imports_across_modules():
    bad = []
    for path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("liealg"):
                bad += [f"{module_name(path)}: from {node.module} import {a.name}"
                        for a in node.names if a.name.startswith("_") and a.name != "__version__"]
    assert not bad, "private names imported across modules:\n" + "\n".join(bad)


@pytest.mark.parametrize("module", TORCH_FREE)
def test_exact_half_does_not_import_torch(module):
    code = f"import sys, {module}; print('torch' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "False", f"importing {module} imported torch"


def test_help_and_identify_start_without_torch(tmp_path):
    """`liealg --help` and `liealg identify` never import torch (issue: a fast start)."""
    from liealg import io
    from liealg.algebra import LieAlgebra

    so3 = LieAlgebra.from_structure_constants(3, [[0, 1, 2, 1], [1, 2, 0, 1], [0, 2, 1, -1]])
    io.save_structure_constants(so3, tmp_path / "so3.json")
    code = ("import sys, contextlib, io as _io\n"
            "from liealg import cli\n"
            "with contextlib.redirect_stdout(_io.StringIO()):\n"
            "    try:\n        cli.main(['--help'])\n    except SystemExit:\n        pass\n"
            f"    assert cli.main(['identify', '--structure-constants', {str(tmp_path / 'so3.json')!r}]) == 0\n"
            "print('torch' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "False"
