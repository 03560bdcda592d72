"""Hints that work: every hint a check prints, followed literally, makes that check pass.

The hints are read from the source of gdla_helpers.checks and checks_01 (every `_report(name,
False, detail, hint)`; a helper's hints, e.g. `_matrix_answer`'s, count once for each check that
calls it), so a new hint without a case below fails `test_every_hint_has_a_case`. A case is a
function of a parameter index p: p = 0 is the exercise as the notebook sets it (its default
parameters), p = 1..20 are other allowed values (seeds, sizes, matrices). It returns
(wrong, fixed): `wrong()` calls the check with a wrong answer that makes it print THAT hint, and
`fixed()` calls it again with the hint applied literally to that answer. Both are asserted: the
wrong one fails and prints the hint, the fixed one passes (truthiness: a check's result is truthy
exactly when it passes).

A hint that does not work today for notebook 02 or 03 is a strict xfail naming the issue that
fixes it (XFAIL below); when the fix lands, the xfail turns into a failure and the mark goes.
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
from gdla_helpers import checks, checks_01

PARAMS = range(21)  # p = 0: the notebook's exercise at its defaults; 1..20: other allowed values
MODULES = (checks, checks_01)


# --- the hints, from the source ----------------------------------------------------------------------

def _text(node: ast.AST) -> str:
    """A hint's text with every formatted value as {} (f-strings, + and implicit concatenation)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.replace("{", "{{").replace("}", "}}")
    if isinstance(node, ast.JoinedStr):
        return "".join(_text(v) if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _text(node.left) + _text(node.right)
    raise TypeError(f"a hint must be a string literal, got {ast.unparse(node)}")


def _reports(fn: ast.FunctionDef) -> list[ast.AST]:
    """The hint expressions of fn's failing `_report(name, False, detail, hint)` calls."""
    hints = []
    for node in ast.walk(fn):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_report":
            args = node.args
            ok = args[1] if len(args) > 1 else next(k.value for k in node.keywords if k.arg == "ok")
            hint = args[3] if len(args) > 3 else next((k.value for k in node.keywords if k.arg == "hint"), None)
            if isinstance(ok, ast.Constant) and ok.value is False and hint is not None:
                hints.append(hint)
    return hints


def _failing_hints(fn: ast.FunctionDef) -> list[str]:
    return [_text(hint) for hint in _reports(fn)]


def _helper_hints(helper: ast.FunctionDef, call: ast.Call) -> list[str]:
    """A helper's hints as one call site gives them: a hint that is a parameter of the helper is the
    literal this call passes for it (or the parameter's default)."""
    params = [a.arg for a in helper.args.args]
    defaults = dict(zip(params[len(params) - len(helper.args.defaults):], helper.args.defaults, strict=True))
    hints = []
    for hint in _reports(helper):
        if isinstance(hint, ast.Name) and hint.id in params:
            i = params.index(hint.id)
            hint = call.args[i] if len(call.args) > i else next(
                (k.value for k in call.keywords if k.arg == hint.id), defaults.get(hint.id))
        hints.append(_text(hint))
    return hints


def collect_hints() -> dict[tuple[str, str], str]:
    """{(check, hint text with {} placeholders): module} for every public check."""
    found = {}
    for module in MODULES:
        tree = ast.parse(Path(module.__file__).read_text())
        functions = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}
        for name in module.__all__:
            fn = functions[name]
            hints = _failing_hints(fn)
            for call in ast.walk(fn):
                if (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                        and call.func.id.startswith("_") and call.func.id in functions):
                    hints += _helper_hints(functions[call.func.id], call)
            for hint in hints:
                found[(name, hint)] = module.__name__
    return found


def _regex(hint: str) -> re.Pattern:
    parts = re.split(r"(?<!\{)\{\}(?!\})", hint)
    return re.compile(".+?".join(re.escape(p.replace("{{", "{").replace("}}", "}")) for p in parts))


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
    """(f, a): f(x) = a·x² + b·x + c (01's t: 3x² − 2x + 5), f″ = 2a from 0.1 to 100."""
    if p == 0:
        a, b, c = 3.0, -2.0, 5.0
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
    """(M, tol, X): notebook 02's M and tol for p, and an X from gh.inverse_gd run to that tol."""
    M, tol = _M02(p), _tol02(p)
    return M, tol, gh.inverse_gd(M, tol=tol, max_iter=50_000)[0]


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
    """The 5×4 matrix of 03's rank-2 exercise, then other matrices with at least 3 columns and rows."""
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


# --- one case per (check, hint) -------------------------------------------------------------------------
# Each key is (check, the start of the hint's text); each value: p -> (wrong call, fixed call).

def _c_shape_words(p):
    s, t = _matmul_shapes(p)
    right = _matmul_rule(s, t)
    wrong = " x ".join(map(str, right))  # the sizes, written as text
    return (lambda: gh.check_shape(wrong, torch.matmul(torch.ones(s), torch.ones(t)).shape),
            lambda: gh.check_shape(tuple(int(d) for d in wrong.split(" x ")),
                                   torch.matmul(torch.ones(s), torch.ones(t)).shape))


def _c_shape_rule(p):
    s, t = _matmul_shapes(p)
    expected = torch.matmul(torch.ones(s), torch.ones(t)).shape
    right = _matmul_rule(s, t)
    if p == 0:
        wrong = (4, 1, 2, 7)  # S's batch dimensions, not broadcast with T's
    elif len(t) == 1:
        wrong = (s[0], 1)  # kept the vector's dimension
    else:
        wrong = right[:-1] + (s[-1],) + right[-1:]  # kept the inner size b
    return lambda: gh.check_shape(wrong, expected), lambda: gh.check_shape(_matmul_rule(s, t), expected)


def _c_dot(wrong_of):
    def case(p):
        a, b = _dot_inputs(p)
        return lambda: gh.check_dot_product(wrong_of(a, b), a, b), lambda: gh.check_dot_product((a * b).sum(), a, b)
    return case


def _c_derivative(kind):
    def case(p):
        k, x = _derivative_inputs(p)

        def q(t):
            return torch.sin(k * t**2)
        outer, inner = math.cos(k * x**2), 2 * k * x  # sin′ at the inner value, (k·x²)′
        if kind == "formula":  # the formula, not its value
            formula = lambda t: math.cos(k * t**2) * 2 * k * t  # noqa: E731
            return lambda: gh.check_derivative(formula, q, x), lambda: gh.check_derivative(formula(x), q, x)
        if kind == "value":  # q(x) itself
            return (lambda: gh.check_derivative(math.sin(k * x**2), q, x),
                    lambda: gh.check_derivative(outer * inner, q, x))
        return (lambda: gh.check_derivative(outer, q, x),  # the outer layer only
                lambda: gh.check_derivative(outer * inner, q, x))
    return case


def _c_fresh(kind):
    def case(p):
        values, c, steps = _fresh_inputs(p)

        def loss_fn(v):
            return (c * v**2).sum()
        w0 = torch.tensor(values)
        if kind == "accumulated":
            w, _ = _grad_loop(values, c, steps)
            fixed_none, _ = _grad_loop(values, c, steps, reset="none")  # the hint's line, before backward()
            fixed_zero, _ = _grad_loop(values, c, steps, reset="zero")  # its alternative, once w.grad exists
            return (lambda: gh.check_fresh_gradient(w.grad, loss_fn, w0),
                    lambda: gh.check_fresh_gradient(fixed_none.grad, loss_fn, w0)
                    and gh.check_fresh_gradient(fixed_zero.grad, loss_fn, w0))
        if kind == "not w.grad":
            w, loss = _grad_loop(values, c, steps, reset="none")
            return (lambda: gh.check_fresh_gradient(loss, loss_fn, w0),
                    lambda: gh.check_fresh_gradient(w.grad, loss_fn, w0))
        moved, _ = _grad_loop(values, c, steps, reset="none", move=True)  # a w that changed on the way
        fresh, _ = _grad_loop(values, c, steps, reset="none")
        return (lambda: gh.check_fresh_gradient(moved.grad, loss_fn, w0),
                lambda: gh.check_fresh_gradient(fresh.grad, loss_fn, w0))
    return case


def _c_jacobian(kind):
    def case(p):
        v0, J = _jacobian_inputs(p)
        right = torch.tensor(J)
        if kind == "text":
            wrong = str(J)
            return (lambda: gh.check_jacobian(wrong, _G, v0),
                    lambda: gh.check_jacobian(torch.tensor(ast.literal_eval(wrong)), _G, v0))
        if kind == "transpose":
            return lambda: gh.check_jacobian(right.T, _G, v0), lambda: gh.check_jacobian(right.T.T, _G, v0)
        if kind == "shape":
            return (lambda: gh.check_jacobian(right.flatten(), _G, v0),
                    lambda: gh.check_jacobian(right.flatten().reshape(2, 2), _G, v0))
        off = right.clone()
        off[1, 1] = math.sin(float(v0[1])) + 2.0  # one entry not differentiated right
        return lambda: gh.check_jacobian(off, _G, v0), lambda: gh.check_jacobian(right, _G, v0)
    return case


def _c_step(wrong_of):
    def case(p):
        f, a = _quadratic(p)
        c = 2 * a  # f″, by differentiating twice
        return lambda: gh.check_step_limit(wrong_of(c), f), lambda: gh.check_step_limit(2 / c, f)
    return case


def _c_step_interval(p):
    f, a = _quadratic(p)
    interval = (0.0, 2 / (2 * a))  # the range of stable steps, not the single number asked for
    return lambda: gh.check_step_limit(interval, f), lambda: gh.check_step_limit(interval[1], f)


def _c_inverse_gradient(kind):
    def case(p):
        M = _M02(p)
        n = M.shape[0]
        X = torch.rand(n, n, generator=_gen(p), dtype=torch.float64)
        I = torch.eye(n, dtype=torch.float64)  # noqa: E741
        right = 2 / n**2 * M.T @ (M @ X - I)
        wrong = {"size": M.T @ (M @ X - I), "side": 2 / n**2 * (X @ M - I) @ M.T,
                 "transpose": 2 / n**2 * M @ (M @ X - I), "shape": right.flatten(),
                 "nan": torch.full((n, n), math.nan, dtype=torch.float64)}[kind]
        fixed = {"size": 2 / n**2 * wrong, "side": right, "transpose": right,
                 "shape": wrong.reshape(n, n), "nan": right}[kind]  # nan: built from the X and M given
        return (lambda: gh.check_inverse_gradient(wrong, X, M, side="right"),
                lambda: gh.check_inverse_gradient(fixed, X, M, side="right"))
    return case


def _c_lr(kind):
    def case(p):
        A = _A02(p)
        n = A.shape[0]
        s = torch.linalg.svdvals(A)
        L, mu = 2 * float(s[0]) ** 2 / n**2, 2 * float(s[-1]) ** 2 / n**2
        wrong = {"1/L": 1 / L, "2/(L+mu)": 2 / (L + mu), "other": 1 / float(s[0]) ** 2, "text": "0.5"}[kind]
        return lambda: gh.check_largest_stable_lr(wrong, A), lambda: gh.check_largest_stable_lr(2 / L, A)
    return case


def _c_prediction(kind):
    def case(p):
        B, lr, beta = _B02(p)
        right = gh.predict_iterations(B, lr, beta, tol=1e-6)
        if kind == "guide":
            return (lambda: gh.check_iteration_prediction(2 * right, B, lr, beta, tol=1e-6),
                    lambda: gh.check_iteration_prediction(gh.predict_iterations(B, lr, beta, tol=1e-6), B, lr, beta,
                                                          tol=1e-6))
        if kind == "lr":  # the learner raised lr above the largest stable step; the hint: pick one below
            L, _ = gh.inverse_curvature(B)
            too_big = 1.2 * gh.largest_stable_lr(L, beta)
            return (lambda: gh.check_iteration_prediction(right, B, too_big, beta, tol=1e-6),
                    lambda: gh.check_iteration_prediction(right, B, lr, beta, tol=1e-6))
        # "give one number: the count that gh.predict_iterations(M, lr, momentum, tol=tol) predicts"
        return (lambda: gh.check_iteration_prediction(str(right), B, lr, beta, tol=1e-6),
                lambda: gh.check_iteration_prediction(gh.predict_iterations(B, lr, beta, tol=1e-6), B, lr, beta,
                                                      tol=1e-6))
    return case


def _c_inverse(kind):
    def case(p):
        M, tol, X_solved = _solved02(p)
        n = M.shape[0]
        if kind == "more":
            X, _ = gh.inverse_gd(M, tol=tol, max_iter=0)  # stopped before the first step
            X_more = X_solved  # more iterations: gh.inverse_gd(M, tol=tol, max_iter=50_000)
            return lambda: gh.check_inverse(X, M, tol=10 * tol), lambda: gh.check_inverse(X_more, M, tol=10 * tol)
        if kind == "shape":
            X = X_solved
            return (lambda: gh.check_inverse(X.flatten(), M, tol=10 * tol),
                    lambda: gh.check_inverse(X.flatten().reshape(n, n), M, tol=10 * tol))
        X_bad = _diverged(M, 3.0)  # a plain loop at 3 × the largest stable step: NaN
        X_good = X_solved  # gh.inverse_gd(M, tol=tol): its tuned lr is below the largest stable step
        return lambda: gh.check_inverse(X_bad, M, tol=10 * tol), lambda: gh.check_inverse(X_good, M, tol=10 * tol)
    return case


@cache
def _pinv_solved02(p):
    """(W, X): 02's pseudo-inverse exercise for p, and X from gh.pinv_gd(W, X0=0, max_iter=50_000).
    Three hints follow literally to this same run; it is deterministic, so it is computed once."""
    W = _W02(p)
    m, k = W.shape
    return W, gh.pinv_gd(W, X0=torch.zeros(k, m, dtype=torch.float64), max_iter=50_000)[0]


def _c_pinv(kind):
    def case(p):
        W, X_solved = _pinv_solved02(p)
        m, k = W.shape
        zero = torch.zeros(k, m, dtype=torch.float64)
        if kind == "zero start":
            X0 = torch.randn(k, m, generator=_gen(p), dtype=torch.float64)
            X, _ = gh.pinv_gd(W, X0=X0, max_iter=50_000)
            X_fixed = X_solved  # gh.pinv_gd(W, X0=zero, max_iter=50_000)
            return lambda: gh.check_pseudo_inverse(X, W), lambda: gh.check_pseudo_inverse(X_fixed, W)
        if kind == "to tolerance":
            X, _ = gh.pinv_gd(W, X0=zero, max_iter=1)
            X_fixed = X_solved  # gh.pinv_gd(W, X0=zero, max_iter=50_000)
            return lambda: gh.check_pseudo_inverse(X, W), lambda: gh.check_pseudo_inverse(X_fixed, W)
        X = X_solved  # gh.pinv_gd(W, X0=zero, max_iter=50_000)
        if kind == "shape":
            return (lambda: gh.check_pseudo_inverse(X.flatten(), W),
                    lambda: gh.check_pseudo_inverse(X.flatten().reshape(k, m), W))
        L, _ = gh.inverse_curvature(W)
        nan = torch.full((k, m), math.nan, dtype=torch.float64)  # a diverged run
        X_good, _ = gh.pinv_gd(W, X0=zero, lr=0.9 * gh.largest_stable_lr(L, 0.5), momentum=0.5, max_iter=50_000)
        return lambda: gh.check_pseudo_inverse(nan, W), lambda: gh.check_pseudo_inverse(X_good, W)
    return case


def _c_reconstruction(kind):
    def case(p):
        M = _M03(p)
        U, S, Vh = torch.linalg.svd(M, full_matrices=False)
        V = Vh.mT
        right = (U * S) @ V.T
        wrong = {"V not V.T": U @ torch.diag(S) @ V, "no S": U @ V.T, "shape": right.flatten(),
                 "nan": torch.full_like(right, math.nan)}[kind]
        fixed = {"V not V.T": U @ torch.diag(S) @ V.T, "no S": (U * S) @ V.T, "shape": wrong.reshape(right.shape),
                 "nan": (U * S) @ V.T}[kind]  # nan: the factors given, multiplied
        return (lambda: gh.check_svd_reconstruction(wrong, U, S, V),
                lambda: gh.check_svd_reconstruction(fixed, U, S, V))
    return case


def _c_rank(kind):
    def case(p):
        A = _A03(p)
        s = torch.linalg.svdvals(A)
        wrong = {"squared": float((s[2:] ** 2).sum()), "sigma3": float(s[2]),
                 "kept": float(torch.sqrt((s[:2] ** 2).sum())), "text": "0.5"}[kind]
        fixed = math.sqrt(wrong) if kind == "squared" else float(torch.sqrt((s[2:] ** 2).sum()))
        return lambda: gh.check_rank_k_error(wrong, A, 2), lambda: gh.check_rank_k_error(fixed, A, 2)
    return case


def _c_pair(kind):
    def case(p):
        M = _M7(p)
        u, v = _power_pair(M, 200)
        if kind == "tuple":
            return lambda: gh.check_top_singular_pair(u, M), lambda: gh.check_top_singular_pair((u, v), M)
        if kind == "swapped":
            return lambda: gh.check_top_singular_pair((v, u), M), lambda: gh.check_top_singular_pair((u, v), M)
        if kind == "length":
            uu, vv = 3 * u, 2 * v
            return (lambda: gh.check_top_singular_pair((uu, vv), M),
                    lambda: gh.check_top_singular_pair((uu / torch.linalg.vector_norm(uu),
                                                        vv / torch.linalg.vector_norm(vv)), M))
        if kind == "sign":
            return (lambda: gh.check_top_singular_pair((-u, v), M),
                    lambda: gh.check_top_singular_pair((M @ v / torch.linalg.vector_norm(M @ v), v), M))
        start = torch.tensor([(-1.0) ** i for i in range(M.shape[1])], dtype=torch.float64)
        u1, v1 = _power_pair(M, 1, start)  # one step only
        u_long, v_long = _power_pair(M, 200, start)  # "longer": the exercise's 200 steps
        return lambda: gh.check_top_singular_pair((u1, v1), M), lambda: gh.check_top_singular_pair((u_long, v_long), M)
    return case


def _c_topics(kind):
    def case(p):
        data, directions = _topics(p)
        k = directions.shape[1]
        centres = [0]  # the hint, word for word: farthest-point centres, then the largest cosine
        for _ in range(k - 1):
            centres.append(int((directions @ directions[centres].T).abs().max(dim=1).values.argmin()))
        rule = (directions @ directions[centres].T).argmax(dim=1)
        wrong = {"floats": (directions @ directions[centres].T).max(dim=1).values, "length": rule[:-1],
                 "rule": rule * 0}[kind]
        return (lambda: gh.check_word_topics(wrong, data.word_topic),
                lambda: gh.check_word_topics(rule, data.word_topic))
    return case


CASES = {
    ("check_shape", "a shape lists the size"): _c_shape_words,
    ("check_shape", "(a, b) @ (b, c) gives (a, c)"): _c_shape_rule,
    ("check_dot_product", "multiply the vectors entry by entry, then"): _c_dot(lambda a, b: str(float((a * b).sum()))),
    ("check_dot_product", "a dot product is a single number"): _c_dot(lambda a, b: a * b),
    ("check_dot_product", "multiply the vectors entry by entry (a * b)"): _c_dot(lambda a, b: (a * b).sum() + 1),
    ("check_derivative", "evaluate your formula"): _c_derivative("formula"),
    ("check_derivative", "differentiate first"): _c_derivative("value"),
    ("check_derivative", "apply the chain rule"): _c_derivative("outer"),
    ("check_fresh_gradient", "pass w.grad itself"): _c_fresh("not w.grad"),
    ("check_fresh_gradient", "put w.grad = None"): _c_fresh("accumulated"),
    ("check_fresh_gradient", "run the fixed loop from a fresh w"): _c_fresh("moved"),
    ("check_jacobian", "write it as torch.tensor"): _c_jacobian("text"),
    ("check_jacobian", "row i holds"): _c_jacobian("transpose"),
    ("check_jacobian", "one row per output"): _c_jacobian("shape"),
    ("check_jacobian", "entry (i, j)"): _c_jacobian("entry"),
    ("check_step_limit", "a step size is a single"): _c_step_interval,
    ("check_step_limit", "find where |1 − η f″| reaches 1"): _c_step(lambda c: 1 / c),
    ("check_step_limit", "the limit is 2 divided"): _c_step(lambda c: c),
    ("check_step_limit", "the limit is 2 / f″, not"): _c_step(lambda c: c / 2),
    ("check_step_limit", "differentiate f twice to get f″, then"): _c_step(lambda c: -2 / c),
    ("check_step_limit", "differentiate f twice to get the curvature"): _c_step(lambda c: 3 / c),
    ("check_inverse_gradient", "the mean divides"): _c_inverse_gradient("size"),
    ("check_inverse_gradient", "X sits on the left"): _c_inverse_gradient("side"),
    ("check_inverse_gradient", "differentiate Σ"): _c_inverse_gradient("transpose"),
    ("check_inverse_gradient", "your answer should have the shape"): _c_inverse_gradient("shape"),
    ("check_inverse_gradient", "build the gradient from the finite X and M"): _c_inverse_gradient("nan"),
    ("check_largest_stable_lr", "the iteration only blows up"): _c_lr("1/L"),
    ("check_largest_stable_lr", "the limit comes from"): _c_lr("2/(L+mu)"),
    ("check_largest_stable_lr", "the steepest curvature"): _c_lr("other"),
    ("check_largest_stable_lr", "compute it from the singular values"): _c_lr("text"),
    ("check_iteration_prediction", "pick a learning rate"): _c_prediction("lr"),
    ("check_iteration_prediction", "ln(tol)/ln(rate)"): _c_prediction("guide"),
    ("check_iteration_prediction", "give one number"): _c_prediction("text"),
    ("check_inverse", "run more iterations"): _c_inverse("more"),
    ("check_inverse", "your answer should have the shape"): _c_inverse("shape"),
    ("check_inverse", "lower the learning rate"): _c_inverse("nan"),
    ("check_pseudo_inverse", "start from X = 0"): _c_pinv("zero start"),
    ("check_pseudo_inverse", "run gradient descent from X = 0"): _c_pinv("to tolerance"),
    ("check_pseudo_inverse", "your answer should have the shape"): _c_pinv("shape"),
    ("check_pseudo_inverse", "lower the learning rate"): _c_pinv("nan"),
    ("check_svd_reconstruction", "the last factor is V.T"): _c_reconstruction("V not V.T"),
    ("check_svd_reconstruction", "U * S scales"): _c_reconstruction("no S"),
    ("check_svd_reconstruction", "your answer should have the shape"): _c_reconstruction("shape"),
    ("check_svd_reconstruction", "multiply the factors you were given"): _c_reconstruction("nan"),
    ("check_rank_k_error", "take the square root"): _c_rank("squared"),
    ("check_rank_k_error", "the Frobenius error adds up"): _c_rank("sigma3"),
    ("check_rank_k_error", "keep the k largest"): _c_rank("kept"),
    ("check_rank_k_error", "compute it from the singular values"): _c_rank("text"),
    ("check_top_singular_pair", "return both vectors"): _c_pair("tuple"),
    ("check_top_singular_pair", "u lives in M's column space"): _c_pair("swapped"),
    ("check_top_singular_pair", "divide each by its norm"): _c_pair("length"),
    ("check_top_singular_pair", "the pair shares one sign"): _c_pair("sign"),
    ("check_top_singular_pair", "iterate v <- Mᵀ·M·v"): _c_pair("longer"),
    ("check_word_topics", "one integer per word"): _c_topics("floats"),
    ("check_word_topics", "label every column"): _c_topics("length"),
    ("check_word_topics", "take word 0 as the first centre"): _c_topics("rule"),
}

# Hints that do not work today, each with the issue that fixes it (strict: a fix makes them fail here).
ISSUE13, ISSUE14 = "notebook 02's hints (issue 13)", "notebook 03's hints (issue 14)"
XFAIL: dict = {}

HINTS = collect_hints()


def _case_of(check: str, hint: str):
    keys = [k for k in CASES if k[0] == check and hint.startswith(k[1])]
    assert len(keys) <= 1, f"{check}: the hint {hint!r} matches several cases {keys}"
    return keys[0] if keys else None


def test_every_hint_has_a_case():
    missing = [f"{check}: {hint}" for check, hint in HINTS if _case_of(check, hint) is None]
    assert not missing, "add a case to tests/test_hints.py CASES for:\n" + "\n".join(missing)
    assert len(HINTS) >= 50, f"only {len(HINTS)} hints found: is the AST walk still reading the checks?"


def test_every_case_has_a_hint():
    used = {_case_of(check, hint) for check, hint in HINTS}
    stale = [key for key in CASES if key not in used]
    assert not stale, f"cases whose hint is gone: {stale}"


def _params():
    for check, hint in sorted(HINTS):
        key = _case_of(check, hint)
        marks = [pytest.mark.xfail(strict=True, reason=XFAIL[key])] if key in XFAIL else []
        yield pytest.param(check, hint, id=f"{check}-{(key or (check, hint[:30]))[1][:40]}", marks=marks)


_RUNS: dict = {}


@pytest.fixture
def shared_runs(monkeypatch):
    """Compute each of check_iteration_prediction's runs once. The check runs gdla_helpers.inverse's
    inverse_gd on (M, lr, momentum, tol) at every call; the wrong and the fixed answers of its three
    hints make 126 calls (~70 ms each) for 42 distinct runs (21 parameters; the too-large lr of "pick
    a learning rate" is the only other). A run is deterministic (float64 on one thread: the same
    inputs give the same iterates), so sharing its (X, history) changes no verdict; the check's own
    code runs at every call, and so does every other helper's."""
    from gdla_helpers import inverse

    real = inverse.inverse_gd

    def shared(M, *args, **kwargs):
        key = (M.dtype, tuple(M.shape), M.numpy().tobytes(), args, tuple(sorted(kwargs.items())))
        if key not in _RUNS:
            _RUNS[key] = real(M, *args, **kwargs)
        return _RUNS[key]

    monkeypatch.setattr(inverse, "inverse_gd", shared)


@pytest.mark.usefixtures("shared_runs")
@pytest.mark.parametrize(("check", "hint"), list(_params()))
def test_hint_followed_literally_passes(check, hint):
    key = _case_of(check, hint)
    assert key is not None, f"no case for {check}'s hint {hint!r}"
    pattern, failures = _regex(hint), []
    for p in PARAMS:
        wrong, fixed = CASES[key](p)
        result, printed = _run(wrong)
        shown = printed.rsplit("Hint: ", 1)[-1].strip() if "Hint: " in printed else None
        assert not result and shown is not None and pattern.fullmatch(shown), (
            f"p={p}: the wrong answer should fail with this hint; the check printed {printed!r}")
        result, printed = _run(fixed)
        if not result:
            failures.append(f"p={p}: {printed.strip()}")
    assert not failures, f"{len(failures)} of {len(PARAMS)} fail after following the hint:\n" + "\n".join(failures)
