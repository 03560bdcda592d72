"""Property-based tests (hypothesis): no check and no helper answers silently, whatever it is given.

1. Every exercise check, given an answer of any type (numbers, NaN, inf, complex, text, bytes, bools,
   nested and ragged lists, tuples, dicts, NumPy arrays and tensors of every dtype and shape, functions,
   objects), prints exactly one ✅/❌/⏳ line, returns a Verdict, raises nothing and writes nothing to
   stderr (no warning either); an answer that is not made of real numbers is never ✅.
2. No check approves an answer more than 100 times its tolerance away from the right value (3
   significant digits for a hand-worked number; for a computed float64 answer, 1e-6 relative, which is
   over 100 times float64's tolerance at these sizes).
3. Every public helper that takes a matrix, a vector or a number refuses an input outside its domain
   (NaN, inf, the wrong number of dimensions, empty, integer/bool/complex/float16 tensors, NumPy arrays,
   lists, text, non-positive steps and curvatures, momenta outside [0, 1)) with a TypeError/ValueError
   raised by gdla_helpers: no finite-looking result, and no NaN out for a NaN in (the documented
   reporters, mse and relative_error for a diverged run's prediction and svd_errors for NaN factors,
   return NaN for NaN on purpose: "a diverged run", "never a silent pass").

``max_examples`` is set per test so that the file runs in about 10 s, its own stage in conftest.py
(deadline off: a shared machine's timings are noisy); ``derandomize=True`` makes every run draw the
same examples, so a failure is reproducible and the stage's time is steady.
"""

from __future__ import annotations

import contextlib
import io
import math
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gdla_helpers as gh
from gdla_helpers import checks

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import bad_inputs  # noqa: E402  (its test that an error was raised inside gdla_helpers)

SETTINGS = {"deadline": None, "derandomize": True, "suppress_health_check": [HealthCheck.too_slow]}

# --- 1. any answer -------------------------------------------------------------------------------------

DTYPES = [torch.float64, torch.float32, torch.float16, torch.int64, torch.bool, torch.complex64]


@st.composite
def tensors(draw):
    shape = tuple(draw(st.lists(st.integers(0, 4), max_size=3)))
    dtype = draw(st.sampled_from(DTYPES))
    fill = draw(st.sampled_from([0.0, 1.0, -2.5, math.nan, math.inf, 1e300]))
    t = torch.full(shape, fill, dtype=torch.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if dtype == torch.bool:
            t = t != 0
        elif not (dtype.is_floating_point or dtype.is_complex):
            t = torch.full(shape, 3 if math.isfinite(fill) else -1, dtype=dtype)
        else:
            t = t.to(dtype)
    return t.requires_grad_() if draw(st.booleans()) and t.is_floating_point() else t


@st.composite
def arrays(draw):
    shape = tuple(draw(st.lists(st.integers(0, 3), max_size=3)))
    dtype = draw(st.sampled_from([np.float64, np.float32, np.int32, np.bool_, np.complex128, np.str_, object]))
    return np.zeros(shape, dtype=dtype)


LEAVES = (st.none() | st.just(...) | st.booleans() | st.integers(-10**30, 10**30)
          | st.floats(allow_nan=True, allow_infinity=True) | st.complex_numbers(allow_nan=True)
          | st.text(max_size=8) | st.binary(max_size=4) | tensors() | arrays()
          | st.sampled_from([object(), print, lambda x: x, {"a": 1}, {1, 2}, range(3), type]))
ANSWERS = st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner), max_leaves=8)


def _inputs():
    """Each check with valid inputs of its exercise's kind: name -> a function of the answer."""
    M = gh.matrix_with_singular_values([3.0, 2.0, 1.0], seed=0)
    X = torch.rand(3, 3, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    W = gh.matrix_with_singular_values([2.0, 1.0], (4, 2), seed=2)
    U, S, Vh = torch.linalg.svd(W, full_matrices=False)
    small = gh.matrix_with_condition(2, 2.0, seed=3)
    return {
        "check_shape": lambda a: gh.check_shape(a, (4, 3, 2, 7)),
        "check_dot_product": lambda a: gh.check_dot_product(a, torch.tensor([2.0, -1.0]), torch.tensor([1.0, 4.0])),
        "check_derivative": lambda a: gh.check_derivative(a, lambda x: torch.sin(x**2), 1.5,
                                                          layers=(torch.sin, lambda x: x**2)),
        "check_fresh_gradient": lambda a: gh.check_fresh_gradient(a, lambda v: (v**2).sum(), torch.tensor([1.0, -2.0]),
                                                                  steps=3),
        "check_jacobian": lambda a: gh.check_jacobian(a, lambda v: torch.stack([v[0] * v[1], v[0] + v[1]]),
                                                      torch.tensor([1.0, 2.0])),
        "check_step_limit": lambda a: gh.check_step_limit(a, lambda x: 3 * x**2 - 5 * x + 2),
        "check_inverse_gradient": lambda a: gh.check_inverse_gradient(a, X, M, side="right"),
        "check_largest_stable_lr": lambda a: gh.check_largest_stable_lr(a, M),
        "check_iteration_prediction": lambda a: gh.check_iteration_prediction(a, small, 0.5),
        "check_inverse": lambda a: gh.check_inverse(a, M),
        "check_pseudo_inverse": lambda a: gh.check_pseudo_inverse(a, W),
        "check_svd_reconstruction": lambda a: gh.check_svd_reconstruction(a, U, S, Vh.mT, M=W),
        "check_rank_k_error": lambda a: gh.check_rank_k_error(a, W, 1),
        "check_smallest_rank": lambda a: gh.check_smallest_rank(a, M, 0.4),  # relative errors 1, 0.60, 0.27, 0: k = 2
        "check_top_singular_pair": lambda a: gh.check_top_singular_pair(a, W),
        "check_word_topics": lambda a: gh.check_word_topics(a, torch.tensor([0, 0, 1, 1, 2])),
        "check_step_scaling": lambda a: gh.check_step_scaling(a, M, 3.0),
        "check_faster_momentum": lambda a: gh.check_faster_momentum(a, {"Polyak": 120, "tuned": 99}),
    }


INPUTS = _inputs()


def test_every_check_is_covered():
    public = {n for n in gh.__all__ if n.startswith("check_") and n != "check_parameters"}
    assert public == set(INPUTS)


def _quietly(call):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        result = call()
    return result, out.getvalue(), err.getvalue() + "".join(str(x.message) for x in w)


def _real_numbers(answer) -> bool:
    try:
        checks._real(answer)
    except checks._NotReal:
        return False
    return True


@pytest.mark.parametrize("name", sorted(INPUTS))
@settings(max_examples=30, **SETTINGS)
@given(answer=ANSWERS)
def test_no_check_raises_or_writes_stderr(name, answer):
    result, out, err = _quietly(lambda: INPUTS[name](answer))
    assert isinstance(result, checks.Verdict)
    assert not err, f"{name}({answer!r}) wrote to stderr or warned: {err!r}"
    assert out.count("\n") == 1 and out[0] in (checks.PASS, checks.FAIL, checks.BLANK), out
    if result.ok and name not in ("check_shape", "check_faster_momentum", "check_word_topics",
                                  "check_top_singular_pair", "check_fresh_gradient"):
        assert _real_numbers(answer), f"{name} approved {answer!r}, which is not made of real numbers"


# --- 2. nothing far from the right value is approved ---------------------------------------------------

HAND = {  # check: (the check of an answer, the right value): numbers worked out by hand, 3 significant digits
    "check_derivative": (lambda a: INPUTS["check_derivative"](a), 2 * 1.5 * math.cos(2.25)),
    "check_step_limit": (lambda a: INPUTS["check_step_limit"](a), 1 / 3),
    "check_step_scaling": (lambda a: INPUTS["check_step_scaling"](a), 1 / 9),
    "check_rank_k_error": (lambda a: INPUTS["check_rank_k_error"](a), 1.0),
}


@pytest.mark.parametrize("name", sorted(HAND))
@settings(max_examples=40, **SETTINGS)
@given(times=st.floats(100, 1e4), sign=st.sampled_from([-1, 1]))
def test_no_hand_answer_is_approved_beyond_100_times_its_tolerance(name, times, sign):
    call, right = HAND[name]
    assert _quietly(lambda: call(right))[0].ok, "the right value passes"
    far = right + sign * times * checks._hand_tolerance(right)
    assert not _quietly(lambda: call(far))[0].ok, f"{name} approved {far} ({times:.0f}× its tolerance away)"


@st.composite
def computed(draw):
    """(check name, right answer, perturbed answer) for the checks of computed tensors."""
    seed = draw(st.integers(0, 10**6))
    g = torch.Generator().manual_seed(seed)
    n = draw(st.integers(2, 5))
    M = torch.rand(n, n, generator=g, dtype=torch.float64) + torch.eye(n, dtype=torch.float64)
    X = torch.rand(n, n, generator=g, dtype=torch.float64)
    name = draw(st.sampled_from(["gradient", "reconstruction", "jacobian", "dot"]))
    relative = draw(st.floats(1e-6, 1.0)) * draw(st.sampled_from([-1, 1]))
    if name == "gradient":
        right = 2 / n**2 * M.T @ (M @ X - torch.eye(n, dtype=torch.float64))
        return (lambda a: gh.check_inverse_gradient(a, X, M, side="right")), right, relative
    if name == "reconstruction":
        U, S, Vh = torch.linalg.svd(M)
        return (lambda a: gh.check_svd_reconstruction(a, U, S, Vh.mT)), M, relative
    if name == "jacobian":
        v = X[0]
        return (lambda a: gh.check_jacobian(a, lambda t: M @ t, v)), M, relative
    a, b = X[0], M[0]
    return (lambda ans: gh.check_dot_product(ans, a, b)), (a * b).sum(), relative


@settings(max_examples=100, **SETTINGS)
@given(case=computed(), entry=st.integers(0, 24))
def test_no_computed_answer_is_approved_far_from_the_right_one(case, entry):
    call, right, relative = case
    assert _quietly(lambda: call(right))[0].ok
    wrong = right.clone().reshape(-1)
    i = entry % wrong.numel()
    wrong[i] += relative * max(1.0, float(right.abs().max()))  # >= 1e-6 of the scale: > 100× float64's tolerance
    assert not _quietly(lambda: call(wrong.reshape(right.shape)))[0].ok


# --- 3. every public helper refuses what is outside its domain -----------------------------------------

@st.composite
def bad_matrices(draw):
    """A matrix argument outside every helper's domain, and what it is."""
    kind = draw(st.sampled_from(["nan", "inf", "1-D", "3-D", "empty", "int", "bool", "complex", "float16", "numpy",
                                 "list", "text"]))
    m = n = draw(st.integers(1, 5))  # square: every helper's domain, square or not, is then only missed by `kind`
    base = torch.rand(m, n, generator=torch.Generator().manual_seed(draw(st.integers(0, 99))), dtype=torch.float64)
    base = base + torch.eye(m, n, dtype=torch.float64)
    if kind in ("nan", "inf"):
        base[draw(st.integers(0, m - 1)), draw(st.integers(0, n - 1))] = math.nan if kind == "nan" else -math.inf
        return base, kind
    return {"1-D": base[0], "3-D": base[None], "empty": base[:0], "int": base.long(), "bool": base > 0.5,
            "complex": base.to(torch.complex128), "float16": base.half(), "numpy": base.numpy(), "list": base.tolist(),
            "text": "M"}[kind], kind


def _factors(bad):
    """U, S, V with one of them bad."""
    U, S, Vh = torch.linalg.svd(torch.rand(4, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64),
                                full_matrices=False)
    return U, S, Vh.mT


MATRIX_HELPERS = {
    "mse": lambda M: gh.mse(M, M if isinstance(M, torch.Tensor) else torch.zeros(2, 2)),
    "relative_error": lambda M: gh.relative_error(M, torch.ones(2, 2, dtype=torch.float64)),
    "relative_residual": lambda M: gh.relative_residual(torch.eye(2, dtype=torch.float64), M),
    "identity_like": lambda M: gh.identity_like(M),
    "inverse_loss": lambda M: gh.inverse_loss(torch.eye(2, dtype=torch.float64), M),
    "inverse_gradient": lambda M: gh.inverse_gradient(torch.eye(2, dtype=torch.float64), M),
    "inverse_curvature": lambda M: gh.inverse_curvature(M),
    "inverse_params": lambda M: gh.inverse_params(M),
    "predict_iterations": lambda M: gh.predict_iterations(M, 0.5, 0.5, max_iter=50),
    "inverse_gd": lambda M: gh.inverse_gd(M, max_iter=20),
    "pinv_gd": lambda M: gh.pinv_gd(M, max_iter=20),
    "newton_schulz": lambda M: gh.newton_schulz(M, max_iter=20),
    "source_svd": lambda M: gh.source_svd(M, steps=5),
    "svd_factorize": lambda M: gh.svd_factorize(M, max_iter=5),
    "svd_ascent": lambda M: gh.svd_ascent(M, max_iter=5),
    "randomized_svd": lambda M: gh.randomized_svd(M, 1),
    "heavy_ball_behaviour": lambda M: gh.heavy_ball_behaviour(M, [0.1], [0.5], steps=5),
    "count_heavy_ball_iterations": lambda M: gh.count_heavy_ball_iterations(
        M[None] if isinstance(M, torch.Tensor) else M, [0.1], [0.5], max_iter=20),
    "svd_errors (M)": lambda M: gh.svd_errors(*_factors(M), M),
    "compare_svd (M)": lambda M: gh.compare_svd(*_factors(M), M),
    "compare_svd (U)": lambda M: gh.compare_svd(M, *_factors(M)[1:], torch.ones(4, 3, dtype=torch.float64)),
    "sort_svd (U)": lambda M: gh.sort_svd(M, *_factors(M)[1:]),
    "low_rank (U)": lambda M: gh.low_rank(M, *_factors(M)[1:], 1),
    "plot_matrix": lambda M: gh.plot_matrix(M),
    "plot_heatmaps": lambda M: gh.plot_heatmaps({"M": M}),
    "plot_matrix_frames": lambda M: gh.plot_matrix_frames([M], ["0"]),
    "plot_pictures": lambda M: gh.plot_pictures({"p": M}, title="t", alt="A picture."),
    "source_svd_loss (M)": lambda M: gh.source_svd_loss(*_factors(M)[:1], torch.ones(3, dtype=torch.float64),
                                                         _factors(M)[2], M),
    "autograd_graph": lambda M: gh.autograd_graph(M),
    "plot_autograd_graph": lambda M: gh.plot_autograd_graph(M),
}
# Documented: these return NaN for NaN in, by design (mse and relative_error: a diverged run's prediction gives
# a NaN loss; svd_errors: "NaN factors give NaN errors, never a silent pass"); plotting draws lists, NumPy
# arrays and integers, and leaves a gap for NaN.
ACCEPTS = {
    "mse": {"1-D", "3-D"},  # mse takes tensors of any shape (a NaN target is refused; here target = prediction)
    "identity_like": {"nan", "inf"},  # it reads only M's shape and dtype
    "relative_error": {"nan", "inf"},  # approx may be a diverged run's (exact must be finite): NaN error, like mse,
    "svd_errors (M)": set(),
    "plot_matrix": {"int", "bool", "float16", "numpy", "list", "nan", "inf"},
    "plot_heatmaps": {"int", "bool", "float16", "numpy", "list", "nan", "inf"},
    "plot_matrix_frames": {"int", "bool", "float16", "numpy", "list", "nan", "inf"},
}


def _refused(call) -> tuple[bool, str]:
    """(True, message) when call raises a TypeError/ValueError of gdla_helpers; (False, what it did) otherwise."""
    try:
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = call()
    except (TypeError, ValueError) as error:
        return bad_inputs._raised_here(error), f"{type(error).__name__}: {error}"
    except Exception as error:  # noqa: BLE001
        return False, f"raised {type(error).__name__}: {error}"
    return False, f"returned {type(result).__name__} (finite: {bad_inputs._finite(result)})"


@pytest.mark.parametrize("name", sorted(MATRIX_HELPERS))
@settings(max_examples=15, **SETTINGS)
@given(bad=bad_matrices())
def test_helpers_refuse_a_matrix_outside_their_domain(name, bad):
    M, kind = bad
    if kind in ACCEPTS.get(name, set()):
        return
    refused, what = _refused(lambda: MATRIX_HELPERS[name](M))
    assert refused, f"{name} given a {kind} matrix: {what}"


NUMBERS = st.sampled_from([0.0, -1.0, math.nan, math.inf, -math.inf, "1", True, None, torch.tensor([1.0, 2.0]),
                           complex(1, 1)])
def _or(x, instead):
    """x, or `instead` when x is the plain number 0.0 (a value inside that argument's domain)."""
    return instead if isinstance(x, float) and x == 0.0 else x


SCALAR_HELPERS = {  # name: (a call with one bad number, the values of NUMBERS that are inside the domain)
    "largest_stable_lr (L)": (lambda x: gh.largest_stable_lr(x), ()),
    "largest_stable_lr (momentum)": (lambda x: gh.largest_stable_lr(1.0, _or(x, 1.0)), ()),
    "best_lr (mu)": (lambda x: gh.best_lr(1.0, x), (0.0,)),  # mu = 0: a singular M
    "heavy_ball_params (L)": (lambda x: gh.heavy_ball_params(x, 0.1), ()),
    "gd_rate (lr)": (lambda x: gh.gd_rate(1.0, 0.1, x), (None,)),  # None: the best fixed step
    "heavy_ball_rate (mu)": (lambda x: gh.heavy_ball_rate(1.0, x), (0.0,)),
    "matrix_with_condition (kappa)": (lambda x: gh.matrix_with_condition(3, _or(x, 1e20)), ()),
    "matrix_with_singular_values": (lambda x: gh.matrix_with_singular_values([1.0, x]), (0.0,)),
    "plot_iterations_vs_kappa (kappas)": (lambda x: gh.plot_iterations_vs_kappa([x, 10.0], {"gd": [1, 2]}), ()),
    "plot_convergence (tol)": (lambda x: gh.plot_convergence({"a": [1.0, 0.1]}, tol=x), (None,)),
    "predict_quadratic (lr)": (lambda x: gh.predict_quadratic(torch.ones(2, dtype=torch.float64),
                                                              torch.ones(2, dtype=torch.float64), lr=x), ()),
    "heavy_ball_region (momentum)": (lambda x: gh.heavy_ball_region(torch.ones(2, dtype=torch.float64), 0.1,
                                                                    _or(x, 1.0)), ()),
    "direction_errors (lr)": (lambda x: gh.direction_errors(torch.ones(2, dtype=torch.float64), x, 0.5, 5), ()),
    "momentum_map (curvatures)": (lambda x: gh.momentum_map([1.0, x], [0.1], [0.5]), ()),
    "pick_directions (count)": (lambda x: gh.pick_directions(_or(x, -1)), ()),
    "random_orthogonal (n)": (lambda x: gh.random_orthogonal(x, generator=torch.Generator()), ()),
    "make_topic_matrix (n_documents)": (lambda x: gh.make_topic_matrix(x), ()),
    "make_indicator_matrix (p)": (lambda x: gh.make_indicator_matrix(p=_or(x, -1.0)), ()),
    "same_count (slack)": (lambda x: gh.same_count(10, 10, _or(x, -1)), ()),
    "minimize (lr)": (lambda x: gh.minimize(lambda: (_W ** 2).sum(), [_W], lr=x, max_iter=3), ()),
    # a curve may hold any real number, NaN or inf included (drawn as a gap); text, bools, None, complex may not
    "plot_losses (histories)": (lambda x: gh.plot_losses([1.0, x]), (float,)),
    "plot_function_and_derivative (df)": (lambda x: gh.plot_function_and_derivative(
        torch.arange(2.0), torch.arange(2.0), [1.0, x]), (float,)),
    "plot_momentum_map (points)": (lambda x: gh.plot_momentum_map(torch.ones(2, dtype=torch.float64),
                                                                  {"a": (x, 0.5)}, steps=5, grid=(4, 4)), ()),
    "source_matrices (dtype)": (lambda x: gh.source_matrices(x), ()),
    "check_parameters (n)": (lambda x: gh.check_parameters("02", n=x), ()),
}
_W = torch.ones(2, dtype=torch.float64, requires_grad=True)


@pytest.mark.parametrize("name", sorted(SCALAR_HELPERS))
@settings(max_examples=20, **SETTINGS)
@given(x=NUMBERS)
def test_helpers_refuse_a_number_outside_their_domain(name, x):
    call, inside = SCALAR_HELPERS[name]
    if any(type(x) is v if isinstance(v, type) else (x is v or (type(x) is type(v) and x == v)) for v in inside):
        return
    refused, what = _refused(lambda: call(x))
    assert refused, f"{name} given {x!r}: {what}"


@settings(max_examples=60, **SETTINGS)
@given(answer=st.integers(-10**6, 10**6) | st.floats(-100, 100) | st.integers(-5, 5).map(float))
def test_smallest_rank_approves_only_the_right_whole_number(answer):
    """check_smallest_rank at M (singular values 3, 2, 1; relative errors 1, 0.60, 0.27, 0; target 0.4):
    only k = 2 passes, as an int or a whole-number float; any other number is ❌, never raised."""
    result, out, err = _quietly(lambda: INPUTS["check_smallest_rank"](answer))
    assert not err and out.count("\n") == 1
    assert result.ok is (answer == 2), f"check_smallest_rank judged {answer!r} {'right' if result.ok else 'wrong'}"
