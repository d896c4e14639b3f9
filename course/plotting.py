"""Figures for the lessons, so that notebook cells stay short.

Every helper draws on a fresh figure, returns nothing and shows it, so a
notebook cell that calls one stores an image and no text (nbval compares text
outputs only).  Sections are per lesson; shared helpers come first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import cycle

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
           title: str | None = None, slopes: dict[str, tuple[float, str]] | None = None,
           ) -> None:
    """Several curves on log-log axes, with optional reference slopes: ``{label: (p,
    series)}`` draws a guide of slope p a factor 10 below that series' rightmost point
    (parallel to it where the series has that slope), over the two decades to its left,
    in the series' colour, one line style per guide."""
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    xs = np.asarray(xs, dtype=float)
    colors = dict(zip(series, cycle(COLORS), strict=False))
    for label, ys in series.items():
        ax.loglog(xs, np.asarray(ys, dtype=float), "o-", ms=3, label=label, color=colors[label])
    for (label, (p, along)), style in zip((slopes or {}).items(), cycle([":", "--", "-."]),
                                          strict=False):
        x1, y1 = xs.max(), float(np.asarray(series[along], dtype=float)[np.argmax(xs)])
        guide = np.geomspace(x1 / 100, x1, 20)
        ax.loglog(guide, y1 / 10 * (guide / x1) ** p, style, color=colors[along], lw=2,
                  label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    _finish(fig, title)


def curves(x, series: dict[str, Sequence[float]], *, xlabel: str = "x", ylabel: str = "",
           title: str | None = None, logy: bool = False) -> None:
    """Several curves y(x) on one axis (loss curves, functions and derivatives)."""
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for (label, ys), color in zip(series.items(), cycle(COLORS), strict=False):
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
        G = np.array([[grad(np.array([a, b])) for a, b in zip(ra, rb, strict=True)]
                      for ra, rb in zip(GX, GY, strict=True)])
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


def graph(tensor, *, title: str | None = None, params: dict | None = None,
          caption: str | None = None) -> None:
    """The computational graph below a minigrad tensor (minigrad.viz); ``params``
    names the leaves, e.g. ``{"x": x}``; ``caption``: lines of text under it."""
    import io

    from IPython.display import Image, display

    from minigrad.viz import draw_graph

    fig = draw_graph(tensor, params=params)
    if title:  # above the boxes, never over them
        fig.suptitle(title, y=1.0, va="bottom")
    if caption:
        fig.text(0.5, 0.0, caption, ha="center", va="top", fontsize=9)
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

def directional_slice(f: Callable, x, v, slope: float, *, span: float = 1.0,
                      title: str | None = None) -> None:
    """The 1-D slice t -> f(x + t v) and its tangent line at t = 0, of slope grad f . v."""
    x, v = np.asarray(x, dtype=float), np.asarray(v, dtype=float)
    ts = np.linspace(-span, span, 201)
    values = [f(x + t * v) for t in ts]
    f0 = f(x)
    fig, ax = plt.subplots(figsize=(6.0, 3.8))
    ax.plot(ts, values, color=COLORS[0], label="slice  t -> f(x + t v)")
    ax.plot(ts, f0 + slope * ts, "--", color=COLORS[1],
            label=f"tangent, slope grad f . v = {slope:.3g}")
    ax.plot([0], [f0], "ko", ms=5)
    ax.set_xlabel("t")
    ax.set_ylabel("f(x + t v)")
    ax.grid(True, alpha=0.3)
    ax.legend()
    _finish(fig, title)


# nb03 ------------------------------------------------------------------------------------

def trace_graph(tensor, *, params: dict | None = None, labels: dict | None = None,
                title: str | None = None) -> None:
    """The graph below a minigrad tensor, laid out by minigrad.viz.graph_geometry (no
    edge passes behind a box) and drawn like CS231n's circuits: each box shows its value
    (green, above) and, after a backward pass, its gradient (red, below).  ``params``
    names the leaves; ``labels`` names intermediate tensors (call ``retain_grad()`` on
    them to see their gradients)."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
    from matplotlib.path import Path

    from minigrad.viz import LINE_HEIGHT, MARGIN, graph_geometry

    # (the grad_fn objects are held in ``named`` while drawing, so their ids stay theirs)
    named = {n: t.grad_fn for n, t in (labels or {}).items() if t.grad_fn is not None}
    names = {id(fn): n for n, fn in named.items()}

    def fmt(a) -> str:
        return f"{float(a):.4g}" if a is not None and np.size(a) == 1 else ""

    def texts(n, seeded: bool = True) -> list[str]:
        """Value, name, gradient; the output's gradient is the seed 1 once backward ran."""
        grad = 1.0 if n.kind == "output" and seeded else n.grad
        name = f"{names[id(n.ref)]} {n.name}" if id(n.ref) in names else n.name
        return [fmt(n.value), name, fmt(grad)]

    # Each box reserves the three lines, so the layout keeps edges off the numbers too.
    geo = graph_geometry(tensor, params=params, label=lambda n: "\n".join(texts(n)))
    seeded = any(n.kind == "leaf" and n.grad is not None for n in geo.layout.nodes)
    (w, h), top = geo.size, 0.3 + 0.3 * bool(title)  # top: room for the key and title
    fig = plt.figure(figsize=(w, h + top), dpi=150)  # 8 pt text: enlarge the image
    ax = fig.add_axes((0, 0, 1, h / (h + top)))  # one data unit is one inch
    ax.set_axis_off()
    ax.set_xlim(0, w)
    ax.set_ylim(0, h)
    for n in geo.layout.nodes:
        x0, y0, x1, y1 = geo.boxes[n.id]
        xc, yc = (x0 + x1) / 2, (y0 + y1) / 2
        ax.add_patch(FancyBboxPatch((x0, yc - 0.09), x1 - x0, 0.18, zorder=2, lw=0.8,
                                    boxstyle="round,pad=0,rounding_size=0.05",
                                    facecolor="#f7f7f7", edgecolor="0.3"))
        for dy, text, color in zip((1.2, 0, -1.2), texts(n, seeded),
                                   ("#2ca02c", "black", "#d62728"), strict=True):
            ax.text(xc, yc + dy * LINE_HEIGHT, text, ha="center", va="center", fontsize=8,
                    family="monospace", color=color, zorder=3)
    for path in geo.paths:
        ax.add_patch(FancyArrowPatch(path=Path(path), arrowstyle="-|>", mutation_scale=8,
                                     color="0.4", lw=0.9, shrinkA=0, shrinkB=0, zorder=1))
    ax.text(MARGIN, h + 0.1, "value", color="#2ca02c", fontsize=9)
    ax.text(MARGIN + 0.5, h + 0.1, "gradient d(output)/d(box)", color="#d62728", fontsize=9)
    if title:
        ax.text(w / 2, h + 0.4, title, ha="center", fontsize=11)
    plt.show()
    plt.close(fig)


# nb04 ------------------------------------------------------------------------------------

def iterates_and_derivatives(x, iterates: Sequence, tangents: Sequence, *, limit: Callable,
                             dlimit: Callable, first: int = 1, title: str | None = None) -> None:
    """Two panels: iterates t_k(x) of a loop and their derivatives dt_k/dx (from dual
    numbers), converging to the dashed limits (e.g. sqrt x and 1 / (2 sqrt x))."""
    x = np.asarray(x, dtype=float)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.0, 4.0))
    shades = plt.cm.viridis(np.linspace(0.15, 0.85, len(iterates)))
    for k, (t, dt, c) in enumerate(zip(iterates, tangents, shades, strict=True),
                                     start=first):
        left.plot(x, t, color=c, label=f"k = {k}")
        right.plot(x, dt, color=c, label=f"k = {k}")
    left.plot(x, limit(x), "k--", lw=1.5, label="limit")
    right.plot(x, dlimit(x), "k--", lw=1.5, label="derivative of the limit")
    left.set_title("iterates $t_k(x)$")
    right.set_title("tangents $dt_k/dx$ (dual numbers)")
    for ax in (left, right):
        ax.set_xlabel("x")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    right.set_ylim(0, max(1.2, float(np.max(dlimit(x[x > 0.5])))))
    _finish(fig, title)


# nb05 ------------------------------------------------------------------------------------

def backprop_filmstrip(names: Sequence[str], data: Sequence[float],
                       edges: Sequence[tuple[int, int]], frames: Sequence[tuple], *,
                       cols: int = 3, title: str | None = None) -> None:
    """A backward pass as a strip of panels, one per step.

    ``names``/``data``: the nodes, in topological order; ``edges``: (parent, child)
    pairs; ``frames``: ``(caption, current node or None, contributions[, flows])`` where
    ``contributions[i]`` lists the gradients node i has received so far.  The current
    node is outlined in red, the edges its gradient flows back along are red (unless
    ``flows`` is False: the seed, where nothing has flowed yet), and a node fed by two
    consumers shows its two contributions adding up.
    """
    n = len(names)
    layer = [0] * n
    for p, c in sorted(edges, key=lambda e: e[1]):
        layer[c] = max(layer[c], layer[p] + 1)
    rows: dict[int, list[int]] = {}
    for i in range(n):
        rows.setdefault(layer[i], []).append(i)
    pos = {i: (layer[i] * 2.6, 1.3 * ((len(r) - 1) / 2 - r.index(i)))
           for r in rows.values() for i in r}
    count = len(frames)
    nrows = -(-count // cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(5.0 * cols, 3.4 * nrows), squeeze=False)
    for ax in axes.flat[count:]:
        ax.set_axis_off()
    for ax, (caption, current, contributions, *flows) in zip(axes.flat, frames, strict=False):
        ax.set_axis_off()
        ax.set_xlim(-1.2, 2.6 * max(layer) + 1.2)
        spread = max(len(r) for r in rows.values())
        ax.set_ylim(-0.85 * spread - 0.5, 0.85 * spread + 1.0)
        seen: dict[tuple[int, int], int] = {}
        for p, c in edges:
            k = seen[(p, c)] = seen.get((p, c), -1) + 1
            hot = c == current and (not flows or flows[0])
            # a repeated edge (a + a) or one that skips a column bends, so it does not hide
            # behind the nodes in between
            rad = 0.35 * k + (0.45 if layer[c] - layer[p] > 1 else 0.0)
            ax.annotate("", xy=pos[c], xytext=pos[p],
                        arrowprops=dict(arrowstyle="-|>", lw=2.2 if hot else 1.0,
                                        color="#d62728" if hot else "0.55",
                                        shrinkA=26, shrinkB=26,
                                        connectionstyle=f"arc3,rad={-rad}"))
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

def jacobian_row_column(matrix, row: int, col: int, *, title: str | None = None) -> None:
    """A Jacobian as a colour map with one row outlined (what one VJP, one reverse pass,
    computes) and one column (what one JVP, one forward pass, computes)."""
    from matplotlib.patches import Rectangle

    m = np.asarray(matrix, dtype=float)
    lim = np.abs(m).max() or 1.0
    fig, ax = plt.subplots(figsize=(7.4, 5.0))
    im = ax.imshow(m, cmap="RdBu_r", vmin=-lim, vmax=lim)
    fig.colorbar(im, ax=ax, shrink=0.8, location="left", pad=0.14)  # the right is for labels
    rows, cols = m.shape
    ax.add_patch(Rectangle((-0.5, row - 0.5), cols, 1, fill=False, lw=3, ec=COLORS[0]))
    ax.add_patch(Rectangle((col - 0.5, -0.5), 1, rows, fill=False, lw=3, ec=COLORS[2]))
    ax.annotate(f"row {row}: one VJP\n(one reverse pass, v = e_{row})", xy=(cols - 0.5, row),
                xytext=(cols + 0.8, row), color=COLORS[0], va="center", fontsize=9,
                arrowprops=dict(arrowstyle="->", color=COLORS[0]), annotation_clip=False)
    ax.annotate(f"column {col}: one JVP\n(one forward pass, v = e_{col})",
                xy=(col, rows - 0.5), xytext=(col, rows + 2.3), color=COLORS[2],
                ha="center", va="top", fontsize=9,
                arrowprops=dict(arrowstyle="->", color=COLORS[2]), annotation_clip=False)
    ax.set_xticks(range(cols))
    ax.set_yticks(range(rows))
    ax.set_xlabel("input j")
    ax.set_ylabel("output i")
    _finish(fig, title)


# nb07 ------------------------------------------------------------------------------------

def mode_costs(ns, series: dict[str, Sequence[float]], cost_f: Sequence[float], *,
               title: str | None = None) -> None:
    """Left: op counts of a full gradient against n (log-log), cost(f) dashed; the
    series are forward mode, then reverse mode.  Right: the (n, m) plane of a
    Jacobian, shaded by the mode with fewer passes, in that mode's colour."""
    fig, (ax, plane) = plt.subplots(1, 2, figsize=(10.5, 4.2),
                                    gridspec_kw={"width_ratios": [1.5, 1]})
    ns = np.asarray(ns, dtype=float)
    for (label, ys), color in zip(series.items(), COLORS, strict=False):
        ax.loglog(ns, np.asarray(ys, dtype=float), "o-", ms=4, label=label, color=color)
    ax.loglog(ns, np.asarray(cost_f, dtype=float), "k--", label="cost of f itself")
    ax.set_xlabel("input dimension n")
    ax.set_ylabel("primitive evaluations")
    ax.set_title("gradient of f: R^n -> R")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    grid = np.arange(1, 101)
    N, M = np.meshgrid(grid, grid)
    # each mode's region in its colour on the left (forward mode first, then reverse)
    plane.contourf(N, M, np.sign(N - M), levels=[-2, 0, 2], colors=[COLORS[0], COLORS[1]],
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
    for (label, ys), color in zip(sizes.items(), COLORS, strict=False):
        ax.plot(depths, ys, "o-", ms=3, label=label, color=color)
    ax.set_xlabel("number of operations (depth of the chain)")
    ax.set_ylabel("graph nodes kept")
    ax.grid(True, alpha=0.3)
    ax.legend()
    _finish(fig, title)


# nb08 ------------------------------------------------------------------------------------

def loss_curves(series: dict[str, Sequence[float]], *, styles: dict[str, str] | None = None,
                title: str | None = None) -> None:
    """Training losses against the step on a log scale; ``styles`` gives a line style per
    label (e.g. a dashed curve that overlays a solid one)."""
    fig, ax = plt.subplots(figsize=(6.6, 4.0))
    for (label, ys), color in zip(series.items(), COLORS, strict=False):
        style = (styles or {}).get(label, "-")
        ax.semilogy(np.arange(len(ys)), np.asarray(ys, dtype=float), style, color=color,
                    lw=2.4 if style == "-" else 1.6, label=label)
    ax.set_xlabel("step")
    ax.set_ylabel("training loss")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    _finish(fig, title)


# nb09 ------------------------------------------------------------------------------------

def newton_picture(f: Callable, df: Callable, d2f: Callable, x0: float, *, xlim=(-3, 3),
                   title: str | None = None) -> None:
    """A function, its second-order Taylor model at x0, and the Newton step to the
    model's minimum."""
    xs = np.linspace(*xlim, 300)
    model = f(x0) + df(x0) * (xs - x0) + 0.5 * d2f(x0) * (xs - x0) ** 2
    x1 = x0 - df(x0) / d2f(x0)
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    ax.plot(xs, f(xs), color=COLORS[0], lw=2, label="f")
    ax.plot(xs, model, "--", color=COLORS[1], label="quadratic model at x0")
    ax.plot([x0], [f(x0)], "o", color="k", label=f"start x0 = {x0:g}")
    ax.plot([x1], [f(x0) + df(x0) * (x1 - x0) + 0.5 * d2f(x0) * (x1 - x0) ** 2], "*",
            ms=12, color=COLORS[1], label="minimum of the model")
    ax.axvline(x1, color="gray", ls=":", lw=1)
    ax.annotate("", xy=(x1, f(x1)), xytext=(x0, f(x0)),
                arrowprops={"arrowstyle": "->", "color": COLORS[2], "lw": 1.5})
    ax.plot([x1], [f(x1)], "o", color=COLORS[2],
            label=f"x1 = x0 - f'(x0)/f''(x0) = {x1:.3g} (step {x1 - x0:+.3g})")
    ax.set_ylim(min(f(xs).min(), model.min()) - 0.2, f(xs).max() + 0.2)
    ax.set_xlabel("x")
    ax.grid(True, alpha=0.3)
    ax.legend()
    _finish(fig, title)

