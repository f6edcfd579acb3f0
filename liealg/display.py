"""Rich display for Jupyter and papers: HTML, LaTeX, and inline SVG Dynkin and root diagrams.

The rendering behind the ``_repr_html_``, ``_repr_latex_`` and ``to_latex`` methods of
:class:`~liealg.pipeline.Discovery`, :class:`~liealg.algebra.LieAlgebra` and
:class:`~liealg.identification.Identification` lives here, so those classes stay small:

* :func:`discovery_html`, :func:`algebra_html`, :func:`identification_html`: a readable card
  (name, real form, dimension, Killing signature, a compact table of generators or brackets, the
  Dynkin and root diagrams of each simple ideal as inline SVG);
* :func:`discovery_latex`, :func:`algebra_latex`, :func:`identification_latex`: display math
  for Jupyter (``$$...$$``: the generators as ``pmatrix``, the brackets);
* :func:`to_latex`: a ``table`` for a paper, for any of the three;
* :func:`dynkin_svg`, :func:`roots_svg`: the pictures alone (an ``<svg>`` string), drawn from
  the Cartan matrix and the roots that identification certified; no matplotlib, nothing written
  to disk.

Every function takes the object and returns a ``str``; none changes it. Torch-free.

>>> from liealg.algebra import LieAlgebra
>>> L = LieAlgebra.from_structure_constants(3, [[0, 1, 2, 1], [1, 2, 0, 1], [0, 2, 1, -1]])
>>> print(latex_name("so(3,1)"), latex_name("su(2) ⊕ u(1)"), latex_name("E6(-26)"))
\\mathfrak{so}(3,1) \\mathfrak{su}(2) \\oplus \\mathfrak{u}(1) E_{6(-26)}
>>> print(brackets_latex(L))
[e_{1}, e_{2}] &= e_{3} \\\\
[e_{1}, e_{3}] &= -e_{2} \\\\
[e_{2}, e_{3}] &= e_{1}
"""

from __future__ import annotations

import cmath
import html
import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import sympy as sp

from liealg.algebra import LieAlgebra

__all__ = [
    "latex_name",
    "matrix_html",
    "brackets_latex",
    "dynkin_svg",
    "roots_svg",
    "identification_html",
    "identification_latex",
    "algebra_html",
    "algebra_latex",
    "discovery_html",
    "discovery_latex",
    "to_latex",
]

#: Shown in full up to this many generators / brackets; the rest are counted.
MAX_SHOWN = 12
#: Above this dimension, ``algebra_html`` does not run ``identify`` (it says how to).
IDENTIFY_UP_TO = 80

_STYLE = ("<style>.liealg{font-family:system-ui,sans-serif;font-size:13px;line-height:1.35}"
          ".liealg table{border-collapse:collapse;margin:4px 0}"
          ".liealg td,.liealg th{padding:1px 8px;text-align:left;border-bottom:1px solid #ddd}"
          ".liealg .m td{border:none;padding:0 4px;text-align:right;font-family:monospace}"
          ".liealg .m{border-left:1px solid #888;border-right:1px solid #888;display:inline-table;margin:2px 6px}"
          ".liealg .gens{display:flex;flex-wrap:wrap;align-items:center}"
          ".liealg .pics{display:flex;flex-wrap:wrap;gap:12px;align-items:center}</style>")


# --------------------------------------------------------------------------------------------
# Names and numbers
# --------------------------------------------------------------------------------------------

_FRAK = ("heis", "aff", "iso", "sl", "su", "so", "sp", "usp", "gl", "u", "e", "g", "f")


def latex_name(name: str) -> str:
    r"""An algebra's name in LaTeX: ``so(3,1)`` -> ``\mathfrak{so}(3,1)``, ``E6(-26)`` -> ``E_{6(-26)}``.

    Handles direct sums (``⊕``, ``+``), semidirect products (``⋉``), ``R^n``/``C``, the compact
    exceptional algebras (``g2`` -> ``\mathfrak{g}_2``) and their named real forms.

    >>> latex_name("sl(2,C)"), latex_name("so(3) ⋉ R^3"), latex_name("g2")
    ('\\mathfrak{sl}(2,\\mathbb{C})', '\\mathfrak{so}(3) \\ltimes \\mathbb{R}^{3}', '\\mathfrak{g}_{2}')
    """
    out = []
    for token in re.split(r"(\s*[⊕⋉]\s*|\s+\+\s+)", name):
        stripped = token.strip()
        if stripped == "⊕" or stripped == "+":
            out.append(r" \oplus ")
        elif stripped == "⋉":
            out.append(r" \ltimes ")
        elif stripped:
            out.append(_latex_piece(stripped))
    return "".join(out)


def _latex_piece(text: str) -> str:
    m = re.fullmatch(r"([EFG])(\d)\((-?\d+)\)", text)  # a named real form of an exceptional algebra
    if m:
        return f"{m.group(1)}_{{{m.group(2)}({m.group(3)})}}"
    m = re.fullmatch(r"([efg])(\d)", text)
    if m:
        return rf"\mathfrak{{{m.group(1)}}}_{{{m.group(2)}}}"
    m = re.fullmatch(r"([RC])\^?(\d*)", text)
    if m:
        power = f"^{{{m.group(2)}}}" if m.group(2) else ""
        return rf"\mathbb{{{m.group(1)}}}{power}"
    m = re.fullmatch(r"([a-z]+)(\(.*\))(.*)", text)
    if m and m.group(1) in _FRAK:
        args = re.sub(r",([RCH])\)", r",\\mathbb{\1})", m.group(2))
        return rf"\mathfrak{{{m.group(1)}}}{args}{_escape_latex(m.group(3))}"
    if " " in text:  # a label in words ("Bianchi IX"): math mode would drop the space
        return rf"\text{{{_escape_latex(text)}}}"
    return rf"\mathrm{{{_escape_latex(text)}}}"


def _escape_latex(text: str) -> str:
    return re.sub(r"([_&%$#{}])", r"\\\1", text)


def _entry_text(value: Any) -> str:
    if isinstance(value, sp.Basic):
        return sp.sstr(value)
    if isinstance(value, complex) or np.iscomplexobj(value):
        v = complex(value)
        return f"{v.real:.3g}{v.imag:+.3g}j" if abs(v.imag) > 1e-12 else f"{v.real:.3g}"
    return f"{float(value):.3g}"


def matrix_html(m: Any) -> str:
    """One matrix (sympy or numpy) as a small bracketed HTML table.

    >>> matrix_html(sp.Matrix([[0, 1], [-1, 0]]))
    '<table class="m"><tr><td>0</td><td>1</td></tr><tr><td>-1</td><td>0</td></tr></table>'
    """
    rows = m.tolist() if hasattr(m, "tolist") else list(m)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_entry_text(v))}</td>" for v in row) + "</tr>"
                   for row in rows)
    return f'<table class="m">{body}</table>'


def _matrix_latex(m: Any) -> str:
    if isinstance(m, sp.MatrixBase):
        return str(sp.latex(m, mat_str="pmatrix", mat_delim=""))
    rows = np.asarray(m).tolist()
    return r"\begin{pmatrix}" + r" \\ ".join(" & ".join(_entry_text(v) for v in row) for row in rows) + r"\end{pmatrix}"


def _table(rows: Sequence[tuple[str, str]]) -> str:
    return "<table>" + "".join(f"<tr><th>{html.escape(k)}</th><td>{v}</td></tr>" for k, v in rows) + "</table>"


def _yes_no(value: bool | None) -> str:
    return "–" if value is None else ("yes" if value else "<b>no</b>")


# --------------------------------------------------------------------------------------------
# Brackets
# --------------------------------------------------------------------------------------------


def _combination(comps: dict[int, Any], symbol: str) -> str:
    parts = []
    for k, c in sorted(comps.items()):
        c = sp.sympify(c)
        term = f"{symbol}_{{{k + 1}}}"
        if c == 1:
            text = term
        elif c == -1:
            text = "-" + term
        else:
            coef = sp.latex(c)
            if isinstance(c, sp.Add):
                coef = f"({coef})"
            text = f"{coef} {term}"
        parts.append(text)
    out = " + ".join(parts).replace("+ -", "- ")
    return out or "0"


def brackets_latex(algebra: LieAlgebra, *, symbol: str = "e", limit: int | None = None) -> str:
    """The nonzero brackets ``[e_i, e_j] &= ...`` (1-based), one per line, for an ``align`` block.

    >>> H = LieAlgebra.from_structure_constants(3, [[0, 1, 2, "1/2"]])
    >>> brackets_latex(H, symbol="X")
    '[X_{1}, X_{2}] &= \\\\frac{1}{2} X_{3}'
    """
    items = sorted(algebra.structure_constants.items())
    shown = items if limit is None else items[:limit]
    lines = [f"[{symbol}_{{{i + 1}}}, {symbol}_{{{j + 1}}}] &= {_combination(dict(c), symbol)}" for (i, j), c in shown]
    if len(shown) < len(items):
        lines.append(rf"&\quad\text{{... and {len(items) - len(shown)} more}}")
    return " \\\\\n".join(lines)


# --------------------------------------------------------------------------------------------
# Dynkin and root diagrams (SVG)
# --------------------------------------------------------------------------------------------


def _components(C: Sequence[Sequence[int]]) -> list[list[int]]:
    r = len(C)
    seen: set[int] = set()
    comps = []
    for start in range(r):
        if start in seen:
            continue
        stack, comp = [start], []
        seen.add(start)
        while stack:
            i = stack.pop()
            comp.append(i)
            for j in range(r):
                if j != i and C[i][j] != 0 and j not in seen:
                    seen.add(j)
                    stack.append(j)
        comps.append(sorted(comp))
    return comps


def _layout(C: Sequence[Sequence[int]], comp: list[int]) -> dict[int, tuple[int, int]]:
    """Nodes on the longest path in a row; the branch node (D, E) below its neighbour."""
    adj = {i: [j for j in comp if j != i and C[i][j] != 0] for i in comp}

    def farthest(src: int) -> tuple[int, dict[int, int]]:
        parent, order, dist = {src: src}, [src], {src: 0}
        for node in order:
            for nb in adj[node]:
                if nb not in dist:
                    dist[nb] = dist[node] + 1
                    parent[nb] = node
                    order.append(nb)
        end = max(order, key=lambda n: (dist[n], -n))
        return end, parent

    a, _ = farthest(min(comp))
    b, parent = farthest(a)
    path = [b]
    while path[-1] != a:
        path.append(parent[path[-1]])
    if path[0] > path[-1]:
        path.reverse()
    pos = {node: (x, 0) for x, node in enumerate(path)}
    for node in comp:
        if node not in pos:
            anchor = next(nb for nb in adj[node] if nb in pos)
            pos[node] = (pos[anchor][0], 1)
    return pos


def dynkin_svg(cartan_matrix: Sequence[Sequence[int]], *, title: str = "", step: int = 40) -> str:
    """The Dynkin diagram of a Cartan matrix as an SVG string.

    ``cartan_matrix[i][j] = 2 (a_i, a_j) / (a_j, a_j)``; a double or triple bond carries an
    arrow pointing to the shorter root. Disconnected diagrams (so(4), a complex algebra seen as
    real) are drawn side by side.

    >>> svg = dynkin_svg(((2, -1), (-3, 2)), title="G2")
    >>> svg.startswith("<svg") and svg.count("<circle") == 2 and svg.count("<line") == 3
    True
    """
    C = [list(map(int, row)) for row in cartan_matrix]
    nodes: dict[int, tuple[float, float]] = {}
    x0 = 0.0
    for comp in _components(C):
        lay = _layout(C, comp)
        for node, (x, y) in lay.items():
            nodes[node] = (20 + (x0 + x) * step, 22 + y * step)
        x0 += max(x for x, _ in lay.values()) + 2
    width = max((x for x, _ in nodes.values()), default=20) + 20
    height = max((y for _, y in nodes.values()), default=22) + (30 if title else 20)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
             f'viewBox="0 0 {width:.0f} {height:.0f}">']
    for i in range(len(C)):
        for j in range(i + 1, len(C)):
            bond = C[i][j] * C[j][i]
            if bond == 0:
                continue
            (x1, y1), (x2, y2) = nodes[i], nodes[j]
            length = math.hypot(x2 - x1, y2 - y1)
            nx_, ny_ = -(y2 - y1) / length, (x2 - x1) / length
            offsets = [0.0] if bond == 1 else ([-2.5, 2.5] if bond == 2 else [-3.5, 0.0, 3.5])
            for o in offsets:
                parts.append(f'<line x1="{x1 + o * nx_:.1f}" y1="{y1 + o * ny_:.1f}" x2="{x2 + o * nx_:.1f}" '
                             f'y2="{y2 + o * ny_:.1f}" stroke="#333" stroke-width="1.4"/>')
            if bond > 1:  # arrow toward the shorter root: |C[i][j]| > 1 means a_j is shorter than a_i
                src, dst = ((x1, y1), (x2, y2)) if abs(C[i][j]) > abs(C[j][i]) else ((x2, y2), (x1, y1))
                mx, my = (src[0] + dst[0]) / 2, (src[1] + dst[1]) / 2
                ux, uy = (dst[0] - src[0]) / length, (dst[1] - src[1]) / length
                tip = (mx + 6 * ux, my + 6 * uy)
                parts.append(f'<polyline points="{mx - 4 * ux + 7 * -uy:.1f},{my - 4 * uy + 7 * ux:.1f} '
                             f'{tip[0]:.1f},{tip[1]:.1f} {mx - 4 * ux - 7 * -uy:.1f},{my - 4 * uy - 7 * ux:.1f}" '
                             'fill="none" stroke="#333" stroke-width="1.4"/>')
    for i, (px, py) in sorted(nodes.items()):
        parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="7" fill="#fff" stroke="#1f5fa8" stroke-width="2"/>')
        parts.append(f'<text x="{px:.1f}" y="{py + 20:.1f}" font-size="10" text-anchor="middle" '
                     f'font-family="sans-serif">{i + 1}</text>')
    if title:
        parts.append(f'<text x="4" y="{height - 4:.0f}" font-size="11" font-family="sans-serif">'
                     f"{html.escape(title)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _root_lengths(C: Sequence[Sequence[int]]) -> list[float]:
    """Relative squared lengths d_i with a_ij d_j = a_ji d_i (the Gram matrix is symmetric), per component."""
    d = [0.0] * len(C)
    for comp in _components(C):
        d[comp[0]] = 1.0
        todo = [comp[0]]
        while todo:
            i = todo.pop()
            for j in comp:
                if j != i and C[i][j] != 0 and d[j] == 0.0:
                    d[j] = d[i] * C[j][i] / C[i][j]
                    todo.append(j)
    return d


def _projection(C: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """(P, G): P (2, r) projects root coordinates to a plane (the Coxeter plane); G is the Gram matrix."""
    r = len(C)
    d = _root_lengths(C)
    G = np.array([[C[i][j] * d[j] / 2 for j in range(r)] for i in range(r)], dtype=float)  # Gram matrix
    if r == 1:
        return np.array([[1.0], [0.0]]), G
    if r == 2:
        L = np.linalg.cholesky(G)  # x^T G y = (L^T x) . (L^T y)
        return L.T, G
    # The Coxeter element w = s_1 ... s_r; its eigenvector of eigenvalue e^{2 pi i / h} spans the
    # Coxeter plane, where the roots show the h-fold symmetry.
    w = np.eye(r)
    for i in range(r):
        s = np.eye(r)
        for j in range(r):
            s[i, j] -= C[j][i]  # s_i(a_j) = a_j - a_ji a_i, column j
        w = w @ s
    vals, vecs = np.linalg.eig(w)
    angles = [cmath.phase(v) if cmath.phase(v) > 1e-9 else 10.0 for v in vals]
    v = vecs[:, int(np.argmin(angles))]
    basis: list[np.ndarray] = []
    for u in (v.real, v.imag):
        for b in basis:
            u = u - (u @ G @ b) * b
        norm = math.sqrt(max(float(u @ G @ u), 1e-300))
        basis.append(u / norm)
    return np.array([G @ b for b in basis]), G


def roots_svg(roots: Sequence[Sequence[int]], cartan_matrix: Sequence[Sequence[int]], *, title: str = "",
              size: int = 180) -> str:
    """The root system projected to a plane, as an SVG string.

    Rank 2 is drawn exactly (true angles and lengths); higher ranks in the Coxeter plane. Simple
    roots are filled, the others hollow; long and short roots differ in colour.

    >>> svg = roots_svg([(1, 0), (0, 1), (1, 1), (-1, 0), (0, -1), (-1, -1)], ((2, -1), (-1, 2)))
    >>> svg.count("<circle")  # the origin and six roots
    7
    """
    C = [list(map(int, row)) for row in cartan_matrix]
    P, G = _projection(C)
    R = np.array([list(map(float, a)) for a in roots]).reshape(-1, len(C))
    xy = R @ P.T
    scale = (size / 2 - 14) / max(float(np.abs(xy).max()), 1e-12)
    c = size / 2
    lengths = np.einsum("ij,jk,ik->i", R, G, R)
    long_len = lengths.max() if len(lengths) else 1.0
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size + (14 if title else 0)}">',
             f'<circle cx="{c}" cy="{c}" r="1.5" fill="#888"/>']
    for a, (x, y), ln in zip(R, xy, lengths):
        simple = sum(abs(t) for t in a) == 1 and min(a) >= 0
        colour = "#1f5fa8" if math.isclose(ln, long_len, rel_tol=1e-6) else "#c0392b"
        X, Y = c + scale * x, c - scale * y
        parts.append(f'<line x1="{c}" y1="{c}" x2="{X:.1f}" y2="{Y:.1f}" stroke="{colour}" stroke-opacity="0.35"/>')
        parts.append(f'<circle cx="{X:.1f}" cy="{Y:.1f}" r="{4 if simple else 3}" stroke="{colour}" '
                     f'fill="{colour if simple else "#fff"}"/>')
    if title:
        parts.append(f'<text x="4" y="{size + 10}" font-size="11" font-family="sans-serif">{html.escape(title)}</text>')
    parts.append("</svg>")
    return "".join(parts)


# --------------------------------------------------------------------------------------------
# Identification
# --------------------------------------------------------------------------------------------


def _signature(sig: Sequence[int]) -> str:
    return "({}, {}, {})".format(*sig)


def _pictures(ident: Any) -> str:
    pics = []
    for ideal in ident.ideals:
        label = f"{ideal.real_form} ({ideal.type})"
        pics.append(dynkin_svg(ideal.cartan_matrix, title=label))
        if ideal.roots:
            pics.append(roots_svg(ideal.roots, ideal.cartan_matrix, title=f"roots of {ideal.type}"))
    return f'<div class="pics">{"".join(pics)}</div>' if pics else ""


def _identification_rows(ident: Any) -> list[tuple[str, str]]:
    facts = [n for n in ("semisimple", "solvable", "nilpotent", "abelian") if getattr(ident, n)]
    rows = [("name", f"<b>{html.escape(ident.name)}</b>")]
    if ident.aliases:
        rows.append(("also", html.escape(", ".join(ident.aliases))))
    rows += [
        ("dimension", str(ident.dimension)),
        ("Killing signature (+, −, 0)", _signature(ident.killing_signature)),
        ("complex type", html.escape(ident.cartan_type or "–") + f", rank {ident.rank}"),
        ("properties", ", ".join(facts) or "none of semisimple, solvable, nilpotent, abelian"),
        ("radical / nilradical / centre", f"{ident.radical_dimension} / {ident.nilradical_dimension} / "
                                          f"{ident.center_dimension}"),
    ]
    return rows


def _ideals_table(ident: Any) -> str:
    if not ident.ideals:
        return ""
    head = "<tr><th>simple ideal</th><th>type</th><th>dim</th><th>Killing (+, −, 0)</th><th>real rank</th>" \
           "<th>compact</th></tr>"
    body = "".join(
        f"<tr><td>{html.escape(i.real_form)}</td><td>{html.escape(i.type)}</td><td>{i.dimension}</td>"
        f"<td>{_signature(i.killing_signature)}</td><td>{i.real_rank if i.real_rank is not None else '–'}</td>"
        f"<td>{'yes' if i.compact else 'no'}</td></tr>" for i in ident.ideals)
    return f"<table>{head}{body}</table>"


def identification_html(ident: Any) -> str:
    """An :class:`~liealg.identification.Identification` as an HTML card (with Dynkin and root diagrams)."""
    return (f'{_STYLE}<div class="liealg">{_table(_identification_rows(ident))}{_ideals_table(ident)}'
            f"{_pictures(ident)}</div>")


def identification_latex(ident: Any) -> str:
    r"""Display math: the name, the complex type and the Killing signature.

    >>> from liealg.identification import identify
    >>> from liealg.catalog import so
    >>> print(identification_latex(identify(so(3, 1))))  # doctest: +NORMALIZE_WHITESPACE
    $$\mathfrak{so}(3,1) \;\cong\; \mathfrak{sl}(2,\mathbb{C}) \qquad
    \text{type } A_1+A_1,\quad \dim 6,\quad \text{Killing signature } (3, 3, 0)$$
    """
    name = latex_name(ident.name)
    aliases = [a for a in ident.aliases if a != ident.name][:1]
    if aliases:
        name += r" \;\cong\; " + latex_name(aliases[0])
    ctype = re.sub(r"([A-G])(\d+)", r"\1_\2", ident.cartan_type) if ident.cartan_type else "-"
    return (f"$${name} \\qquad \\text{{type }} {ctype},\\quad \\dim {ident.dimension},\\quad "
            f"\\text{{Killing signature }} {_signature(ident.killing_signature)}$$")


# --------------------------------------------------------------------------------------------
# LieAlgebra
# --------------------------------------------------------------------------------------------


def _identify_quietly(algebra: LieAlgebra) -> Any:
    if algebra.dim > IDENTIFY_UP_TO:
        return None
    from liealg.errors import LieAlgError
    from liealg.identification import identify

    try:
        return identify(algebra)
    except LieAlgError:
        return None


def algebra_html(algebra: LieAlgebra) -> str:
    """A :class:`~liealg.algebra.LieAlgebra` as an HTML card: name (it runs ``identify`` up to
    dimension :data:`IDENTIFY_UP_TO`), dimension, Killing signature, the basis matrices or the
    brackets (first :data:`MAX_SHOWN`)."""
    ident = _identify_quietly(algebra)
    rows = [("dimension", str(algebra.dim)), ("structure constants over", html.escape(str(algebra.field))),
            ("Killing signature (+, −, 0)", _signature(algebra.killing_signature()))]
    if ident is not None:
        rows.insert(0, ("name", f"<b>{html.escape(ident.name)}</b>"
                                + (f" (also {html.escape(', '.join(ident.aliases))})" if ident.aliases else "")))
        rows.append(("complex type", html.escape(ident.cartan_type or "–")))
    elif algebra.dim > IDENTIFY_UP_TO:
        rows.insert(0, ("name", "call liealg.identify(algebra)"))
    items = sorted(algebra.structure_constants.items())
    brackets = "".join(
        f"<tr><td>[e{i + 1}, e{j + 1}]</td><td>= {html.escape(_plain_combination(dict(c)))}</td></tr>"
        for (i, j), c in items[:MAX_SHOWN])
    more = f"<p>… and {len(items) - MAX_SHOWN} more brackets</p>" if len(items) > MAX_SHOWN else ""
    gens = _generators_html(algebra.matrices) if algebra.matrices is not None else ""
    pics = _pictures(ident) if ident is not None else ""
    return (f'{_STYLE}<div class="liealg">{_table(rows)}{gens}<table>{brackets}</table>{more}{pics}</div>')


def _plain_combination(comps: dict[int, Any]) -> str:
    parts = []
    for k, c in sorted(comps.items()):
        c = sp.sympify(c)
        text = f"e{k + 1}" if c == 1 else (f"-e{k + 1}" if c == -1 else f"{sp.sstr(c)}*e{k + 1}")
        parts.append(text)
    return " + ".join(parts).replace("+ -", "- ") or "0"


def algebra_latex(algebra: LieAlgebra) -> str:
    """Display math: the nonzero brackets in an ``aligned`` block (first :data:`MAX_SHOWN`)."""
    if not algebra.structure_constants:
        return rf"$$\text{{abelian, dimension {algebra.dim}}}$$"
    return "$$\\begin{aligned}\n" + brackets_latex(algebra, limit=MAX_SHOWN) + "\n\\end{aligned}$$"


# --------------------------------------------------------------------------------------------
# Discovery
# --------------------------------------------------------------------------------------------


def _generators_html(mats: Sequence[Any] | None, limit: int = MAX_SHOWN) -> str:
    if mats is None or len(mats) == 0:
        return ""
    shown = list(mats)[:limit]
    cells = "".join(f"<span>J{k}&nbsp;=</span>{matrix_html(m)}" for k, m in enumerate(shown, start=1))
    more = f"<span>… and {len(mats) - len(shown)} more</span>" if len(mats) > len(shown) else ""
    return f'<div class="gens">{cells}{more}</div>'


def discovery_html(result: Any) -> str:
    """A :class:`~liealg.pipeline.Discovery` as an HTML card: the oracle, the verdicts, the
    algebra (name, real form, Killing signature, ideals, diagrams) and the generators."""
    oracle = result.oracle
    formula = oracle.formula_text() if oracle is not None else str((result.saved_oracle or {}).get("formulas", "-"))
    rows = [("oracle", f"<code>{html.escape(formula)}</code>"),
            ("method", html.escape(str(result.method))),
            ("generators", f"{result.dimension} ({'exact' if result.generators is not None else 'floats'})"),
            ("certified", _yes_no(result.certified)),
            ("matches the exact solver", _yes_no(result.matches_exact))]
    if result.loss:
        rows.append(("final loss", f"{float(result.loss.get('total', 0.0)):.2g}"
                                   + ("" if result.converged else " <b>(not converged)</b>")))
    ident = result.identification
    if ident is None and result.name:
        rows.append(("algebra", f"<b>{html.escape(result.name)}</b>"))
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in result.notes)
    mats = result.generators if result.generators is not None else result.learned
    parts = [_STYLE, '<div class="liealg">', _table(rows)]
    if ident is not None:
        parts += [_table(_identification_rows(ident)), _ideals_table(ident), _pictures(ident)]
    parts += [_generators_html(mats), f"<ul>{notes}</ul>" if notes else "", "</div>"]
    return "".join(parts)


def _generators_latex(mats: Sequence[Any], limit: int = MAX_SHOWN, symbol: str = "J") -> str:
    shown = list(mats)[:limit]
    lines = [f"{symbol}_{{{k}}} &= {_matrix_latex(m)}" for k, m in enumerate(shown, start=1)]
    if len(mats) > len(shown):
        lines.append(rf"&\quad\text{{... and {len(mats) - len(shown)} more}}")
    return " \\\\\n".join(lines)


def discovery_latex(result: Any) -> str:
    """Display math: the name, then the generators as ``pmatrix`` and their brackets."""
    parts = []
    if result.name:
        parts.append(latex_name(result.name) + r":\quad " + rf"\dim = {result.dimension}")
    mats = result.generators if result.generators is not None else result.learned
    if mats is not None and len(mats):
        parts.append(r"\begin{aligned}" + _generators_latex(mats) + r"\end{aligned}")
    if result.algebra is not None and result.algebra.structure_constants:
        parts.append(r"\begin{aligned}" + brackets_latex(result.algebra, symbol="J", limit=MAX_SHOWN)
                     + r"\end{aligned}")
    return "$$" + r" \\[1ex] ".join(parts) + "$$" if parts else "$$\\text{no continuous symmetry}$$"


# --------------------------------------------------------------------------------------------
# A table for a paper
# --------------------------------------------------------------------------------------------


def to_latex(obj: Any, *, caption: str | None = None, label: str | None = None, generators: bool = True) -> str:
    r"""A LaTeX ``table`` for a paper, for a Discovery, a LieAlgebra or an Identification.

    The table lists the algebra (``\mathfrak{...}`` name and isomorphic names), dimension,
    complex type, Killing signature, real rank and simple ideals; for a Discovery also the oracle
    and whether the generators are certified, followed (``generators=True``) by the generators
    and their brackets in an ``align*`` block. Needs ``amsmath`` and ``amssymb``.

    Examples
    --------
    >>> from liealg.identification import identify
    >>> from liealg.catalog import so
    >>> print(to_latex(identify(so(3)), label="tab:so3"))
    \begin{table}[ht]
    \centering
    \begin{tabular}{ll}
    \hline
    algebra & $\mathfrak{su}(2)$ \\
    isomorphic to & $\mathfrak{so}(3)$, $\mathfrak{sp}(1)$, $\mathfrak{usp}(2)$, $\text{Bianchi IX}$ \\
    dimension & 3 \\
    complex type & $A_1$ \\
    Killing signature $(+,-,0)$ & $(0, 3, 0)$ \\
    simple ideals & $\mathfrak{su}(2)$ (compact, real rank 0) \\
    \hline
    \end{tabular}
    \caption{The Lie algebra $\mathfrak{su}(2)$.}
    \label{tab:so3}
    \end{table}
    """
    ident, algebra, result = None, None, None
    if isinstance(obj, LieAlgebra):
        algebra = obj
        ident = _identify_quietly(obj)
    elif hasattr(obj, "killing_signature") and hasattr(obj, "ideals"):
        ident = obj
    elif hasattr(obj, "identification") and hasattr(obj, "generators"):
        result, ident, algebra = obj, obj.identification, obj.algebra
    else:
        from liealg.errors import OptionError

        raise OptionError(f"to_latex takes a Discovery, LieAlgebra or Identification, got {type(obj).__name__}")
    rows: list[tuple[str, str]] = []
    if result is not None and result.oracle is not None:
        exprs = result.oracle.exprs
        text = r",\ ".join(sp.latex(e) for e in exprs) if exprs is not None else _escape_latex(result.oracle.name)
        rows.append(("oracle", f"${text}$"))
    if ident is not None:
        rows.append(("algebra", f"${latex_name(ident.name)}$"))
        aliases = [a for a in ident.aliases if a != ident.name]
        if aliases:
            rows.append(("isomorphic to", ", ".join(f"${latex_name(a)}$" for a in aliases)))
        rows.append(("dimension", str(ident.dimension)))
        if ident.cartan_type:
            rows.append(("complex type", "$" + re.sub(r"([A-G])(\d+)", r"\1_\2", ident.cartan_type) + "$"))
        rows.append(("Killing signature $(+,-,0)$", f"${_signature(ident.killing_signature)}$"))
        if ident.radical_dimension:
            rows.append(("radical, centre", f"dimension {ident.radical_dimension}, {ident.center_dimension}"))
        if ident.ideals:
            rows.append(("simple ideals", "; ".join(
                f"${latex_name(i.real_form)}$ ({'compact' if i.compact else 'non-compact'}"
                + (f", real rank {i.real_rank}" if i.real_rank is not None else "") + ")" for i in ident.ideals)))
    elif algebra is not None:
        rows += [("dimension", str(algebra.dim)),
                 ("Killing signature $(+,-,0)$", f"${_signature(algebra.killing_signature())}$")]
    if result is not None:
        rows.append(("certified", {True: "yes (each generator proved)", False: "no", None: "not checked"}[
            result.certified]))
    body = "\n".join(f"{k} & {v} \\\\" for k, v in rows)
    name = f"${latex_name(ident.name)}$" if ident is not None else "this Lie algebra"
    lines = [r"\begin{table}[ht]", r"\centering", r"\begin{tabular}{ll}", r"\hline", body, r"\hline",
             r"\end{tabular}", rf"\caption{{{caption or f'The Lie algebra {name}.'}}}"]
    if label:
        lines.append(rf"\label{{{label}}}")
    lines.append(r"\end{table}")
    out = "\n".join(lines)
    if generators and result is not None:
        mats = result.generators if result.generators is not None else result.learned
        if mats is not None and len(mats):
            out += "\n\\begin{align*}\n" + _generators_latex(mats, limit=len(mats)) + "\n\\end{align*}"
    if generators and algebra is not None and algebra.structure_constants:
        symbol = "J" if result is not None else "e"
        out += "\n\\begin{align*}\n" + brackets_latex(algebra, symbol=symbol) + "\n\\end{align*}"
    return out
