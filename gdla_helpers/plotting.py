"""Plotly figures for the course: every helper returns a go.Figure and never shows it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
import torch

from . import _validate
from .graph import autograd_graph

__all__ = ["COLORS", "plot_losses", "plot_matrix", "plot_function_and_derivative", "style",
           "plot_autograd_graph",
           "plot_convergence", "plot_momentum_map", "plot_matrix_frames", "plot_iterations_vs_kappa",
           "plot_heatmaps", "plot_pictures"]

# Okabe–Ito: a palette that colour-blind readers can tell apart. The course uses it everywhere.
COLORS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


def style(fig: go.Figure, *, title: str, xaxis_title: str, yaxis_title: str) -> go.Figure:
    """Apply the course's look (palette, white background, titles) to fig and return it.

    Introduced in notebook 01, section "What a matrix does to the unit circle: singular values and κ".
    """
    fig.update_layout(
        title={"text": title},
        xaxis_title=xaxis_title,
        yaxis_title=yaxis_title,
        template="plotly_white",
        colorway=COLORS,
        font={"family": "Inter, Helvetica, Arial, sans-serif", "size": 13},
        legend={"title": {"text": ""}},
        margin={"l": 60, "r": 20, "t": 60, "b": 50},
    )
    return fig


def _floats(values, name: str) -> np.ndarray:
    """Turn a tensor, array or list of numbers / 0-d tensors into a 1-D float array (see _validate)."""
    arr = _validate.numbers(values, name, empty=True, one_d=True).numpy()
    if arr.size == 0:
        raise ValueError(f"{name} is empty: run at least one iteration before plotting")
    return arr


def _grid(M, name: str) -> np.ndarray:
    """A matrix to draw (tensor, array or nested list of numbers) as a 2-D float array."""
    if isinstance(M, torch.Tensor):
        if M.is_complex():
            raise TypeError(f"{name} is complex ({M.dtype}); draw M.real or M.abs()")
        values = M.detach().cpu().double().numpy()
    elif isinstance(M, (str, bytes)) or M is None:
        raise TypeError(f"{name} must be a matrix (a 2-D tensor, array or nested list), got {type(M).__name__}")
    else:
        try:
            values = np.asarray(M, float)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be a matrix of numbers (a 2-D tensor, array or nested list), "
                            f"got {type(M).__name__}") from None
    if values.ndim != 2 or values.size == 0:
        raise ValueError(f"{name} must be a non-empty matrix (2-D), got shape {values.shape}")
    return values


def _as_runs(histories) -> dict[str, np.ndarray]:
    """Normalise one run or several runs into {name: losses}."""
    if hasattr(histories, "losses"):  # a run's history object
        return {getattr(histories, "name", None) or "loss": _floats(histories.losses, "histories.losses")}
    if isinstance(histories, Mapping):
        if not histories:
            raise ValueError("histories is empty: pass {'name': losses, ...}")
        runs = {}
        for name, run in histories.items():
            run = run.losses if hasattr(run, "losses") else run
            runs[str(name)] = _floats(run, f"histories[{name!r}]")
        return runs
    if isinstance(histories, (torch.Tensor, np.ndarray, Sequence)):
        return {"loss": _floats(histories, "histories")}
    if isinstance(histories, str):
        raise TypeError(f"histories must be a sequence of losses, a dict {{name: losses}} or a run's history, "
                        f"got the string {histories!r}")
    raise TypeError(
        "histories must be a sequence of losses, a dict {name: losses} or a run's history, "
        f"got {type(histories).__name__}"
    )


def plot_losses(
    histories,
    *,
    title: str = "Loss per iteration",
    xaxis_title: str = "iteration",
    yaxis_title: str = "loss",
    log_y: bool = True,
) -> go.Figure:
    """Loss curves of one or several runs, on a log y axis by default.

    Introduced in notebook 01, section "Curvature in two dimensions: the Hessian" (the coordinates of two runs).

    Parameters: histories: a sequence of losses, a dict {run name: losses}, or a run's history
    (anything with a `.losses` attribute); title/xaxis_title/yaxis_title: labels; log_y: log axis.
    Non-positive losses cannot be drawn on a log axis and leave a gap.
    """
    fig = go.Figure()
    for i, (name, losses) in enumerate(_as_runs(histories).items()):
        fig.add_trace(
            go.Scatter(
                x=np.arange(losses.size),
                y=losses,
                name=name,
                mode="lines",
                line={"color": COLORS[i % len(COLORS)], "width": 2},
            )
        )
    style(fig, title=title, xaxis_title=xaxis_title, yaxis_title=yaxis_title)
    fig.update_layout(showlegend=True)
    if log_y:
        fig.update_yaxes(type="log", exponentformat="power")
    return fig


def plot_matrix(
    M: torch.Tensor,
    *,
    title: str = "Matrix",
    colorscale: str = "RdBu_r",
    zmid: float | None = 0.0,
    annotate: bool | None = None,
    row_labels: Sequence[str] | None = None,
    column_labels: Sequence[str] | None = None,
    xaxis_title: str = "column",
    yaxis_title: str = "row",
) -> go.Figure:
    """A heatmap of a matrix drawn the way it is printed: row 0 at the top.

    Introduced in notebook 01, section "Deep dive: a documents × words matrix with planted topics".

    Parameters: M: a 2-D tensor or array; title; colorscale (diverging by default, centred on
    zmid; pass zmid=None for an uncentred scale); annotate: write the values in the cells
    (default: only for matrices up to 10×10); row_labels, column_labels: optional tick labels,
    one per row / column (e.g. words; introduced in notebook 01, section "Reproducible
    randomness"); xaxis_title, yaxis_title: axis titles.
    """
    values = _grid(M, "M")
    if annotate is None:
        annotate = max(values.shape) <= 10
    for labels, size, what in ((row_labels, values.shape[0], "row"),
                               (column_labels, values.shape[1], "column")):
        if labels is not None and len(labels) != size:
            raise ValueError(f"{what}_labels has {len(labels)} labels but M has {size} {what}s; "
                             f"pass one label per {what}")
    heatmap = go.Heatmap(
        z=values,
        colorscale=colorscale,
        zmid=zmid,
        text=np.round(values, 2) if annotate else None,
        texttemplate="%{text}" if annotate else None,
        hovertemplate="row %{y}, column %{x}: %{z:.4g}<extra></extra>",
    )
    fig = go.Figure(heatmap)
    style(fig, title=title, xaxis_title=xaxis_title, yaxis_title=yaxis_title)
    fig.update_yaxes(autorange="reversed", scaleanchor="x", constrain="domain")
    fig.update_xaxes(constrain="domain", side="top")
    # Tick labels sit on the numeric positions, so repeated labels never merge two columns.
    if row_labels is not None:
        fig.update_yaxes(tickmode="array", tickvals=list(range(values.shape[0])),
                         ticktext=[str(s) for s in row_labels])
    if column_labels is not None:
        fig.update_xaxes(tickmode="array", tickvals=list(range(values.shape[1])),
                         ticktext=[str(s) for s in column_labels], tickangle=-90)
        # Vertical labels sit above the matrix: make room, and keep the title above them.
        longest = max((len(str(s)) for s in column_labels), default=0)
        fig.update_layout(margin={"t": 70 + 7 * longest},
                          title={"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 12}})
    return fig


def plot_function_and_derivative(
    x: torch.Tensor,
    f: torch.Tensor,
    df: torch.Tensor,
    reference: torch.Tensor | None = None,
    *,
    names: tuple[str, str, str] = ("f(x)", "autograd f′(x)", "exact f′(x)"),
    title: str = "A function and its derivative",
) -> go.Figure:
    """A function, its derivative from autograd (markers) and optionally the exact derivative.

    Introduced in notebook 01, section "Derivatives with autograd".

    Parameters: x, f, df, reference: 1-D tensors of the same length (reference may be None);
    names: legend labels for f, df and reference; title.
    """
    xs = _floats(x, "x")
    curves = {"f": _floats(f, "f"), "df": _floats(df, "df")}
    if reference is not None:
        curves["reference"] = _floats(reference, "reference")
    for key, ys in curves.items():
        if ys.size != xs.size:
            raise ValueError(f"{key} has {ys.size} values but x has {xs.size}; they must match")
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=xs, y=curves["f"], name=names[0], mode="lines",
                             line={"color": COLORS[0], "width": 2}))
    if reference is not None:
        fig.add_trace(go.Scatter(x=xs, y=curves["reference"], name=names[2], mode="lines",
                                 line={"color": COLORS[1], "width": 4}))
    fig.add_trace(go.Scatter(x=xs, y=curves["df"], name=names[1], mode="markers",
                             marker={"color": COLORS[2], "size": 5}))
    return style(fig, title=title, xaxis_title="x", yaxis_title="value")


# --- notebook 01: computation graphs -------------------------------------------------------------

def plot_autograd_graph(
    graph,
    *,
    names: Mapping[str, torch.Tensor] | None = None,
    title: str = "Computation graph",
) -> go.Figure:
    """A picture of autograd's computation graph: inputs on the left, the output on the right.

    Introduced in notebook 01, section "The computation graph and the chain rule".

    Parameters: graph: a tensor with a grad_fn, or the dict gh.autograd_graph(tensor) returns;
    names: optional {label: leaf tensor} to name the leaves (used when graph is a tensor);
    title. Leaves (AccumulateGrad) are orange, operations blue; each node's column is its layer.
    Arrows point forward (from an input to the node that uses it); backward() walks them in
    reverse.
    """
    if isinstance(graph, torch.Tensor):
        graph = autograd_graph(graph, names)
    if not isinstance(graph, Mapping) or "nodes" not in graph or "edges" not in graph:
        raise TypeError("graph must be a tensor or the dict gh.autograd_graph(tensor) returns")
    nodes = graph["nodes"]
    # Position: x = layer. Going from the output back to the inputs, the nodes of a layer are
    # sorted by the mean height of the nodes they feed (fewer crossing arrows), then spread
    # evenly around y = 0.
    by_layer: dict[int, list[int]] = {}
    for node in nodes:
        by_layer.setdefault(node["layer"], []).append(node["id"])
    consumers: dict[int, list[int]] = {node["id"]: [] for node in nodes}
    for a, b in graph["edges"]:
        consumers[a].append(b)
    xy: dict[int, tuple[float, float]] = {}
    for layer in sorted(by_layer, reverse=True):
        ids = by_layer[layer]
        ids.sort(key=lambda i: -np.mean([xy[b][1] for b in consumers[i]] or [0.0]))
        for k, i in enumerate(ids):
            xy[i] = (float(layer), (len(ids) - 1) / 2 - k)
    fig = go.Figure()
    for leaf, colour, legend in ((False, COLORS[0], "operation (backward node)"),
                                 (True, COLORS[1], "leaf (AccumulateGrad)")):
        chosen = [n for n in nodes if (n["name"] == "AccumulateGrad") == leaf]
        if not chosen:
            continue
        text = [n["name"] + (f"<br>{n['label']}" if n["label"] else "") for n in chosen]
        fig.add_trace(go.Scatter(
            x=[xy[n["id"]][0] for n in chosen], y=[xy[n["id"]][1] for n in chosen],
            mode="markers+text", text=text, textposition="top center", name=legend,
            marker={"size": 18, "color": colour, "line": {"width": 1, "color": "white"}},
            hovertemplate="%{text}<extra></extra>",
        ))
    for a, b in graph["edges"]:
        (x0, y0), (x1, y1) = xy[a], xy[b]
        fig.add_annotation(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y",
                           showarrow=True, arrowhead=2, arrowsize=1.2, arrowwidth=1.5,
                           arrowcolor="#555555", standoff=10, startstandoff=10, text="")
    n_layers = 1 + max(n["layer"] for n in nodes)
    rows = max(len(ids) for ids in by_layer.values())
    style(fig, title=title, xaxis_title="", yaxis_title="")
    fig.update_xaxes(visible=False, range=[-0.6, n_layers - 0.4])
    fig.update_yaxes(visible=False, range=[-rows / 2 - 0.2, rows / 2 + 0.4])
    fig.update_layout(height=220 + 60 * rows, width=max(500, 150 * n_layers),
                      legend={"orientation": "h", "y": -0.05})
    return fig


# --- notebook 02: the inverse by gradient descent ------------------------------------------------

def _thin(values: np.ndarray, max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """Every k-th point (and the last one) so that a long curve keeps at most ~max_points points."""
    step = max(1, int(np.ceil(values.size / max_points)))
    index = np.arange(0, values.size, step)
    if index[-1] != values.size - 1:
        index = np.append(index, values.size - 1)
    return index, values[index]


def _significant(values: np.ndarray, digits: int = 5) -> np.ndarray:
    """Round to a few significant digits: plenty for a figure, and a much smaller stored notebook."""
    return np.array([float(f"{v:.{digits}g}") for v in values])


def plot_convergence(
    runs,
    *,
    title: str = "Convergence",
    xaxis_title: str = "iteration",
    yaxis_title: str = "‖XM − I‖_F / √n",
    tol: float | None = None,
    max_points: int = 300,
    log_x: bool = False,
) -> go.Figure:
    """Curves of several runs (thinned to at most ~max_points points each) on a log y axis.

    Introduced in notebook 02, section "Deep dive: random matrix versus diagonal matrix".

    Parameters: runs: a dict {name: values or a run's history (its .metrics are drawn)}; title,
    xaxis_title, yaxis_title: labels; tol: draw the tolerance as a dashed line; max_points: the
    thinning budget per curve (long runs keep every k-th point, so the stored figure stays small);
    log_x: log x axis (iterations then start at 1).
    """
    if not isinstance(runs, Mapping) or not runs:
        raise ValueError("runs must be a non-empty dict {name: values or history}")
    max_points = _validate.count(max_points, "max_points", 2)
    if tol is not None:
        tol = _validate.positive(tol, "tol")
    fig = go.Figure()
    for i, (name, run) in enumerate(runs.items()):
        values = _floats(run.metrics if hasattr(run, "metrics") else run, f"runs[{name!r}]")
        index, thinned = _thin(values, max_points)
        fig.add_trace(go.Scatter(x=index + (1 if log_x else 0), y=_significant(thinned), name=str(name),
                                 mode="lines", line={"color": COLORS[i % len(COLORS)], "width": 2}))
    style(fig, title=title, xaxis_title=xaxis_title, yaxis_title=yaxis_title)
    fig.update_yaxes(type="log", exponentformat="power")
    if log_x:
        fig.update_xaxes(type="log")
    if tol is not None:
        fig.add_hline(y=tol, line={"dash": "dash", "color": "#555555", "width": 1},
                      annotation_text=f"tol = {tol:g}", annotation_position="bottom left")
    fig.update_layout(showlegend=True)
    return fig


def plot_matrix_frames(
    frames,
    labels: Sequence[str],
    *,
    title: str = "X·M becoming the identity",
    zrange: tuple[float, float] = (-1.0, 1.0),
    decimals: int = 2,
) -> go.Figure:
    """An animated heatmap: one frame per matrix, with a slider and a play button.

    Introduced in notebook 02, section "Watching X·M become the identity".

    Parameters: frames: a sequence of equally shaped 2-D tensors/arrays (keep them few and
    small: every frame is stored in the notebook); labels: one slider label per frame; title;
    zrange: the fixed colour range (so colours mean the same in every frame); decimals: rounding
    of the stored values (and of the numbers written in cells up to 10×10).
    """
    decimals = _validate.count(decimals, "decimals")
    if isinstance(zrange, (str, bytes)) or not isinstance(zrange, Sequence) or len(zrange) != 2:
        raise TypeError(f"zrange must be a pair (low, high), got {zrange!r}")
    low, high = (_validate.number(z, f"zrange[{i}]") for i, z in enumerate(zrange))
    if not low < high:
        raise ValueError(f"zrange must go from low to high (low < high), got {tuple(zrange)}; e.g. (-1.0, 1.0)")
    zrange = (low, high)
    mats = [np.round(_grid(f, f"frames[{i}]"), decimals) for i, f in enumerate(frames)]
    if not mats:
        raise ValueError("frames is empty: pass at least one matrix")
    if len(labels) != len(mats):
        raise ValueError(f"got {len(mats)} frames but {len(labels)} labels; pass one label per frame")
    shape = mats[0].shape
    if len(shape) != 2 or any(m.shape != shape for m in mats):
        raise ValueError("every frame must be a matrix (2-D) of the same shape")
    annotate = max(shape) <= 10

    def heatmap(z):
        return go.Heatmap(z=z, zmin=zrange[0], zmax=zrange[1], colorscale="RdBu_r",
                          text=z if annotate else None, texttemplate="%{text}" if annotate else None,
                          hovertemplate="row %{y}, column %{x}: %{z}<extra></extra>")

    fig = go.Figure(data=[heatmap(mats[0])],
                    frames=[go.Frame(data=[heatmap(z)], name=str(label)) for z, label in zip(mats, labels, strict=True)])
    steps = [{"label": str(label), "method": "animate",
              "args": [[str(label)], {"mode": "immediate", "frame": {"duration": 0, "redraw": True},
                                      "transition": {"duration": 0}}]} for label in labels]
    fig.update_layout(
        sliders=[{"active": 0, "steps": steps, "currentvalue": {"prefix": "iteration: "}, "pad": {"t": 30}}],
        updatemenus=[{"type": "buttons", "showactive": False, "x": 0.0, "y": -0.08, "xanchor": "right",
                      "buttons": [{"label": "▶", "method": "animate",
                                   "args": [None, {"frame": {"duration": 500, "redraw": True},
                                                   "fromcurrent": True, "transition": {"duration": 0}}]}]}],
    )
    style(fig, title=title, xaxis_title="column", yaxis_title="row")
    fig.update_yaxes(autorange="reversed", scaleanchor="x", constrain="domain")
    fig.update_xaxes(constrain="domain", side="top")
    fig.update_layout(height=520, width=560)
    return fig


def plot_iterations_vs_kappa(
    kappas,
    measured: Mapping[str, Sequence],
    predicted: Mapping[str, Sequence] | None = None,
    guides: Mapping[str, Sequence] | None = None,
    *,
    title: str = "Iterations to tolerance versus condition number",
) -> go.Figure:
    """Iteration counts against κ on log-log axes: measured (markers), predicted (lines), guides (dotted).

    Introduced in notebook 02, section "Deep dive: iterations versus κ".

    Parameters: kappas: the condition numbers (x); measured: {method: counts} with None where a
    method was not run or did not converge; predicted: {method: counts} drawn as lines in the same
    colour; guides: {label: values} drawn as dotted grey lines (e.g. the κ-laws); title.
    """
    xs = _floats(kappas, "kappas")
    if not np.isfinite(xs).all() or (xs < 1).any():
        raise ValueError(f"kappas must be condition numbers, finite and >= 1 (they are drawn on a log axis), got "
                         f"{[float(f'{k:.3g}') for k in xs[~np.isfinite(xs) | (xs < 1)]][:5]}")

    def column(values, name):
        values = list(values)
        if len(values) != xs.size:
            raise ValueError(f"{name} has {len(values)} values but there are {xs.size} kappas")
        return np.array([np.nan if v is None else float(v) for v in values])

    fig = go.Figure()
    for i, (name, counts) in enumerate(measured.items()):
        colour = COLORS[i % len(COLORS)]
        if predicted and name in predicted:
            fig.add_trace(go.Scatter(x=xs, y=column(predicted[name], f"predicted[{name!r}]"), mode="lines",
                                     name=f"{name}: predicted", line={"color": colour, "width": 2}))
        fig.add_trace(go.Scatter(x=xs, y=column(counts, f"measured[{name!r}]"), mode="markers",
                                 name=f"{name}: measured", marker={"color": colour, "size": 10, "symbol": "circle-open",
                                                                   "line": {"width": 2}}))
    for j, (label, values) in enumerate((guides or {}).items()):
        fig.add_trace(go.Scatter(x=xs, y=column(values, f"guides[{label!r}]"), mode="lines", name=label,
                                 line={"color": ["#555555", "#999999"][j % 2], "dash": "dot", "width": 1.5}))
    style(fig, title=title, xaxis_title="condition number κ = σ_max/σ_min", yaxis_title="iterations to tolerance")
    fig.update_xaxes(type="log")
    fig.update_yaxes(type="log", exponentformat="power")
    return fig


def plot_momentum_map(
    curvatures: torch.Tensor,
    points: Mapping[str, tuple[float, float]],
    *,
    steps: int = 250,
    grid: tuple[int, int] = (64, 60),
    title: str = "The momentum picture",
    alt: str | None = None,
) -> go.Figure:
    """The (step size, momentum) map of heavy ball on a spectrum, with each direction's error at chosen points.

    Introduced in notebook 02, section "Deep dive: the momentum picture".

    Left: the rate (the slowest direction's factor per step, 3 significant digits) over a grid of
    lr (0 to 2.2·2/L) and momentum (0 to 0.99), blank where a run diverges, with the region
    boundaries lr·L = (1 − √β)² (monotone | oscillates) and lr·L = 2(1 + β) (oscillates |
    diverges) and every point of ``points`` marked. Right: |e_k| of at most 6 directions (spread
    over the spectrum, steepest and flattest included) for the point picked with the slider: the
    frames are precomputed, so the figure works without a kernel.

    Parameters: curvatures: 1-D tensor of the Hessian's eigenvalues (all > 0); points: {label:
    (lr, momentum)}, 1 to 8 of them (the first is shown at the start); steps: iterations drawn per
    point (at most 10 000 numbers in all frames); grid: (lrs, momenta) cells of the map (at most
    4 000); title; alt: the figure's one-sentence text alternative (stored in layout.meta.alt).
    """
    from plotly.subplots import make_subplots

    from . import heavy_ball_map as hbm

    lam = hbm._curvatures(curvatures)
    if not isinstance(points, Mapping):
        raise TypeError(f"points must be a dict {{label: (lr, momentum)}}, got {type(points).__name__}")
    if not 1 <= len(points) <= 8:
        raise ValueError(f"points must have 1 to 8 entries {{label: (lr, momentum)}}, got {len(points)}")
    for k, v in points.items():
        if isinstance(v, str) or not isinstance(v, Sequence) or len(v) != 2:
            raise ValueError(f"points[{k!r}] must be a pair (lr, momentum), got {v!r}")
    steps = _validate.count(steps, "steps", 1)
    if not (isinstance(grid, (tuple, list)) and len(grid) == 2):
        raise TypeError(f"grid must be a pair (number of lrs, number of momenta), got {grid!r}")
    n_lr, n_beta = (_validate.count(g, "grid", 2) for g in grid)
    if n_lr * n_beta > 4000:
        raise ValueError(f"grid {n_lr}×{n_beta} has {n_lr * n_beta} cells; keep it at most 4 000 (e.g. (64, 60))")
    chosen = {str(k): (_validate.positive(v[0], f"points[{k!r}] lr"), _validate.fraction(v[1], f"points[{k!r}] momentum"))
              for k, v in points.items()}
    shown = hbm.pick_directions(lam.numel())
    order = torch.argsort(lam, descending=True)[shown]
    if len(chosen) * len(shown) * (steps + 1) > 10_000:
        raise ValueError(f"{len(chosen)} points × {len(shown)} directions × {steps + 1} iterates exceed 10 000 "
                         f"numbers in the frames: lower steps to {10_000 // (len(chosen) * len(shown)) - 1}")
    L = lam.max().item()
    lrs = torch.linspace(0, 4.4 / L, n_lr + 1, dtype=torch.float64)[1:]
    momenta = torch.linspace(0, 0.99, n_beta, dtype=torch.float64)
    m = hbm.momentum_map(lam, lrs, momenta)
    rate = np.where(m.region.numpy() == 2, np.nan, _significant(m.rate.flatten().numpy(), 3).reshape(m.rate.shape))
    # (numpy arrays: plotly stores them compactly and validates them fast)
    fig = make_subplots(rows=1, cols=2, column_widths=[0.55, 0.45], horizontal_spacing=0.12,
                        subplot_titles=("rate per step (blank: diverges)", "|error| of each direction"))
    fig.add_trace(go.Heatmap(x=_significant(lrs.numpy(), 3).tolist(), y=_significant(momenta.numpy(), 3).tolist(), z=rate,
                             zmin=0, zmax=1, colorscale="Viridis", colorbar={"title": {"text": "rate"}, "x": 0.47},
                             hovertemplate="lr %{x}, momentum %{y}: rate %{z}<extra></extra>"), row=1, col=1)
    b = momenta.numpy()
    for label, lr_line, dash in (("monotone | oscillates", (1 - np.sqrt(b)) ** 2 / L, "dot"),
                                 ("oscillates | diverges", 2 * (1 + b) / L, "dash")):
        fig.add_trace(go.Scatter(x=_significant(lr_line, 3).tolist(), y=_significant(b, 3).tolist(), mode="lines", name=label,
                                 line={"color": "#000000", "dash": dash, "width": 1.5}), row=1, col=1)
    for i, (label, (lr, beta)) in enumerate(chosen.items()):
        fig.add_trace(go.Scatter(x=[float(f"{lr:.3g}")], y=[float(f"{beta:.3g}")], mode="markers", name=label,
                                 marker={"size": 11, "symbol": "x", "color": COLORS[(i + 1) % len(COLORS)],
                                         "line": {"width": 1, "color": "#ffffff"}}), row=1, col=1)
    base = 1 + 2 + len(chosen)  # the traces so far: the heatmap, two boundaries, the marked points
    ks = list(range(steps + 1))

    def curves(lr, beta):
        errors = hbm.direction_errors(lam[order], lr, beta, steps).abs().clamp(1e-17, 1e8).nan_to_num(1e8)
        return [_significant(errors[:, j].numpy(), 3) for j in range(len(shown))]

    first = next(iter(chosen.values()))
    for j, y in enumerate(curves(*first)):
        fig.add_trace(go.Scatter(x=ks, y=y, mode="lines", name=f"direction λ = {lam[order[j]].item():.3g}",
                                 line={"color": COLORS[j % len(COLORS)], "width": 1.5}), row=1, col=2)
    traces = list(range(base, base + len(shown)))
    fig.frames = [go.Frame(name=label, traces=traces, data=[go.Scatter(y=y) for y in curves(lr, beta)])
                  for label, (lr, beta) in chosen.items()]
    slider_steps = [{"label": label, "method": "animate",
                     "args": [[label], {"mode": "immediate", "frame": {"duration": 0, "redraw": True},
                                        "transition": {"duration": 0}}]} for label in chosen]
    style(fig, title=title, xaxis_title="step size lr", yaxis_title="momentum β")
    fig.update_yaxes(type="log", exponentformat="power", range=[-17, 8], row=1, col=2)
    fig.update_xaxes(title_text="iteration k", row=1, col=2)
    fig.update_yaxes(title_text="|e_k|", row=1, col=2)
    fig.update_xaxes(range=[0, 4.4 / L], row=1, col=1)
    fig.update_layout(sliders=[{"active": 0, "steps": slider_steps, "currentvalue": {"prefix": "point: "},
                                "pad": {"t": 40}}], height=560, width=1000, showlegend=True,
                      legend={"orientation": "h", "y": -0.35})
    if alt is not None:
        fig.update_layout(meta={"alt": _validate.text(alt, "alt")})
    return fig


# --- notebook 03: the SVD by gradient descent ----------------------------------------------------

def plot_heatmaps(
    matrices: Mapping[str, torch.Tensor],
    *,
    title: str = "Matrices",
    cols: int = 4,
    colorscale: str = "Greys",
    digits: int = 3,
) -> go.Figure:
    """Several matrices side by side as small heatmaps on one shared colour scale (row 0 on top).

    Related to notebook 03, section "Compressing a picture" (which shows its photograph with plot_pictures).

    Parameters: matrices: {subplot title: 2-D tensor or array}; title; cols: subplots per row;
    colorscale; digits: significant digits kept in the stored figure (keeps the notebook small).
    """
    from plotly.subplots import make_subplots

    if not isinstance(matrices, Mapping) or not matrices:
        raise ValueError("matrices must be a non-empty dict {title: matrix}")
    cols = _validate.count(cols, "cols", 1)
    arrays = {}
    for name, M in matrices.items():
        arrays[str(name)] = _grid(M, f"matrices[{name!r}]")
    lo = min(float(a.min()) for a in arrays.values())
    hi = max(float(a.max()) for a in arrays.values())
    rows = -(-len(arrays) // cols)
    fig = make_subplots(rows=rows, cols=min(cols, len(arrays)), subplot_titles=list(arrays),
                        horizontal_spacing=0.03, vertical_spacing=0.08)
    for i, values in enumerate(arrays.values()):
        fig.add_trace(go.Heatmap(z=[_significant(row, digits) for row in values], zmin=lo, zmax=hi, colorscale=colorscale,
                                 showscale=i == 0, hovertemplate="row %{y}, column %{x}: %{z:.3g}<extra></extra>"),
                      row=i // cols + 1, col=i % cols + 1)
    style(fig, title=title, xaxis_title="", yaxis_title="")
    fig.update_yaxes(autorange="reversed", showticklabels=False, scaleanchor="x")
    fig.update_xaxes(showticklabels=False)
    fig.update_layout(height=max(260, 230 * rows))
    return fig


def plot_pictures(pictures: Mapping[str, torch.Tensor], *, title: str, alt: str, cols: int = 3) -> go.Figure:
    """Greyscale pictures (values 0 = black to 1 = white) side by side, each stored as a PNG image.

    Introduced in notebook 03, section "Compressing a picture". alt: the figure's one-sentence text
    alternative (stored in layout.meta.alt).
    """
    from plotly.subplots import make_subplots

    from .datasets import png_data_uri

    if not isinstance(pictures, Mapping):
        raise TypeError(f"pictures must be a dict {{title: picture}}, got {type(pictures).__name__}")
    if not pictures:
        raise ValueError("pictures is empty: pass at least one {title: picture}")
    if not isinstance(alt, str):
        raise TypeError(f"alt must be a sentence (a str) saying what the figure shows, got {type(alt).__name__}")
    if not alt.strip():
        raise ValueError("alt must be a sentence saying what the figure shows (its text alternative), got ''")
    cols = _validate.count(cols, "cols", 1)
    rows = -(-len(pictures) // cols)
    fig = make_subplots(rows=rows, cols=min(cols, len(pictures)), subplot_titles=[str(k) for k in pictures],
                        horizontal_spacing=0.02, vertical_spacing=0.08)
    for i, (name, picture) in enumerate(pictures.items()):
        picture = _validate.finite(_validate.tensor(picture, f"pictures[{name!r}]", ndim=2), f"pictures[{name!r}]")
        fig.add_trace(go.Image(source=png_data_uri(picture), name=str(name), hoverinfo="skip"),
                      row=i // cols + 1, col=i % cols + 1)
    style(fig, title=title, xaxis_title="", yaxis_title="")
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_layout(height=max(280, 260 * rows), meta={"alt": alt})
    return fig
