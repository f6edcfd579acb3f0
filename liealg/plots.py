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

__all__ = ["plot_generators", "plot_history", "plot_scan", "plot_dynkin", "save_all"]


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
    plt.close("all")
    return written
