"""Human-readable reports: plain text for the terminal, LaTeX for papers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import sympy as sp

__all__ = ["text_report", "latex_generators", "format_matrix", "identification_report", "bracket_report",
           "structure_report"]


def format_matrix(m: Any, indent: str = "    ") -> str:
    """A matrix (exact sympy or float numpy) as aligned text rows."""
    if isinstance(m, sp.MatrixBase):
        cells = [[sp.sstr(m[i, j]) for j in range(m.cols)] for i in range(m.rows)]
    else:
        a = np.asarray(m)
        if np.iscomplexobj(a):
            cells = [[_fmt_complex(v) for v in row] for row in a]
        else:
            cells = [[f"{v:.6g}" for v in row] for row in a]
    width = max((len(c) for row in cells for c in row), default=1)
    return "\n".join(indent + "[" + "  ".join(c.rjust(width) for c in row) + "]" for row in cells)


def _fmt_complex(v: complex) -> str:
    re_, im_ = float(np.real(v)), float(np.imag(v))
    if abs(im_) < 1e-12:
        return f"{re_:.6g}"
    if abs(re_) < 1e-12:
        return f"{im_:.6g}j"
    return f"{re_:.6g}{im_:+.6g}j"


def latex_generators(generators: Sequence[sp.MatrixBase], symbol: str = "J") -> str:
    """The generators as LaTeX display math, one ``pmatrix`` each."""
    lines = []
    for i, m in enumerate(generators, start=1):
        body = sp.latex(m, mat_str="pmatrix", mat_delim="")
        lines.append(f"{symbol}_{{{i}}} = {body}")
    return "\\begin{gather*}\n" + " \\\\\n".join(lines) + "\n\\end{gather*}"


def identification_report(ident: Any) -> list[str]:
    """Lines describing an Identification: name, aliases, invariants, ideals."""
    lines = [f"Lie algebra: {ident.name}"]
    numeric_name: bool = getattr(ident, "exact", True) is False  # named numerically over a number field
    if numeric_name:
        lines.append(f"  {ident.note}")
    aliases = [a for a in getattr(ident, "aliases", []) if a != ident.name]
    if aliases:
        lines.append(f"  also known as: {', '.join(aliases)}")
    pos, neg, zero = ident.killing_signature
    lines.append(f"  Killing form signature (+, -, 0): ({pos}, {neg}, {zero})")
    if ident.cartan_type:
        lines.append(f"  complex type: {ident.cartan_type}, rank {ident.rank}")
    facts = [name for name in ("semisimple", "solvable", "nilpotent", "abelian") if getattr(ident, name)]
    lines.append(f"  properties: {', '.join(facts) if facts else 'none of semisimple/solvable/nilpotent/abelian'}")
    lines.append(f"  radical: dim {ident.radical_dimension}; center: dim {ident.center_dimension}")
    for ideal in getattr(ident, "ideals", ()):
        lines.append(f"  simple ideal: {ideal.real_form} (type {ideal.type}, dim {ideal.dimension})")
    return lines


def _subalgebra_lines(result: Any) -> list[str]:
    """A run of ``k`` generators below the whole algebra's dimension: what it found."""
    flag = getattr(result, "subalgebra", None)
    if flag is None:
        return []
    ambient = getattr(result, "ambient_dimension", None)
    of = f" of the {ambient}-dimensional symmetry algebra" if ambient else ""
    proof = getattr(result, "no_subalgebra", None)
    if proof is not None:
        return [f"Subalgebra: none of that dimension exists{of} (the proof is in the note below)"]
    analysis = getattr(result, "subalgebra_analysis", None)
    if not flag:
        return [f"Subalgebra: NO closed {result.dimension}-dimensional subalgebra was found{of}"]
    lines = [f"Subalgebra: yes, closed, dimension {result.dimension}{of}"]
    if analysis is None:
        return lines
    if analysis.name:
        how = "exact" if not analysis.numeric else f"numeric, within {analysis.tolerance:.1g}"
        lines.append(f"  name: {analysis.name} ({how}); abelian: {'yes' if analysis.abelian else 'no'}; "
                     f"Killing signature {tuple(analysis.killing_signature)}")
    rep = analysis.representative
    if rep is not None and rep.kind == "conjugate":
        lines.append(f"  an exact representative of its conjugacy class (a group element carries it onto the "
                     f"learned span to {rep.angle:.1g} rad):")
        for i, m in enumerate(rep.generators, start=1):
            lines.append(f"  H{i} =")
            lines.append(format_matrix(m))
    return lines


def bracket_report(algebra: Any, *, symbol: str = "J", max_lines: int = 40) -> list[str]:
    """The non-zero brackets as ``[J1, J2] = J3`` lines (exact coefficients), the talk's
    ``[J_i, J_j] = eps_ijk J_k``; at most ``max_lines`` of them, then a count of the rest.

    >>> from liealg.algebra import LieAlgebra
    >>> from liealg.catalog import so
    >>> bracket_report(LieAlgebra.from_matrices(so(3)))
    ['Structure constants (3 non-zero brackets of 3):', '  [J1, J2] = -J3', '  [J1, J3] = J2', '  [J2, J3] = -J1']
    """
    n = algebra.dim
    sc = algebra.structure_constants
    lines = []
    for i in range(n):
        for j in range(i + 1, n):
            terms = sc.get((i, j), {})
            if not terms:
                continue
            rhs = ""
            for k, c in sorted(terms.items()):
                c = sp.nsimplify(c) if not isinstance(c, sp.Basic) else c
                text = sp.sstr(c)
                sign = "-" if text.startswith("-") else "+"
                mag = text[1:] if text.startswith("-") else text
                coeff = "" if mag == "1" else (f"({mag})" if any(ch in mag for ch in "+-") else mag) + "*"
                rhs += f" {sign} {coeff}{symbol}{k + 1}"
            rhs = rhs.strip()
            rhs = rhs[2:] if rhs.startswith("+ ") else "-" + rhs[2:]
            lines.append(f"  [{symbol}{i + 1}, {symbol}{j + 1}] = {rhs}")
    total = n * (n - 1) // 2
    head = f"Structure constants ({len(lines)} non-zero brackets of {total}):"
    if not lines:
        return [f"Structure constants: all brackets vanish (abelian, dim {n})"]
    shown = lines[:max_lines]
    if len(lines) > max_lines:
        shown.append(f"  ... and {len(lines) - max_lines} more (use --json for all)")
    return [head, *shown]


def structure_report(structure: Any) -> list[str]:
    """The Cartan data of a :class:`liealg.structure.Structure` (Cartan subalgebra, Cartan
    matrix, roots, weights), one fact per line."""
    return list(structure.summary())


def text_report(result: Any, *, max_generators: int = 12) -> str:
    """The CLI's report of a :class:`liealg.pipeline.Discovery`."""
    lines: list[str] = []
    oracle = result.oracle
    if oracle is not None:
        lines.append(f"Oracle: {oracle.formula_text()}")
        vec = " | ".join(" ".join(s.name for s in v) for v in oracle.vectors)
        lines.append(f"  variables: {vec}{'  (complex)' if oracle.is_complex else ''}")
    lines.append(f"Method: {result.method}")
    if getattr(result, "no_subalgebra", None) is not None:
        pass  # nothing was trained: said below
    elif result.dimension == 0:
        lines.append("No continuous linear symmetry: the symmetry algebra is 0-dimensional.")
    else:
        lines.append(f"Generators: {result.dimension}")
    if result.loss:
        order = ["invariance", "normalization", "orthogonality", "closure", "sparsity", "total"]
        parts = [f"{k} {result.loss[k]:.3g}" for k in order if k in result.loss]
        lines.append("Loss: " + ", ".join(parts) + ("" if result.converged else "  (NOT converged)"))
    if result.matches_exact is not None:
        angle = "" if result.span_error is None else f" (largest principal angle {result.span_error:.2g} rad)"
        lines.append(f"Matches the exact solver: {'yes' if result.matches_exact else 'NO'}{angle}")
    if result.certified is not None:
        lines.append(f"Certified (each generator proved a symmetry): {'yes' if result.certified else 'NO'}")
    mats = result.generators if result.generators is not None else result.learned
    if mats is not None and len(mats):
        kind = "exact" if result.generators is not None else "learned (floats)"
        shown = list(mats)[:max_generators]
        lines.append(f"Generators ({kind}):")
        for i, m in enumerate(shown, start=1):
            lines.append(f"  J{i} =")
            lines.append(format_matrix(m))
        if len(mats) > len(shown):
            lines.append(f"  ... and {len(mats) - len(shown)} more (use --json or --latex for all)")
    if result.identification is not None:
        ident_lines = identification_report(result.identification)
        if result.certified is False:
            ident_lines[0] += "  (of the generators above, which are NOT all proved symmetries)"
        lines.extend(ident_lines)
    elif result.name:
        numeric = getattr(result, "subalgebra_analysis", None)
        suffix = (f"  (numeric, within {numeric.tolerance:.1g})" if numeric is not None and numeric.numeric
                  and numeric.tolerance is not None else "")
        lines.append(f"Lie algebra: {result.name}{suffix}")
    lines.extend(_subalgebra_lines(result))
    for extra in ("stabilizer", "breaking", "standard"):
        value = getattr(result, extra, None)
        if value is not None:
            lines.extend(value.report_lines())
    if getattr(result, "algebra", None) is not None and result.algebra.dim:
        lines.extend(bracket_report(result.algebra))
    if getattr(result, "structure", None) is not None:
        lines.extend(structure_report(result.structure))
    for note in result.notes:
        lines.append(f"Note: {note}")
    if result.timings:
        lines.append("Time: " + ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items()))
    return "\n".join(lines)
