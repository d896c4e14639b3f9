"""Figures for the lessons, so that notebook cells stay short.

Every helper draws on a fresh figure, returns nothing and shows it, so a
notebook cell that calls one stores an image and no text (nbval compares text
outputs only).  Sections are per lesson; shared helpers come first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]


def _finish(fig, title: str | None = None) -> None:
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    plt.show()
    plt.close(fig)


# Shared ----------------------------------------------------------------------------------

def loglog(xs, series: dict[str, Sequence[float]], *, xlabel: str, ylabel: str,
           title: str | None = None, slopes: dict[str, float] | None = None) -> None:
    """Several curves on log-log axes, with optional reference slopes (e.g. h and h^2)."""
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    xs = np.asarray(xs, dtype=float)
    for (label, ys), color in zip(series.items(), COLORS):
        ax.loglog(xs, np.asarray(ys, dtype=float), "o-", ms=3, label=label, color=color)
    for label, p in (slopes or {}).items():
        ys = xs ** p
        ax.loglog(xs, ys / ys[0] * 1e-1, ":", color="gray", label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    _finish(fig, title)


def curves(x, series: dict[str, Sequence[float]], *, xlabel: str = "x", ylabel: str = "",
           title: str | None = None, logy: bool = False) -> None:
    """Several curves y(x) on one axis (loss curves, functions and derivatives)."""
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for (label, ys), color in zip(series.items(), COLORS):
        ax.plot(x, ys, label=label, color=color)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.legend()
    _finish(fig, title)


def contour_field(f: Callable, grad: Callable | None, *, xlim=(-2, 2), ylim=(-2, 2),
                  levels: int = 20, title: str | None = None, points=None) -> None:
    """Level sets of f(x, y) with its gradient field (arrows point uphill)."""
    xs = np.linspace(*xlim, 200)
    ys = np.linspace(*ylim, 200)
    X, Y = np.meshgrid(xs, ys)
    Z = np.vectorize(lambda a, b: f(np.array([a, b])))(X, Y)
    fig, ax = plt.subplots(figsize=(5.6, 5.0))
    cs = ax.contour(X, Y, Z, levels=levels, cmap="viridis")
    ax.clabel(cs, inline=True, fontsize=7, fmt="%.2g")
    if grad is not None:
        gx = np.linspace(*xlim, 15)
        gy = np.linspace(*ylim, 15)
        GX, GY = np.meshgrid(gx, gy)
        G = np.array([[grad(np.array([a, b])) for a, b in zip(ra, rb)] for ra, rb in zip(GX, GY)])
        ax.quiver(GX, GY, G[..., 0], G[..., 1], color="#d62728", alpha=0.7)
    for p in points or []:
        ax.plot(*p, "k*", ms=10)
    ax.set_aspect("equal")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    _finish(fig, title)


def heatmap(matrix, *, title: str | None = None, xlabel: str = "input j",
            ylabel: str = "output i") -> None:
    """A matrix (e.g. a Jacobian) as a colour map, zero in white."""
    m = np.asarray(matrix, dtype=float)
    lim = np.abs(m).max() or 1.0
    fig, ax = plt.subplots(figsize=(5.2, 4.4))
    im = ax.imshow(m, cmap="RdBu_r", vmin=-lim, vmax=lim)
    fig.colorbar(im, ax=ax)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    _finish(fig, title)


def graph(tensor, *, title: str | None = None, params: dict | None = None) -> None:
    """The computational graph below a minigrad tensor (minigrad.viz); ``params``
    names the leaves, e.g. ``{"x": x}``."""
    import io

    from IPython.display import Image, display

    from minigrad.viz import draw_graph

    fig = draw_graph(tensor, params=params)
    if title:
        fig.suptitle(title)
    # draw_graph's Figure is not pyplot's, so plt.show() would not display it
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    display(Image(buf.getvalue()))


def bars(labels: Sequence[str], values: Sequence[float], *, ylabel: str = "",
         title: str | None = None, logy: bool = False) -> None:
    """A bar chart (e.g. operation counts per mode)."""
    fig, ax = plt.subplots(figsize=(6.0, 3.8))
    ax.bar(labels, values, color=COLORS[: len(labels)])
    if logy:
        ax.set_yscale("log")
    ax.set_ylabel(ylabel)
    ax.grid(True, axis="y", alpha=0.3)
    _finish(fig, title)


# nb01 ------------------------------------------------------------------------------------

# nb02 ------------------------------------------------------------------------------------

# nb03 ------------------------------------------------------------------------------------

# nb04 ------------------------------------------------------------------------------------

# nb05 ------------------------------------------------------------------------------------

def backprop_filmstrip(names: Sequence[str], data: Sequence[float],
                       edges: Sequence[tuple[int, int]], frames: Sequence[tuple], *,
                       cols: int = 3, title: str | None = None) -> None:
    """A backward pass as a strip of panels, one per step.

    ``names``/``data``: the nodes, in topological order; ``edges``: (parent, child)
    pairs; ``frames``: ``(caption, current node or None, contributions)`` where
    ``contributions[i]`` lists the gradients node i has received so far.  The current
    node is outlined in red, the edges its gradient flows back along are red, and a node
    fed by two consumers shows its two contributions adding up.
    """
    n = len(names)
    layer = [0] * n
    for p, c in sorted(edges, key=lambda e: e[1]):
        layer[c] = max(layer[c], layer[p] + 1)
    rows: dict[int, list[int]] = {}
    for i in range(n):
        rows.setdefault(layer[i], []).append(i)
    pos = {i: (layer[i] * 2.6, (len(r) - 1) / 2 - r.index(i)) * 1.0
           for r in rows.values() for i in r}
    pos = {i: (x, 1.3 * y) for i, (x, y) in pos.items()}
    count = len(frames)
    nrows = -(-count // cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(4.3 * cols, 3.0 * nrows), squeeze=False)
    for ax in axes.flat[count:]:
        ax.set_axis_off()
    for ax, (caption, current, contributions) in zip(axes.flat, frames):
        ax.set_axis_off()
        ax.set_xlim(-1.2, 2.6 * max(layer) + 1.2)
        spread = max(len(r) for r in rows.values())
        ax.set_ylim(-0.85 * spread - 0.4, 0.85 * spread + 0.4)
        seen: dict[tuple[int, int], int] = {}
        for p, c in edges:
            k = seen[(p, c)] = seen.get((p, c), -1) + 1
            hot = c == current
            ax.annotate("", xy=pos[c], xytext=pos[p],
                        arrowprops=dict(arrowstyle="-|>", lw=2.2 if hot else 1.0,
                                        color="#d62728" if hot else "0.55",
                                        shrinkA=24, shrinkB=24,
                                        connectionstyle=f"arc3,rad={0.35 * k}"))
        for i in range(n):
            got = contributions[i]
            if not got:
                grad = "grad ?"
            elif len(got) == 1:
                grad = f"grad {got[0]:.4g}"
            else:
                grad = "grad " + " + ".join(f"{g:.3g}" for g in got) + f"\n= {sum(got):.4g}"
            ax.text(*pos[i], f"{names[i]} = {data[i]:.4g}\n{grad}", ha="center", va="center",
                    fontsize=8.5, family="monospace",
                    bbox=dict(boxstyle="round,pad=0.35",
                              facecolor="#fde0dd" if got else "white",
                              edgecolor="#d62728" if i == current else "0.4",
                              linewidth=2.4 if i == current else 1.0))
        ax.set_title(caption, fontsize=10)
    _finish(fig, title)


# nb06 ------------------------------------------------------------------------------------

# nb07 ------------------------------------------------------------------------------------

def mode_costs(ns, series: dict[str, Sequence[float]], cost_f: Sequence[float], *,
               title: str | None = None) -> None:
    """Left: op counts of a full gradient against n (log-log), cost(f) dashed.
    Right: the (n, m) plane of a Jacobian, shaded by the mode with fewer passes."""
    fig, (ax, plane) = plt.subplots(1, 2, figsize=(10.5, 4.2),
                                    gridspec_kw={"width_ratios": [1.5, 1]})
    ns = np.asarray(ns, dtype=float)
    for (label, ys), color in zip(series.items(), COLORS):
        ax.loglog(ns, np.asarray(ys, dtype=float), "o-", ms=4, label=label, color=color)
    ax.loglog(ns, np.asarray(cost_f, dtype=float), "k--", label="cost of f itself")
    ax.set_xlabel("input dimension n")
    ax.set_ylabel("primitive evaluations")
    ax.set_title("gradient of f: R^n -> R")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    grid = np.arange(1, 101)
    N, M = np.meshgrid(grid, grid)
    plane.contourf(N, M, np.sign(N - M), levels=[-2, 0, 2], colors=[COLORS[1], COLORS[0]],
                   alpha=0.35)
    plane.plot(grid, grid, "k-", lw=1)
    plane.text(70, 20, "reverse wins\n(wide: m < n)\nm passes", ha="center", va="center")
    plane.text(30, 80, "forward wins\n(tall: m > n)\nn passes", ha="center", va="center")
    plane.set_xlabel("inputs n")
    plane.set_ylabel("outputs m")
    plane.set_title("Jacobian m x n: fewer passes")
    plane.set_aspect("equal")
    _finish(fig, title)


def tape_growth(depths, sizes: dict[str, Sequence[float]], *, title: str | None = None) -> None:
    """Nodes kept for the backward pass against the depth of a chain."""
    fig, ax = plt.subplots(figsize=(6.0, 3.8))
    for (label, ys), color in zip(sizes.items(), COLORS):
        ax.plot(depths, ys, "o-", ms=3, label=label, color=color)
    ax.set_xlabel("number of operations (depth of the chain)")
    ax.set_ylabel("graph nodes kept")
    ax.grid(True, alpha=0.3)
    ax.legend()
    _finish(fig, title)


# nb08 ------------------------------------------------------------------------------------

# nb09 ------------------------------------------------------------------------------------
