"""Unit tests of gdla_helpers.plotting: inspect the returned figures, never show them."""

import numpy as np
import plotly.graph_objects as go
import pytest
import torch

import gdla_helpers as gh


def test_plot_losses_one_run_accepts_0d_tensors_and_arrays():
    losses = [torch.tensor(1.0), np.array(0.5), 0.25]  # plotly 7 rejects 0-d arrays as y itself
    fig = gh.plot_losses(losses)
    assert isinstance(fig, go.Figure) and len(fig.data) == 1
    assert list(fig.data[0].y) == [1.0, 0.5, 0.25]
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.title.text == "Loss per iteration"
    assert fig.layout.xaxis.title.text == "iteration" and fig.layout.yaxis.title.text == "loss"
    assert fig.layout.showlegend is True


def test_plot_losses_several_runs_get_names_and_distinct_colours():
    class Run:  # anything with .losses, like a run's history
        losses = torch.tensor([3.0, 2.0])

    fig = gh.plot_losses({"random M": [1, 0.1], "diagonal M": np.array([1, 0.01]), "run": Run()},
                         title="Convergence", log_y=False)
    assert [t.name for t in fig.data] == ["random M", "diagonal M", "run"]
    assert len({t.line.color for t in fig.data}) == 3
    assert fig.layout.yaxis.type in (None, "linear") and fig.layout.title.text == "Convergence"


@pytest.mark.parametrize(("bad", "error"), [([], ValueError), ({}, ValueError), (3.0, TypeError),
                                            (["a", "b"], TypeError)])
def test_plot_losses_bad_input(bad, error):
    with pytest.raises(error):
        gh.plot_losses(bad)


def test_plot_matrix_reads_like_a_printed_matrix():
    M = torch.arange(6.0).reshape(2, 3)
    fig = gh.plot_matrix(M, title="M")
    assert len(fig.data) == 1 and fig.data[0].type == "heatmap"
    np.testing.assert_array_equal(np.array(fig.data[0].z), M.numpy())
    assert fig.layout.yaxis.autorange == "reversed" and fig.layout.title.text == "M"
    assert fig.data[0].texttemplate == "%{text}"  # small matrices show their values
    assert gh.plot_matrix(torch.zeros(20, 20)).data[0].texttemplate is None
    with pytest.raises(ValueError, match="2-D"):
        gh.plot_matrix(torch.zeros(3))


def test_plot_function_and_derivative():
    x = torch.linspace(0, 1, 5)
    fig = gh.plot_function_and_derivative(x, x**2, 2 * x, 2 * x, title="x²")
    assert [t.name for t in fig.data] == ["f(x)", "exact f′(x)", "autograd f′(x)"]
    assert fig.data[2].mode == "markers" and fig.layout.title.text == "x²"
    assert len(gh.plot_function_and_derivative(x, x, x).data) == 2
    with pytest.raises(ValueError, match="must match"):
        gh.plot_function_and_derivative(x, x[:3], x)


def test_figures_use_the_course_palette():
    fig = gh.plot_losses([1.0, 0.5])
    assert tuple(fig.layout.colorway) == tuple(gh.COLORS)
    assert fig.data[0].line.color == gh.COLORS[0]


def test_plot_matrix_labels_are_optional_and_checked():
    # Notebook 01 labels a documents × words matrix; without labels nothing changes.
    M = torch.eye(3)[:, :2]
    plain = gh.plot_matrix(M)
    assert plain.layout.xaxis.ticktext is None and plain.layout.yaxis.ticktext is None
    assert plain.layout.xaxis.title.text == "column" and plain.layout.yaxis.title.text == "row"
    fig = gh.plot_matrix(M, row_labels=["a", "b", "a"], column_labels=["x", "y"],
                         xaxis_title="word", yaxis_title="document")
    assert list(fig.layout.yaxis.ticktext) == ["a", "b", "a"]  # repeated labels stay apart
    assert list(fig.layout.yaxis.tickvals) == [0, 1, 2]
    assert list(fig.layout.xaxis.ticktext) == ["x", "y"]
    assert fig.layout.xaxis.title.text == "word" and fig.layout.yaxis.title.text == "document"
    np.testing.assert_array_equal(np.array(fig.data[0].z), M.numpy())
    with pytest.raises(ValueError, match="one label per column"):
        gh.plot_matrix(M, column_labels=["x"])
    with pytest.raises(ValueError, match="one label per row"):
        gh.plot_matrix(M, row_labels=["a"])


# --- notebook 02 ---

def test_plot_convergence_thins_long_runs_and_draws_tol():
    class Run:
        metrics = [10.0 ** -k for k in range(5)]

    long = np.logspace(0, -8, 10_001)
    fig = gh.plot_convergence({"long": long, "history": Run()}, tol=1e-6, max_points=100)
    assert [t.name for t in fig.data] == ["long", "history"]
    x = np.array(fig.data[0].x)
    assert 100 <= x.size <= 102 and x[0] == 0 and x[-1] == 10_000  # thinned, last point kept
    np.testing.assert_allclose(np.array(fig.data[0].y), long[x], rtol=1e-4)  # 5 significant digits
    assert list(fig.data[1].x) == [0, 1, 2, 3, 4] and fig.layout.yaxis.type == "log"
    assert fig.layout.shapes[0].y0 == 1e-6
    assert list(gh.plot_convergence({"a": [1.0, 0.1]}, log_x=True).data[0].x) == [1, 2]
    with pytest.raises(ValueError, match="non-empty dict"):
        gh.plot_convergence([1.0, 0.5])
    with pytest.raises(ValueError, match="max_points"):
        gh.plot_convergence({"a": [1.0]}, max_points=1)


def test_plot_matrix_frames_has_one_frame_per_matrix_and_a_slider():
    frames = [torch.eye(3) * k for k in (0.0, 0.5, 1.0)]
    fig = gh.plot_matrix_frames(frames, ["0", "10", "20"], title="XM")
    assert len(fig.frames) == 3 and [f.name for f in fig.frames] == ["0", "10", "20"]
    np.testing.assert_array_equal(np.array(fig.frames[2].data[0].z), np.eye(3))
    assert fig.data[0].zmin == -1 and fig.data[0].zmax == 1
    assert [s.label for s in fig.layout.sliders[0].steps] == ["0", "10", "20"]
    assert fig.layout.updatemenus[0].buttons[0].method == "animate"
    assert fig.layout.yaxis.autorange == "reversed" and fig.layout.title.text == "XM"
    with pytest.raises(ValueError, match="one label per frame"):
        gh.plot_matrix_frames(frames, ["0"])
    with pytest.raises(ValueError, match="same shape"):
        gh.plot_matrix_frames([torch.eye(2), torch.eye(3)], ["a", "b"])
    with pytest.raises(ValueError, match="empty"):
        gh.plot_matrix_frames([], [])


def test_plot_iterations_vs_kappa_is_log_log_with_predictions_and_guides():
    kappas = [2, 10, 100]
    fig = gh.plot_iterations_vs_kappa(kappas, {"gd": [25, 622, None], "momentum": [14, 86, 983]},
                                      predicted={"gd": [25, 622, 62147]}, guides={"κ²/2·ln(1/ε)": [28, 691, 69078]})
    names = [t.name for t in fig.data]
    assert names == ["gd: predicted", "gd: measured", "momentum: measured", "κ²/2·ln(1/ε)"]
    assert np.isnan(fig.data[1].y[2])  # not run: a gap, not a zero
    assert fig.data[0].line.color == fig.data[1].marker.color
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"
    assert fig.data[3].line.dash == "dot"
    with pytest.raises(ValueError, match="3 kappas"):
        gh.plot_iterations_vs_kappa(kappas, {"gd": [1, 2]})


# --- notebook 03 ---------------------------------------------------------------------------------

def test_plot_heatmaps_share_one_scale():
    mats = {"a": torch.eye(3), "b": 2 * torch.ones(3, 4), "c": np.zeros((2, 2))}
    fig = gh.plot_heatmaps(mats, title="t", cols=2)
    assert isinstance(fig, go.Figure) and len(fig.data) == 3
    assert {t.zmin for t in fig.data} == {0.0} and {t.zmax for t in fig.data} == {2.0}
    assert [a.text for a in fig.layout.annotations] == ["a", "b", "c"]
    with pytest.raises(ValueError, match="non-empty dict"):
        gh.plot_heatmaps({})
    with pytest.raises(ValueError, match="2-D"):
        gh.plot_heatmaps({"v": torch.ones(3)})

