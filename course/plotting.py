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


def graph(tensor, *, title: str | None = None) -> None:
    """The computational graph below a minigrad tensor (minigrad.viz)."""
    from minigrad.viz import draw_graph

    fig = draw_graph(tensor)
    if title:
        fig.suptitle(title)
    plt.show()
    plt.close(fig)


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

# nb06 ------------------------------------------------------------------------------------

# nb07 ------------------------------------------------------------------------------------

# nb08 ------------------------------------------------------------------------------------

# nb09 ------------------------------------------------------------------------------------
