#!/usr/bin/env python3
"""The bad-input table of gdla_helpers: every public function called with bad or unusual input.

    python scripts/bad_inputs.py            # counts per outcome, and every row that is not ok
    python scripts/bad_inputs.py --quiet    # counts only

tests/test_bad_inputs.py runs the same ROWS and asserts each one's documented outcome. Each row is
(function name, the argument changed, what it was changed to, a call, the expected outcome):

- TypeError / ValueError: the call must raise exactly that, from gdla_helpers, naming the argument;
- "ok": the call must return, with no NaN/inf in what it returns, and (when the row has one) the
  row's own check of the answer must hold;
- "reported": the call must return a result that says plainly it did not succeed
  (converged False and a message, a check's False, NaN errors for a broken SVD).

Outcomes are counted as: ok; silent (returned a wrong answer, or an answer where an error or a
report was due); nan (returned NaN/inf without saying so); unclear (raised, but not a
TypeError/ValueError of gdla_helpers naming the argument: a raw torch/Python error or a message
that does not name what is wrong); wrong kind (a clear error, but TypeError for ValueError or the
other way round); refused (a clear error for an input that is documented to work).
"""

from __future__ import annotations

import contextlib
import io
import math
import sys
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

import gdla_helpers as gh

PACKAGE = str(Path(gh.__file__).resolve().parent)
VA, VB, W0 = torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]), torch.tensor([1.0, -2.0])
TOPICS = torch.tensor([0, 0, 1, 1])
OUTCOMES = ("ok", "silent", "nan", "unclear", "wrong kind", "refused")


@dataclass
class Row:
    function: str
    argument: str
    case: str
    call: Callable[[], Any]
    expect: Any  # TypeError, ValueError, "ok" or "reported"
    check: Callable[[Any], bool] | None = None  # for "ok"/"reported": is the answer right / the report plain?

    @property
    def id(self) -> str:
        return f"{self.function}-{self.argument}-{self.case}"


# --- inputs ----------------------------------------------------------------------------------------

def _A() -> torch.Tensor:  # a well-conditioned 3×3 float64 matrix
    return torch.tensor([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]], dtype=torch.float64)


def _with(value: float) -> torch.Tensor:
    A = _A()
    A[0, 1] = value
    return A


def bad_matrices(square: bool = True) -> dict[str, tuple[Any, Any]]:
    """case: (value, expected outcome) for a matrix argument that computing helpers use."""
    rows = {
        "1-D": (torch.ones(3, dtype=torch.float64), ValueError),
        "empty": (torch.zeros(0, 0, dtype=torch.float64), ValueError),
        "NaN": (_with(math.nan), ValueError),
        "inf": (_with(math.inf), ValueError),
        "integer": (_A().long(), TypeError),
        "NumPy": (_A().numpy(), TypeError),
        "list": (_A().tolist(), TypeError),
        "float16": (_A().half(), TypeError),
        "bfloat16": (_A().bfloat16(), TypeError),
        "requires_grad": (_A().requires_grad_(), "ok"),
        "batched 3-D": (_A().expand(2, 3, 3).clone(), ValueError),
        "string": ("M", TypeError),
    }
    if square:
        rows["non-square"] = (torch.rand(3, 2, generator=torch.Generator().manual_seed(0), dtype=torch.float64),
                              ValueError)
    return rows


def given_matrices(square: bool = True) -> dict[str, tuple[Any, Any]]:
    """The same for the matrices an exercise gives a check_* (compared in float64: any real dtype)."""
    rows = bad_matrices(square)
    for case in ("integer", "float16", "bfloat16"):
        rows[case] = (rows[case][0], "ok")
    return rows


def numbers(kind: str, good: float) -> dict[str, tuple[Any, Any]]:
    """case: (value, expected) for a number argument of kind positive / count / fraction / real."""
    rows = {
        "NaN": (math.nan, ValueError),
        "inf": (math.inf, ValueError),
        "bool": (True, TypeError),
        "string": ("abc", TypeError),
        "NumPy scalar": ((np.int64 if kind == "count" else np.float32)(good), "ok"),
        "0-d tensor": (torch.tensor(good), "ok"),
        "negative": (-1, ValueError),
    }
    if kind == "positive":
        rows["zero"] = (0, ValueError)
    if kind == "fraction":
        rows["one"] = (1.0, ValueError)
    if kind == "real":
        rows["negative"] = (-1, "ok")
    if kind == "count" and good != int(good):
        raise ValueError("a count's good value must be whole")
    if kind == "count":
        rows["not whole"] = (2.5, ValueError)
    return rows


# --- answers that must be right ----------------------------------------------------------------------

def _finite(result) -> bool:
    """No NaN/inf anywhere in what a call returned (tensors, numbers, tuples, dicts, runs)."""
    if isinstance(result, torch.Tensor):
        return not result.is_floating_point() or bool(torch.isfinite(result).all())
    if isinstance(result, float):
        return math.isfinite(result)
    if isinstance(result, dict):
        return all(_finite(v) for v in result.values())
    if isinstance(result, (tuple, list)):
        return all(_finite(v) for v in result)
    if isinstance(result, gh.History):
        return all(_finite(getattr(result, f, None)) for f in ("U", "S", "V")) and _finite(result.metrics)
    return True


def _honest(result) -> bool:
    """An iterative result that converged, or says plainly that it did not."""
    runs = [r for r in (result if isinstance(result, tuple) else (result,)) if isinstance(r, gh.History)]
    history = getattr(result, "history", None)
    runs += [history] if isinstance(history, gh.History) else []
    return bool(runs) and all(r.converged or r.message.startswith(("not converged", "ran all", "diverged"))
                              for r in runs)


def _inverse_ok(result, M) -> bool:
    X, history = result
    residual = float(torch.linalg.matrix_norm(X.detach().double() @ M.detach().double() - torch.eye(3,
                     dtype=torch.float64)) / math.sqrt(3))
    return history.converged == (residual <= 1.01 * 1e-6) if history.converged else history.message.startswith(
        "not converged")


# --- the table ---------------------------------------------------------------------------------------

def _rows_for(function: str, call: Callable, base: dict, specs: dict, overrides: dict | None = None,
              check: Callable | None = None) -> list[Row]:
    """One row per (argument, bad case): call(**base with that argument replaced)."""
    rows = []
    for argument, cases in specs.items():
        for case, (value, expect) in cases.items():
            expect = (overrides or {}).get((argument, case), expect)
            if isinstance(expect, tuple):  # (expected, own check)
                expect, own = expect
            else:
                own = check if expect == "ok" else (_honest if expect == "reported" else None)
            kwargs = {**base, argument: value}
            rows.append(Row(function, argument, case, (lambda kw=kwargs: call(**kw)), expect, own))
    return rows


def _svd_parts(M=None):
    M = _A() if M is None else M
    U, S, Vh = torch.linalg.svd(M, full_matrices=False)
    return U, S, Vh.mT, M


def build_rows() -> list[Row]:  # noqa: C901 (a table)
    A = _A()
    U, S, V, _ = _svd_parts()
    zero, singular = torch.zeros(3, 3, dtype=torch.float64), torch.ones(3, 3, dtype=torch.float64)
    rows: list[Row] = []

    def R(*args, **kwargs):
        rows.extend(_rows_for(*args, **kwargs))

    squares = {**bad_matrices(), "zero": (zero, "ok"), "singular": (singular, "ok")}

    # losses
    R("mse", lambda prediction, target: gh.mse(prediction, target), {"prediction": A, "target": A * 0.5},
      {"target": {**bad_matrices(square=False), "float32 with float64": (A.float(), TypeError)}})
    R("mse", lambda prediction, target: gh.mse(prediction, target), {"prediction": A, "target": A * 0.5},
      {"prediction": {"NaN (a diverged run: NaN loss, documented)": (_with(math.nan), "reported"),
                      "list": (A.tolist(), TypeError), "float16": (A.half(), TypeError),
                      "1-D": (torch.ones(3, dtype=torch.float64), ValueError)}},
      overrides={("prediction", "NaN (a diverged run: NaN loss, documented)"):
                 ("reported", lambda r: bool(torch.isnan(r)))})
    R("relative_error", lambda approx, exact: gh.relative_error(approx, exact), {"approx": A, "exact": A * 0.5},
      {"exact": {**bad_matrices(square=False), "zero": (zero, ValueError)}})
    R("relative_residual", lambda X, M: gh.relative_residual(X, M), {"X": torch.linalg.inv(A), "M": A},
      {"M": {**squares, "float32 with float64": (A.float(), TypeError)}, "X": {"1-D": (torch.ones(3), ValueError)}})
    R("identity_like", lambda M: gh.identity_like(M), {"M": A},
      {"M": {k: v for k, v in bad_matrices().items() if k not in ("NaN", "inf")}})

    # gd
    X = torch.zeros(3, 3, dtype=torch.float64, requires_grad=True)
    I3 = torch.eye(3, dtype=torch.float64)

    def run_minimize(**kw):
        X.detach().zero_()
        return gh.minimize(lambda: ((X @ A - I3) ** 2).mean(), [X], **kw)

    base = {"lr": 0.3, "momentum": 0.5, "tol": 1e-6, "max_iter": 50}
    R("minimize", run_minimize, base, {"lr": numbers("positive", 0.3), "momentum": numbers("fraction", 0.5),
                                       "tol": numbers("positive", 1e-6), "max_iter": numbers("count", 50)},
      check=_honest)
    R("minimize", lambda **kw: gh.minimize(**kw), {"loss_fn": lambda: X.sum(), "params": [X], "lr": 0.1, "max_iter": 5},
      {"loss_fn": {"string": ("loss", TypeError)},
       "params": {"string": ("X", TypeError), "empty": ([], ValueError),
                  "integer": ([torch.zeros(3, dtype=torch.long)], TypeError),
                  "not a leaf": ([X * 2], ValueError), "float16": ([torch.zeros(3).half().requires_grad_()], TypeError)}})
    for name in ("largest_stable_lr",):
        R(name, lambda L, momentum: gh.largest_stable_lr(L, momentum), {"L": 2.0, "momentum": 0.5},
          {"L": numbers("positive", 2.0), "momentum": numbers("fraction", 0.5)})
    for name, f in (("best_lr", gh.best_lr), ("gd_rate", gh.gd_rate), ("heavy_ball_rate", gh.heavy_ball_rate),
                    ("heavy_ball_params", gh.heavy_ball_params)):
        R(name, lambda L, mu, f=f: f(L, mu), {"L": 2.0, "mu": 0.5},
          {"L": numbers("positive", 2.0), "mu": {**numbers("count", 1.0), "not whole": (0.25, "ok"),
                                                  "above L": (3.0, ValueError)}})
    R("heavy_ball_params", lambda L, mu: gh.heavy_ball_params(L, mu), {"L": 1.0, "mu": 0.5},
      {"mu": {"zero (momentum 1 never converges)": (0.0, ValueError)}})
    R("gd_rate", lambda L, mu, lr: gh.gd_rate(L, mu, lr), {"L": 2.0, "mu": 0.5, "lr": 0.5},
      {"lr": numbers("positive", 0.5)})
    lam, w = torch.tensor([1.0, 0.5], dtype=torch.float64), torch.ones(2, dtype=torch.float64)
    R("predict_quadratic", lambda **kw: gh.predict_quadratic(**kw),
      {"curvatures": lam, "initial_errors": w, "lr": 1.0, "tol": 1e-6, "max_iter": 100},
      {"curvatures": {"list": ([1.0, 0.5], TypeError), "NaN": (torch.tensor([math.nan, 1.0]), ValueError),
                      "negative": (torch.tensor([-1.0, 1.0]), ValueError), "empty": (torch.zeros(0), ValueError),
                      "2-D": (torch.ones(2, 2), ValueError), "string": ("1", TypeError)},
       "lr": numbers("positive", 1.0), "max_iter": numbers("count", 100),
       "block": {**numbers("count", 4), "zero": (0, ValueError)}, "scale": numbers("positive", 1.0)})

    # matrices
    g = torch.Generator().manual_seed(0)
    R("random_orthogonal", lambda n, generator: gh.random_orthogonal(n, generator=generator), {"n": 3, "generator": g},
      {"n": {**numbers("count", 3), "zero": (0, ValueError)}, "generator": {"int": (0, TypeError)}})
    R("matrix_with_singular_values", lambda **kw: gh.matrix_with_singular_values(**kw), {"singular_values": [2.0, 1.0]},
      {"singular_values": {"string": ("21", TypeError), "empty": ([], ValueError), "NaN": ([math.nan, 1.0], ValueError),
                           "negative": ([1.0, -1.0], ValueError), "NumPy": (np.array([2.0, 1.0]), "ok"),
                           "0-d tensors": ([torch.tensor(2.0), torch.tensor(1.0)], "ok")},
       "shape": {"wrong k": ((3, 3), ValueError), "string": ("3x2", TypeError), "zero": ((0, 2), ValueError)},
       "seed": numbers("count", 3), "dtype": {"float16": (torch.float16, TypeError), "string": ("float64", TypeError)}})
    R("matrix_with_condition", lambda **kw: gh.matrix_with_condition(**kw), {"n": 4, "kappa": 10.0},
      {"n": {**numbers("count", 4), "zero": (0, ValueError)},
       "kappa": {**numbers("positive", 10.0), "below 1": (0.5, ValueError),
                 "cond of a matrix (0-d tensor)": (torch.linalg.cond(A), "ok"),
                 "1e20 (above 0.1/eps of float64: cannot be built)": (1e20, ValueError),
                 "4e14 (just below the float64 limit)": (4e14, "ok")},
       "largest": numbers("positive", 1.0), "seed": numbers("count", 0),
       "dtype": {"bfloat16": (torch.bfloat16, TypeError), "int": (torch.int64, TypeError)}})
    R("matrix_with_condition", lambda **kw: gh.matrix_with_condition(**kw), {"n": 4, "kappa": 1e6, "dtype": torch.float64},
      {"dtype": {"float32 at κ = 1e6 (above 0.1/eps of float32)": (torch.float32, ValueError)}})
    R("matrix_with_singular_values", lambda **kw: gh.matrix_with_singular_values(**kw), {"singular_values": [2.0, 1.0]},
      {"singular_values": {"2-D tensor": (torch.ones(2, 1, dtype=torch.float64), ValueError)}})

    # inverse
    Xi = torch.linalg.inv(A)
    for name, f in (("inverse_loss", gh.inverse_loss), ("inverse_gradient", gh.inverse_gradient)):
        R(name, lambda X, M, f=f: f(X, M), {"X": Xi, "M": A},
          {"M": {**bad_matrices(square=False), "zero": (zero, "ok"), "float32 with float64": (A.float(), TypeError)},
           "X": {"1-D": (torch.ones(3, dtype=torch.float64), ValueError),
                 "wrong shape": (torch.ones(2, 3, dtype=torch.float64), ValueError),
                 "NumPy": (Xi.numpy(), TypeError), "requires_grad": (Xi.clone().requires_grad_(), "ok")}})
    R("inverse_loss", lambda side: gh.inverse_loss(Xi, A, side), {"side": "left"},
      {"side": {"unknown": ("up", ValueError), "int": (1, TypeError)}})
    R("inverse_curvature", lambda M: gh.inverse_curvature(M), {"M": A},
      {"M": {**bad_matrices(square=False), "zero": (zero, ValueError), "singular": (singular, "ok")}})
    R("inverse_params", lambda M, method="heavy_ball": gh.inverse_params(M, method), {"M": A},
      {"M": {**bad_matrices(square=False), "zero": (zero, ValueError), "singular": (singular, ValueError)},
       "method": {"unknown": ("adam", ValueError), "int": (0, TypeError)}})
    R("predict_iterations", lambda **kw: gh.predict_iterations(**kw), {"M": A, "lr": 1.0, "momentum": 0.5, "max_iter": 100},
      {"M": {**squares}, "lr": numbers("positive", 1.0), "momentum": numbers("fraction", 0.5),
       "max_iter": numbers("count", 100), "tol": numbers("positive", 1e-6)})
    for name, f, sing in (("inverse_gd", gh.inverse_gd, ValueError), ("pinv_gd", gh.pinv_gd, "reported")):
        matrices_ = {**bad_matrices(square=(name == "inverse_gd")), "zero": (zero, ValueError), "singular": (singular, sing)}
        R(name, lambda f=f, **kw: f(**kw), {"M": A, "max_iter": 100},
          {"M": matrices_, "lr": numbers("positive", 0.5), "momentum": numbers("fraction", 0.5),
           "tol": numbers("positive", 1e-6), "max_iter": numbers("count", 50),
           "method": {"unknown": ("adam", ValueError)},
           "X0": {"1-D": (torch.ones(3), ValueError), "NaN": (_with(math.nan), ValueError), "list": ([[0.0]], TypeError)},
           "on_divergence": {"unknown": ("ignore", ValueError)}}, check=_honest)
    R("newton_schulz", lambda **kw: gh.newton_schulz(**kw), {"M": A, "max_iter": 100},
      {"M": {**bad_matrices(), "zero": (zero, ValueError), "singular": (singular, "reported"),
             "κ = 1e12 (too ill-conditioned: diverges)": (gh.matrix_with_condition(4, 1e12), ValueError)},
       "tol": numbers("positive", 1e-6), "max_iter": {**numbers("count", 50), "cap 2": (2, "reported")}},
      check=lambda r: r.converged and len(r) == 2)

    # data
    R("make_topic_matrix", lambda **kw: gh.make_topic_matrix(**kw), {},
      {"n_documents": {**numbers("count", 20), "below n_topics": (2, ValueError)},
       "n_topics": {**numbers("count", 3), "zero": (0, ValueError)},
       "seed": numbers("count", 0), "noise": {**numbers("real", 0.05), "negative": (-0.1, ValueError),
                                              "too large": (0.9, ValueError)},
       "dtype": {"float16": (torch.float16, TypeError)}})
    R("make_indicator_matrix", lambda **kw: gh.make_indicator_matrix(**kw), {},
      {"n_documents": {**numbers("count", 17), "zero": (0, ValueError)},
       "p": {**numbers("real", 0.2), "negative": (-0.1, ValueError), "above 1": (1.5, ValueError)},
       "seed": numbers("count", 123)})

    # graph and plots
    x = torch.tensor(1.0, requires_grad=True)
    R("autograd_graph", lambda tensor: gh.autograd_graph(tensor), {"tensor": torch.sin(x)},
      {"tensor": {"no graph": (torch.ones(2), ValueError), "NumPy": (np.ones(2), TypeError), "string": ("x", TypeError)}})
    R("plot_autograd_graph", lambda graph: gh.plot_autograd_graph(graph), {"graph": torch.sin(x)},
      {"graph": {"string": ("x", TypeError), "dict without nodes": ({}, TypeError)}})
    R("plot_losses", lambda histories: gh.plot_losses(histories), {"histories": [1.0, 0.5]},
      {"histories": {"empty": ([], ValueError), "string": ("loss", TypeError), "number": (3.0, TypeError),
                     "NumPy": (np.array([1.0, 0.5]), "ok"), "0-d tensors": ([torch.tensor(1.0)], "ok"),
                     "strings": (["a", "b"], TypeError), "2-D tensor (one curve is meant)": (torch.ones(3, 3), ValueError),
                     "2-D NumPy": (np.ones((2, 3)), ValueError)}})
    R("plot_matrix", lambda M: gh.plot_matrix(M), {"M": A},
      {"M": {"1-D": (torch.ones(3), ValueError), "batched 3-D": (torch.ones(2, 2, 2), ValueError),
             "empty": (torch.zeros(0, 0), ValueError), "string": ("M", TypeError), "NumPy": (A.numpy(), "ok"),
             "list": (A.tolist(), "ok"), "integer": (A.long(), "ok"), "float16": (A.half(), "ok"),
             "requires_grad": (A.clone().requires_grad_(), "ok")}})
    R("plot_function_and_derivative", lambda **kw: gh.plot_function_and_derivative(**kw),
      {"x": torch.arange(3.0), "f": torch.arange(3.0), "df": torch.ones(3)},
      {"df": {"wrong length": (torch.ones(2), ValueError), "string": ("df", TypeError), "empty": (torch.ones(0), ValueError),
              "2-D (3×1)": (torch.ones(3, 1), ValueError)}})
    R("plot_convergence", lambda runs, **kw: gh.plot_convergence(runs, **kw), {"runs": {"a": [1.0, 0.1]}},
      {"runs": {"empty": ({}, ValueError), "list": ([1.0], ValueError), "2-D run": ({"a": torch.ones(2, 2)}, ValueError)},
       "max_points": numbers("count", 10),
       "tol": numbers("positive", 0.1)})
    R("plot_matrix_frames", lambda frames, labels: gh.plot_matrix_frames(frames, labels), {"frames": [A, A], "labels": ["0", "1"]},
      {"frames": {"empty": ([], ValueError), "1-D frame": ([torch.ones(3)], ValueError),
                  "string frame": (["M"], TypeError)}, "labels": {"too few": (["0"], ValueError)}})
    R("plot_matrix_frames", lambda zrange: gh.plot_matrix_frames([A], ["0"], zrange=zrange), {"zrange": (-1.0, 1.0)},
      {"zrange": {"reversed (1, -1)": ((1.0, -1.0), ValueError), "empty (0, 0)": ((0.0, 0.0), ValueError),
                  "NaN": ((math.nan, 1.0), ValueError), "one number": (1.0, TypeError), "string": ("-1..1", TypeError)}})
    R("plot_iterations_vs_kappa", lambda kappas, measured: gh.plot_iterations_vs_kappa(kappas, measured),
      {"kappas": [1.0, 10.0], "measured": {"gd": [1, None]}},
      {"kappas": {"string": ("10", TypeError), "empty": ([], ValueError),
                  "κ = 0 (a log axis)": ([0.0, 10.0], ValueError), "κ < 0": ([-1.0, 10.0], ValueError),
                  "κ = 0.5 (below 1: no condition number)": ([0.5, 10.0], ValueError),
                  "NaN": ([math.nan, 10.0], ValueError), "2-D": (torch.ones(2, 2), ValueError)},
       "measured": {"wrong length": ({"gd": [1]}, ValueError)}})
    R("plot_heatmaps", lambda matrices, **kw: gh.plot_heatmaps(matrices, **kw), {"matrices": {"A": A}},
      {"matrices": {"empty": ({}, ValueError), "1-D": ({"v": torch.ones(3)}, ValueError), "string": ({"s": "M"}, TypeError)},
       "cols": {**numbers("count", 2), "zero": (0, ValueError)}})

    # svd
    R("source_matrices", lambda dtype: gh.source_matrices(dtype), {"dtype": torch.float64},
      {"dtype": {"float16": (torch.float16, TypeError), "string": ("float64", TypeError)}})
    d = torch.rand(3, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    R("source_svd_loss", lambda **kw: gh.source_svd_loss(**kw), {"U": U, "d": d, "V": V, "M": A},
      {"M": {**bad_matrices(square=False), "float32 with float64": (A.float(), TypeError)},
       "U": {"1-D": (torch.ones(3, dtype=torch.float64), ValueError), "wrong shape": (U[:, :2], ValueError)},
       "d": {"2-D": (torch.ones(3, 3, dtype=torch.float64), ValueError)}})
    R("source_svd", lambda **kw: gh.source_svd(**kw), {"M": A, "steps": 50},
      {"M": {**bad_matrices(square=False), "zero": (zero, "ok")}, "steps": numbers("count", 20),
       "lr": numbers("positive", 0.5), "momentum": numbers("fraction", 0.5), "seed": numbers("count", 1),
       "optimizer": {"unknown": ("sgd", ValueError)}}, check=lambda r: not r.converged)
    R("source_svd", lambda **kw: gh.source_svd(**kw), {"M": A, "steps": 20, "optimizer": "adam"},
      {"weight_decay": {**numbers("real", 1e-5), "negative": (-1, ValueError)}}, check=lambda r: not r.converged)
    R("sort_svd", lambda U, s, V: gh.sort_svd(U, s, V), {"U": U, "s": S, "V": V},
      {"s": {"2-D": (torch.ones(3, 3, dtype=torch.float64), ValueError), "list": (S.tolist(), TypeError),
             "wrong length": (S[:2], ValueError),
             "NaN": (torch.tensor([1.0, math.nan, 0.5], dtype=torch.float64), ValueError),
             "inf": (torch.tensor([math.inf, 1.0, 0.5], dtype=torch.float64), ValueError)},
       "U": {"NaN": (torch.full_like(U, math.nan), ValueError)}})
    for name, f in (("svd_factorize", gh.svd_factorize), ("svd_ascent", gh.svd_ascent)):
        R(name, lambda f=f, **kw: f(**kw), {"M": A, "max_iter": 30},
          {"M": {**bad_matrices(square=False), "zero": (zero, ValueError), "singular": (singular, "reported")},
           "lr": numbers("positive", 0.4), "momentum": numbers("fraction", 0.5), "tol": numbers("positive", 1e-6),
           "max_iter": numbers("count", 50), "seed": numbers("count", 1)}, check=_honest)
    nanU = U.clone()
    nanU[0, 0] = math.nan
    broken = {"NaN in U": ((nanU, S, V), "reported"), "all-NaN V": ((U, S, torch.full_like(V, math.nan)), "reported")}
    # svd_errors reports NaN errors for NaN factors (documented: "never a silent pass"); compare_svd refuses them
    for name, f, nan_outcome in (("svd_errors", gh.svd_errors, "reported"), ("compare_svd", gh.compare_svd, ValueError)):
        R(name, lambda M, f=f, **kw: f(*kw["U/S/V"], M), {"U/S/V": (U, S, V), "M": A},
          {"M": {**bad_matrices(square=False), "zero": (zero, ValueError)},
           "U/S/V": {**{c: (v[0], nan_outcome) for c, v in broken.items()}, "V transposed wrong": ((U, S, V[:2]), ValueError),
                     "NumPy U": ((U.numpy(), S, V), TypeError), "float32 S": ((U, S.float(), V), TypeError)}},
          overrides={("U/S/V", c): ("reported", lambda r: all(math.isnan(v) for k, v in r.items()
                                                               if k not in ("flipped", "groups")))
                     for c in broken} if nan_outcome == "reported" else None)
    R("low_rank", lambda U, S, V, rank: gh.low_rank(U, S, V, rank), {"U": U, "S": S, "V": V, "rank": 2},
      {"rank": {**numbers("count", 2), "too large": (4, ValueError)},
       "S": {"NaN": (torch.tensor([math.nan, 1.0, 0.5], dtype=torch.float64), ValueError),
             "negative": (-S, ValueError), "list": (S.tolist(), TypeError)},
       "U": {"1-D": (torch.ones(3, dtype=torch.float64), ValueError)}})
    best2 = (U[:, :2] * S[:2]) @ V[:, :2].T
    rows.append(Row("low_rank", "S", "ascending (a consistent SVD in ascending order)",
                    lambda: gh.low_rank(U.flip(1), S.flip(0), V.flip(1), 2), "ok",
                    lambda r: bool(torch.allclose(r, best2))))

    # checks: the given tensors are validated (raise); the learner's answers are judged (False)
    Mi = A
    relative = torch.sqrt((torch.linalg.svdvals(A).flip(0) ** 2).cumsum(0).flip(0) / (torch.linalg.svdvals(A) ** 2).sum())
    k_below = int((relative >= 0.3).sum())  # the smallest k with ‖A − A_k‖_F/‖A‖_F < 0.3
    checks = [
        ("check_shape", lambda answer, expected=(2, 3): gh.check_shape(answer, expected), {"answer": (2, 3)},
         {"answer": {"floats (2.7, 3)": ((2.7, 3), False), "string": ("23", False), "tensor of shape (2, 3)":
                     (torch.ones(2, 3), True), "bools": ((True, 3), False)},
          "expected": {"string": ("(2, 3)", TypeError), "floats": ((2.5, 3), ValueError)}}),
        ("check_dot_product", lambda answer, a=VA, b=VB:
         gh.check_dot_product(answer, a, b), {"answer": 11.0},
         {"answer": {"string": ("11", False), "NaN": (math.nan, False), "vector": (torch.tensor([3.0, 8.0]), False),
                     "NumPy scalar": (np.float64(11.0), True), "0-d tensor": (torch.tensor(11.0), True)},
          "a": {"NumPy": (np.array([1.0, 2.0]), TypeError), "2-D": (torch.ones(2, 2), ValueError),
                "wrong length": (torch.ones(3), ValueError), "integer": (torch.tensor([1, 2]), True)}}),
        ("check_derivative", lambda answer, f=lambda t: t**2, x=3.0: gh.check_derivative(answer, f, x), {"answer": 6.0},
         {"answer": {"string": ("6", False), "list": ([6.0, 6.0], False), "NaN": (math.nan, False)},
          "x": {"NaN": (math.nan, ValueError), "string": ("3", TypeError), "NumPy scalar": (np.float32(3.0), True),
                "0-d tensor": (torch.tensor(3.0), True)}, "f": {"string": ("x**2", TypeError)}}),
        ("check_fresh_gradient", lambda answer, w=W0: gh.check_fresh_gradient(
            answer, lambda t: (t**2).sum(), w), {"answer": torch.tensor([2.0, -4.0])},
         {"answer": {"wrong shape": (torch.ones(3), False), "string": ("g", False)},
          "w": {"list": ([1.0, -2.0], TypeError), "NaN": (torch.tensor([math.nan, 1.0]), ValueError)}}),
        ("check_jacobian", lambda answer, x=VA: gh.check_jacobian(
            answer, lambda t: t * 2, x), {"answer": 2 * torch.eye(2)},
         {"answer": {"wrong shape": (torch.ones(3), False), "string": ("J", False)},
          "x": {"2-D": (torch.ones(2, 2), ValueError), "NumPy": (np.ones(2), TypeError)}}),
        ("check_inverse_gradient", lambda answer, X=Xi, M=Mi: gh.check_inverse_gradient(answer, X, M),
         {"answer": gh.inverse_gradient(Xi, A)},
         {"answer": {"wrong shape": (torch.ones(2, 2), False), "string": ("g", False)},
          "M": given_matrices(), "X": {"wrong shape": (torch.ones(2, 2), ValueError)}}),
        ("check_largest_stable_lr", lambda answer, M=Mi: gh.check_largest_stable_lr(answer, M), {"answer": 1.0},
         {"answer": {"string": ("1", False), "NaN": (math.nan, False)},
          "M": {**given_matrices(square=False), "zero": (zero, ValueError)}}),
        ("check_iteration_prediction", lambda answer, M=Mi, lr=1.0, momentum=0.0: gh.check_iteration_prediction(
            answer, M, lr, momentum), {"answer": 10},
         {"answer": {"string": ("10", False)}, "M": {k: v for k, v in given_matrices().items()
                                                      if k not in ("requires_grad", "integer")},
          "lr": numbers("positive", 1.0) | {"NumPy scalar": (np.float32(1.0), False), "0-d tensor": (torch.tensor(1.0), False)},
          "momentum": {"one": (1.0, ValueError), "string": ("0", TypeError)}}),
        ("check_inverse", lambda answer, M=Mi, tol=1e-6: gh.check_inverse(answer, M, tol), {"answer": Xi},
         {"answer": {"wrong shape": (torch.ones(2, 2), False), "NaN": (_with(math.nan), False), "string": ("X", False)},
          "M": given_matrices(), "tol": numbers("positive", 1e-6)}),
        ("check_pseudo_inverse", lambda answer, M=Mi: gh.check_pseudo_inverse(answer, M), {"answer": Xi},
         {"answer": {"wrong shape": (torch.ones(2, 2), False)}, "M": given_matrices(square=False)}),
        ("check_svd_reconstruction", lambda answer, U=U, S=S, V=V: gh.check_svd_reconstruction(answer, U, S, V),
         {"answer": A}, {"answer": {"wrong shape": (torch.ones(2, 2), False), "string": ("A", False)},
                         "S": {"2-D": (torch.ones(3, 3), ValueError), "wrong length": (S[:2], ValueError)},
                         "U": {"NumPy": (U.numpy(), TypeError)}}),
        ("check_rank_k_error", lambda answer, M=Mi, k=1: gh.check_rank_k_error(answer, M, k),
         {"answer": float(torch.sqrt((torch.linalg.svdvals(A)[1:] ** 2).sum()))},
         {"answer": {"string": ("1", False), "NaN": (math.nan, False)},
          "k": {**numbers("count", 1), "too large": (4, ValueError)}, "M": given_matrices(square=False)}),
        ("check_smallest_rank", lambda answer, M=Mi, target=0.3: gh.check_smallest_rank(answer, M, target),
         {"answer": k_below}, {"answer": {"string": (str(k_below), False), "NaN": (math.nan, False),
                                          "bool": (True, False), "not whole": (k_below + 0.5, False),
                                          "whole float tensor": (torch.tensor(float(k_below)), True),
                                          "NumPy int": (np.int64(k_below), True)},
                               "target": {**numbers("fraction", 0.3), "zero": (0.0, ValueError)},
                               "M": {**given_matrices(square=False), "zero": (zero, ValueError)}}),
        ("check_top_singular_pair", lambda answer, M=Mi: gh.check_top_singular_pair(answer, M), {"answer": (U[:, 0], V[:, 0])},
         {"answer": {"one vector": (U[:, 0], False), "wrong length": ((U[:2, 0], V[:, 0]), False)},
          "M": {**given_matrices(square=False), "zero": (zero, ValueError)}}),
        ("check_step_limit", lambda answer, f=lambda t: 2 * t**2: gh.check_step_limit(answer, f), {"answer": 0.5},
         {"answer": {"string": ("1", False), "NaN": (math.nan, False), "wrong": (0.25, False),
                     "NumPy scalar": (np.float64(0.5), True), "0-d tensor": (torch.tensor(0.5), True)},
          "f": {"string": ("x**2", TypeError), "quartic": (lambda t: t**4, ValueError),
                "linear": (lambda t: 3 * t, ValueError)}}),
        ("check_word_topics", lambda answer, word_topic=TOPICS: gh.check_word_topics(
            answer, word_topic), {"answer": [1, 1, 0, 0]},
         {"answer": {"floats": ([0.5, 0.7, 1.2, 1.9], False), "string": ("0011", False),
                     "float tensor": (torch.tensor([0.0, 0.0, 1.0, 1.0]), False), "wrong length": ([0, 1], False),
                     "NumPy ints": (np.array([0, 0, 1, 1]), True)},
          "word_topic": {"floats": (torch.tensor([0.0, 0.0, 1.0, 1.0]), TypeError), "list": ([0, 0, 1, 1], TypeError),
                         "2-D": (torch.zeros(2, 2, dtype=torch.long), ValueError)}}),
    ]
    for name, call, base, specs in checks:
        for argument, cases in specs.items():
            for case, (value, expect) in cases.items():
                if expect in (True, False):
                    want = expect
                    # a check returns a Verdict: .ok is the bool it judged
                    expect, own = (("ok", lambda r, want=want: isinstance(r, gh.checks.Verdict) and r.ok is want)
                                   if want else ("reported", lambda r: isinstance(r, gh.checks.Verdict) and r.ok is False))
                else:
                    own = (lambda r: isinstance(r, gh.checks.Verdict)) if expect == "ok" else None
                kwargs = {**base, argument: value}
                rows.append(Row(name, argument, case, (lambda kw=kwargs, call=call: call(**kw)), expect, own))

    # counting (notebook 02) and randomized (notebook 03)
    R("same_count", lambda **kw: gh.same_count(**kw), {"measured": 10, "predicted": 10},
      {"measured": {"string": ("10", TypeError), "negative": (-1, ValueError), "not whole": (10.5, TypeError),
                    "bool": (True, TypeError)},
       "slack": numbers("count", 1)})
    Mb = A[None]
    R("count_heavy_ball_iterations", lambda **kw: gh.count_heavy_ball_iterations(**kw),
      {"Ms": Mb, "lrs": [0.2], "momenta": [0.5], "max_iter": 100},
      {"Ms": {"2-D": (A, ValueError), "NaN": (_with(math.nan)[None], ValueError), "list": (Mb.tolist(), TypeError),
              "integer": (Mb.long(), TypeError), "non-square": (torch.ones(1, 3, 2, dtype=torch.float64), ValueError)},
       "lrs": {"wrong length": ([0.2, 0.2], ValueError), "negative": ([-0.2], ValueError), "string": (["a"], TypeError)},
       "momenta": {"one": ([1.0], ValueError), "NaN": ([math.nan], ValueError)},
       "max_iter": numbers("count", 100),
       "tol": {"negative": (-1.0, ValueError), "NaN": (math.nan, ValueError), "string": ("abc", TypeError)}},
      check=lambda r: isinstance(r, list) and len(r) == 1)
    R("randomized_svd", lambda **kw: gh.randomized_svd(**kw), {"M": A, "rank": 2, "oversample": 1},
      {"M": bad_matrices(square=False),
       "rank": {**numbers("count", 2), "too large": (4, ValueError), "zero": (0, ValueError)},
       "oversample": {**numbers("count", 1), "too large": (5, ValueError)},
       "power_iterations": numbers("count", 2),
       "generator": {"seed instead": (0, TypeError)}},
      check=lambda r: len(r) == 3 and r[1].shape == (2,))

    # the momentum picture (notebook 02)
    curv = torch.tensor([0.1, 0.5, 1.0], dtype=torch.float64)
    bad_curvatures = {"1-D list": ([0.1, 1.0], TypeError), "NaN": (torch.tensor([0.1, math.nan], dtype=torch.float64), ValueError),
                      "negative": (torch.tensor([-0.1, 1.0], dtype=torch.float64), ValueError),
                      "empty": (torch.zeros(0, dtype=torch.float64), ValueError), "string": ("curv", TypeError),
                      "2-D": (torch.ones(2, 2, dtype=torch.float64), ValueError)}
    R("heavy_ball_region", lambda **kw: gh.heavy_ball_region(**kw), {"curvatures": curv, "lr": 1.0, "momentum": 0.5},
      {"curvatures": bad_curvatures, "lr": numbers("positive", 1.0), "momentum": numbers("fraction", 0.5)},
      check=lambda r: r[0] in ("monotone", "oscillates", "diverges") and math.isfinite(r[1]))
    R("direction_errors", lambda **kw: gh.direction_errors(**kw),
      {"curvatures": curv, "lr": 1.0, "momentum": 0.5, "steps": 20},
      {"curvatures": bad_curvatures, "lr": numbers("positive", 1.0), "momentum": numbers("fraction", 0.5),
       "steps": {**numbers("count", 20), "zero (the start only)": (0, "ok")}},
      check=lambda r: bool(torch.isfinite(r).all()))
    R("momentum_map", lambda **kw: gh.momentum_map(**kw),
      {"curvatures": curv, "lrs": torch.linspace(0.1, 3.0, 5, dtype=torch.float64),
       "momenta": torch.linspace(0.0, 0.9, 4, dtype=torch.float64)},
      {"curvatures": bad_curvatures,
       "lrs": {"negative": (torch.tensor([-1.0, 1.0], dtype=torch.float64), ValueError), "string": ("lrs", TypeError),
               "empty": (torch.zeros(0, dtype=torch.float64), ValueError)},
       "momenta": {"one": (torch.tensor([0.0, 1.0], dtype=torch.float64), ValueError), "string": ("b", TypeError),
                   "NaN": (torch.tensor([math.nan], dtype=torch.float64), ValueError)}})
    R("heavy_ball_behaviour", lambda **kw: gh.heavy_ball_behaviour(**kw),
      {"M": A, "lrs": [0.5], "momenta": [0.5], "steps": 50},
      {"M": bad_matrices(),
       "lrs": {"negative": ([-1.0], ValueError), "string": ("lr", TypeError), "NaN": ([math.nan], ValueError)},
       "momenta": {"one": ([1.0], ValueError), "string": ("b", TypeError), "different length": ([0.5, 0.6], ValueError)},
       "steps": {**numbers("count", 50), "zero": (0, ValueError)}, "floor": numbers("positive", 1e-8)},
      check=lambda r: len(r) == 1 and r[0] in ("monotone", "oscillates", "diverges"))
    R("pick_directions", lambda **kw: gh.pick_directions(**kw), {"count": 10, "at_most": 6},
      {"count": {**numbers("count", 10), "zero": (0, ValueError)},
       "at_most": {**numbers("count", 6), "zero": (0, ValueError)}},
      check=lambda r: len(r) <= 6 and r[0] == 0 and r[-1] == 9)
    R("plot_momentum_map", lambda **kw: gh.plot_momentum_map(**kw),
      {"curvatures": curv, "points": {"Polyak": (1.0, 0.5)}, "steps": 20, "grid": (8, 8), "title": "t", "alt": "a."},
      {"curvatures": bad_curvatures,
       "points": {"not a mapping": ([(1.0, 0.5)], TypeError), "bad pair": ({"P": (1.0,)}, ValueError),
                  "NaN step": ({"P": (math.nan, 0.5)}, ValueError), "momentum one": ({"P": (1.0, 1.0)}, ValueError)},
       "steps": {**numbers("count", 20), "zero": (0, ValueError)},
       "grid": {"one number": (8, TypeError), "zero": ((0, 8), ValueError)},
       "title": {"number (shown as text)": (3, "ok")}})
    # real data (notebook 03)
    picture = torch.rand(4, 5, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    R("plot_pictures", lambda **kw: gh.plot_pictures(**kw), {"pictures": {"p": picture}, "title": "t", "alt": "a."},
      {"pictures": {"not a mapping": ([picture], TypeError), "empty": ({}, ValueError),
                    "1-D": ({"p": torch.ones(3, dtype=torch.float64)}, ValueError),
                    "NaN": ({"p": torch.full((2, 2), math.nan, dtype=torch.float64)}, ValueError),
                    "string": ({"p": "img"}, TypeError)},
       "title": {"number (shown as text)": (3, "ok")}, "alt": {"number": (3, TypeError), "blank": ("  ", ValueError)},
       "cols": {**numbers("count", 3), "zero": (0, ValueError)}})
    R("check_step_scaling", lambda **kw: gh.check_step_scaling(**kw), {"answer": 1 / 9, "M": A, "scale": 3.0},
      {"M": given_matrices(), "scale": {"NaN": (math.nan, ValueError), "zero": (0, ValueError),
                                        "string": ("3", TypeError), "bool": (True, TypeError)}},
      check=lambda r: isinstance(r, gh.checks.Verdict))
    R("check_faster_momentum", lambda **kw: gh.check_faster_momentum(**kw),
      {"answer": "a", "measured": {"a": 10, "b": 20}},
      {"measured": {"not a dict": ([10, 20], TypeError), "empty": ({}, ValueError),
                    "NaN count": ({"a": math.nan, "b": 1}, ValueError), "string count": ({"a": "10", "b": 1}, TypeError)}},
      check=lambda r: isinstance(r, gh.checks.Verdict))

    # lessons
    R("check_parameters", lambda **kw: gh.check_parameters("02", **kw),
      {"n": 4, "seed": 314, "kind": "rand", "kappa": 20.0, "tol": 1e-6},
      {"n": {"zero": (0, ValueError), "NaN": (math.nan, ValueError), "string": ("abc", ValueError),
             "NumPy scalar": (np.int64(4), "ok"), "0-d tensor": (torch.tensor(4), "ok"), "bool": (True, ValueError)},
       "tol": {"text": ("1e-4", "ok"), "too large": (1e-2, ValueError)}, "kind": {"unknown": ("randn", ValueError)}})
    R("lesson", lambda key: gh.lessons.lesson(key), {"key": "02"}, {"key": {"unknown": ("04", ValueError)}})
    return rows


# --- running a row -------------------------------------------------------------------------------------

def _raised_here(error: BaseException) -> bool:
    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and str(Path(frames[-1].filename).resolve()).startswith(PACKAGE)


def outcome(row: Row) -> tuple[str, str]:
    """(one of OUTCOMES, a short description of what happened)."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the checks print their verdict
            result = row.call()
    except Exception as error:  # noqa: BLE001 (classifying every error is the point)
        what = f"{type(error).__name__}: {str(error)[:160]}"
        names = row.argument.split()[0].split("/")
        clear = (isinstance(error, (TypeError, ValueError)) and _raised_here(error)
                 and any(name in str(error) for name in names))
        if not clear:
            return "unclear", what
        if row.expect in (TypeError, ValueError):
            return ("ok" if isinstance(error, row.expect) else "wrong kind"), what
        return "refused", what
    got = f"returned {type(result).__name__}"
    if row.expect in (TypeError, ValueError):
        return ("silent" if _finite(result) else "nan"), got
    try:
        right = row.check is None or bool(row.check(result))
    except Exception:  # noqa: BLE001 (an answer the check cannot even read is not right)
        right = False
    if not right:
        return ("silent" if _finite(result) or row.expect == "reported" else "nan"), got + " (check failed)"
    if row.expect == "ok" and not _finite(result):
        return "nan", got + " with NaN/inf"
    return "ok", got


def main(argv: list[str]) -> int:
    rows = build_rows()
    counts: Counter = Counter()
    for row in rows:
        got, what = outcome(row)
        counts[got] += 1
        if got != "ok" and "--quiet" not in argv:
            print(f"{got:10s} {row.id}: expected {getattr(row.expect, '__name__', row.expect)}, {what}")
    print(f"{len(rows)} calls: " + ", ".join(f"{k} {counts[k]}" for k in OUTCOMES))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
