"""Plotly figures for the course: every helper returns a go.Figure and never shows it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
import torch

__all__ = ["COLORS", "plot_losses", "plot_matrix", "plot_function_and_derivative", "style"]

# Okabe–Ito: a palette that colour-blind readers can tell apart. The course uses it everywhere.
COLORS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


def style(fig: go.Figure, *, title: str, xaxis_title: str, yaxis_title: str) -> go.Figure:
    """Apply the course's look (palette, white background, titles) to fig and return it.

    Introduced in notebook 01, section "Autograd on a vector function".
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
    """Turn a tensor, array or list of numbers / 0-d tensors into a 1-D float array."""
    if isinstance(values, torch.Tensor):
        arr = values.detach().cpu().double().numpy()
    else:
        try:
            arr = np.array([float(v) for v in values], dtype=float)
        except TypeError as exc:
            raise TypeError(f"{name} must be a sequence of numbers, got {type(values).__name__}") from exc
    arr = np.asarray(arr, dtype=float).reshape(-1)
    if arr.size == 0:
        raise ValueError(f"{name} is empty: run at least one iteration before plotting")
    return arr


def _as_runs(histories) -> dict[str, np.ndarray]:
    """Normalise one run or several runs into {name: losses}."""
    if hasattr(histories, "losses"):  # a run's history object
        return {getattr(histories, "name", None) or "loss": _floats(histories.losses, "losses")}
    if isinstance(histories, Mapping):
        if not histories:
            raise ValueError("histories is empty: pass {'name': losses, ...}")
        runs = {}
        for name, run in histories.items():
            run = run.losses if hasattr(run, "losses") else run
            runs[str(name)] = _floats(run, f"histories[{name!r}]")
        return runs
    if isinstance(histories, (torch.Tensor, np.ndarray, Sequence)):
        return {"loss": _floats(histories, "losses")}
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

    Introduced in notebook 02, section "Random matrix versus diagonal matrix".

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
) -> go.Figure:
    """A heatmap of a matrix drawn the way it is printed: row 0 at the top.

    Introduced in notebook 02, section "Watching X·M become the identity".

    Parameters: M: a 2-D tensor or array; title; colorscale (diverging by default, centred on
    zmid; pass zmid=None for an uncentred scale); annotate: write the values in the cells
    (default: only for matrices up to 10×10).
    """
    values = M.detach().cpu().double().numpy() if isinstance(M, torch.Tensor) else np.asarray(M, float)
    if values.ndim != 2:
        raise ValueError(f"M must be a matrix (2-D), got shape {values.shape}")
    if annotate is None:
        annotate = max(values.shape) <= 10
    heatmap = go.Heatmap(
        z=values,
        colorscale=colorscale,
        zmid=zmid,
        text=np.round(values, 2) if annotate else None,
        texttemplate="%{text}" if annotate else None,
        hovertemplate="row %{y}, column %{x}: %{z:.4g}<extra></extra>",
    )
    fig = go.Figure(heatmap)
    style(fig, title=title, xaxis_title="column", yaxis_title="row")
    fig.update_yaxes(autorange="reversed", scaleanchor="x", constrain="domain")
    fig.update_xaxes(constrain="domain", side="top")
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

    Introduced in notebook 01, section "Autograd on a vector function".

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
