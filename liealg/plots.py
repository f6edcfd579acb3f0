"""Figures as in the talk: generator heat maps, loss curves, the N_g scan, Dynkin diagrams, root and
weight diagrams, structure constants and the Killing form.

matplotlib is imported lazily (with the non-interactive Agg backend when no display is set), so
``import liealg`` never pays for it. Every function returns the matplotlib Figure and, given a
``path``, saves it as PNG.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_generators", "plot_history", "plot_scan", "plot_dynkin", "save_all", "plot_symmetry_map",
           "plot_scan_grid", "plot_subalgebras", "plot_stabilizer", "plot_roots", "plot_weights",
           "plot_structure_constants", "plot_killing_form", "save_structure_plots"]


def _plt() -> ModuleType:
    import matplotlib

    # Without a display, draw to files (Agg), but only when nobody chose a backend yet: inside
    # Jupyter pyplot is already imported with the inline backend, which must stay.
    if "matplotlib.pyplot" not in sys.modules and not os.environ.get("DISPLAY") and not os.environ.get("MPLBACKEND"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _finish(fig: Figure, path: str | Path | None) -> Figure:
    if path is not None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=110, bbox_inches="tight")
    return fig


def _as_float_arrays(generators: Sequence[Any]) -> list[np.ndarray]:
    out = []
    for g in generators:
        if hasattr(g, "evalf") and hasattr(g, "shape") and not isinstance(g, np.ndarray):
            g = np.array(g.evalf(), dtype=complex)
        out.append(np.asarray(g))
    return out


def plot_generators(generators: Sequence[Any], *, title: str | None = None, path: str | Path | None = None,
                    max_generators: int = 80) -> Figure:
    """Heat maps of generator matrices, one panel each (complex: real and imaginary rows).

    Parameters
    ----------
    generators : sequence of (d, d) arrays or sympy matrices
    """
    plt = _plt()
    mats = _as_float_arrays(list(generators)[:max_generators])
    if not mats:
        fig, ax = plt.subplots(figsize=(3, 1))
        ax.text(0.5, 0.5, "no generators", ha="center", va="center")
        ax.axis("off")
        return _finish(fig, path)
    is_complex = any(np.iscomplexobj(m) and np.abs(m.imag).max() > 1e-12 for m in mats)
    k = len(mats)
    cols = min(k, 8)
    rows = int(np.ceil(k / cols)) * (2 if is_complex else 1)
    vmax = max(float(np.abs(m).max()) for m in mats) or 1.0
    fig, axes = plt.subplots(rows, cols, figsize=(1.6 * cols + 0.6, 1.6 * rows + 0.4), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for i, m in enumerate(mats):
        r, c = divmod(i, cols)
        parts = [("Re " if is_complex else "", np.real(m))] + ([("Im ", np.imag(m))] if is_complex else [])
        for j, (label, part) in enumerate(parts):
            ax = axes[r * len(parts) + j, c]
            ax.imshow(part, cmap="RdBu_r", vmin=-vmax, vmax=vmax)
            ax.set_title(f"{label}J{i + 1}", fontsize=8)
    if title:
        fig.suptitle(title)
    return _finish(fig, path)


def plot_history(history: Any, *, path: str | Path | None = None) -> Figure:
    """Loss curves per term (log scale) and the pairwise angles between generators."""
    plt = _plt()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.5))
    for name, values in history.terms.items():
        vals = np.asarray(values, dtype=float)
        if np.isfinite(vals).any() and np.nanmax(np.abs(vals)) > 0:  # NaN: epochs the term was off
            ax1.semilogy(np.arange(1, vals.size + 1), np.clip(vals, 1e-300, None), label=name,
                         lw=2.0 if name == "total" else 1.0)
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("loss")
    ax1.legend(fontsize=7)
    ax1.set_title("loss terms")
    if history.angles and history.angles[0]:
        angles = np.asarray(history.angles, dtype=float)
        ax2.plot(np.arange(1, angles.shape[0] + 1), angles, lw=0.8)
        ax2.axhline(90.0, color="k", ls=":", lw=0.8)
        ax2.set_xlabel("epoch")
        ax2.set_ylabel("angle between generators (deg)")
        ax2.set_title("pairwise angles")
    else:
        ax2.axis("off")
    fig.tight_layout()
    return _finish(fig, path)


def plot_scan(scan_result: Any, *, path: str | Path | None = None) -> Figure:
    """Final loss vs the number of generators, per term (the talk's "loss vs N_g")."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 3.5))
    n = np.asarray(scan_result.n_generators)
    # Exact zeros (closure with one generator) have no place on a log axis: leave them out
    # rather than stretch the axis down to a floor.
    def positive(values):
        vals = np.asarray(values, dtype=float)
        return np.where(vals > 0, vals, np.nan)

    ax.semilogy(n, positive(scan_result.total), "ko-", label="total", lw=2)
    for name, values in scan_result.terms.items():
        if np.nanmax(np.abs(np.asarray(values, dtype=float))) > 0:
            ax.semilogy(n, positive(values), ".--", label=name, lw=0.8)
    ax.axhline(scan_result.threshold, color="gray", ls=":", lw=0.8, label="success threshold")
    for x, ok in zip(n, scan_result.success):
        if ok:
            ax.axvline(x, color="green", alpha=0.15, lw=8)
    ax.set_xlabel("number of generators $N_g$")
    ax.set_ylabel("final loss")
    ax.set_xticks(n)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return _finish(fig, path)


def plot_dynkin(identification: Any, *, path: str | Path | None = None, satake: Any = None) -> Figure:
    """Dynkin diagrams of the simple ideals, numbered in Bourbaki order.

    A double or triple bond is drawn as two or three lines with an arrow (a chevron) pointing
    to the shorter root, as in B_n, C_n, F4 and G2. Accepts an :class:`Identification` (one
    panel per simple ideal, titled by its real form), a :class:`~liealg.structure.Structure`
    or a Cartan type string such as ``"G2"``. With ``satake`` (a Structure whose
    ``satake_black`` is known, or passing such a Structure itself) the Satake diagram of the real
    form is drawn: black nodes for compact simple roots, curved arrows between white nodes that
    complex conjugation exchanges.
    """
    plt = _plt()
    panels: list[tuple[str, str]] = []  # (title, cartan type)
    if satake is None and getattr(identification, "satake_black", None) is not None:
        satake = identification
    if satake is not None and getattr(satake, "satake_black", None) is not None and satake.cartan_type:
        title = getattr(identification, "name", satake.cartan_type)
        rank = _rank_of(satake.cartan_type)
        fig, ax = plt.subplots(figsize=(max(2.6, 0.8 * len(satake.cartan_type.split("+")) + 0.75 * rank), 2.4))
        _draw_dynkin(ax, satake.cartan_type, satake.satake_black, satake.satake_arrows)
        ax.set_title(f"{title}: Satake diagram ({satake.cartan_type})", fontsize=9)
        return _finish(fig, path)
    if isinstance(identification, str):
        panels = [(identification, identification)]
    elif hasattr(identification, "ideals"):
        panels = [(f"{I.real_form}  ({I.type})", I.type) for I in identification.ideals]
    elif getattr(identification, "cartan_type", ""):
        panels = [(identification.cartan_type, identification.cartan_type)]
    k = max(1, len(panels))
    widths = [max(2.6, 0.8 * len(t.split("+")) + 0.75 * _rank_of(t)) for _, t in panels] or [3.0]
    fig, axes = plt.subplots(1, k, figsize=(sum(widths), 2.2), squeeze=False,
                             gridspec_kw={"width_ratios": widths})
    if not panels:
        name = getattr(identification, "name", "")
        axes[0, 0].text(0.5, 0.5, f"{name}: no simple ideal", ha="center", va="center")
        axes[0, 0].axis("off")
    for ax, (title, cartan_type) in zip(axes[0], panels):
        _draw_dynkin(ax, cartan_type)
        ax.set_title(title, fontsize=9)
    return _finish(fig, path)


def _rank_of(cartan_type: str) -> int:
    return sum(int(part[1:]) for part in cartan_type.split("+") if part)


def _bourbaki_layout(letter: str, r: int) -> list[tuple[float, float]]:
    """Node positions in Bourbaki's pictures: D_n forks at node n-2, E_n has node 2 under node 4."""
    if letter == "D":
        pts = [(float(i), 0.0) for i in range(r - 2)]
        return pts + [(r - 2.3, 0.7), (r - 2.3, -0.7)]
    if letter == "E":
        spots = {1: (0.0, 0.0), 2: (2.0, -0.9), 3: (1.0, 0.0)}
        for i in range(4, r + 1):
            spots[i] = (float(i - 2), 0.0)
        return [spots[i] for i in range(1, r + 1)]
    return [(float(i), 0.0) for i in range(r)]


def _draw_dynkin(ax: Any, cartan_type: str, black: Sequence[bool] | None = None,
                 arrows: Sequence[tuple[int, int]] = ()) -> None:
    from liealg.identification import cartan_matrix

    ax.axis("off")
    x0 = 0.0
    every: list[tuple[float, float]] = []
    for part in cartan_type.split("+"):
        letter, r = part[0], int(part[1:])
        C = cartan_matrix(part)
        pts = [(x + x0, y) for x, y in _bourbaki_layout(letter, r)]
        for i in range(r):
            for j in range(i + 1, r):
                if C[i][j] == 0:
                    continue
                bond = C[i][j] * C[j][i]
                (xa, ya), (xb, yb) = pts[i], pts[j]
                d = np.array([xb - xa, yb - ya])
                d = d / np.linalg.norm(d)
                nrm = np.array([-d[1], d[0]])
                offsets = [0.0] if bond == 1 else ([-0.045, 0.045] if bond == 2 else [-0.07, 0.0, 0.07])
                for o in offsets:
                    ax.plot([xa + o * nrm[0], xb + o * nrm[0]], [ya + o * nrm[1], yb + o * nrm[1]],
                            color="black", lw=1.1, zorder=1)
                if bond > 1:
                    # |alpha_j|^2/|alpha_i|^2 = a_ji/a_ij: the arrow points to the shorter root
                    short_is_j = abs(C[j][i]) < abs(C[i][j])
                    tip = np.array(pts[j] if short_is_j else pts[i])
                    base = np.array(pts[i] if short_is_j else pts[j])
                    direction = (tip - base) / np.linalg.norm(tip - base)
                    mid = (tip + base) / 2 + 0.07 * direction
                    w = 0.13
                    for sgn in (1, -1):
                        end = mid - w * direction + sgn * w * np.array([-direction[1], direction[0]])
                        ax.plot([mid[0], end[0]], [mid[1], end[1]], color="black", lw=1.3, zorder=2)
        for i, (x, y) in enumerate(pts):
            filled = black is not None and black[len(every) + i]
            ax.scatter([x], [y], s=170, facecolor="black" if filled else "white", edgecolor="black", zorder=3)
            ax.text(x, y - 0.3 if letter != "E" or i != 1 else y - 0.35, str(len(every) + i + 1), ha="center",
                    va="top", fontsize=7)
        x0 = max(x for x, _ in pts) + 1.5
        every.extend(pts)
    from matplotlib.patches import FancyArrowPatch

    for i, j in arrows:
        ax.add_patch(FancyArrowPatch(every[i], every[j], connectionstyle="arc3,rad=-0.45", arrowstyle="<|-|>",
                                     mutation_scale=9, color="tab:blue", lw=1.0, shrinkA=7, shrinkB=7, zorder=2))
    xs, ys = [p[0] for p in every], [p[1] for p in every]
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    ax.set_ylim(min(ys) - 0.7, max(ys) + (1.0 if arrows else 0.5))
    ax.set_aspect("equal")


# ============================================================================================
# Roots, weights, structure constants, Killing form
# ============================================================================================


def _projected(structure: Any, coords: np.ndarray) -> np.ndarray:
    from liealg.structure import coxeter_projection

    P = coxeter_projection(structure.cartan_type)
    return np.asarray(coords, dtype=float) @ P


def plot_roots(structure: Any, *, path: str | Path | None = None) -> Figure:
    """The root system: rank 2 in its own plane (A2 hexagon, B2 square, G2 star, A1+A1 cross);
    higher rank projected on the Coxeter plane. Simple roots are drawn in red."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(4.2, 4.2))
    ax.set_aspect("equal")
    ax.axis("off")
    if not getattr(structure, "roots", ()):
        ax.text(0.5, 0.5, "no roots (solvable)", ha="center", va="center", transform=ax.transAxes)
        return _finish(fig, path)
    pts = _projected(structure, np.array(structure.roots))
    r = structure.rank
    simple = {tuple(1 if k == i else 0 for k in range(r)) for i in range(r)}
    for c, (x, y) in zip(structure.roots, pts):
        color = "crimson" if tuple(c) in simple else "steelblue"
        ax.annotate("", xy=(x, y), xytext=(0, 0),
                    arrowprops={"arrowstyle": "-|>", "color": color, "lw": 1.0, "shrinkA": 0, "shrinkB": 0})
    ax.scatter(pts[:, 0], pts[:, 1], s=12, color="steelblue", zorder=3)
    ax.scatter([0], [0], s=25, color="black", zorder=4)
    plane = "its plane" if r <= 2 else "the Coxeter plane"
    ax.set_title(f"roots of {structure.cartan_type} ({len(structure.roots)}) in {plane}", fontsize=9)
    lim = float(np.max(np.abs(pts))) * 1.15
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    return _finish(fig, path)


def plot_weights(structure: Any, *, path: str | Path | None = None) -> Figure:
    """The weights of the representation in the root plane (or Coxeter plane), with their
    multiplicities; the highest weight is circled."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(4.2, 4.2))
    ax.set_aspect("equal")
    ax.axis("off")
    if not getattr(structure, "weights", ()):
        ax.text(0.5, 0.5, "no weights (no representation or no roots)", ha="center", va="center",
                transform=ax.transAxes)
        return _finish(fig, path)
    from liealg.identification import cartan_matrix

    Cinv = np.linalg.inv(np.array(cartan_matrix(structure.cartan_type), dtype=float))
    coords = np.array(structure.weights, dtype=float) @ Cinv  # simple-root coordinates
    pts = _projected(structure, coords)
    roots = _projected(structure, np.array(structure.roots))
    ax.scatter(roots[:, 0], roots[:, 1], s=6, color="lightgray", zorder=1, label="roots")
    mult = np.array(structure.weight_multiplicities)
    ax.scatter(pts[:, 0], pts[:, 1], s=30 + 25 * (mult - 1), color="darkorange", edgecolor="black", zorder=3,
               label="weights")
    for (x, y), m in zip(pts, mult):
        if m > 1:
            ax.text(x, y, f" {m}", fontsize=7, va="bottom")
    if structure.highest_weight is not None:
        k = list(structure.weights).index(tuple(structure.highest_weight))
        ax.scatter([pts[k, 0]], [pts[k, 1]], s=160, facecolor="none", edgecolor="crimson", zorder=4)
    hw = "" if structure.highest_weight is None else f", highest {structure.highest_weight}"
    ax.set_title(f"weights of the {structure.representation_dimension} variables ({structure.cartan_type}{hw})",
                 fontsize=9)
    lim = float(max(np.max(np.abs(pts)), np.max(np.abs(roots)))) * 1.15 or 1.0
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.legend(fontsize=7, loc="lower right")
    return _finish(fig, path)


def plot_structure_constants(algebra: Any, *, path: str | Path | None = None, symbol: str = "J") -> Figure:
    """Heat map of the structure constants: row ``(i, j)`` (i < j), column ``k``, colour ``c_ij^k``."""
    plt = _plt()
    n = algebra.dim
    sc = algebra.structure_constants
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    M = np.zeros((len(pairs), n))
    for row, (i, j) in enumerate(pairs):
        for k, c in sc.get((i, j), {}).items():
            M[row, k] = float(c)
    vmax = float(np.max(np.abs(M))) or 1.0
    fig, ax = plt.subplots(figsize=(min(12, 3 + 0.25 * n), min(14, 2.5 + 0.12 * max(1, len(pairs)))))
    im = ax.imshow(M if len(pairs) else np.zeros((1, n)), cmap="RdBu_r", vmin=-vmax, vmax=vmax, aspect="auto",
                   interpolation="nearest")
    ax.set_xlabel(f"k  (coefficient of {symbol}_k)")
    ax.set_ylabel("pair (i, j)")
    if len(pairs) <= 40:
        ax.set_yticks(range(len(pairs)), [f"[{symbol}{i + 1},{symbol}{j + 1}]" for i, j in pairs], fontsize=6)
    if n <= 40:
        ax.set_xticks(range(n), [f"{symbol}{k + 1}" for k in range(n)], fontsize=6, rotation=90)
    ax.set_title(f"structure constants c_ij^k (dim {n})", fontsize=9)
    fig.colorbar(im, ax=ax, fraction=0.04)
    return _finish(fig, path)


def plot_killing_form(algebra: Any, *, path: str | Path | None = None) -> Figure:
    """The Killing form ``K_ij = tr(ad e_i ad e_j)`` as a heat map, with its signature."""
    plt = _plt()
    K = np.array(algebra.killing_form().evalf(), dtype=float)
    vmax = float(np.max(np.abs(K))) or 1.0
    fig, ax = plt.subplots(figsize=(4.4, 4.0))
    im = ax.imshow(K, cmap="RdBu_r", vmin=-vmax, vmax=vmax, interpolation="nearest")
    ax.set_title(f"Killing form, signature (+,-,0) = {algebra.killing_signature()}", fontsize=9)
    fig.colorbar(im, ax=ax, fraction=0.046)
    return _finish(fig, path)


def save_structure_plots(algebra: Any, directory: str | Path, *, identification: Any = None,
                         structure: Any = None) -> list[Path]:
    """roots.png, weights.png, dynkin.png, structure_constants.png and killing_form.png in ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    if structure is not None and structure.cartan_type:
        plot_roots(structure, path=directory / "roots.png")
        written.append(directory / "roots.png")
        if structure.weights:
            plot_weights(structure, path=directory / "weights.png")
            written.append(directory / "weights.png")
    if identification is not None or structure is not None:
        plot_dynkin(identification if identification is not None else structure, path=directory / "dynkin.png",
                    satake=structure)
        written.append(directory / "dynkin.png")
    if algebra is not None:
        plot_structure_constants(algebra, path=directory / "structure_constants.png")
        plot_killing_form(algebra, path=directory / "killing_form.png")
        written += [directory / "structure_constants.png", directory / "killing_form.png"]
    _plt().close("all")
    return written


def save_all(result: Any, directory: str | Path) -> list[Path]:
    """Write every figure a Discovery supports into ``directory``; returns the paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    plt = _plt()
    mats = result.generators if result.generators is not None else result.learned
    if mats is not None and len(mats):
        plot_generators(mats, title=result.name or None, path=directory / "generators.png")
        written.append(directory / "generators.png")
    if result.training is not None:
        plot_history(result.training.history, path=directory / "loss.png")
        written.append(directory / "loss.png")
    algebra = result.algebra
    structure = getattr(result, "structure", None)
    if result.identification is not None or algebra is not None:
        written += save_structure_plots(algebra, directory, identification=result.identification,
                                        structure=structure)
    if getattr(result, "stabilizer", None) is not None:
        plot_stabilizer(result.stabilizer, path=directory / "stabilizer.png")
        written.append(directory / "stabilizer.png")
    if getattr(result, "breaking", None) is not None:
        plot_stabilizer(result.breaking, path=directory / "breaking.png")
        written.append(directory / "breaking.png")
    plt.close("all")
    return written


def _sweep_labels(points: Sequence[Any]) -> list[str]:
    """Legend labels: the name and dimension, and the Killing signature where one name covers
    algebras that it tells apart (``solvable(dim=4, ...)`` of two signatures)."""
    def base(p: Any) -> str:
        if p.status in ("error", "lost"):
            return f"({p.status})"
        name = p.name or ("no symmetry" if p.dimension == 0 else "unnamed")
        return f"{name}  [dim {p.dimension}]"

    signatures: dict[str, set] = {}
    for p in points:
        signatures.setdefault(base(p), set()).add(p.killing_signature)
    return [base(p) + (f" K={tuple(p.killing_signature)}" if len(signatures[base(p)]) > 1
                       and p.killing_signature is not None else "") for p in points]


def plot_symmetry_map(result: Any, *, path: str | Path | None = None,
                      parameters: Sequence[str] | None = None) -> Figure:
    """The symmetry map of a sweep: the algebra found over a 1-D or 2-D grid of couplings.

    One parameter: the dimension against the parameter, each point coloured by its algebra.
    Two: a grid of cells coloured by the algebra, with the dimension written in each cell.
    A legend lists the algebras found. Parameters that take a single value are left out; with
    more than two that vary, give ``parameters`` (the points must then be unique on them).

    Parameters
    ----------
    result : liealg.sweeps.SweepResult
    parameters : sequence of str, optional
        The one or two parameters to draw (default: those that vary).
    """
    from liealg.errors import OptionError

    plt = _plt()
    varying = [p for p in result.parameters if len({pt.params[p] for pt in result.points}) > 1]
    axes_names = list(parameters) if parameters is not None else varying
    if not 1 <= len(axes_names) <= 2:
        raise OptionError(f"a symmetry map draws one or two parameters; {len(axes_names)} vary "
                         f"({', '.join(axes_names) or 'none'}): choose them with parameters=")
    point_labels = dict(zip(map(id, result.points), _sweep_labels(result.points)))

    def _sweep_label(p: Any) -> str:
        return point_labels[id(p)]

    labels = sorted(set(point_labels.values()), key=lambda s: (s.startswith("("), s))
    cmap = plt.get_cmap("tab20" if len(labels) > 10 else "tab10")
    colours = {lab: ("lightgray" if lab.startswith("(") else cmap(i % cmap.N)) for i, lab in enumerate(labels)}

    def values(name: str) -> list[str]:
        return sorted({pt.params[name] for pt in result.points}, key=lambda v: _as_float(v))

    if len(axes_names) == 1:
        (name,) = axes_names
        fig, ax = plt.subplots(figsize=(7, 3.8))
        for lab in labels:
            pts = [p for p in result.points if _sweep_label(p) == lab]
            xs = [_as_float(p.params[name]) for p in pts]
            ys = [p.dimension if p.dimension is not None else -1 for p in pts]
            ax.scatter(xs, ys, color=colours[lab], s=60, edgecolors="black", linewidths=0.5, label=lab, zorder=3)
        ax.set_xlabel(name)
        ax.set_ylabel("dimension of the symmetry algebra")
        from matplotlib.ticker import MaxNLocator

        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
    else:
        xname, yname = axes_names
        xcells, ycells = values(xname), values(yname)
        fig, ax = plt.subplots(figsize=(1.0 + 0.75 * len(xcells) + 3.5, 1.2 + 0.6 * len(ycells)))
        seen: dict[tuple[str, str], Any] = {}
        for p in result.points:
            key = (p.params[xname], p.params[yname])
            if key in seen:
                raise OptionError(f"two points share {xname}={key[0]}, {yname}={key[1]}; choose the parameters "
                                 "to draw with parameters=")
            seen[key] = p
        for (xv, yv), p in seen.items():
            i, j = xcells.index(xv), ycells.index(yv)
            lab = _sweep_label(p)
            ax.add_patch(plt.Rectangle((i - 0.5, j - 0.5), 1, 1, facecolor=colours[lab], edgecolor="white"))
            text = "×" if p.dimension is None else str(p.dimension)
            ax.text(i, j, text, ha="center", va="center", fontsize=9)
        for lab in labels:
            ax.add_patch(plt.Rectangle((0, 0), 0, 0, facecolor=colours[lab], label=lab))
        ax.set_xlim(-0.5, len(xcells) - 0.5)
        ax.set_ylim(-0.5, len(ycells) - 0.5)
        ax.set_xticks(range(len(xcells)), xcells)
        ax.set_yticks(range(len(ycells)), ycells)
        ax.set_xlabel(xname)
        ax.set_ylabel(yname)
        ax.set_aspect("equal")
    fixed = [f"{p}={result.points[0].params[p]}" for p in result.parameters if p not in axes_names]
    title = "symmetry map" + (f"  ({', '.join(fixed)})" if fixed and len(", ".join(fixed)) < 90 else "")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0), title="algebra", title_fontsize=8)
    fig.tight_layout()
    return _finish(fig, path)


def _as_float(text: str) -> float:
    """A parameter value written by liealg (``"1/2"``, ``"sqrt(2)"``) as a float, for axes only."""
    from liealg.parsing import parse_formula

    try:
        return float(parse_formula(str(text)))
    except (TypeError, ValueError):
        return float("nan")


def plot_scan_grid(grid: Any, *, path: str | Path | None = None) -> Figure:
    """The talk's summary heat map: log10 of the lowest final loss (over the seeds), dimension n
    against the number of generators N_g; a dot marks a success (a subalgebra of that size)."""
    plt = _plt()
    lowest = np.asarray(grid.lowest(), dtype=float)
    logs = np.log10(np.clip(lowest, 1e-300, None))
    logs[np.isnan(lowest)] = np.nan
    fig, ax = plt.subplots(figsize=(1.2 + 0.5 * len(grid.n_generators), 1.2 + 0.45 * len(grid.dims)))
    cmap = plt.get_cmap("viridis").with_extremes(bad="lightgray")
    finite = logs[np.isfinite(logs)]
    vmin = float(max(finite.min(), -20.0)) if finite.size else -12.0
    image = ax.imshow(np.ma.masked_invalid(logs), cmap=cmap, origin="lower", aspect="auto", vmin=vmin,
                      vmax=float(finite.max()) if finite.size else 0.0)
    for i, n in enumerate(grid.dims):
        for c in grid.cells:
            if c.n != n:
                continue
            for j, ok in enumerate(c.success):
                if ok:
                    ax.plot(j, i, "o", color="white", ms=3)
    ax.set_xticks(range(len(grid.n_generators)), [str(g) for g in grid.n_generators])
    ax.set_yticks(range(len(grid.dims)), [str(n) for n in grid.dims])
    ax.set_xlabel("number of generators $N_g$")
    ax.set_ylabel("dimension $n$")
    ax.set_title(f"log10 lowest loss over {len(grid.seeds)} seed(s): {grid.family}", fontsize=9)
    fig.colorbar(image, ax=ax, label="log10 lowest loss")
    fig.tight_layout()
    return _finish(fig, path)


def plot_subalgebras(survey: Any, *, path: str | Path | None = None) -> Figure:
    """The subalgebra classes found over seeds: one bar chart per dimension ``k``.

    Parameters
    ----------
    survey : liealg.subalgebras.SubalgebraSurvey
        Bars count the seeds that found each class; a dimension with no subalgebra (proved) is
        marked "none exists", one where no seed closed "none found".
    """
    plt = _plt()
    dims = list(survey.dims) or [0]
    fig, axes = plt.subplots(1, len(dims), figsize=(2.6 * len(dims) + 0.6, 3.2), squeeze=False, sharey=True)
    seeds = max(len(survey.seeds), 1)
    for ax, k in zip(axes[0], dims):
        classes = survey.by_dimension(k)
        ax.set_title(f"k = {k}", fontsize=9)
        ax.set_ylim(0, seeds)
        if not classes:
            text = "none exists" if k in survey.impossible else "none found"
            ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, fontsize=9)
            ax.set_xticks([])
            continue
        labels = [(c.name or "family") + ("" if not c.abelian else "\n(abelian)") for c in classes]
        colors = ["tab:green" if c.exact else "tab:orange" for c in classes]
        ax.bar(range(len(classes)), [c.count for c in classes], color=colors)
        ax.set_xticks(range(len(classes)), labels, rotation=30, ha="right", fontsize=7)
    axes[0][0].set_ylabel("seeds")
    fig.suptitle(f"subalgebras of {survey.ambient_name or 'the symmetry algebra'} found over {seeds} seed(s) "
                 "(green: exact representative)", fontsize=9)
    return _finish(fig, path)


def plot_stabilizer(value: Any, *, path: str | Path | None = None) -> Figure:
    """The unbroken generators as heat maps beside the broken ones.

    Parameters
    ----------
    value : liealg.subalgebras.Stabilizer or Breaking
        Anything with ``unbroken`` and ``broken`` sequences of (d, d) matrices.
    """
    plt = _plt()
    groups = [("unbroken", _as_float_arrays(list(value.unbroken))), ("broken", _as_float_arrays(list(value.broken)))]
    cols = max(min(max(len(g) for _, g in groups), 8), 1)
    rows_of = [max(1, int(np.ceil(len(g) / cols))) for _, g in groups]
    rows = sum(rows_of)
    fig, axes = plt.subplots(rows, cols, figsize=(1.5 * cols + 0.8, 1.5 * rows + 0.6), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    vmax = max([float(np.abs(m).max()) for _, g in groups for m in g] + [1e-300]) or 1.0
    row0 = 0
    for (label, mats), nrows in zip(groups, rows_of):
        if not mats:
            axes[row0, 0].text(0.0, 0.5, f"no {label} generators", va="center", fontsize=8)
        for i, m in enumerate(mats):
            r, c = divmod(i, cols)
            ax = axes[row0 + r, c]
            ax.imshow(np.real(m), cmap="RdBu_r", vmin=-vmax, vmax=vmax)
            ax.set_title(f"{label} {i + 1}", fontsize=7)
        row0 += nrows
    title = getattr(value, "title", None)
    if title:
        fig.suptitle(title, fontsize=9)
    return _finish(fig, path)
