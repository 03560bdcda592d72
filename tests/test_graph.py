"""Unit tests of gdla_helpers.graph (and its figure, gh.plot_autograd_graph)."""

import plotly.graph_objects as go
import pytest
import torch

import gdla_helpers as gh


def _sin_log(x):
    return torch.sin(torch.log(x**2 + 1))


def _by_name(graph):
    return {node["name"]: node for node in graph["nodes"]}


def test_chain_sin_log_square_plus_one():
    x = torch.tensor(2.0, requires_grad=True)
    graph = gh.autograd_graph(_sin_log(x), names={"x": x})
    names = [node["name"] for node in graph["nodes"]]
    # A chain: found from the output back to the leaf, one node per operation.
    assert names == ["SinBackward0", "LogBackward0", "AddBackward0", "PowBackward0", "AccumulateGrad"]
    assert graph["edges"] == [(1, 0), (2, 1), (3, 2), (4, 3)]  # forward direction: input -> user
    assert [node["layer"] for node in graph["nodes"]] == [4, 3, 2, 1, 0]
    assert graph["root"] == 0 and [n["id"] for n in graph["nodes"]] == list(range(5))
    assert graph["nodes"][4]["label"] == "x (scalar)" and graph["nodes"][0]["label"] == ""


def test_graph_matches_grad_fn_links():
    # Oracle: the same walk done by hand with next_functions.
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    out = _sin_log(x).sum()
    fn, expected = out.grad_fn, []
    while fn is not None:
        expected.append(type(fn).__name__)
        fn = next((f for f, _ in fn.next_functions if f is not None), None)
    graph = gh.autograd_graph(out)
    assert [n["name"] for n in graph["nodes"]] == expected
    assert graph["nodes"][-1]["label"] == "shape 2"  # an unnamed leaf: just its shape


def test_two_input_graph():
    x = torch.tensor(3.0, requires_grad=True)
    y = torch.tensor(7.0, requires_grad=True)
    graph = gh.autograd_graph(x * y**5, names={"x": x, "y": y})
    nodes = graph["nodes"]
    assert sorted(n["name"] for n in nodes) == ["AccumulateGrad", "AccumulateGrad", "MulBackward0",
                                                "PowBackward0"]
    ids = {n["label"] or n["name"]: n["id"] for n in nodes}
    assert set(graph["edges"]) == {(ids["x (scalar)"], ids["MulBackward0"]),
                                   (ids["PowBackward0"], ids["MulBackward0"]),
                                   (ids["y (scalar)"], ids["PowBackward0"])}
    layer = {n["label"] or n["name"]: n["layer"] for n in nodes}
    assert layer["MulBackward0"] == 2 and layer["PowBackward0"] == 1
    assert layer["y (scalar)"] == 0 and layer["x (scalar)"] == 1  # as close to its user as possible
    for a, b in graph["edges"]:
        assert nodes[a]["layer"] < nodes[b]["layer"], "inputs are drawn left of their users"


def test_shared_inputs_constants_and_repeats():
    x = torch.tensor(2.0, requires_grad=True)
    w = torch.tensor(5.0)  # a constant: no node
    graph = gh.autograd_graph(x * x + w * x.exp())
    counts = {}
    for node in graph["nodes"]:
        counts[node["name"]] = counts.get(node["name"], 0) + 1
    assert counts == {"AddBackward0": 1, "MulBackward0": 2, "ExpBackward0": 1, "AccumulateGrad": 1}
    assert len(graph["edges"]) == len(set(graph["edges"])), "x * x gives one edge, not two"


def test_leaf_and_long_chains():
    x = torch.tensor(1.0, requires_grad=True)
    graph = gh.autograd_graph(x, names={"x": x})
    assert graph["nodes"] == [{"id": 0, "name": "AccumulateGrad", "label": "x (scalar)", "layer": 0}]
    y = x
    for _ in range(3000):  # deeper than Python's recursion limit
        y = y * 1.0001
    graph = gh.autograd_graph(y)
    assert len(graph["nodes"]) == 3001 and graph["nodes"][0]["layer"] == 3000


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: gh.autograd_graph([1.0]), TypeError, "torch.Tensor"),
        (lambda: gh.autograd_graph(torch.ones(2) * 3), ValueError, "requires_grad=True"),
        (lambda: gh.plot_autograd_graph({"nodes": []}), TypeError, "autograd_graph"),
    ],
)
def test_bad_input_is_explained(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_no_grad_result_has_no_graph():
    x = torch.tensor(2.0, requires_grad=True)
    with torch.no_grad():
        y = x * 2
    with pytest.raises(ValueError, match="no_grad"):
        gh.autograd_graph(y)


def test_plot_autograd_graph_chain():
    x = torch.tensor(2.0, requires_grad=True)
    fig = gh.plot_autograd_graph(_sin_log(x), names={"x": x})
    assert isinstance(fig, go.Figure)
    ops, leaves = fig.data
    assert ops.name.startswith("operation") and leaves.name.startswith("leaf")
    assert list(ops.text) == ["SinBackward0", "LogBackward0", "AddBackward0", "PowBackward0"]
    assert list(leaves.text) == ["AccumulateGrad<br>x (scalar)"]
    assert list(ops.x) == [4, 3, 2, 1] and list(leaves.x) == [0]
    assert len(fig.layout.annotations) == 4, "one arrow per edge"
    arrow = fig.layout.annotations[0]
    assert (arrow.ax, arrow.x) == (3, 4), "arrows point forward, from input to user"
    assert fig.data[0].marker.color == gh.COLORS[0] and fig.data[1].marker.color == gh.COLORS[1]


def test_plot_autograd_graph_accepts_the_dict():
    x = torch.tensor(3.0, requires_grad=True)
    y = torch.tensor(7.0, requires_grad=True)
    graph = gh.autograd_graph(x * y**5, names={"x": x, "y": y})
    fig = gh.plot_autograd_graph(graph, title="z = x·y⁵")
    assert fig.layout.title.text == "z = x·y⁵"
    assert len(fig.layout.annotations) == 3
    leaves = fig.data[1]
    assert sorted(leaves.text) == ["AccumulateGrad<br>x (scalar)", "AccumulateGrad<br>y (scalar)"]
    positions = {(float(px), float(py)) for d in fig.data for px, py in zip(d.x, d.y, strict=True)}
    assert len(positions) == 4, "no two nodes drawn on top of each other"
