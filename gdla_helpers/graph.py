"""The computation graph autograd records, read from ``grad_fn`` and ``next_functions``.

Every tensor computed from a tensor with ``requires_grad=True`` carries ``.grad_fn``: the backward
node that will turn the gradient of the output into gradients of the inputs. Each node lists the
nodes of its own inputs in ``.next_functions``. Walking those links from the output backwards
visits the whole graph; a leaf tensor shows up as an ``AccumulateGrad`` node (it adds the
gradient into ``leaf.grad``). Inputs that need no gradient (constants) appear as ``None`` and are
skipped.
"""

from __future__ import annotations

from collections.abc import Mapping

import torch

__all__ = ["autograd_graph"]


def _describe_leaf(leaf: torch.Tensor, names: Mapping[str, torch.Tensor]) -> str:
    """A label for a leaf tensor: its name if given, and its shape."""
    name = next((n for n, t in names.items() if t is leaf), None)
    shape = "scalar" if leaf.ndim == 0 else "shape " + "×".join(str(s) for s in leaf.shape)
    return f"{name} ({shape})" if name else shape


def autograd_graph(tensor: torch.Tensor, names: Mapping[str, torch.Tensor] | None = None) -> dict:
    """The backward graph of `tensor` as plain data: nodes and the edges between them.

    Introduced in notebook 01, section "Deep dive: walking the graph, and a new graph on every run".

    Parameters: tensor: a tensor computed from tensors with requires_grad=True; names: optional
    {label: leaf tensor} to name the leaves (e.g. {"x": x}).

    Returns {"nodes": [...], "edges": [...], "root": 0}. Node i is a dict with "id" (= i),
    "name" (the node's class, e.g. "SinBackward0" or "AccumulateGrad" for a leaf), "label"
    (the leaf's name and shape, "" for operations) and "layer" (a column for drawing: the
    output's node is in the last layer, and every node's layer is larger than its inputs').
    Edge (a, b) means "node a's result is an input of node b": the forward direction;
    backward() follows the edges in reverse. Nodes are numbered in the order a walk from the
    output finds them, so node 0 is the output's grad_fn.
    """
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"tensor must be a torch.Tensor, got {type(tensor).__name__}")
    names = {} if names is None else dict(names)
    if not tensor.requires_grad:
        raise ValueError(
            "tensor has no computation graph: it does not require grad. Create its inputs with "
            "requires_grad=True (and compute it outside torch.no_grad()) to record one"
        )
    if tensor.grad_fn is None:  # a leaf itself: the graph is its AccumulateGrad node alone
        node = {"id": 0, "name": "AccumulateGrad", "label": _describe_leaf(tensor, names),
                "layer": 0}
        return {"nodes": [node], "edges": [], "root": 0}

    # Walk from the output: depth-first, remembering each node by identity. `found` keeps the
    # node objects alive, so their id()s cannot be reused during the walk.
    found: list = []
    index: dict[int, int] = {}
    edges: list[tuple[int, int]] = []  # in the order found; `seen` drops repeats (x * x)
    seen: set[tuple[int, int]] = set()
    stack = [tensor.grad_fn]
    index[id(tensor.grad_fn)] = 0
    found.append(tensor.grad_fn)
    while stack:
        fn = stack.pop()
        for child, _ in fn.next_functions:
            if child is None:  # an input that needs no gradient, such as a constant
                continue
            if id(child) not in index:
                index[id(child)] = len(found)
                found.append(child)
                stack.append(child)
            edge = (index[id(child)], index[id(fn)])
            if edge not in seen:
                seen.add(edge)
                edges.append(edge)

    # Layers: count steps back from the output along the longest path (the depth), processing a
    # node once all nodes that consume its result are done (Kahn's algorithm, in reverse). Then
    # layer = max depth - depth: every node sits as close to the output as its consumers allow.
    n = len(found)
    inputs: list[list[int]] = [[] for _ in range(n)]
    consumers_left = [0] * n
    for a, b in edges:
        inputs[b].append(a)
        consumers_left[a] += 1
    depth = [0] * n
    ready = [i for i in range(n) if consumers_left[i] == 0]  # the output's node
    while ready:
        b = ready.pop()
        for a in inputs[b]:
            depth[a] = max(depth[a], depth[b] + 1)
            consumers_left[a] -= 1
            if consumers_left[a] == 0:
                ready.append(a)
    layer = [max(depth) - d for d in depth]

    nodes = []
    for i, fn in enumerate(found):
        leaf = getattr(fn, "variable", None)
        label = _describe_leaf(leaf, names) if isinstance(leaf, torch.Tensor) else ""
        nodes.append({"id": i, "name": type(fn).__name__, "label": label, "layer": layer[i]})
    return {"nodes": nodes, "edges": edges, "root": 0}
