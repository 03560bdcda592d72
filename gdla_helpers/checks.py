"""Exercise self-checks: each prints one short line and returns a Verdict (true when right).

The judging policy (the same for every ``check_*``; the README's instructors' section says the same)
----------------------------------------------------------------------------------------------------
- **Blank** (``None`` or ``...``): "⏳ not attempted yet", False, never raised, so "Run All" never
  stops at an exercise the learner has not done yet. An exercise must therefore be built so that a
  wrong *attempt* produces a value (notebook 01's fresh-gradient exercise hands in the loop's
  gradients, not ``w.grad``, which a misplaced reset leaves ``None``).
- **A number worked out by hand** (the exercise says "by hand" and "to 3 significant digits") is
  right when |answer − x| ≤ 5·10^(⌊log₁₀|x|⌋ − 3), half a unit in the third significant digit of the
  exact x (``_hand_tolerance``): −1.88 and −1.885 pass for −1.88452, 0.333 for 1/3. The ✅ line says
  when a right answer was rounded and gives the exact value. An answer that agrees to 2 significant
  digits only gets its own ❌ ("round only at the end").
- **A computed answer** is judged at the tolerance of the dtype it was computed in
  (``_computed_tolerance``): a few units of that dtype's machine epsilon times the size of the terms
  it adds up, so a float32 result passes as float32, a float64 one must be float64-accurate, and an
  integer or a Python number is read as float64.
- **Words** are compared case- and space-insensitively (``"Tuned"``, ``" tuned "``).
- **Not real numbers** (``_real``): complex numbers, text where a number is asked, NaN or inf, True/False,
  None inside a list, ragged lists, functions and other objects are ❌ with a line that says what the
  answer is — never ✅, never an exception, and nothing on stderr (warnings such as torch's "Casting
  complex values to real discards the imaginary part" are never triggered: the imaginary part is
  refused, not dropped). Every check runs its judging inside ``_guarded``: an answer that still
  breaks something is ❌ "could not be read", not a traceback.
- **Typical mistakes** each get their own ❌ line, which names the mistake and the idea to revisit.
  A ❌ line never contains the answer (its value to 2 or more significant digits) or the solution's
  expression (tests/test_exercises.py checks every one). Each check's docstring lists the mistakes it
  recognises; the exercise's inputs are chosen so that each mistake gives a value of its own.
- The tensors the exercise itself passes in (M, X, U, S, V, ...) are checked by ``_validate`` like
  every helper's input and raise a clear TypeError/ValueError: they are the notebook's, not the learner's.

Deliberately independent of the package's math: each check recomputes its expected value from
torch primitives (``torch.linalg.svdvals``, ``pinv``, ``autograd``) in float64, and does not call
``inverse_gradient``, ``inverse_curvature``, ``relative_residual`` or ``svd_errors``. A check is the
oracle a learner's answer is compared with: if it reused the helper that computes the same
formula, a bug in that helper would make the check approve the same wrong answer (and the unit
tests of the helpers compare them with these independent formulas). The one exception is
``check_iteration_prediction``, whose answer is a *measured* count: it runs ``inverse_gd``.

Recording (for tests only): with the environment variable ``GDLA_RECORD_CHECKS`` set to a folder,
every check call saves what it was given (all arguments but the answer, the answer, the source of
the call and the verdict) to a file in that folder. tests/test_exercises.py executes the notebooks
with it and judges its table of learner answers at the notebooks' own inputs.
"""

from __future__ import annotations

import ast
import builtins
import functools
import inspect
import itertools
import linecache
import math
import numbers
import os
import pickle
import textwrap
import types
import warnings
from pathlib import Path

import torch

from . import _validate

__all__ = ["check_shape", "check_dot_product", "check_derivative", "check_fresh_gradient",
           "check_jacobian",
           "check_inverse_gradient", "check_largest_stable_lr", "check_iteration_prediction",
           "check_inverse", "check_pseudo_inverse",
           "check_svd_reconstruction", "check_rank_k_error", "check_smallest_rank",
           "check_top_singular_pair", "check_word_topics"]

PASS, FAIL, BLANK = "✅", "❌", "⏳"
HAND_DIGITS = 3  # a number worked out by hand is judged to 3 significant digits
RECORD_ENV = "GDLA_RECORD_CHECKS"


def _blank(answer) -> bool:
    """True when the learner has not filled in the scaffold yet."""
    return answer is None or answer is Ellipsis


class Verdict:
    """A check's outcome: true when the answer is right; shows nothing in a notebook.

    The check has already printed its one-line verdict, so a check on a cell's last line must not
    also echo ``True``/``False`` under it. ``bool(v)``, ``if v:`` and ``v == True`` work as for a bool.
    """

    __slots__ = ("ok",)

    def __init__(self, ok: bool):
        self.ok = bool(ok)

    def __bool__(self) -> bool:
        return self.ok

    def __eq__(self, other) -> bool:
        if isinstance(other, (bool, Verdict)):
            return self.ok == bool(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.ok)

    def __repr__(self) -> str:
        return f"Verdict({'right' if self.ok else 'not right yet'})"

    def _ipython_display_(self) -> None:
        """Display nothing: the printed line is the verdict."""


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _report(name: str, ok: bool, detail: str = "", hint: str = "") -> Verdict:
    """Print the one-line verdict of check `name` and return it as a Verdict."""
    if ok:
        print(_one_line(f"{PASS} {name}: correct. {detail}"))
    else:
        print(_one_line(f"{FAIL} {name}: {detail} Hint: {hint}"))
    return Verdict(ok)


def _not_attempted(name: str) -> Verdict:
    print(f"{BLANK} {name}: not attempted yet (replace None with your answer and run the cell).")
    return Verdict(False)


def _short(answer, limit: int = 50) -> str:
    """A one-line description of an answer, for a ❌ line (never more than `limit` characters)."""
    if isinstance(answer, torch.Tensor):
        return f"a tensor of shape {tuple(answer.shape)} and dtype {answer.dtype}"
    try:
        text = _one_line(repr(answer))
    except Exception:  # noqa: BLE001 (a learner's object whose repr fails)
        text = f"a {type(answer).__name__}"
    return text if len(text) <= limit else f"a {type(answer).__name__}"


# --- the policy: what counts as an answer made of real numbers -------------------------------------

class _NotReal(Exception):
    """The answer is not made of real numbers; the message says what it is instead."""


def _parses_as_number(text) -> bool:
    try:
        float(text)
    except (TypeError, ValueError):
        return False
    return True


def _real(answer) -> torch.Tensor:
    """The answer as a detached float64 CPU tensor; _NotReal (with a clear line) when it is not made of
    real numbers: text, complex, True/False, NaN/inf, None inside a list, ragged lists, functions, objects.

    Nothing is dropped silently (a complex value is refused, not cast: no torch UserWarning either).
    """
    if isinstance(answer, (str, bytes)):
        raise _NotReal(f"that is text ({_short(answer)}): write it as one number, without quotes"
                       if _parses_as_number(answer) else f"that is text ({_short(answer)}), not a number")
    if isinstance(answer, bool) or type(answer).__name__ in ("bool_", "bool"):
        raise _NotReal(f"{answer!r} is a truth value, not a number")
    if _blank(answer):
        raise _NotReal("it holds None where a number belongs")
    if isinstance(answer, torch.Tensor):
        t = answer.detach()
        if t.is_complex():
            raise _NotReal("that is a complex tensor; the answer is made of real numbers")
        if t.dtype == torch.bool:
            raise _NotReal("that is a tensor of True/False values, not of numbers")
        if t.layout != torch.strided:
            t = t.to_dense()
        t = t.cpu().to(torch.float64)
    elif isinstance(answer, numbers.Complex) and not isinstance(answer, numbers.Real):
        raise _NotReal(f"{_short(answer)} is a complex number; the answer is a real number")
    elif isinstance(answer, numbers.Real):
        try:
            t = torch.tensor(float(answer), dtype=torch.float64)
        except (OverflowError, TypeError, ValueError) as error:
            raise _NotReal(f"{_short(answer)} cannot be read as a float ({type(error).__name__})") from None
    elif hasattr(answer, "dtype") and hasattr(answer, "tolist") and hasattr(answer, "shape"):  # NumPy and the like
        kind = getattr(answer.dtype, "kind", "O")
        if kind == "c":
            raise _NotReal("that is an array of complex numbers; the answer is made of real numbers")
        if kind == "b":
            raise _NotReal("that is an array of True/False values, not of numbers")
        if kind not in "fiuO":
            raise _NotReal(f"that is an array of {answer.dtype} values, not of numbers")
        t = _real(answer.tolist()) if getattr(answer, "ndim", 1) else _real(answer.tolist())
    elif isinstance(answer, (list, tuple)):
        if len(answer) == 0:
            raise _NotReal("that is an empty list")
        parts = [_real(part) for part in answer]
        if len({tuple(p.shape) for p in parts}) != 1:
            raise _NotReal("its rows have different lengths")
        t = torch.stack(parts)
    elif callable(answer):
        raise _NotReal("that is a function, not a value: call it at the point asked for")
    else:
        raise _NotReal(f"expected numbers, got {_short(answer)}")
    if not bool(torch.isfinite(t).all()):
        raise _NotReal("it contains NaN or inf (a division by zero, or a run that diverged?)")
    return t


def _answer_eps(answer) -> float:
    """Machine epsilon of the dtype an answer was computed in (float64 for Python numbers and integers)."""
    if isinstance(answer, torch.Tensor) and answer.is_floating_point():
        return torch.finfo(answer.dtype).eps
    dtype = getattr(answer, "dtype", None)
    if getattr(dtype, "kind", None) == "f":  # NumPy: float16/32/64 by item size
        return {2: 2**-10, 4: 2**-23}.get(getattr(dtype, "itemsize", 8), 2**-52)
    if isinstance(answer, (list, tuple)) and answer:
        return max(_answer_eps(a) for a in answer)
    return torch.finfo(torch.float64).eps


def _hand_tolerance(x: float) -> float:
    """Half a unit in the third significant digit of x: 5·10^(⌊log₁₀|x|⌋ − 3) (0 for x = 0)."""
    x = abs(float(x))
    if x == 0 or not math.isfinite(x):
        return 0.0
    return 5 * 10 ** (math.floor(math.log10(x)) - HAND_DIGITS)


def _computed_tolerance(answer, scale: float, terms: int = 1) -> float:
    """How far a computed answer may be from the exact value: 8·√terms units of its dtype's epsilon
    times `scale`, the size of what it adds up (never below the same for float64, the reference's own)."""
    eps = max(_answer_eps(answer), torch.finfo(torch.float64).eps)
    return 8 * math.sqrt(max(terms, 1)) * eps * abs(float(scale))


def _guarded(name: str, judge) -> Verdict:
    """Run a check's judging of the answer; anything the answer still breaks is ❌, never raised."""
    try:
        return judge()
    except _NotReal as why:
        return _report(name, False, f"{why}.", "the answer is made of real numbers: int, float, a real tensor or array.")
    except Exception as error:  # noqa: BLE001 (the policy: a learner's answer is judged, never raised)
        return _report(name, False, f"this answer could not be read ({type(error).__name__}).",
                       "hand in numbers (a number, a list, a real tensor) of the form the task asks for.")


class _Mistake:
    """A typical mistake: its value, the ❌ line's detail and its hint (never the answer)."""

    __slots__ = ("value", "detail", "hint")

    def __init__(self, value, detail: str, hint: str):
        self.value, self.detail, self.hint = value, detail, hint


def _value(x) -> torch.Tensor | None:
    try:
        return _real(x)
    except _NotReal:
        return None


def _judge_number(name: str, answer, expected: float, *, scale: float | None = None, terms: int = 1,
                  hand: bool = False, right: str = "", mistakes=(), hint: str = "",
                  shape_hint: str = "give a single number.", tolerance: float | None = None) -> Verdict:
    """Judge one number by the policy: computed tolerance, or 3 significant digits when `hand`; then the
    mistakes in order (each at the same tolerance around its own value); then 2 digits only; then `hint`."""
    got = _real(answer)
    if got.numel() != 1:
        for m in mistakes:
            value = _value(m.value)
            if value is not None and value.shape == got.shape and _near_tensor(got, value, answer, scale, terms):
                return _report(name, False, m.detail, m.hint)
        return _report(name, False, f"expected one number, got {_short(answer)}.", shape_hint)
    got = float(got.reshape(()))
    scale = abs(expected) if scale is None else scale
    computed = _computed_tolerance(answer, scale, terms) if tolerance is None else tolerance
    if abs(got - expected) <= computed:
        return _report(name, True, right)
    if hand and abs(got - expected) <= _hand_tolerance(expected):
        return _report(name, True, f"Your {got:g} is the answer rounded to {HAND_DIGITS} significant digits; {right}")
    for m in mistakes:
        value = _value(m.value) if m.value is not None else None
        if value is None or value.numel() != 1:
            continue
        value = float(value.reshape(()))
        if math.isfinite(value) and abs(got - value) <= max(computed, _hand_tolerance(value) if hand else 0.0):
            return _report(name, False, m.detail, m.hint)
    if hand and abs(got - expected) <= 10 * _hand_tolerance(expected):
        return _report(name, False, f"{got:g} is close, but agrees with the answer to 2 significant digits only.",
                       f"keep every digit of the intermediate results and round only the final number, to "
                       f"{HAND_DIGITS} significant digits.")
    return _report(name, False, f"you got {got:.6g}, but the answer is another number.", hint)


def _near_tensor(got: torch.Tensor, value: torch.Tensor, answer, scale, terms) -> bool:
    if got.shape != value.shape:
        return False
    scale = float(value.abs().max()) if scale is None else scale
    return float((got - value).abs().max()) <= _computed_tolerance(answer, scale, terms)


def _judge_tensor(name: str, answer, expected: torch.Tensor, *, scale: float | None = None, terms: int = 1,
                  right: str = "", mistakes=(), hint: str = "", shape_hint: str = "",
                  not_finite_hint: str = "") -> Verdict:
    """Judge a tensor: same shape and every entry within the computed tolerance (scale: the size of the
    terms an entry adds up; default: the largest entry of the expected value); then the mistakes."""
    try:
        got = _real(answer)
    except _NotReal as why:
        if not_finite_hint and "NaN" in str(why):
            return _report(name, False, f"{why}.", not_finite_hint)
        raise
    scale = float(expected.abs().max()) if scale is None and expected.numel() else (scale or 0.0)
    if got.shape == expected.shape and _near_tensor(got, expected, answer, scale, terms):
        return _report(name, True, right)
    for m in mistakes:
        value = _value(m.value)
        if value is not None and _near_tensor(got, value, answer, max(scale, float(value.abs().max())), terms):
            return _report(name, False, m.detail, m.hint)
    if got.shape != expected.shape:
        shape = "×".join(map(str, expected.shape)) or "a single number"
        return _report(name, False, f"your answer has shape {tuple(got.shape)}; the task asks for {shape}.",
                       shape_hint or "the answer has the shape of what it approximates.")
    return _report(name, False, "this is not it: some entries are off.", hint)


def _words(text) -> str:
    """A word or label, case- and space-insensitive: ' Tuned ' -> 'tuned'."""
    return " ".join(str(text).split()).casefold()


# --- recording the notebooks' inputs (for tests/test_exercises.py) ---------------------------------

class _Source:
    """A function or expression saved as source text with the values of the names it uses."""

    def __init__(self, source: str, kind: str, name: str, namespace: dict):
        self.source, self.kind, self.name, self.namespace = source, kind, name, namespace

    def load(self):
        space = {"__builtins__": builtins}
        space.update({k: _unpack(v) for k, v in self.namespace.items()})
        if self.kind == "def":
            exec(compile(self.source, f"<recorded {self.name}>", "exec"), space)  # noqa: S102 (our own record)
            return space[self.name]
        return eval(compile(self.source, "<recorded expression>", "eval"), space)  # noqa: S307

    def __repr__(self) -> str:
        return f"_Source({self.source!r})"


class _Module:
    def __init__(self, name: str):
        self.name = name


class _Object:
    """An importable object (torch.sin, math.cos) saved by its dotted name."""

    def __init__(self, module: str, qualname: str):
        self.module, self.qualname = module, qualname


def _unpack(value):
    import importlib

    if isinstance(value, _Source):
        return value.load()
    if isinstance(value, _Module):
        return importlib.import_module(value.name)
    if isinstance(value, _Object):
        obj = importlib.import_module(value.module)
        for part in value.qualname.split("."):
            obj = getattr(obj, part)
        return obj
    if isinstance(value, list):
        return [_unpack(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_unpack(v) for v in value)
    if isinstance(value, dict):
        return {k: _unpack(v) for k, v in value.items()}
    return value


def _names(code: types.CodeType) -> set[str]:
    found = set(code.co_names) | set(code.co_freevars)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            found |= _names(const)
    return found


def _namespace(names, lookup: dict, depth: int) -> dict:
    space = {}
    for name in sorted(names):
        if name in lookup and not hasattr(builtins, name):
            space[name] = _pack(lookup[name], None, lookup, depth + 1)
    return space


def _pack(value, source: str | None, lookup: dict, depth: int = 0):
    """A picklable record of an argument: tensors copied, functions as source (from the call when given)."""
    if depth > 3:
        return None
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, types.ModuleType):
        return _Module(value.__name__)
    if source is not None and (isinstance(value, types.FunctionType)
                               or (isinstance(value, (tuple, list)) and any(callable(v) for v in value))):
        try:
            code = compile(source, "<argument>", "eval")
            return _Source(source, "expression", "", _namespace(_names(code), lookup, depth))
        except SyntaxError:
            pass
    if isinstance(value, types.FunctionType):
        try:
            text = textwrap.dedent(inspect.getsource(value))
        except (OSError, TypeError):
            return None
        lookup = {**value.__globals__, **{n: c.cell_contents for n, c in zip(value.__code__.co_freevars,
                                                                               value.__closure__ or (), strict=False)}}
        if value.__name__ == "<lambda>":
            try:
                lambdas = [n for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Lambda)]
            except SyntaxError:
                return None
            if len(lambdas) != 1:
                return None
            return _Source(ast.unparse(lambdas[0]), "expression", "", _namespace(_names(value.__code__), lookup, depth))
        return _Source(text, "def", value.__name__, _namespace(_names(value.__code__), lookup, depth))
    if isinstance(value, (list, tuple)):
        packed = [_pack(v, None, lookup, depth + 1) for v in value]
        return packed if isinstance(value, list) else tuple(packed)
    if isinstance(value, dict):
        return {k: _pack(v, None, lookup, depth + 1) for k, v in value.items()}
    if callable(value) and getattr(value, "__module__", None) and getattr(value, "__qualname__", None):
        return _Object(value.__module__ if value.__module__ != "torch._C._VariableFunctions" else "torch",
                       value.__qualname__)
    try:
        pickle.dumps(value)
    except Exception:  # noqa: BLE001 (anything unpicklable is left out of the record)
        return None
    return value


def _call_site(frame, check: str) -> dict[str, str]:
    """The source text of each argument of the call of `check` on the frame's current line."""
    if frame is None:
        return {}
    source = "".join(linecache.getlines(frame.f_code.co_filename))
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
             and getattr(n.func, "attr", getattr(n.func, "id", None)) == check
             and n.lineno <= frame.f_lineno <= (n.end_lineno or n.lineno)]
    if not calls:
        return {}
    call = calls[0]
    out = {str(i): ast.get_source_segment(source, a) or "" for i, a in enumerate(call.args)}
    out.update({k.arg: ast.get_source_segment(source, k.value) or "" for k in call.keywords if k.arg})
    out["__call__"] = ast.get_source_segment(source, call) or ""
    return out


_counter = itertools.count()


def _record(folder: str, fn, args, kwargs, verdict, frame) -> None:
    signature = inspect.signature(fn)
    bound = signature.bind(*args, **kwargs)
    bound.apply_defaults()
    names = list(signature.parameters)
    site = _call_site(frame, fn.__name__)
    sources = {name: site.get(str(i), site.get(name)) for i, name in enumerate(names)}
    lookup = {**(frame.f_globals if frame else {}), **(frame.f_locals if frame else {})}
    record = {"check": fn.__name__, "answer_source": sources.get(names[0]), "call": site.get("__call__"),
              "answer": _pack(bound.arguments[names[0]], None, lookup),
              "args": {name: _pack(bound.arguments[name], sources.get(name), lookup) for name in names[1:]},
              "ok": bool(verdict)}
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    with open(path / f"{os.getpid()}-{next(_counter):04d}-{fn.__name__}.pkl", "wb") as file:
        pickle.dump(record, file)


def _recorded(fn):
    """The public form of a check: warnings silenced (nothing on stderr); with GDLA_RECORD_CHECKS set,
    each call's inputs are saved for the learner-answer suite."""

    @functools.wraps(fn)
    def check(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            verdict = fn(*args, **kwargs)
        folder = os.environ.get(RECORD_ENV)
        if folder:
            _record(folder, fn, args, kwargs, verdict, inspect.currentframe().f_back)
        return verdict

    return check


def _function(f, name: str):
    return _validate.function(f, name)


def _shape(value, name: str) -> tuple[int, ...]:
    """A shape: a tuple/list/torch.Size of whole numbers >= 0 (2.7, "2", True are not sizes)."""
    if isinstance(value, (str, bytes, torch.Tensor)) or not isinstance(value, (tuple, list)):
        raise TypeError(f"{name} must be a shape such as (2, 3), got {value!r}")
    out = []
    for d in value:
        whole = isinstance(d, numbers.Real) and not isinstance(d, bool) and float(d).is_integer()
        if not whole or int(d) < 0:
            raise ValueError(f"{name} must hold whole numbers >= 0 such as (2, 3), got {value!r}")
        out.append(int(d))
    return tuple(out)


def _given(t, name: str, *, ndim: int | None = None, square: bool = False) -> torch.Tensor:
    """A tensor the exercise gives (not the learner's answer), checked, as a detached float64 copy.

    The checks compare in float64 whatever the real dtype of the exercise (integers too).
    """
    t = _validate.finite(_validate.tensor(t, name, ndim=ndim, floating=False), name)
    if square and t.shape[0] != t.shape[1]:
        raise ValueError(f"{name} must be square, got shape {tuple(t.shape)}")
    return t.detach().to(torch.float64)


def _as_float64(answer) -> torch.Tensor | None:
    """The answer as a float64 tensor by the policy (``_real``), or None when it is not made of real numbers."""
    return _value(answer)


def _fmt(t) -> str:
    """A short, stable text for a small tensor: a number, or a nested list rounded to 4 digits."""
    t = torch.as_tensor(t)
    if t.ndim == 0:
        return f"{float(t):.6g}"
    return str(torch.round(t, decimals=4).tolist())


@_recorded
def check_shape(answer, expected: tuple[int, ...], name: str = "shape") -> Verdict:
    """Check a predicted shape (a tuple/list/torch.Size of whole numbers, or a tensor whose shape is compared).

    Introduced in notebook 01, section "Deep dive: torch.matmul's shape rules and batches".

    Mistakes recognised: the batch dimensions dropped (only the last two kept); a size 1 not
    stretched by broadcasting; the shared inner size kept; rows and columns swapped; text.

    Parameters: answer: your prediction, e.g. (2, 3), or a tensor; expected: the right shape;
    name: what the exercise calls this shape.
    """
    expected = _shape(expected, "expected")
    if _blank(answer):
        return _not_attempted(name)

    def judge():
        got = tuple(answer.shape) if isinstance(answer, torch.Tensor) else answer
        if hasattr(got, "shape") and hasattr(got, "dtype") and not isinstance(got, (tuple, list)):
            got = tuple(got.shape)  # a NumPy array: its shape, as for a tensor
        try:
            got = _shape(got, "answer")
        except (TypeError, ValueError):
            return _report(name, False, f"expected a tuple of whole numbers like (2, 3), got {_short(answer)}.",
                           "a shape lists the size of each dimension: rows first, then columns.")
        if got == expected:
            return _report(name, True, f"The shape is {expected}.")
        n = len(expected)
        if n > 2 and got == expected[-2:]:
            return _report(name, False, "the batch dimensions are missing.",
                           "the dimensions before the last two are batch dimensions: the result keeps them "
                           "(broadcast against each other).")
        if len(got) == n and got[-2:] == expected[-2:]:
            return _report(name, False, "the last two sizes are right, the batch dimensions are not.",
                           "batch dimensions broadcast: lined up from the right, a size 1 stretches to match "
                           "the other operand's size.")
        if len(got) == n + 1:
            return _report(name, False, "one dimension too many: the shared inner size is still there.",
                           "(a, b) @ (b, c): the inner size b is summed over and disappears from the result.")
        if len(got) == n and n >= 2 and got[:-2] == expected[:-2] and got[-2:] == expected[-2:][::-1]:
            return _report(name, False, "the last two sizes are swapped.",
                           "rows come from the first operand, columns from the second.")
        return _report(name, False, f"you predicted {got}, not the right shape.",
                       "(a, b) @ (b, c) gives (a, c), and a 1-D operand loses its dimension in the result; the "
                       "dimensions before the last two are batch dimensions: they broadcast (lined up from the right, "
                       "a size 1 stretched to match).")

    return _guarded(name, judge)


# --- notebook 01 ---------------------------------------------------------------------------------

@_recorded
def check_dot_product(answer, a: torch.Tensor, b: torch.Tensor) -> Verdict:
    """Check a dot product a·b computed without torch.dot.

    Introduced in notebook 01, section "Vectors and the dot product".

    Judged at the precision of the vectors: a float32 loop over long vectors passes. Mistakes
    recognised: the vector of products (not summed); the sum of a + b; the product of the two
    sums; one product left out.

    Parameters: answer: your result (a number or a 0-d tensor); a, b: the two vectors.
    """
    name = "dot product"
    eps = max(_eps(a), _eps(b))  # the precision the learner's sum was computed in
    a, b = _given(a, "a", ndim=1), _given(b, "b", ndim=1)
    _validate.same_shape(a, b, "a and b")
    if _blank(answer):
        return _not_attempted(name)

    def judge():
        products = a * b
        expected = float(products.sum())
        # Rounding in a sum of n products typically grows like √n·u·Σ|a_i·b_i| (u = eps/2, the unit
        # roundoff of the precision the sum was computed in: the vectors' or the answer's); twice that
        # is allowed, so that a correct float32 loop over long vectors passes while a missing term does not.
        tolerance = a.numel() ** 0.5 * max(eps, _answer_eps(answer)) * float(products.abs().sum())
        mistakes = [_Mistake(products, "that is the vector of products, one per entry.",
                             "a dot product is a single number: add the products up."),
                     _Mistake(float((a + b).sum()), "that adds the entries of a and b.",
                              "a dot product multiplies matching entries first, then adds the products."),
                     _Mistake(float(a.sum() * b.sum()), "that is the product of the two sums.",
                              "multiply matching entries first (a₁b₁, a₂b₂, ...), then add those products.")]
        mistakes += [_Mistake(expected - float(p), "one product is missing from your sum.",
                              "the sum runs over every entry: check the first and the last index of your loop.")
                     for p in products if float(p) != 0]
        return _judge_number(name, answer, expected, tolerance=tolerance, right=f"a·b = {expected:.6g}.",
                             mistakes=mistakes, hint="multiply the vectors entry by entry, then add up the products.",
                             shape_hint="a dot product is a single number.")

    return _guarded(name, judge)


def _eps(t) -> float:
    """Machine epsilon of a floating tensor given by an exercise; float64's for anything else."""
    floating = isinstance(t, torch.Tensor) and t.is_floating_point()
    return torch.finfo(t.dtype if floating else torch.float64).eps


def _derivative_at(f, x: float) -> tuple[float, float]:
    """(f(x), f′(x)) by autograd in float64."""
    point = torch.tensor(float(x), dtype=torch.float64, requires_grad=True)
    value = f(point)
    if not isinstance(value, torch.Tensor) or value.numel() != 1:
        raise TypeError(f"the function must return one number (a 0-d tensor), got {_short(value)}")
    if not value.requires_grad:  # constant in x
        return float(value), 0.0
    (slope,) = torch.autograd.grad(value, point)
    return float(value), float(slope)


@_recorded
def check_derivative(answer, f, x: float, *, layers=None) -> Verdict:
    """Check a hand-derived value of f′(x) against autograd, to 3 significant digits.

    Introduced in notebook 01, section "Exercise 1: a derivative by hand".

    Mistakes recognised: f(x) itself; a formula (a function) instead of its value; the sign
    flipped; too few digits (right to 2 significant digits). With ``layers=(outer, inner)``
    (f = outer∘inner) also: the inner derivative left out; the outer derivative taken at x
    instead of at inner(x); the outer derivative alone at x; the inner derivative alone; the
    factor 2 of a square lost.

    Parameters: answer: your value of the derivative at x (a number or a 0-d tensor); f: the
    function (takes and returns a scalar tensor); x: the point (a number); layers: optional
    (outer, inner) functions of a scalar tensor with f(x) = outer(inner(x)).
    """
    name = "derivative"
    _function(f, "f")
    x = _validate.number(x, "x")
    if layers is not None:
        if not isinstance(layers, (tuple, list)) or len(layers) != 2:
            raise TypeError(f"layers must be a pair (outer, inner) of functions, got {_short(layers)}")
        outer, inner = (_function(g, n) for g, n in zip(layers, ("layers[0] (outer)", "layers[1] (inner)"), strict=True))
    value, expected = _derivative_at(f, x)
    mistakes = [_Mistake(value, f"{value:.4g} is f({x:g}) itself, not its slope.",
                         "differentiate first (chain rule: outer′ · inner′), then put in x."),
                _Mistake(-expected, "the sign is flipped.",
                         "check the sign of each layer's derivative: (sin)′ = cos and (cos)′ = −sin.")]
    if layers is not None:
        inner_value, inner_slope = _derivative_at(inner, x)
        check_value = float(outer(torch.tensor(inner_value, dtype=torch.float64)))
        if not math.isclose(check_value, value, rel_tol=1e-9, abs_tol=1e-12):
            raise ValueError(f"layers must compose to f: outer(inner({x:g})) = {check_value:.6g}, but f({x:g}) = {value:.6g}")
        _, outer_at_inner = _derivative_at(outer, inner_value)
        _, outer_at_x = _derivative_at(outer, x)
        mistakes += [
            _Mistake(outer_at_inner, "the inner layer's derivative is missing.",
                     "the chain rule multiplies the outer derivative (at the inner value) by the inner derivative."),
            _Mistake(outer_at_x * inner_slope, f"the outer derivative was taken at x = {x:g}, not at the inner value.",
                     "evaluate the outer derivative where the outer function is applied: at inner(x)."),
            _Mistake(outer_at_x, "that is the outer derivative alone, taken at x.",
                     "the chain rule: the outer derivative at the inner value, times the inner derivative."),
            _Mistake(inner_slope, "that is the inner layer's derivative alone.",
                     "multiply it by the outer function's derivative, taken at the inner value."),
            _Mistake(outer_at_inner * inner_slope / 2, "a factor 2 is missing.",
                     "the derivative of a square x² is 2x, not x."),
        ]
    if _blank(answer):
        return _not_attempted(name)

    def judge():
        if callable(answer) and not isinstance(answer, torch.Tensor):
            return _report(name, False, "that is a formula (a function), not a number.",
                           "evaluate your formula for f′ at the given x to get a single number.")
        return _judge_number(name, answer, expected, hand=True, right=f"f′({x:g}) = {expected:.6g}, as autograd says.",
                             mistakes=mistakes,
                             hint="apply the chain rule one layer at a time, from the outside in.",
                             shape_hint="evaluate your formula for f′ at the given x to get a single number.")

    return _guarded(name, judge)


@_recorded
def check_fresh_gradient(answer, loss_fn, w: torch.Tensor, *, steps: int | None = None) -> Verdict:
    """Check that a gradient holds one backward() call's worth, not an accumulated sum.

    Introduced in notebook 01, section "Deep dive: practice, keep the gradient fresh".

    The answer is either the list of the gradients a loop recorded after each backward() call (a
    copy each: ``w.grad.clone()``; notebook 01's exercise, with ``steps`` calls) or one gradient.
    Mistakes recognised: the gradients piled up (k gradients added after k calls); zeroed after
    backward() and before being read (all zeros); the loss instead of the gradient; w moved on
    the way (a step taken inside the loop); the wrong number of recorded gradients; None in the list.

    Parameters: answer: the loop's recorded gradients (a list), or w.grad after the loop; loss_fn:
    the loss as a function of w; w: the tensor the gradient belongs to; steps: how many backward()
    calls the loop makes (checks the list's length).
    """
    name = "fresh gradient"
    _function(loss_fn, "loss_fn")
    point = _given(w, "w").requires_grad_()
    steps = None if steps is None else _validate.count(steps, "steps", 1)
    (expected,) = torch.autograd.grad(loss_fn(point), point)
    if _blank(answer):
        return _not_attempted(name)
    piled = ("the gradients piled up: after k backward() calls .grad holds k gradients added together.",
             "reset w.grad (to None, what optimizer.zero_grad() does) before each backward(); w.grad.zero_() "
             "works too, but only once w.grad exists.")
    zeroed = ("the gradients are all zero: the reset ran after backward() and before the gradient was read.",
              "reset before backward() (or after reading w.grad), never between the two.")
    scale = float(expected.abs().max()) or 1.0

    def one(g, index):
        """None when g is the fresh gradient, else the (detail, hint) of what it is."""
        if _blank(g):
            return ("a recorded gradient is None: w.grad was reset after backward() and before it was read.",
                    "reset before backward(), then read w.grad after it.")
        got = _real(g)
        if got.shape != expected.shape:
            if got.numel() == 1 and expected.numel() > 1:
                return ("that is a single number (the loss?), not a gradient.",
                        "hand in what w.grad holds: one number per entry of w.")
            return (f"a gradient has shape {tuple(got.shape)}, w has shape {tuple(expected.shape)}.",
                    "record w.grad itself: it has w's shape.")
        if _near_tensor(got, expected, g, scale, 1):
            return None
        if float(got.abs().max()) == 0:
            return zeroed
        for times in range(2, 101):
            if _near_tensor(got, times * expected, g, times * scale, times):
                return piled
        return ("a gradient belongs to another w: did the loop also take a step?",
                "keep w as it is: the exercise only calls backward(), it takes no step.")

    def judge():
        listed = answer
        if isinstance(answer, torch.Tensor) and answer.ndim == expected.ndim + 1:
            listed = list(answer)  # the recorded gradients stacked into one tensor
        if isinstance(listed, (list, tuple)) and (len(listed) == 0 or not isinstance(listed[0], numbers.Real)):
            answer_list = listed
            if len(answer_list) == 0 or (steps is not None and len(answer_list) != steps):
                return _report(name, False, f"the list holds {len(answer_list)} gradients; the loop makes "
                               f"{steps or 'one or more'} backward() calls.",
                               "record a copy of w.grad once per call, after backward().")
            for i, g in enumerate(answer_list):
                found = one(g, i)
                if found:
                    return _report(name, False, *found)
            return _report(name, True, f"each of the {len(answer_list)} gradients is {_fmt(expected)}, from one "
                                       "backward() call.")
        if steps is not None:
            found = one(answer, 0)
            if found and "single number" in found[0]:
                return _report(name, False, *found)
            what = "the fresh gradient" if found is None else "one gradient"
            return _report(name, False, f"that is {what}, not the list of the {steps} recorded gradients.",
                           "hand in the whole list the loop fills, one copy of w.grad per backward() call.")
        found = one(answer, 0)
        if found:
            return _report(name, False, *found)
        return _report(name, True, f"the gradient is {_fmt(expected)}, from one backward() call.")

    return _guarded(name, judge)


@_recorded
def check_jacobian(answer, f, x: torch.Tensor) -> Verdict:
    """Check a hand-computed Jacobian matrix of f at x (rows: outputs, columns: inputs).

    Introduced in notebook 01, section "Deep dive: backward(v) is a vector–Jacobian product".

    Mistakes recognised: the transpose; the entries as a flat list; vᵀJ for v = ones (what
    backward() of the summed outputs gives); the Jacobian at another point; one or more entries off.

    Parameters: answer: your Jacobian (a tensor or nested list); f: the function (vector in,
    vector out); x: the point (a 1-D tensor).
    """
    name = "Jacobian"
    _function(f, "f")
    x64 = _given(x, "x", ndim=1)
    expected = torch.autograd.functional.jacobian(f, x64)
    if expected.ndim != 2:
        raise ValueError(f"f must map a vector to a vector (its Jacobian is a matrix), got a Jacobian of shape "
                         f"{tuple(expected.shape)}")
    if _blank(answer):
        return _not_attempted(name)

    def judge():
        mistakes = [
            _Mistake(expected.T, "that is the transpose of the Jacobian.",
                     "row i holds the derivatives of output i; column j is input j."),
            _Mistake(expected.reshape(-1), "that is the right entries as one flat list.",
                     "one row per output of f and one column per input: a nested list [[...], [...]]."),
            _Mistake(expected.sum(0), "that is vᵀJ for v = ones: what backward() of the summed outputs gives.",
                     "the Jacobian keeps one row per output instead of adding them."),
            _Mistake(torch.autograd.functional.jacobian(f, torch.zeros_like(x64)), "that is the Jacobian at 0, "
                     "not at the point given.", "put the point's coordinates into every partial derivative."),
        ]
        got = _real(answer)
        if got.shape == expected.shape and not _near_tensor(got, expected, answer, None, 1):
            off = int((~torch.isclose(got, expected, rtol=1e-6, atol=1e-8)).sum())
            for m in mistakes:
                if _near_tensor(got, m.value, answer, None, 1):
                    return _report(name, False, m.detail, m.hint)
            return _report(name, False, f"{off} of the {expected.numel()} entries are off.",
                           "entry (i, j) is ∂f_i/∂x_j: differentiate output i with respect to input j.")
        return _judge_tensor(name, answer, expected, right=f"J = {_fmt(expected)}.", mistakes=mistakes,
                             shape_hint="one row per output of f and one column per input.")

    return _guarded(name, judge)


# --- notebook 02 ---------------------------------------------------------------------------------

def _matrix_answer(answer, name: str, shape: tuple[int, ...],
                   nan_hint: str = "lower the learning rate below the largest stable step."):
    """The answer as float64 when it is a matrix of the expected shape, else a failing report."""
    try:
        got = _real(answer)
    except _NotReal as why:
        if "NaN" in str(why):
            return None, _report(name, False, "your matrix contains NaN or inf (a diverged run?).", nan_hint)
        raise
    if tuple(got.shape) != tuple(shape):
        return None, _report(name, False, f"expected a {shape[0]}×{shape[1]} matrix, got shape {tuple(got.shape)}.",
                             "your answer should have the shape of the matrix it approximates.")
    return got, None


def _number_answer(answer, name: str, hint: str = "compute it from the singular values: torch.linalg.svdvals(M)."):
    got = _as_float64(answer)
    if got is None or got.numel() != 1:
        return None, _report(name, False, f"expected one finite number, got {_short(answer)}.", hint)
    return float(got.reshape(())), None


@_recorded
def check_inverse_gradient(answer, X: torch.Tensor, M: torch.Tensor, side: str = "left") -> Verdict:
    """Check a closed-form gradient of mse(X·M, I) ("left") or mse(M·X, I) ("right") with respect to X.

    Introduced in notebook 02, section "The first gradient, by hand".

    Judged at the answer's dtype. Mistakes recognised (the notebook asks at an X that does not
    commute with M, so that each gives other numbers): the other loss's gradient (for "right": the
    left one, which is also what X.grad holds there); the product inside the residual in the wrong
    order (Mᵀ·(X·M − I) for "right"); Mᵀ on the wrong side of the residual; M
    where Mᵀ belongs; the factor 2 lost; the mean's 1/n² lost; both lost; 1/n instead of 1/n²;
    the −I lost; the sign flipped; the wrong shape; NaN.

    Parameters: answer: your gradient (an n×n tensor); X, M: the point and the square matrix;
    side: which loss, "left" (X·M) or "right" (M·X).
    """
    _validate.choice(side, "side", ("left", "right"))
    name = f"gradient of mse({'X·M' if side == 'left' else 'M·X'}, I)"
    X64, M64 = _given(X, "X", ndim=2, square=True), _given(M, "M", ndim=2, square=True)
    _validate.same_shape(X64, M64, "X and M")
    if _blank(answer):
        return _not_attempted(name)
    n = M64.shape[1]
    identity = torch.eye(n, dtype=torch.float64)

    def gradient(which: str, transpose: bool = True, wrong_side: bool = False, minus_i: bool = True) -> torch.Tensor:
        Mt = M64.T if transpose else M64
        residual = (X64 @ M64 if which == "left" else M64 @ X64) - (identity if minus_i else 0)
        on_right = (which == "left") != wrong_side
        return residual @ Mt if on_right else Mt @ residual

    raw = gradient(side)
    expected = 2.0 / n**2 * raw
    other = "right" if side == "left" else "left"
    absolute = (X64.abs() @ M64.abs() if side == "left" else M64.abs() @ X64.abs()) + identity
    scale = 2.0 / n**2 * float((absolute @ M64.abs().T if side == "left" else M64.abs().T @ absolute).max())
    where = "X·M" if side == "left" else "M·X"
    mistakes = [
        _Mistake(2.0 / n**2 * gradient(other), f"that is the gradient of the other loss, mse({'M·X' if side == 'left' else 'X·M'}, I)"
                 + (" (what X.grad holds after section 4)." if side == "right" else "."),
                 f"here the product is {where}: a change dX changes the residual by "
                 f"{'dX·M' if side == 'left' else 'M·dX'}, and the chain rule puts Mᵀ on the side where M is."),
        _Mistake(2.0 / n**2 * gradient(side, wrong_side=True), "Mᵀ is on the wrong side of the residual.",
                 f"the chain rule puts Mᵀ on the side where M is in {where}."),
        _Mistake(2.0 / n**2 * (M64.T @ (X64 @ M64 - identity) if side == "right" else (M64 @ X64 - identity) @ M64.T),
                 f"the product inside the residual is in the wrong order: {'X·M' if side == 'right' else 'M·X'}, "
                 f"not {where}.", f"the residual is {where} − I, as in the loss; only at an X that commutes with M "
                 "would the order not matter."),
        _Mistake(2.0 / n**2 * gradient(side, transpose=False), "M stands where its transpose belongs.",
                 "moving M to the other side of an inner product transposes it: ⟨R, M·dX⟩ = ⟨Mᵀ·R, dX⟩."),
        _Mistake(1.0 / n**2 * raw, "the factor 2 is missing.", "the derivative of a square r² is 2r."),
        _Mistake(2.0 * raw, "the mean's division is missing.",
                 "mse is a mean: it divides the sum of squares by the number of entries."),
        _Mistake(raw, "both the factor 2 and the mean's division are missing.",
                 "the square brings a factor 2, and the mean divides by the number of entries."),
        _Mistake(2.0 / n * raw, "that divides by n, not by the number of entries.",
                 "an n×n matrix has n² entries, and the mean divides by all of them."),
        _Mistake(2.0 / n**2 * gradient(side, minus_i=False), "the identity is missing from the residual.",
                 f"the residual is {where} − I: keep the − I."),
        _Mistake(-expected, "the sign is flipped.", "the gradient points uphill: the derivative of r² is +2r."),
    ]

    def judge():
        formula = "(2/n²)·(X·M − I)·Mᵀ" if side == "left" else "(2/n²)·Mᵀ·(M·X − I)"
        try:
            _real(answer)
        except _NotReal as why:
            if "NaN" in str(why):
                return _report(name, False, "your matrix contains NaN or inf.",
                               "build the gradient from the finite X and M you were given, with no "
                               "division: its entries are then finite too.")
            raise
        return _judge_tensor(name, answer, expected, scale=scale, terms=n,
                             right=f"∇ = {formula}, what autograd gives for this loss.", mistakes=mistakes,
                             hint="differentiate Σ(product − I)²/n² entry by entry; the chain rule puts Mᵀ on the "
                                  "side where M is.",
                             shape_hint="your answer should have the shape of the matrix it approximates: n×n, like X.")

    return _guarded(name, judge)


@_recorded
def check_largest_stable_lr(answer, M: torch.Tensor) -> Verdict:
    """Check the largest stable learning rate of plain gradient descent on mse(X·M, I).

    Related to notebook 02, section "The largest safe step" (the notebooks do not call it).

    Mistakes recognised: 1/L (the step to the bottom of the steepest direction); 2/(L + mu) (the
    best fixed step). Answers within 0.1 % of 2/L pass.

    Parameters: answer: your learning rate (a number); M: the matrix.
    """
    name = "largest stable learning rate"
    M64 = _validate.nonzero(_given(M, "M", ndim=2), "M", "every step is stable for a zero matrix")
    if _blank(answer):
        return _not_attempted(name)

    def judge():
        got = _real(answer)
        if got.numel() != 1:
            return _report(name, False, f"expected one number, got {_short(answer)}.", "a learning rate is one number.")
        got = float(got.reshape(()))
        s = torch.linalg.svdvals(M64)
        n = M64.shape[1]
        L, mu = 2 * s[0].item() ** 2 / n**2, 2 * s[-1].item() ** 2 / n**2
        expected, best = 2.0 / L, 2.0 / (L + mu)
        # When κ = σ_max/σ_min > 32, 2/(L + mu) lies within 0.1 % of 2/L: an answer equal to it (to 1e-9)
        # is that formula, not a rounded 2/L.
        if abs(got - best) <= 1e-9 * best < abs(expected - best):
            return _report(name, False, "that is the best fixed step, not the largest one.",
                           "the limit comes from the steepest direction alone: |1 − lr·L| < 1.")
        if abs(got - expected) <= 1e-3 * expected:
            return _report(name, True, f"2/L = n²/σ_max² = {expected:.4g}.")
        if abs(got - 1.0 / L) <= 1e-3 / L:
            return _report(name, False, "that is the step that jumps straight to the bottom of the "
                           "steepest direction.", "the iteration only blows up when |1 − lr·L| > 1.")
        if abs(got - best) <= 1e-3 * best:
            return _report(name, False, "that is the best fixed step, not the largest one.",
                           "the limit comes from the steepest direction alone: |1 − lr·L| < 1.")
        return _report(name, False, f"you got {got:.4g}.",
                       "the steepest curvature is L = 2σ_max²/n²; plain steps are stable while lr·L < 2.")

    return _guarded(name, judge)


@_recorded
def check_iteration_prediction(answer, M: torch.Tensor, lr: float, momentum: float = 0.0,
                               tol: float = 1e-6) -> Verdict:
    """Check a prediction of the iterations gradient descent needs on M (within ±15 % of a real run).

    Related to notebook 02, section "Predicting the iteration count" (the notebooks do not call it).

    Parameters: answer: your predicted count (a number); M: the square matrix; lr, momentum: the
    run's settings (start X = 0, float64); tol: the tolerance on ‖XM − I‖_F/√n.
    """
    from .inverse import inverse_gd

    name = "iteration count prediction"
    M64 = _given(M, "M", ndim=2, square=True)
    lr, momentum = _validate.positive(lr, "lr"), _validate.fraction(momentum, "momentum")
    tol = _validate.positive(tol, "tol")
    if _blank(answer):
        return _not_attempted(name)

    def judge():
        got = _real(answer)
        if got.numel() != 1:
            return _report(name, False, f"expected one number, got {_short(answer)}.",
                           "give one number: the count that gh.predict_iterations(M, lr, momentum, tol=tol) predicts.")
        got = float(got.reshape(()))
        _, history = inverse_gd(M64, lr=lr, momentum=momentum, tol=tol,
                                max_iter=200_000, on_divergence="return")
        if not history.converged:
            return _report(name, False, f"the run did not converge ({history.message}).",
                           "pick a learning rate below the largest stable step.")
        measured = history.iterations
        if abs(got - measured) <= 0.15 * measured:
            return _report(name, True, f"the run took {measured} iterations; you predicted {got:.0f}.")
        return _report(name, False, f"the run took {measured} iterations; you predicted {got:.0f}.",
                       "ln(tol)/ln(rate) with the rate from κ is a guide; gh.predict_iterations runs the "
                       "recurrence of every curvature direction.")

    return _guarded(name, judge)


def _float_floor(answer, M64: torch.Tensor) -> float:
    """The smallest ‖X·M − I‖_F/√n an X stored in the answer's dtype can reach: 10·√n·eps·κ(M)."""
    s = torch.linalg.svdvals(M64)
    kappa = float(s[0] / s[-1]) if float(s[-1]) > 0 else math.inf
    return 10 * math.sqrt(M64.shape[0]) * _answer_eps(answer) * kappa


@_recorded
def check_inverse(answer, M: torch.Tensor, tol: float = 1e-6) -> Verdict:
    """Check an approximate inverse: ‖X·M − I‖_F/√n <= tol.

    Introduced in notebook 02, section "The loop you wrote, packaged".

    A float32 X is judged at what float32 can reach (10·√n·eps·κ when that is above tol). Mistakes
    recognised: a run stopped on the loss (gh.minimize without metric=: the loss residual²/n is
    below tol, the residual is not); not converged yet (a residual below 1 but above tol); M itself; Mᵀ; the identity
    (X·M handed in instead of X); the entrywise 1/M; the start X = 0; NaN (a diverged run); the wrong shape.

    Parameters: answer: your X (n×n); M: the square matrix; tol: the tolerance.
    """
    name = "approximate inverse"
    M64 = _given(M, "M", ndim=2, square=True)
    tol = _validate.positive(tol, "tol")
    if _blank(answer):
        return _not_attempted(name)
    n = M64.shape[0]
    identity = torch.eye(n, dtype=torch.float64)

    def judge():
        got, failed = _matrix_answer(answer, name, tuple(M64.T.shape))
        if got is None:
            return failed
        residual = (torch.linalg.matrix_norm(got @ M64 - identity) / n**0.5).item()
        allowed = max(tol, _float_floor(answer, M64))
        if residual <= allowed:
            return _report(name, True, f"‖XM − I‖_F/√n = {residual:.1e} <= {allowed:.1g}.")
        wrong = [(M64, "that is M itself, not its inverse.", "the inverse X undoes M: X·M = I."),
                 (M64.T, "that is the transpose of M, not its inverse.",
                  "the transpose is the inverse only for orthogonal matrices; X must satisfy X·M = I."),
                 (identity, "that is the identity: what X·M should be close to, not X.",
                  "hand in X itself, the matrix the run found."),
                 (1.0 / M64 if bool((M64 != 0).all()) else None, "that inverts each entry on its own.",
                  "the matrix inverse is not entrywise: X must satisfy X·M = I."),
                 (torch.zeros_like(M64), "that is the start X = 0: no step was taken.",
                  "run gradient descent from X = 0 until the history says it converged.")]
        for value, detail, hint in wrong:
            if value is not None and _near_tensor(got, value, answer, float(value.abs().max()), n):
                return _report(name, False, detail, hint)
        if residual**2 / n <= tol:  # the loss mse = residual²/n is below tol: a run stopped on the loss
            return _report(name, False, f"‖XM − I‖_F/√n = {residual:.1e} is above {tol:g}, but the loss "
                           f"(residual²/n = {residual**2 / n:.1e}) is below it: did the run stop on the loss?",
                           "if gh.minimize said 'converged', it compared tol with the loss (no metric= given): "
                           "give it a metric that returns the relative residual; otherwise run more iterations.")
        if residual < 1:
            return _report(name, False, f"‖XM − I‖_F/√n = {residual:.1e} is above {tol:g}: not converged yet.",
                           "run more iterations (check the history's message) or tune lr and momentum.")
        return _report(name, False, f"‖XM − I‖_F/√n = {residual:.1e}: X·M is far from I.",
                       "run gradient descent on mse(X·M, I) until the history says it converged.")

    return _guarded(name, judge)


@_recorded
def check_pseudo_inverse(answer, M: torch.Tensor, atol: float = 1e-6) -> Verdict:
    """Check a pseudo-inverse against torch.linalg.pinv (entries within atol).

    Introduced in notebook 02, section "Deep dive: when there is no inverse".

    Mistakes recognised: an extra null-space part (a random start); the start X = 0 itself (no
    step taken); not converged; Mᵀ; the wrong shape (e.g. M's own shape); NaN (a diverged run).

    Parameters: answer: your X (n×m for an m×n M); M: the matrix; atol: allowed entry error.
    """
    name = "pseudo-inverse"
    M64 = _given(M, "M", ndim=2)
    atol = _validate.positive(atol, "atol")
    if _blank(answer):
        return _not_attempted(name)
    expected = torch.linalg.pinv(M64)

    def judge():
        got, failed = _matrix_answer(answer, name, tuple(expected.shape))
        if got is None:
            return failed
        error = (got - expected).abs().max().item()
        if error <= max(atol, 100 * _answer_eps(answer) * float(expected.abs().max())):
            return _report(name, True, f"largest entry error {error:.1e}.")
        if got.shape == M64.T.shape and _near_tensor(got, M64.T, answer, float(M64.abs().max()), 1):
            return _report(name, False, "that is the transpose of M.",
                           "the pseudo-inverse X minimises ‖X·M − I‖: run gradient descent from X = 0.")
        if float(got.abs().max()) == 0:
            return _report(name, False, "that is the start X = 0: no step was taken.",
                           "run the gradient-descent loop (from this X = 0) until it reaches the tolerance.")
        n = M64.shape[1]
        if (torch.linalg.matrix_norm(got @ M64 - expected @ M64) / n**0.5).item() <= 1e-4:
            return _report(name, False, "X·M is right, but X has an extra part that M cannot see.",
                           "start from X = 0: a random start keeps its null-space component forever.")
        return _report(name, False, f"largest entry error {error:.1e}.",
                       "run gradient descent from X = 0 to tolerance (or compare with torch.linalg.pinv).")

    return _guarded(name, judge)


# --- notebook 03 ---------------------------------------------------------------------------------

@_recorded
def check_svd_reconstruction(answer, U: torch.Tensor, S: torch.Tensor, V: torch.Tensor, *, M=None) -> Verdict:
    """Check that answer rebuilds U·diag(S)·Vᵀ from an SVD's factors.

    Introduced in notebook 03, section "The shapes of an SVD".

    Judged at the answer's dtype. Mistakes recognised: V where Vᵀ belongs; S left out (U·Vᵀ); S
    scaling the columns of the product instead of U's; U·diag(S) alone; the wrong shape; NaN;
    and, when the exercise passes ``M``, M itself handed in (M, a view of it, or exactly M's
    numbers when the product of the factors is not exactly M), not rebuilt from the factors.

    Parameters: answer: your matrix; U (m×k), S (k), V (n×k): the factors; M: optional, the
    matrix the factors came from.
    """
    name = "reconstruction"
    U64, S64, V64 = _given(U, "U", ndim=2), _given(S, "S", ndim=1), _given(V, "V", ndim=2)
    if U64.shape[1] != S64.shape[0] or V64.shape[1] != S64.shape[0]:
        raise ValueError(f"U, S, V must be m×k, k and n×k (V, not Vᵀ), got {tuple(U64.shape)}, "
                         f"{tuple(S64.shape)} and {tuple(V64.shape)}")
    if M is not None:
        M = _validate.tensor(M, "M", ndim=2, floating=False)
    if _blank(answer):
        return _not_attempted(name)
    expected = (U64 * S64) @ V64.T
    k = S64.shape[0]

    def judge():
        if M is not None and isinstance(answer, torch.Tensor) and answer.shape == M.shape:
            same_memory = answer.untyped_storage().data_ptr() == M.untyped_storage().data_ptr()
            product_is_m = (U.dtype == S.dtype == V.dtype == M.dtype
                            and torch.equal(((U * S) @ V.T).detach(), M.detach()))
            if same_memory or (answer.dtype == M.dtype and torch.equal(answer.detach(), M.detach())
                               and not product_is_m):
                return _report(name, False, "that is M itself, not rebuilt from the factors.",
                               "multiply the three factors you were given; the check compares the product with M.")
        scale = float(((U64.abs() * S64) @ V64.abs().T).max())
        mistakes = [_Mistake(U64 @ torch.diag(S64) @ V64, "you multiplied by V, not by Vᵀ.",
                             "torch.linalg.svd returns Vh = Vᵀ; here you were given V, so the last factor is its "
                             "transpose."),
                    _Mistake(U64 @ V64.T, "S is missing.", "the singular values scale the columns of U.")]
        if V64.shape[0] == k:
            mistakes.append(_Mistake((U64 @ V64.T) * S64, "S scales the columns of the product, not of U.",
                                     "diag(S) sits between U and Vᵀ: it scales U's columns."))
        if V64.shape[0] != k or U64.shape[0] != V64.shape[0]:
            mistakes.append(_Mistake(U64 * S64, "that is U·diag(S) alone.", "multiply by Vᵀ as well."))
        try:
            _real(answer)
        except _NotReal as why:
            if "NaN" in str(why):
                return _report(name, False, "your matrix contains NaN or inf.",
                               "multiply the factors you were given, U · diag(S) · Vᵀ: finite factors "
                               "give a finite product.")
            raise
        return _judge_tensor(name, answer, expected, scale=scale, terms=k, right="U·diag(S)·Vᵀ gives M back.",
                             mistakes=mistakes, hint="U * S scales U's columns; then multiply by the transpose of V.",
                             shape_hint="the product has one row per row of U and one column per row of V.")

    return _guarded(name, judge)


@_recorded
def check_rank_k_error(answer, M: torch.Tensor, k: int) -> Verdict:
    """Check ‖M - M_k‖_F for the best rank-k approximation M_k (Eckart–Young: the tail of σ).

    Related to notebook 03, section "Best low-rank approximation (Eckart–Young)" (the notebooks do not
    call it since its exercise 3 asks for the smallest k below a relative error: check_smallest_rank).

    Judged to 3 significant digits (the notebook prints the singular values to 4). Mistakes
    recognised: the squared error; σ_{k+1} alone (the spectral-norm error); the part kept, not the
    part dropped; the tail summed without squares; the tail starting one value too late or too
    early; the error relative to ‖M‖_F. The exercise's k must make these differ (a k below
    min(m, n) − 1, where σ_{k+1} is not the whole tail).

    Parameters: answer: your number; M: the matrix; k: the rank.
    """
    name = "rank-k error"
    M64 = _given(M, "M", ndim=2)
    k = _validate.count(k, "k")
    if k > min(M64.shape):
        raise ValueError(f"k must be at most min(m, n) = {min(M64.shape)} for a {M64.shape[0]}×{M64.shape[1]} M, "
                         f"got {k}")
    if _blank(answer):
        return _not_attempted(name)
    sigma = torch.linalg.svdvals(M64)

    def tail(start: int) -> float:
        return float(torch.sqrt((sigma[start:] ** 2).sum()))

    expected = tail(k)
    mistakes = [
        _Mistake(expected**2, "that is the squared error.", "the Frobenius norm is the square root of the sum of squares."),
        _Mistake(float(sigma[k]) if k < sigma.numel() else None, "that is σ_{k+1} alone: the error in the spectral norm.",
                 "the Frobenius error adds up ALL dropped singular values, as a root of the sum of squares."),
        _Mistake(tail(0) if k == 0 else float(torch.sqrt((sigma[:k] ** 2).sum())), "that measures the part you keep.",
                 "the error is what the approximation leaves out: the singular values after the k largest."),
        _Mistake(float(sigma[k:].sum()), "that adds the dropped singular values without squaring them.",
                 "the Frobenius norm squares them, adds, and takes the square root."),
        _Mistake(tail(k + 1) if k + 1 <= sigma.numel() else None, "the tail starts one value too late.",
                 "σ_{k+1} is the first value dropped, and Python counts from 0: it is S[k], not S[k + 1]."),
        _Mistake(tail(k - 1) if k >= 1 else None, "the tail starts one value too early.",
                 "the k largest values are kept: S[0] to S[k − 1] (Python counts from 0), so S[k − 1] is not dropped."),
        _Mistake(expected / tail(0) if tail(0) > 0 else None, "that is the error relative to ‖M‖_F.",
                 "the task asks for the error itself, not divided by the norm of M."),
    ]
    seen = {round(expected, 12)}
    distinct = []
    for m in mistakes:  # a mistake that gives the right number (σ_{k+1} when it is the whole tail) is no mistake
        if m.value is not None and round(float(m.value), 12) not in seen:
            seen.add(round(float(m.value), 12))
            distinct.append(m)

    def judge():
        return _judge_number(name, answer, expected, scale=float(sigma[0]), terms=sigma.numel(), hand=True,
                             right=f"‖M − M_{k}‖_F = {expected:.6g}, the root of the tail's squares.",
                             mistakes=distinct,
                             hint="keep the k largest singular values; the error is the root of the sum of the "
                                  "squares of the rest.",
                             shape_hint="the error is one number.")

    return _guarded(name, judge)


def _first_below(values: list[float], target: float) -> int | None:
    """The first index k with values[k] < target (None when there is none)."""
    return next((k for k, v in enumerate(values) if v < target), None)


@_recorded
def check_smallest_rank(answer, M: torch.Tensor, target: float) -> Verdict:
    """Check the smallest k whose best rank-k approximation M_k has ‖M − M_k‖_F / ‖M‖_F below `target`.

    Introduced in notebook 03, section "Best low-rank approximation (Eckart–Young)".

    By Eckart–Young the error is the tail of the singular values, √(σ_{k+1}² + …), and ‖M‖_F is the
    same root taken over all of them (the error of k = 0). The answer is a whole number: an int, a
    0-d (or one-element) integer tensor or array, or a whole-number float. Mistakes recognised, each
    with its own hint: counted from 0
    (one less: the index of the last value kept); the part kept measured instead of the part dropped
    (‖M_k‖_F/‖M‖_F below target: k = 0); the square root left out (the squared relative error below
    target); norms subtracted (1 − ‖M_k‖_F/‖M‖_F below target: norms do not subtract, their squares
    do); σ instead of σ² (Σσ_tail/Σσ below target); the absolute error ‖M − M_k‖_F below target;
    the largest k (min(m, n), where the error is 0) instead of the smallest; one value too many
    dropped (the tail taken from S[k − 1]: one more); an error (a relative or absolute one, as a
    fraction (to 2 significant digits) or in %) handed in instead of k; a number that is not whole; a
    k outside 0 … min(m, n); the list of errors instead of one k. Where M gives several mistakes the
    same k, the line names each of them, so the hint fits whichever was made.

    Parameters: answer: your k; M: the matrix; target: the relative error to get below, in (0, 1).
    """
    name = "smallest rank"
    M64 = _validate.nonzero(_given(M, "M", ndim=2), "M", "its relative error is not defined")
    target = _validate.number(target, "target", low=0.0, high=1.0, low_open=True, high_open=True)
    if _blank(answer):
        return _not_attempted(name)
    sigma = torch.linalg.svdvals(M64)
    r = sigma.numel()
    norm = float(torch.sqrt((sigma**2).sum()))
    tails = [float(torch.sqrt((sigma[k:] ** 2).sum())) for k in range(r + 1)]  # ‖M − M_k‖_F, k = 0 … r
    relative = [t / norm for t in tails]
    kept = [float(torch.sqrt((sigma[:k] ** 2).sum())) / norm for k in range(r + 1)]
    expected = _first_below(relative, target)  # never None: relative[r] = 0 < target
    mistakes = [
        _Mistake(expected - 1, "that looks like an index counted from 0, not a count.",
                 "k counts the singular values kept, and Python counts from 0: S[0], …, S[i] are i + 1 values."),
        _Mistake(_first_below(kept, target), "that measures the part you keep, not the error.",
                 "the error is what the approximation leaves out: the singular values after the k largest."),
        _Mistake(_first_below([x**2 for x in relative], target), "the square root is missing: that compares the squared error.",
                 "the error is the square ROOT of the sum of the squares (of the tail, and of all for ‖M‖_F)."),
        _Mistake(_first_below([1 - x for x in kept], target), "that subtracts norms: 1 − ‖M_k‖_F/‖M‖_F is not the error.",
                 "norms do not subtract, their squares do: ‖M − M_k‖_F² = ‖M‖_F² − ‖M_k‖_F²."),
        _Mistake(_first_below([float(sigma[k:].sum() / sigma.sum()) for k in range(r + 1)], target),
                 "that adds the singular values without squaring them.",
                 "the Frobenius norm squares the singular values, adds them, and takes the square root."),
        _Mistake(_first_below(tails, target), "that compares the absolute error ‖M − M_k‖_F with the target.",
                 "the task asks for the relative error: divide by ‖M‖_F, which the singular values give too."),
        _Mistake(r, "with every singular value kept the error is 0, so any target is met: that is the largest k.",
                 "the task asks for the smallest k whose error is below the target."),
        _Mistake(expected + 1, "that drops one value too many: the tail S[k - 1:] starts inside what M_k keeps.",
                 "M_k keeps S[0], …, S[k − 1]; its error is made of the values after those."),
    ]
    errors = [*relative, *tails, *(100 * x for x in relative)]

    def judge():
        got = _real(answer)
        if got.numel() != 1:
            if got.ndim == 1 and got.numel() in (r, r + 1):
                return _report(name, False, "that is a list of numbers, one per k; the answer is one k.",
                               "find the first k whose relative error is below the target, and hand in that k.")
            return _report(name, False, f"expected one whole number, got {_short(answer)}.",
                           "k is one whole number: how many singular values are kept.")
        value = float(got.reshape(()))
        if not value.is_integer():
            if (any(abs(value - e) <= max(_hand_tolerance(e), 0.05 * e) for e in relative if e > 0)  # 2 digits do
                    or any(abs(value - e) <= _hand_tolerance(e) for e in errors if e > 0)):
                return _report(name, False, f"{value:.10g} is an error, not a rank.",
                               "the answer is k, the number of singular values kept, not the error it leaves.")
            return _report(name, False, f"{value:.10g} is not a whole number.",
                           "k counts singular values, so it is a whole number (an int).")
        k = int(value)
        if k == expected:
            return _report(name, True, f"k = {k} leaves a relative error of {relative[k]:.3g} < {target:g}; "
                                       f"k = {k - 1} leaves {relative[k - 1]:.3g}.")
        if not 0 <= k <= r:
            return _report(name, False, f"k = {k} is not a rank of this {M64.shape[0]}×{M64.shape[1]} matrix.",
                           f"k counts the singular values kept: from 0 to min(m, n) = {r}.")
        hits = [m for m in mistakes if m.value == k]  # (a mistake that gives the right k is no mistake here)
        if len(hits) == 1:
            return _report(name, False, hits[0].detail, hits[0].hint)
        if hits:  # this M cannot tell these slips apart: name each, so the hint fits the one made
            return _report(name, False, f"more than one slip gives k = {k} here: " + " Or: ".join(m.detail for m in hits),
                           " Or: ".join(m.hint for m in hits))
        return _report(name, False, f"k = {k} is not the smallest k with a relative error below {target:g}.",
                       "for each k, the relative error is √(σ_{k+1}² + …) / √(σ₁² + …): find the first k "
                       "where it is below the target.")

    return _guarded(name, judge)


@_recorded
def check_top_singular_pair(answer, M: torch.Tensor, tol: float = 1e-6) -> Verdict:
    """Check a top singular pair (u, v): unit vectors with M·v = σ₁·u (either common sign).

    Introduced in notebook 03, section "Exercise 2: the top singular pair by the power method".

    Mistakes recognised: one vector instead of the pair; u and v swapped (or the wrong lengths);
    vectors not scaled to length 1; u with the wrong sign for v; a column of Vh taken for v (Vh's
    rows are the right singular vectors); another singular pair than the top one; not converged.

    Parameters: answer: a tuple (u, v) of 1-D tensors (u has M's rows, v its columns); M; tol.
    """
    name = "top singular pair"
    M64 = _validate.nonzero(_given(M, "M", ndim=2), "M", "every unit vector is a singular vector")
    tol = _validate.positive(tol, "tol")
    if _blank(answer):
        return _not_attempted(name)
    m, n = M64.shape

    def judge():
        if isinstance(answer, torch.Tensor) or not isinstance(answer, (tuple, list)) or len(answer) != 2:
            return _report(name, False, f"expected a tuple (u, v), got {_short(answer)}.",
                           "return both vectors, u first: my_pair = (u, v).")
        u, v = (_real(x) for x in answer)
        eps = max(_answer_eps(answer[0]), _answer_eps(answer[1]))
        allowed = max(tol, 100 * eps * math.sqrt(max(m, n)))
        if u.shape != (m,) or v.shape != (n,):
            if u.shape == (n,) and v.shape == (m,):
                return _report(name, False, "u and v are swapped.",
                               "u lives in M's column space (length m, M's rows), v in its row space (length n).")
            return _report(name, False, f"u must have {m} entries and v {n}.",
                           "u lives in M's column space (length m), v in its row space (length n).")
        Ur, Sr, Vrh = torch.linalg.svd(M64, full_matrices=False)
        sigma1 = float(Sr[0])
        unit = max(abs(float(torch.linalg.vector_norm(u)) - 1), abs(float(torch.linalg.vector_norm(v)) - 1))
        if unit > allowed:
            return _report(name, False, "u and v must have length 1.", "divide each by its norm.")
        residual = float(torch.linalg.vector_norm(M64 @ v - sigma1 * u)) / sigma1
        if residual <= allowed:
            return _report(name, True, f"M·v = σ₁·u with σ₁ = {sigma1:.6g} (relative residual {residual:.1e}).")
        if float(torch.linalg.vector_norm(M64 @ v + sigma1 * u)) / sigma1 <= allowed:
            return _report(name, False, "u has the wrong sign for this v.",
                           "the pair shares one sign: compute u from v as M·v / ‖M·v‖.")
        if Vrh.shape[0] == n and min(float(torch.linalg.vector_norm(v - Vrh[:, 0])),
                                     float(torch.linalg.vector_norm(v + Vrh[:, 0]))) <= allowed:
            return _report(name, False, "v is a column of Vh, not a row.",
                           "torch.linalg.svd returns Vh = Vᵀ: the right singular vectors are its rows.")
        for i in range(1, Sr.numel()):
            pair = float(torch.linalg.vector_norm(M64 @ v - float(Sr[i]) * u)) / sigma1
            flipped = float(torch.linalg.vector_norm(M64 @ v + float(Sr[i]) * u)) / sigma1
            if min(pair, flipped) <= allowed and abs(float(Sr[i]) - sigma1) > allowed * sigma1:
                return _report(name, False, "that is a singular pair, but not the top one.",
                               "the top pair belongs to the largest singular value: the first column of U and "
                               "the first row of Vh, or the power method's limit.")
        return _report(name, False, f"‖M·v − σ₁·u‖/σ₁ = {residual:.1e}: not the top pair yet.",
                       "run more power-method steps (v ← Mᵀ·M·v, scaled to length 1), then take u from v.")

    return _guarded(name, judge)


def _labels(answer) -> list[int]:
    """Integer labels from a list or a 1-D tensor/array of whole numbers (no floats, no strings)."""
    if isinstance(answer, (str, bytes)):
        raise TypeError(answer)
    if isinstance(answer, torch.Tensor):
        if answer.is_floating_point() or answer.is_complex() or answer.ndim != 1 or answer.dtype == torch.bool:
            raise TypeError(answer)
        return [int(a) for a in answer.tolist()]
    if hasattr(answer, "dtype") and hasattr(answer, "tolist"):  # a NumPy array
        if getattr(answer, "ndim", 1) != 1 or getattr(answer.dtype, "kind", "") not in "iu":
            raise TypeError(answer)
        answer = answer.tolist()
    if not isinstance(answer, (list, tuple)):
        raise TypeError(answer)
    out = []
    for a in answer:
        if isinstance(a, bool) or not isinstance(a, numbers.Integral):
            raise TypeError(a)
        out.append(int(a))
    return out


@_recorded
def check_word_topics(answer, word_topic: torch.Tensor) -> Verdict:
    """Check a grouping of words into topics against the planted one (labels may be permuted).

    Introduced in notebook 03, section "Latent semantic analysis: finding the planted topics".

    Mistakes recognised: numbers that are not labels (cosines, floats, text); one label per
    document instead of per word (the wrong length); every word in one group; too few or too many
    groups; some words in another group than planted.

    Parameters: answer: one group label per word (list or 1-D tensor of ints); word_topic: the
    planted topic of each word (TopicData.word_topic).
    """
    name = "word topics"
    word_topic = _validate.tensor(word_topic, "word_topic", ndim=1, floating=False)
    if word_topic.is_floating_point():
        raise TypeError(f"word_topic must hold integer labels (dtype {word_topic.dtype} given); "
                        f"pass TopicData.word_topic")
    if _blank(answer):
        return _not_attempted(name)
    truth = [int(t) for t in word_topic]
    topics = len(set(truth))

    def judge():
        try:
            got = _labels(answer)
        except (TypeError, ValueError):
            return _report(name, False, f"expected one whole-number label per word, got {_short(answer)}.",
                           "a label names a group (0, 1, 2, ...): for each word, the index of the group it joins, "
                           "e.g. from .argmax(dim=1), not the similarity itself.")
        if len(got) != len(truth):
            return _report(name, False, f"expected {len(truth)} labels (one per word), got {len(got)}.",
                           "label the words: the columns of the documents × words matrix, the rows of directions.")
        groups = len(set(got))
        if groups == 1 < topics:
            return _report(name, False, "every word is in the same group.",
                           "start from words that point in very different directions, one per topic.")
        if groups != topics:
            return _report(name, False, f"you made {groups} groups; the data has {topics} topics.",
                           "make one group per topic (n_topics of them).")
        pairs = set(zip(got, truth, strict=True))
        if len(pairs) == groups == topics:
            return _report(name, True, f"the {topics} planted word groups are found.")
        wrong = len(got) - sum(max(sum(1 for g, t in zip(got, truth, strict=True) if g == a and t == b)
                                   for b in set(truth)) for a in set(got))
        return _report(name, False, f"about {wrong} word(s) are in a different group than planted.",
                       "choose the starting words so that they point in very different directions (small |cosine| "
                       "with each other), then give each word the group of the start it is most similar to.")

    return _guarded(name, judge)
