"""Hints at other inputs: each mistake a check recognises is named by its own hint at 21 inputs.

tests/test_exercises.py judges learner answers at the notebooks' own inputs (recorded from a run). Here
the same mistakes are made at the exercise's inputs *and* at 20 other allowed values (p = 0: the notebook's
exercise, p = 1..20: other seeds, sizes, matrices, points), without a kernel: for every case, the wrong
answer must fail with a line that names its mistake, and the right answer must pass. A mistake that gives
the right value at some input (it cannot be told apart there) is skipped at that input only, and the
notebook's own inputs (p = 0) must tell every mistake apart. Every hint the checks can print (read from
their source: each ``_report(name, False, detail, hint)`` and ``_Mistake(value, detail, hint)``) must be
printed by at least one case here or one row of tests/test_exercises.py's table (test_every_hint_is_reached
there).
"""

from __future__ import annotations

import ast
import contextlib
import io
import math
import random
import re
from functools import cache
from pathlib import Path

import pytest
import torch

import gdla_helpers as gh
from gdla_helpers import checks, checks_01, checks_02

PARAMS = range(21)  # p = 0: the notebook's exercise at its defaults; 1..20: other allowed values
MODULES = (checks, checks_01, checks_02)


# --- the hints, from the source ----------------------------------------------------------------------

def _text(node: ast.AST) -> str:
    """A hint's text with every formatted value as {} (f-strings, + and implicit concatenation)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.replace("{", "{{").replace("}", "}}")
    if isinstance(node, ast.JoinedStr):
        return "".join(_text(v) if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _text(node.left) + _text(node.right)
    return "{}"  # a hint passed in as a parameter: read where it is written


def collect_hints() -> set[str]:
    """Every hint text (formatted values as {}) of a failing verdict in the checks' source."""
    found = set()
    for module in MODULES:
        for node in ast.walk(ast.parse(Path(module.__file__).read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None)
            args = node.args
            if name == "_report" and len(args) > 3 and isinstance(args[1], ast.Constant) and args[1].value is False:
                found.add(_text(args[3]))
            elif name == "_Mistake" and len(args) == 3:
                found.add(_text(args[2]))
            for keyword in node.keywords:
                if keyword.arg in ("hint", "nan_hint", "shape_hint", "not_finite_hint") and name != "_report":
                    found.add(_text(keyword.value))
    return {h for h in found if h.strip("{}")}


def hint_pattern(hint: str) -> re.Pattern:
    parts = re.split(r"(?<!\{)\{\}(?!\})", hint)
    return re.compile(".+?".join(re.escape(" ".join(p.replace("{{", "{").replace("}}", "}").split())) for p in parts))


def _run(call) -> tuple[object, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = call()
    return result, out.getvalue()


# --- inputs: p = 0 is the notebook's exercise ------------------------------------------------------------

def _rng(p: int) -> random.Random:
    return random.Random(1000 + p)



def _gen(p: int) -> torch.Generator:
    return torch.Generator().manual_seed(1000 + p)


def _halves(p: int, n: int) -> torch.Tensor:
    """A float32 vector of multiples of 0.5 (exact in float32, like the notebook's u and w)."""
    r = _rng(p)
    return torch.tensor([r.randint(-8, 8) / 2 for _ in range(n)])


def _dot_inputs(p):
    if p == 0:
        return torch.tensor([2.0, -1.0, 0.5, 3.0]), torch.tensor([1.0, 4.0, 2.0, -2.0])
    n = _rng(p).randint(2, 6)
    return _halves(p, n), _halves(p + 500, n)


def _matmul_shapes(p):
    """(shape of S, shape of T): 01's exercise, then random batched, plain and 1-D products."""
    if p == 0:
        return (4, 1, 2, 5), (3, 5, 7)
    r = _rng(p)
    a, b, c = r.randint(1, 6), r.randint(2, 6), r.randint(1, 6)
    if p % 5 == 4:
        return (a, b), (b,)
    batch = [r.randint(2, 5) for _ in range(r.randint(0, 3))]
    bs = tuple(d if r.random() < 0.5 else 1 for d in batch)[r.randint(0, len(batch)):]
    bt = tuple(d if r.random() < 0.5 else 1 for d in batch)
    return bs + (a, b), bt + (b, c)


def _matmul_rule(s, t):
    """The shape rule of the hint: (a, b) @ (b, c) gives (a, c), a 1-D operand loses its
    dimension, and the dimensions before the last two broadcast (lined up from the right)."""
    if len(t) == 1:
        return tuple(s[:-1])
    if len(s) == 1:
        return tuple(t[:-2]) + (t[-1],)
    return tuple(torch.broadcast_shapes(s[:-2], t[:-2])) + (s[-2], t[-1])


def _derivative_inputs(p):
    """(k, x): q(x) = sin(k·x²) at x (01's exercise: k = 1, x = 1.5)."""
    if p == 0:
        return 1.0, 1.5
    r = _rng(p)
    return r.choice([0.5, 1.0, 1.5, 2.0, 3.0]), round(r.uniform(0.2, 2.0), 3)


def _fresh_inputs(p):
    """(w values, c, steps): loss (c·w²).sum() over `steps` backward() calls (01: [1, -2], 1, 3)."""
    if p == 0:
        return [1.0, -2.0], 1.0, 3
    r = _rng(p)
    return [r.randint(-6, 6) / 2 or 1.0 for _ in range(r.randint(1, 4))], r.choice([0.5, 1.0, 2.0, 3.0]), r.randint(2, 5)


def _grad_loop(values, c, steps, *, reset=None, move=False):
    w = torch.tensor(values, requires_grad=True)
    for _ in range(steps):
        loss = (c * w**2).sum()
        if reset == "none":
            w.grad = None
        elif reset == "zero" and w.grad is not None:
            w.grad.zero_()
        loss.backward()
        if move:  # the loop also takes a step: later gradients belong to another w
            with torch.no_grad():
                w -= 0.1 * w.grad
    return w, loss


def _G(v):
    return torch.stack([v[0] ** 2 * v[1], 3 * v[0] + torch.sin(v[1])])


def _jacobian_inputs(p):
    """(v0, the Jacobian by hand): 01's G at (1, 0), then at random points."""
    if p == 0:
        v1, v2 = 1.0, 0.0
    else:
        r = _rng(p)
        v1, v2 = round(r.uniform(-2, 2), 2), round(r.uniform(-2, 2), 2)
    J = [[2 * v1 * v2, v1**2], [3.0, math.cos(v2)]]
    return torch.tensor([v1, v2]), J


def _quadratic(p):
    """(f, a): f(x) = a·x² + b·x + c (01's t: 3x² − 5x + 2), f″ = 2a from 0.1 to 100."""
    if p == 0:
        a, b, c = 3.0, -5.0, 2.0
    else:
        r = _rng(p)
        a, b, c = round(10 ** r.uniform(-1.3, 1.7), 3), r.randint(-5, 5), r.randint(-5, 5)
    return (lambda x: a * x**2 + b * x + c), a


def _M02(p):
    """Notebook 02's M: the defaults (torch.rand(4, 4), seed 314), then kind "rand" n 2 to 8 and
    kind "condition" n 2 to 8, κ 1 to 100 (the parameters cell's ranges, small sizes for speed)."""
    if p == 0:
        torch.manual_seed(314)
        return torch.rand(4, 4).double()
    r = _rng(p)
    if p % 2:
        n = r.randint(2, 8)
        return torch.rand(n, n, generator=torch.Generator().manual_seed(p)).double()
    n = r.randint(2, 8)
    return gh.matrix_with_condition(n, round(10 ** r.uniform(0, 2), 2), seed=p, largest=n / 2)


@cache
def _solved02(p):
    """(M, tol, X): notebook 02's M and tol for p, and a right X."""
    M, tol = _M02(p), _tol02(p)
    return M, tol, torch.linalg.inv(M)  # a right X (gh.inverse_gd's own tests are in test_inverse.py)


def _tol02(p):
    return 1e-6 if p == 0 else _rng(p).choice([1e-10, 1e-8, 1e-6, 1e-4, 1e-3])


def _A02(p):
    """The matrix of 02's largest-step exercise, then others of its kind."""
    if p == 0:
        return gh.matrix_with_condition(6, 30.0, seed=1, largest=2.0)
    r = _rng(p)
    return gh.matrix_with_condition(r.randint(2, 8), round(10 ** r.uniform(0.2, 1.4), 2), seed=p,
                                    largest=round(r.uniform(0.5, 4), 2))


def _B02(p):
    """(B, lr, momentum) of 02's prediction exercise, then others of its kind."""
    if p == 0:
        B = gh.matrix_with_condition(16, 50.0, seed=7)
    else:
        r = _rng(p)
        B = gh.matrix_with_condition(r.randint(3, 6), round(10 ** r.uniform(0.3, 1.5), 2), seed=p)
    return (B, *gh.heavy_ball_params(*gh.inverse_curvature(B)))


def _W02(p):
    if p == 0:
        return gh.matrix_with_singular_values([2.0, 1.0, 0.5], (6, 3), seed=3)
    r = _rng(p)
    k = r.randint(2, 4)
    values = sorted((round(r.uniform(0.3, 3), 2) for _ in range(k)), reverse=True)
    return gh.matrix_with_singular_values(values, (k + r.randint(1, 4), k), seed=p)


def _M03(p):
    """Notebook 03's M = torch.rand(shape) for (50, 30) seed 0, then other shapes (1 to 60) and seeds."""
    if p == 0:
        shape, seed = (50, 30), 0
    else:
        r = _rng(p)
        shape, seed = tuple(sorted((r.randint(3, 30), r.randint(3, 30)), reverse=True)), p
    return torch.rand(shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def _A03(p):
    """For check_rank_k_error (no notebook calls it since 03's exercise 3 asks for the smallest rank): a 5×4
    torch.rand matrix (seed 0), then other matrices with at least 4 columns and rows."""
    if p == 0:
        return torch.rand(5, 4, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    r = _rng(p)
    return torch.rand(r.randint(4, 12), r.randint(4, 12), generator=_gen(p), dtype=torch.float64)


def _power_pair(M, steps, start=None):
    v = torch.ones(M.shape[1], dtype=torch.float64) if start is None else start
    for _ in range(steps):
        v = M.T @ (M @ v)
        v = v / torch.linalg.vector_norm(v)
    return M @ v / torch.linalg.vector_norm(M @ v), v


def _M7(p):
    """A 7×4 matrix like 03's M7 (torch.rand, seed 316), then other tall or wide ones of distinct sizes."""
    if p == 0:
        torch.manual_seed(316)
        return torch.rand(7, 4).double()
    r = _rng(p)
    m = r.randint(2, 9)
    n = r.choice([k for k in range(2, 10) if k != m])
    return torch.rand(m, n, generator=_gen(p), dtype=torch.float64)


def _topics(p):
    """Notebook 03's exercise 4 at parameter p: the planted topics and the words' unit directions."""
    data = gh.make_topic_matrix(seed=0 if p == 0 else p)
    k = len(data.topics)
    svd = torch.linalg.svd(data.matrix, full_matrices=False)
    loadings = svd.Vh.mT[:, :k] * svd.S[:k]
    return data, loadings / loadings.norm(dim=1, keepdim=True)


def _diverged(M, lr_factor):
    """X from a plain gradient-descent loop on mse(X·M, I) with lr = lr_factor × the largest stable step."""
    n = M.shape[0]
    L = 2 * float(torch.linalg.svdvals(M)[0]) ** 2 / n**2
    X = torch.zeros(n, n, dtype=torch.float64)
    with torch.no_grad():
        for _ in range(1000):  # the steepest direction grows 5× per step: inf, then NaN
            X = X - lr_factor * (2 / L) * 2 / n**2 * (X @ M - torch.eye(n, dtype=M.dtype)) @ M.T
            if torch.isnan(X).all():  # after ~450 steps: every later step gives the same all-NaN X
                break
    return X



# --- the cases: p -> (wrong answer's call, right answer's call), with a fragment of the wrong line --------

def _far(a: float, b: float) -> bool:
    """True when a and b are told apart to 3 significant digits."""
    return abs(a - b) > 2 * max(checks._hand_tolerance(a), checks._hand_tolerance(b), 1e-12)


def _c_dot(wrong_of):
    def case(p):
        a, b = _dot_inputs(p)
        wrong = wrong_of(a, b)
        if isinstance(wrong, float) and not _far(wrong, float((a * b).sum())):
            return None
        return lambda: gh.check_dot_product(wrong, a, b), lambda: gh.check_dot_product((a * b).sum(), a, b)
    return case


def _c_shape(kind):
    def case(p):
        s, t = _matmul_shapes(p)
        expected = torch.matmul(torch.ones(s), torch.ones(t)).shape
        right = _matmul_rule(s, t)
        if kind == "text":
            wrong = " x ".join(map(str, right))
        elif kind == "inner":
            wrong = tuple(right[:-1]) + (s[-1],) + tuple(right[-1:])
        elif kind == "swapped":
            if len(right) < 2 or right[-1] == right[-2]:
                return None
            wrong = tuple(right[:-2]) + (right[-1], right[-2])
        else:  # batch dimensions dropped
            if len(right) <= 2:
                return None
            wrong = tuple(right[-2:])
        return lambda: gh.check_shape(wrong, expected), lambda: gh.check_shape(right, expected)
    return case


def _c_derivative(kind):
    def case(p):
        k, x = _derivative_inputs(p)

        def q(t):
            return torch.sin(k * t**2)
        layers = (torch.sin, lambda t: k * t**2)
        outer, inner = math.cos(k * x**2), 2 * k * x
        right = outer * inner
        wrong = {"inner": outer, "at x": math.cos(x) * inner, "value": math.sin(k * x**2), "sign": -right,
                 "two": right / 2, "digits": float(f"{right:.2g}"), "formula": None}[kind]
        if kind == "formula":
            return (lambda: gh.check_derivative(lambda t: math.cos(k * t**2) * 2 * k * t, q, x, layers=layers),
                    lambda: gh.check_derivative(right, q, x, layers=layers))
        others = [outer, math.cos(x) * inner, math.sin(k * x**2), -right, right / 2, math.cos(x), inner]
        if not _far(wrong, right) or (kind == "digits" and not abs(wrong - right) <= 10 * checks._hand_tolerance(right)):
            return None
        if kind != "digits" and sum(not _far(wrong, o) for o in others) > 1:
            return None  # this mistake coincides with another one at this input
        return lambda: gh.check_derivative(wrong, q, x, layers=layers), lambda: gh.check_derivative(right, q, x, layers=layers)
    return case


def _c_fresh(kind):
    def case(p):
        values, c, steps = _fresh_inputs(p)

        def loss_fn(v):
            return (c * v**2).sum()
        w0 = torch.tensor(values)
        fresh = []
        piled = []
        for reset, out in ((True, fresh), (False, piled)):
            w = w0.clone().requires_grad_()
            for _ in range(steps):
                if reset:
                    w.grad = None
                loss_fn(w).backward()
                out.append(w.grad.clone())
        wrong = {"piled": piled, "zero": [0 * g for g in fresh], "none": [fresh[0], None] + fresh[2:],
                 "count": fresh[:-1], "single": fresh[-1]}[kind]
        return (lambda: gh.check_fresh_gradient(wrong, loss_fn, w0, steps=steps),
                lambda: gh.check_fresh_gradient(fresh, loss_fn, w0, steps=steps))
    return case


def _c_jacobian(kind):
    def case(p):
        v0, J = _jacobian_inputs(p)
        right = torch.tensor(J)
        wrong = {"transpose": right.T, "flat": right.flatten(), "sum": right.sum(0)}[kind]
        if kind == "transpose" and torch.allclose(right, right.T):
            return None
        return lambda: gh.check_jacobian(wrong, _G, v0), lambda: gh.check_jacobian(right, _G, v0)
    return case


def _c_step(kind):
    def case(p):
        f, a = _quadratic(p)
        c = 2 * a
        right = 2 / c
        minimiser = -f(torch.tensor(0.0, dtype=torch.float64, requires_grad=True))  # placeholder, replaced below
        point = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
        (slope,) = torch.autograd.grad(f(point), point)
        minimiser = -float(slope) / c
        wrong = {"best": 1 / c, "curvature": c, "half": c / 2, "coefficient": 4 / c, "minimiser": minimiser,
                 "negative": -right}[kind]
        others = [1 / c, c, c / 2, 4 / c, minimiser, -right, right]
        if sum(not _far(wrong, o) for o in others) > 1:
            return None  # coincides with the answer or another mistake at this input
        return lambda: gh.check_step_limit(wrong, f), lambda: gh.check_step_limit(right, f)
    return case


def _point02(p, M):
    n = M.shape[0]
    return torch.rand(n, n, generator=_gen(p), dtype=torch.float64)


def _c_gradient(kind):
    def case(p):
        M = _M02(p)
        n = M.shape[0]
        X = _point02(p, M)
        I = torch.eye(n, dtype=torch.float64)  # noqa: E741
        raw = M.T @ (M @ X - I)
        right = 2 / n**2 * raw
        wrong = {"other": 2 / n**2 * (X @ M - I) @ M.T, "side": 2 / n**2 * (M @ X - I) @ M.T,
                 "order": 2 / n**2 * M.T @ (X @ M - I),
                 "transpose": 2 / n**2 * M @ (M @ X - I), "two": raw / n**2, "mean": 2 * raw, "both": raw,
                 "n": 2 / n * raw, "identity": 2 / n**2 * M.T @ M @ X, "sign": -right,
                 "nan": torch.full((n, n), math.nan, dtype=torch.float64), "shape": right.flatten()}[kind]
        if kind == "n" and n == 2:
            return None  # 2/n = 1: the same as leaving out both the 2 and the mean
        return (lambda: gh.check_inverse_gradient(wrong, X, M, side="right"),
                lambda: gh.check_inverse_gradient(right, X, M, side="right"))
    return case


def _c_scaling(kind):
    def case(p):
        M = _M02(p)
        scale = 3.0 if p == 0 else _rng(p).choice([2.0, 3.0, 0.5, -1.5, 4.0, 10.0])
        right = 1 / scale**2
        wrong = {"linear": 1 / abs(scale), "upside": abs(scale), "unchanged": 1.0, "cube": 1 / abs(scale) ** 3}[kind]
        if not _far(wrong, right):
            return None
        return lambda: gh.check_step_scaling(wrong, M, scale), lambda: gh.check_step_scaling(right, M, scale)
    return case


def _c_faster(kind):
    def case(p):
        r = _rng(p)
        counts = {"Polyak": r.randint(50, 500), "tuned": r.randint(50, 500)}
        if counts["Polyak"] == counts["tuned"]:
            return None
        best = min(counts, key=counts.get)
        other = max(counts, key=counts.get)
        wrong = {"other": other, "unknown": "nesterov", "number": counts[best]}[kind]
        return (lambda: gh.check_faster_momentum(wrong, counts),
                lambda: gh.check_faster_momentum(f"  {best.upper()} ", counts))
    return case


def _c_inverse(kind):
    def case(p):
        M, tol, X_solved = _solved02(p)
        n = M.shape[0]
        I = torch.eye(n, dtype=torch.float64)  # noqa: E741
        wrong = {"M": M, "transpose": M.T, "identity": I, "nan": _diverged(M, 3.0), "shape": X_solved.flatten(),
                 "far": 10 * torch.ones(n, n, dtype=torch.float64), "zero": torch.zeros(n, n, dtype=torch.float64)}[kind]
        if kind == "transpose" and torch.allclose(M, M.T):
            return None
        return lambda: gh.check_inverse(wrong, M, tol=10 * tol), lambda: gh.check_inverse(X_solved, M, tol=10 * tol)
    return case


@cache
def _pinv_solved02(p):
    W = _W02(p)
    return W, torch.linalg.pinv(W)


def _c_pinv(kind):
    def case(p):
        W, right = _pinv_solved02(p)
        m, k = W.shape
        null = torch.linalg.svd(W).U[:, k:]
        wrong = {"null": right + torch.ones(k, 1, dtype=torch.float64) @ null[:, :1].T, "transpose": W.T,
                 "zero": torch.zeros(k, m, dtype=torch.float64),
                 "nan": torch.full((k, m), math.nan, dtype=torch.float64), "shape": W}[kind]
        if kind == "null" and null.shape[1] == 0:
            return None
        return lambda: gh.check_pseudo_inverse(wrong, W), lambda: gh.check_pseudo_inverse(right, W)
    return case


def _c_reconstruction(kind):
    def case(p):
        M = _M03(p)
        U, S, Vh = torch.linalg.svd(M, full_matrices=False)
        V = Vh.mT
        right = (U * S) @ V.T
        if kind == "V" and V.shape[0] != S.shape[0]:
            return None
        wrong = {"V": U @ torch.diag(S) @ V if V.shape[0] == S.shape[0] else None, "no S": U @ V.T,
                 "M": M, "nan": torch.full_like(right, math.nan)}[kind]
        if kind == "no S" and torch.allclose(S, torch.ones_like(S)):
            return None
        return (lambda: gh.check_svd_reconstruction(wrong, U, S, V, M=M),
                lambda: gh.check_svd_reconstruction(right, U, S, V, M=M))
    return case


def _c_rank(kind):
    def case(p):
        A = _A03(p)
        s = torch.linalg.svdvals(A)
        k = 2

        def tail(i):
            return float(torch.sqrt((s[i:] ** 2).sum()))
        right = tail(k)
        wrong = {"squared": right**2, "sigma": float(s[k]), "kept": float(torch.sqrt((s[:k] ** 2).sum())),
                 "late": tail(k + 1), "early": tail(k - 1), "sum": float(s[k:].sum())}[kind]
        others = [right**2, float(s[k]), float(torch.sqrt((s[:k] ** 2).sum())), tail(k + 1), tail(k - 1),
                  float(s[k:].sum()), right, right / tail(0)]
        if sum(not _far(wrong, o) for o in others) > 1:
            return None
        return lambda: gh.check_rank_k_error(wrong, A, k), lambda: gh.check_rank_k_error(right, A, k)
    return case


def _rank_inputs(p):
    """(M, target) of 03's exercise 3 (the source's rand(5,4) seed 314, below 20 %), then matrices with
    chosen singular values: odd p 5 to 10 decaying geometrically, even p 2 to 4 large ones over a flat
    tail of 8 to 16 small ones (where σ instead of σ² gives another k); targets 10 % to 30 %."""
    if p == 0:
        return gh.source_matrices()["rand(5,4) seed 314"], 0.2
    r = _rng(p)
    if p % 2:
        n = r.randint(5, 10)
        d = r.uniform(0.5, 0.85)
        values = sorted((round(r.uniform(0.5, 5) * d**i, 3) for i in range(n)), reverse=True)
    else:
        head = sorted((round(r.uniform(1, 5), 2) for _ in range(r.randint(2, 4))), reverse=True)
        values = sorted(head + [round(r.uniform(0.1, 0.3), 3) for _ in range(r.randint(8, 16))], reverse=True)
        n = len(values)
    M = gh.matrix_with_singular_values(values, (n + r.randint(0, 3), n), seed=p)
    return M, random.Random(2000 + p).choice([0.1, 0.15, 0.2, 0.3])


def _smallest_ranks(M, target):
    """{kind: k}: the right k and the k of each mistake, each computed as a learner would."""
    s = torch.linalg.svdvals(M)
    r = s.numel()

    def first(errors):
        return next((k for k, e in enumerate(errors) if e < target), None)
    rel = [float(torch.sqrt((s[k:] ** 2).sum() / (s**2).sum())) for k in range(r + 1)]
    kept = [float(torch.sqrt((s[:k] ** 2).sum() / (s**2).sum())) for k in range(r + 1)]
    right = first(rel)
    # in the order in which the check names them (the first whose k it is)
    return {"right": right, "off": right - 1, "kept": first(kept), "root": first([x**2 for x in rel]),
            "subtract": first([1 - x for x in kept]), "sigma": first([float(s[k:].sum() / s.sum()) for k in range(r + 1)]),
            "absolute": first([float(torch.sqrt((s[k:] ** 2).sum())) for k in range(r + 1)]), "largest": r,
            "plus": right + 1 if right < r else None}


def _c_smallest(kind):
    def case(p):
        M, target = _rank_inputs(p)
        ks = _smallest_ranks(M, target)
        right = ks["right"]
        s = torch.linalg.svdvals(M)
        if kind == "error":  # the relative error at the answer (0 at full rank: then the one before)
            wrong = float(torch.sqrt((s[min(right, s.numel() - 1):] ** 2).sum() / (s**2).sum()))
        elif kind == "list":
            wrong = torch.linalg.svdvals(M)
        elif kind == "whole":
            wrong = right + 0.5
        elif kind == "range":
            wrong = s.numel() + 1
        else:
            order = list(ks)
            wrong = ks[kind]
            if wrong is None or wrong in [ks[o] for o in order[:order.index(kind)]]:
                return None  # gives the right k, or the k of a mistake the check names first, at this input
        return (lambda: gh.check_smallest_rank(wrong, M, target),
                lambda: gh.check_smallest_rank(torch.tensor(right), M, target))
    return case


def _c_pair(kind):
    def case(p):
        M = _M7(p)
        U, S, Vh = torch.linalg.svd(M, full_matrices=False)
        if float(S[0] - S[1]) < 1e-3 * float(S[0]):
            return None
        u, v = U[:, 0], Vh[0]
        wrong = {"single": u, "swapped": (v, u), "length": (3 * u, v), "sign": (-u, v), "second": (U[:, 1], Vh[1]),
                 "column": (u, Vh[:, 0])}[kind]
        if kind == "column" and (Vh.shape[0] != Vh.shape[1] or torch.allclose(Vh[:, 0], Vh[0])
                                 or torch.allclose(Vh[:, 0], -Vh[0])):
            return None
        if kind == "swapped" and M.shape[0] == M.shape[1]:
            return None
        return lambda: gh.check_top_singular_pair(wrong, M), lambda: gh.check_top_singular_pair((u, v), M)
    return case


def _c_topics(kind):
    def case(p):
        data, directions = _topics(p)
        truth = data.word_topic
        k = len(set(truth.tolist()))
        if k < 2:
            return None
        wrong = {"floats": truth.double(), "length": truth[:-1], "one": torch.zeros_like(truth),
                 "moved": torch.cat([(truth[:1] + 1) % k, truth[1:]])}[kind]
        if kind == "moved" and int((truth == truth[0]).sum()) == 1:
            return None
        return lambda: gh.check_word_topics(wrong, truth), lambda: gh.check_word_topics((truth + 1) % k, truth)
    return case


# (check, the mistake's fragment): case
CASES = {
    ("check_dot_product", "vector of products"): _c_dot(lambda a, b: a * b),
    ("check_dot_product", "adds the entries"): _c_dot(lambda a, b: float((a + b).sum())),
    ("check_dot_product", "product of the two sums"): _c_dot(lambda a, b: float(a.sum() * b.sum())),
    ("check_dot_product", "that is text"): _c_dot(lambda a, b: str(float((a * b).sum()))),
    ("check_shape", "tuple of whole numbers"): _c_shape("text"),
    ("check_shape", "inner size"): _c_shape("inner"),
    ("check_shape", "swapped"): _c_shape("swapped"),
    ("check_shape", "batch dimensions are missing"): _c_shape("dropped"),
    ("check_derivative", "inner layer's derivative is missing"): _c_derivative("inner"),
    ("check_derivative", "not at the inner value"): _c_derivative("at x"),
    ("check_derivative", "itself, not its slope"): _c_derivative("value"),
    ("check_derivative", "sign is flipped"): _c_derivative("sign"),
    ("check_derivative", "factor 2 is missing"): _c_derivative("two"),
    ("check_derivative", "2 significant digits only"): _c_derivative("digits"),
    ("check_derivative", "a formula"): _c_derivative("formula"),
    ("check_fresh_gradient", "piled up"): _c_fresh("piled"),
    ("check_fresh_gradient", "all zero"): _c_fresh("zero"),
    ("check_fresh_gradient", "is None"): _c_fresh("none"),
    ("check_fresh_gradient", "backward() calls"): _c_fresh("count"),
    ("check_fresh_gradient", "not the list"): _c_fresh("single"),
    ("check_jacobian", "transpose"): _c_jacobian("transpose"),
    ("check_jacobian", "one flat list"): _c_jacobian("flat"),
    ("check_jacobian", "summed outputs"): _c_jacobian("sum"),
    ("check_step_limit", "best step"): _c_step("best"),
    ("check_step_limit", "curvature f″ itself"): _c_step("curvature"),
    ("check_step_limit", "coefficient of x², not"): _c_step("half"),
    ("check_step_limit", "coefficient of x² for the curvature"): _c_step("coefficient"),
    ("check_step_limit", "minimiser"): _c_step("minimiser"),
    ("check_step_limit", "positive"): _c_step("negative"),
    ("check_inverse_gradient", "gradient of the other loss"): _c_gradient("other"),
    ("check_inverse_gradient", "wrong side of the residual"): _c_gradient("side"),
    ("check_inverse_gradient", "wrong order"): _c_gradient("order"),
    ("check_inverse_gradient", "where its transpose belongs"): _c_gradient("transpose"),
    ("check_inverse_gradient", "factor 2 is missing"): _c_gradient("two"),
    ("check_inverse_gradient", "mean's division is missing"): _c_gradient("mean"),
    ("check_inverse_gradient", "both the factor 2"): _c_gradient("both"),
    ("check_inverse_gradient", "divides by n"): _c_gradient("n"),
    ("check_inverse_gradient", "identity is missing"): _c_gradient("identity"),
    ("check_inverse_gradient", "sign is flipped"): _c_gradient("sign"),
    ("check_inverse_gradient", "NaN"): _c_gradient("nan"),
    ("check_inverse_gradient", "shape"): _c_gradient("shape"),
    ("check_step_scaling", "shrinks like σ_max"): _c_scaling("linear"),
    ("check_step_scaling", "upside down"): _c_scaling("upside"),
    ("check_step_scaling", "does change"): _c_scaling("unchanged"),
    ("check_step_scaling", "too fast"): _c_scaling("cube"),
    ("check_faster_momentum", "you predicted"): _c_faster("other"),
    ("check_faster_momentum", "not one of the settings"): _c_faster("unknown"),
    ("check_faster_momentum", "label of a setting"): _c_faster("number"),
    ("check_inverse", "M itself"): _c_inverse("M"),
    ("check_inverse", "transpose of M"): _c_inverse("transpose"),
    ("check_inverse", "the identity"): _c_inverse("identity"),
    ("check_inverse", "NaN"): _c_inverse("nan"),
    ("check_inverse", "matrix"): _c_inverse("shape"),
    ("check_inverse", "far from I"): _c_inverse("far"),
    ("check_inverse", "no step was taken"): _c_inverse("zero"),
    ("check_pseudo_inverse", "extra part"): _c_pinv("null"),
    ("check_pseudo_inverse", "transpose of M"): _c_pinv("transpose"),
    ("check_pseudo_inverse", "NaN"): _c_pinv("nan"),
    ("check_pseudo_inverse", "matrix"): _c_pinv("shape"),
    ("check_pseudo_inverse", "no step was taken"): _c_pinv("zero"),
    ("check_svd_reconstruction", "not by Vᵀ"): _c_reconstruction("V"),
    ("check_svd_reconstruction", "S is missing"): _c_reconstruction("no S"),
    ("check_svd_reconstruction", "M itself"): _c_reconstruction("M"),
    ("check_svd_reconstruction", "NaN"): _c_reconstruction("nan"),
    ("check_rank_k_error", "squared error"): _c_rank("squared"),
    ("check_rank_k_error", "σ_{k+1} alone"): _c_rank("sigma"),
    ("check_rank_k_error", "part you keep"): _c_rank("kept"),
    ("check_rank_k_error", "one value too late"): _c_rank("late"),
    ("check_rank_k_error", "one value too early"): _c_rank("early"),
    ("check_rank_k_error", "without squaring"): _c_rank("sum"),
    ("check_smallest_rank", "counted from 0"): _c_smallest("off"),
    ("check_smallest_rank", "part you keep"): _c_smallest("kept"),
    ("check_smallest_rank", "subtracts norms"): _c_smallest("subtract"),
    ("check_smallest_rank", "without squaring"): _c_smallest("sigma"),
    ("check_smallest_rank", "square root is missing"): _c_smallest("root"),
    ("check_smallest_rank", "absolute error"): _c_smallest("absolute"),
    ("check_smallest_rank", "largest k"): _c_smallest("largest"),
    ("check_smallest_rank", "is an error, not a rank"): _c_smallest("error"),
    ("check_smallest_rank", "one per k"): _c_smallest("list"),
    ("check_smallest_rank", "not a whole number"): _c_smallest("whole"),
    ("check_smallest_rank", "not a rank"): _c_smallest("range"),
    ("check_smallest_rank", "one value too many"): _c_smallest("plus"),
    ("check_top_singular_pair", "expected a tuple"): _c_pair("single"),
    ("check_top_singular_pair", "swapped"): _c_pair("swapped"),
    ("check_top_singular_pair", "length 1"): _c_pair("length"),
    ("check_top_singular_pair", "wrong sign"): _c_pair("sign"),
    ("check_top_singular_pair", "not the top one"): _c_pair("second"),
    ("check_top_singular_pair", "column of Vh"): _c_pair("column"),
    ("check_word_topics", "whole-number label"): _c_topics("floats"),
    ("check_word_topics", "one per word"): _c_topics("length"),
    ("check_word_topics", "same group"): _c_topics("one"),
    ("check_word_topics", "different group"): _c_topics("moved"),
}
# The notebook's own exercise (p = 0) must tell every one of these apart; only these (check, fragment) may
# be skipped at p = 0, because the notebook's inputs cannot produce them (its matrices are not square, ...).
NOT_AT_P0 = {("check_top_singular_pair", "swapped"),
             # 03's A has 4 singular values, so k is 0 … 4 and the mistakes must share the 4 wrong values: there,
             # σ instead of σ² gives the right k (Σσ_tail/Σσ is 0.31, 0.11, 0.03 next to 0.30, 0.12, 0.05), and
             # subtracting norms or leaving out the root give k = 1, which the check names "counted from 0".
             ("check_smallest_rank", "subtracts norms"), ("check_smallest_rank", "without squaring"),
             ("check_smallest_rank", "square root is missing"),
             ("check_smallest_rank", "one value too many")}  # at 03's A: 3, named together with the absolute error


@pytest.mark.parametrize(("check", "fragment"), sorted(CASES), ids=lambda x: str(x)[:40])
def test_each_mistake_is_named_at_every_input(check, fragment):
    failures, skipped = [], []
    for p in PARAMS:
        made = CASES[(check, fragment)](p)
        if made is None:
            skipped.append(p)
            continue
        wrong, right = made
        result, printed = _run(wrong)
        if result or fragment not in printed:
            failures.append(f"p={p}: the mistake printed {printed.strip()!r}")
        result, printed = _run(right)
        if not result:
            failures.append(f"p={p}: the right answer printed {printed.strip()!r}")
    assert not failures, "\n".join(failures)
    assert 0 not in skipped or (check, fragment) in NOT_AT_P0, "the notebook's own inputs must tell this mistake apart"
    assert len(skipped) <= 15, f"the mistake could be made at only {21 - len(skipped)} of 21 inputs"


def test_the_hints_are_read_from_the_source():
    hints = collect_hints()
    assert len(hints) >= 60, f"only {len(hints)} hints found: is the AST walk still reading the checks?"
    assert any("the chain rule multiplies" in h for h in hints)



def _extra_calls():
    """One call for each hint that the cases above do not reach (generic lines, checks the notebooks do not call)."""
    a, b = _dot_inputs(0)
    s_, t_ = _matmul_shapes(0)
    shape = torch.matmul(torch.ones(s_), torch.ones(t_)).shape
    q, layers = (lambda t: torch.sin(t**2)), (torch.sin, lambda t: t**2)
    right_q = math.cos(2.25) * 3
    f, _ = _quadratic(0)
    v0, J = _jacobian_inputs(0)
    M = _M02(0)
    n = M.shape[0]
    X = _point02(0, M)
    I = torch.eye(n, dtype=torch.float64)  # noqa: E741
    A = _A02(0)
    s = torch.linalg.svdvals(A)
    L, mu = 2 * float(s[0]) ** 2 / A.shape[0] ** 2, 2 * float(s[-1]) ** 2 / A.shape[0] ** 2
    B, lr, beta = _B02(0)
    M03 = _M03(0)
    U, S, Vh = torch.linalg.svd(M03, full_matrices=False)
    A3 = _A03(0)
    s3 = torch.linalg.svdvals(A3)
    M7 = _M7(0)
    u7, v7 = _power_pair(M7, 200)
    data, directions = _topics(0)
    truth = data.word_topic
    W, W_pinv = _pinv_solved02(0)
    M_sq = gh.matrix_with_singular_values([3.0, 2.0, 1.0], seed=5)
    R10 = gh.matrix_with_singular_values([4.88, 4.8, 4.17, 2.56, 2.26, 2.19, 2.16, 2.02, 1.17, 0.22], (12, 10), seed=4)
    Us, Ss, Vhs = torch.linalg.svd(M_sq)
    return [
        lambda: gh.check_shape((9, 9, 9, 9), shape),
        lambda: gh.check_shape((4, 1, 2, 7), shape),
        lambda: gh.check_step_scaling(0.3, M, 3.0),
        lambda: gh.check_step_scaling([0.1, 0.2], M, 3.0),
        lambda: gh.check_step_scaling(-1 / 3, M, 3.0),
        lambda: gh.check_svd_reconstruction(torch.zeros_like(M03), U, S, Vh.mT),
        lambda: gh.check_svd_reconstruction(torch.zeros(3, 3), U, S, Vh.mT),
        lambda: gh.check_svd_reconstruction((Us @ Vhs) * Ss, Us, Ss, Vhs.mT),
        lambda: gh.check_svd_reconstruction(U * S, U, S, Vh.mT),
        lambda: gh.check_dot_product([1.0, 2.0], a, b),
        lambda: gh.check_dot_product(torch.empty((), device="meta"), a, b),  # breaks .cpu(): "could not be read"
        lambda: gh.check_dot_product(float((a * b).sum()) + 100, a, b),
        lambda: gh.check_dot_product(float((a * b)[:-1].sum()), a, b),
        lambda: gh.check_derivative(123.0, q, 1.5, layers=layers),
        lambda: gh.check_derivative(2 * 1.5, q, 1.5, layers=layers),
        lambda: gh.check_derivative(math.cos(1.5), q, 1.5, layers=layers),
        lambda: gh.check_derivative([1.0, 2.0], q, 1.5, layers=layers),
        lambda: gh.check_derivative(complex(right_q, 1.0), q, 1.5),
        lambda: gh.check_derivative(object(), q, 1.5),
        lambda: gh.check_step_limit(123.0, f),
        lambda: gh.check_step_limit([1.0, 2.0, 3.0], f),
        lambda: gh.check_jacobian(torch.tensor(J) + torch.tensor([[0.0, 0.0], [0.0, 1.0]]), _G, v0),
        lambda: gh.check_jacobian(torch.ones(3, 3), _G, v0),
        lambda: gh.check_jacobian(torch.autograd.functional.jacobian(_G, torch.zeros(2)), _G, torch.tensor([1.0, 2.0])),
        lambda: gh.check_inverse_gradient(torch.ones(n, n), X, M, side="right"),
        lambda: gh.check_largest_stable_lr(1 / L, A),
        lambda: gh.check_largest_stable_lr(2 / (L + mu), A),
        lambda: gh.check_largest_stable_lr(123.0, A),
        lambda: gh.check_largest_stable_lr([1.0, 2.0], A),
        lambda: gh.check_iteration_prediction([1, 2], B, lr, beta),
        lambda: gh.check_iteration_prediction(10**7, B, lr, beta),
        lambda: gh.check_iteration_prediction(10, B, 10 * lr, beta),
        lambda: gh.check_inverse(torch.linalg.inv(M) + 0.1 * I, M),
        lambda: gh.check_inverse(torch.linalg.inv(M) + 1e-3 * I, M, tol=1e-6),
        lambda: gh.check_pseudo_inverse(W_pinv + 0.1, W),  # not converged
        lambda: gh.check_rank_k_error(123.0, A3, 2),
        lambda: gh.check_rank_k_error([1.0, 2.0], A3, 2),
        lambda: gh.check_rank_k_error(float(torch.sqrt((s3[2:] ** 2).sum()) / torch.sqrt((s3**2).sum())), A3, 2),
        lambda: gh.check_smallest_rank(4, R10, 0.3),  # no typical mistake gives 4 there
        lambda: gh.check_smallest_rank(9, R10, 0.3),  # the absolute error alone (elsewhere it meets k + 1)
        lambda: gh.check_smallest_rank([1, 2], R10, 0.3),
        lambda: gh.check_top_singular_pair((u7, v7[:-1]), M7),
        lambda: gh.check_top_singular_pair(_power_pair(M7, 1, torch.tensor([1.0, -1, 1, -1], dtype=torch.float64)),
                                           M7),
        lambda: gh.check_word_topics(truth % 2 if len(set(truth.tolist())) > 2 else truth * 0 + torch.arange(len(truth)),
                                     truth),
    ]


def _printed_by_cases() -> list[str]:
    lines = []
    for case in CASES.values():
        for p in (0, 1, 2, 3):
            made = case(p)
            if made is not None:
                lines += [_run(call)[1] for call in made]
    return lines + [_run(call)[1] for call in _extra_calls()]


def test_every_hint_is_reached():
    """Every hint in the checks' source is printed by a case here (or an extra call): none is dead code."""
    lines = [line.split("Hint:", 1)[-1].strip() for line in _printed_by_cases() if "Hint:" in line]
    missing = sorted(h for h in collect_hints() if not any(hint_pattern(h).fullmatch(line) for line in lines))
    assert not missing, "hints no case reaches (add a case or an extra call):\n" + "\n".join(missing)
