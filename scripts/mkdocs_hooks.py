"""MkDocs hooks: the pages and pictures the site generates instead of keeping by hand.

Registered in ``mkdocs.yml`` (``hooks:``); ``mkdocs build --strict`` runs them, and so does
``tests/test_docs.py``. They add, as generated files (nothing is written into ``docs/``):

* ``index.md``: README.md, with its ``docs/X.md`` links pointed at the site's pages;
* ``diagrams.md`` and ``img/generated/*.svg``: Dynkin diagrams and root systems of catalog
  algebras, drawn by :mod:`liealg.display` from what :func:`liealg.identify` certifies;
* ``notebooks/NAME.md``: each ``examples/notebooks/NAME.ipynb`` with its outputs (text, HTML,
  LaTeX, PNG). With ``LIEALG_NOTEBOOKS=DIR`` a notebook that ``DIR`` also has is read from there
  (the test executes them into a temporary folder and builds the site from those).

Links from a page to files outside ``docs/`` (``../examples/g2.py``) cannot work on a site; they
are shown as the path in code.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "examples" / "notebooks"

#: (file stem, title, catalog key) of the algebras drawn on the diagrams page; small ones, so the
#: build stays fast (identify of each takes well under a second).
DIAGRAMS = (
    ("so31", "Lorentz algebra so(3,1)", "so(3,1)"),
    ("su3", "su(3)", "su(3)"),
    ("sp4", "sp(4,R) = so(3,2)", "sp(4,R)"),
    ("so8", "so(8): triality", "so(8)"),
    ("g2", "g2 from the octonions", "g2"),
)


# --------------------------------------------------------------------------------------------
# README as the home page
# --------------------------------------------------------------------------------------------


def readme_page() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.sub(r"\]\(docs/([^)]+)\)", r"](\1)", text)


# --------------------------------------------------------------------------------------------
# Diagrams of catalog algebras
# --------------------------------------------------------------------------------------------


def diagrams() -> tuple[str, dict[str, str]]:
    """The diagrams page and its SVG files (``{path: svg}``)."""
    from liealg import display
    from liealg.algebra import LieAlgebra
    from liealg.catalog import oracles as catalog
    from liealg.exact.solver import solve_symmetries
    from liealg.identification import identify

    lines = ["# Dynkin diagrams and root systems", "",
             "Drawn when the site is built (`scripts/mkdocs_hooks.py`): for each algebra the exact solver",
             "finds the symmetry algebra of the catalog oracle, `liealg.identify` names it and certifies its",
             "Cartan matrix and roots, and `liealg.display.dynkin_svg` / `roots_svg` draw them (roots",
             "projected to the Coxeter plane; arrows point to the shorter root). The same pictures appear",
             "inline in Jupyter (`_repr_html_`, see [Rich display](display.md)).", ""]
    files: dict[str, str] = {}
    for stem, title, key in DIAGRAMS:
        entry = catalog.get(key)
        ident = identify(LieAlgebra.from_matrices(solve_symmetries(entry.oracle())))
        lines += [f"## {title}", "", f"`liealg.catalog.get({key!r})`: {entry.title}. Identified as "
                  f"**{ident.name}**, dimension {ident.dimension}, complex type {ident.cartan_type}, "
                  f"Killing signature {ident.killing_signature}.", ""]
        for n, ideal in enumerate(ident.ideals):
            dyn = f"img/generated/{stem}-{n}-dynkin.svg"
            roots = f"img/generated/{stem}-{n}-roots.svg"
            files[dyn] = display.dynkin_svg(ideal.cartan_matrix, title=ideal.type)
            files[roots] = display.roots_svg(ideal.roots, ideal.cartan_matrix, title=f"{ideal.type} roots")
            lines += [f"![Dynkin diagram of {ideal.type}]({dyn}) ![roots of {ideal.type}]({roots})", ""]
    return "\n".join(lines), files


# --------------------------------------------------------------------------------------------
# Notebooks as pages
# --------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _fence(text: str, lang: str = "") -> str:
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return f"{ticks}{lang}\n{text.rstrip()}\n{ticks}"


def _output(out: dict[str, Any]) -> str:
    kind = out.get("output_type")
    if kind == "stream":
        return _fence(_text(out.get("text", "")), "text")
    if kind == "error":
        return _fence(f"{out.get('ename')}: {out.get('evalue')}", "text")
    data = out.get("data", {})
    if "text/html" in data:
        return '<div class="nb-output" markdown="0">\n' + _text(data["text/html"]).strip() + "\n</div>"
    if "image/svg+xml" in data:
        return '<div class="nb-output" markdown="0">\n' + _text(data["image/svg+xml"]).strip() + "\n</div>"
    if "image/png" in data:
        return f'<img alt="output" src="data:image/png;base64,{_text(data["image/png"]).strip()}">'
    if "text/latex" in data:
        return _text(data["text/latex"]).strip()
    if "text/plain" in data:
        return _fence(_text(data["text/plain"]), "text")
    return ""


def notebook_page(path: Path) -> str:
    """A notebook as Markdown: its Markdown cells, its code in ``python`` blocks, its outputs."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    parts = [f"<!-- generated from examples/notebooks/{path.name} by scripts/mkdocs_hooks.py -->",
             f"!!! note \"Notebook\"\n    `examples/notebooks/{path.name}`; this page shows its outputs "
             "as executed.", ""]
    for cell in nb.get("cells", []):
        source = _text(cell.get("source", ""))
        if cell.get("cell_type") == "markdown":
            parts.append(source)
        elif cell.get("cell_type") == "code":
            if source.strip():
                parts.append(_fence(source, "python"))
            parts += [o for o in (_output(out) for out in cell.get("outputs", [])) if o]
    return "\n\n".join(parts) + "\n"


def notebooks() -> list[Path]:
    """Each notebook of examples/notebooks, from ``$LIEALG_NOTEBOOKS`` where that folder has it."""
    fresh = Path(os.environ["LIEALG_NOTEBOOKS"]) if os.environ.get("LIEALG_NOTEBOOKS") else None
    return [fresh / nb.name if fresh is not None and (fresh / nb.name).is_file() else nb
            for nb in sorted(NOTEBOOKS.glob("*.ipynb"))]


# --------------------------------------------------------------------------------------------
# The hooks
# --------------------------------------------------------------------------------------------


def on_files(files: Files, config: Any) -> Files:
    files.append(File.generated(config, "index.md", content=readme_page()))
    page, svgs = diagrams()
    files.append(File.generated(config, "diagrams.md", content=page))
    for path, svg in svgs.items():
        files.append(File.generated(config, path, content=svg))
    for nb in notebooks():
        files.append(File.generated(config, f"notebooks/{nb.stem}.md", content=notebook_page(nb)))
    return files


_OUTSIDE = re.compile(r"\[([^\]]+)\]\(\.\./([^)#\s]+)(#[^)\s]*)?\)")


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """Links to files outside docs/ (scripts, tests, README) become the path in code."""
    def repl(m: re.Match[str]) -> str:
        label, target = m.group(1), m.group(2)
        if target == "README.md":
            return f"[{label}](index.md)" if page.file.src_uri.count("/") == 0 else label
        return label if label.startswith("`") else f"{label} (`{html.escape(target)}`)"

    return _OUTSIDE.sub(repl, markdown)

