"""Figures as in the talk: generator heat maps, loss curves, the N_g scan, Dynkin diagrams.

matplotlib is imported lazily (with the non-interactive Agg backend when no display is set), so
``import liealg`` never pays for it. Every function returns the matplotlib Figure and, given a
``path``, saves it as PNG.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import networkx as nx
    from matplotlib.figure import Figure

__all__ = ["plot_generators", "plot_history", "plot_scan", "plot_dynkin", "save_all", "plot_symmetry_map",
           "plot_scan_grid", "plot_subalgebras", "plot_stabilizer"]


def _plt() -> ModuleType:
    import matplotlib

    if not os.environ.get("DISPLAY"):
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


def plot_dynkin(identification: Any, *, path: str | Path | None = None) -> Figure:
    """Dynkin diagrams of the simple ideals: nodes are simple roots, edges labelled by bond order."""
    import networkx as nx

    plt = _plt()
    ideals = list(getattr(identification, "ideals", ()))
    fig, axes = plt.subplots(1, max(1, len(ideals)), figsize=(3.2 * max(1, len(ideals)), 2.2), squeeze=False)
    if not ideals:
        axes[0, 0].text(0.5, 0.5, f"{identification.name}: no simple ideal", ha="center", va="center")
        axes[0, 0].axis("off")
    for ax, ideal in zip(axes[0], ideals):
        graph = getattr(ideal, "dynkin", None)
        ax.set_title(f"{ideal.real_form}  ({ideal.type})", fontsize=9)
        ax.axis("off")
        if graph is None or graph.number_of_nodes() == 0:
            continue
        pos = _dynkin_layout(graph)
        nx.draw_networkx_nodes(graph, pos, ax=ax, node_size=160, node_color="white", edgecolors="black")
        for u, v, data in graph.edges(data=True):
            bond = int(data.get("weight", data.get("bond", 1)) or 1)
            nx.draw_networkx_edges(graph, pos, edgelist=[(u, v)], ax=ax, width=1.0 + 1.2 * (bond - 1))
            if bond > 1:
                xm, ym = (pos[u] + pos[v]) / 2
                ax.text(xm, ym, str(bond), fontsize=8, color="darkred")
    fig.tight_layout()
    return _finish(fig, path)


def _dynkin_layout(graph: nx.Graph) -> dict[Any, np.ndarray]:
    """Nodes of a path (A, B, C, F, G) on a line in path order; branched diagrams (D, E) by
    Kamada-Kawai, which draws their trees without crossings."""
    import networkx as nx

    nodes = list(graph.nodes)
    if len(nodes) == 1:
        return {nodes[0]: np.array([0.0, 0.0])}
    if max(dict(graph.degree).values()) <= 2 and nx.is_connected(graph):
        start = next(n for n in nodes if graph.degree[n] <= 1)
        order = list(nx.dfs_preorder_nodes(graph, start))
        return {n: np.array([float(i), 0.0]) for i, n in enumerate(order)}
    return {n: np.asarray(p) for n, p in nx.kamada_kawai_layout(graph).items()}


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
    if result.identification is not None:
        plot_dynkin(result.identification, path=directory / "dynkin.png")
        written.append(directory / "dynkin.png")
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
