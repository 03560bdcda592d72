"""The course's lessons in one place: files, titles, budgets, and the parameters a learner may change.

Everything that lists the lessons (navigation, tests, the site, the README check) reads ``LESSONS``;
adding a lesson is one entry here. Each lesson's parameters cell is checked by ``check_parameters``
in the cell right after it, against the ranges declared here, so that a value outside the range
stops the notebook at once with one clear ``ValueError`` instead of a confusing error far below.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from . import _validate

# Only check_parameters is used in the notebooks; the manifest is read as gdla_helpers.lessons.LESSONS.
__all__ = ["check_parameters"]

SEED_MAX = 2**63 - 1  # torch.manual_seed accepts any seed up to 2^64 − 1; we keep to int64


@dataclass(frozen=True)
class Parameter:
    """One value of a lesson's parameters cell: its type, default and allowed range.

    kind is "int", "float", "choice" or "shape"; low/high bound numbers (and each side of a shape);
    ``log`` marks a float whose natural sweep is on a log scale (a tolerance); ``text`` is the range
    as the parameters cell's comment states it.
    """

    name: str
    kind: str
    default: object
    low: float | None = None
    high: float | None = None
    choices: tuple = ()
    text: str = ""
    log: bool = False


@dataclass(frozen=True)
class Lesson:
    """A notebook of the course: where it lives, what it is called and what it may cost."""

    number: str
    file: str
    title: str
    time_budget_s: float  # native nbconvert run, kernel start included
    size_budget_kb: int  # the stored notebook
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)

    @property
    def defaults(self) -> dict[str, object]:
        return {p.name: p.default for p in self.parameters}


def _seed(default: int) -> Parameter:
    return Parameter("seed", "int", default, 0, SEED_MAX, text="any integer from 0 to 2**63 - 1")


LESSONS: tuple[Lesson, ...] = (
    Lesson("01", "01_tensors_and_autograd.ipynb", "01 · Tensors, matrix products and autograd", 12, 450, (
        _seed(0),
        Parameter("n_documents", "int", 20, 2, 200, text="2 to 200"),
        Parameter("n_words", "int", 12, 2, 200, text="2 to 200"),
        Parameter("n_topics", "int", 3, 1, 10, text="1 to 10, at most n_documents and n_words"),
        *(Parameter(name, "float", value, -10.0, 10.0, text="-10 to 10")
          for name, value in (("m11", 1.5), ("m12", 2.0), ("m21", 0.5), ("m22", 1.0))),
        Parameter("curvature", "float", 4.0, 0.1, 100.0, log=True, text="0.1 to 100"),
        Parameter("step_size", "float", 0.4, 1e-3, 10.0, log=True, text="0.001 to 10"),
    )),
    Lesson("02", "02_matrix_inverse_gd.ipynb", "02 · The matrix inverse by gradient descent", 20, 700, (
        Parameter("n", "int", 4, 2, 64, text="2 to 64 (2 to 8 with kind 'rand')"),
        _seed(314),
        Parameter("kind", "choice", "rand", choices=("rand", "condition"),
                  text="'rand' (torch.rand, as in the source) or 'condition' (condition number kappa)"),
        Parameter("kappa", "float", 20.0, 1.0, 100.0, text="1 to 100, used with kind 'condition'"),
        Parameter("tol", "float", 1e-6, 1e-10, 1e-3, log=True, text="1e-10 to 1e-3"),
    )),
    Lesson("03", "03_svd_gd.ipynb", "03 · The SVD by gradient descent", 25, 1000, (
        Parameter("shape", "shape", (50, 30), 1, 200,
                  text="(m, n), each 1 to 200 and the smaller at most 100: tall, wide or square"),
        _seed(0),
        Parameter("rank", "int", 5, 1, 100, text="1 to 100, lowered to min(shape) when larger"),
    )),
)


def lesson(key: str) -> Lesson:
    """The lesson whose number ("02"), file name or stem is key."""
    for item in LESSONS:
        if key in (item.number, item.file, item.file.removesuffix(".ipynb")):
            return item
    known = ", ".join(item.number for item in LESSONS)
    raise ValueError(f"key = {key!r} names no lesson: the lessons are {known} (or their file names)")


def _range_error(p: Parameter, value, extra: str = "") -> ValueError:
    return ValueError(f"{p.name} = {value!r} is outside the allowed range: {p.name} must be {p.text}"
                      f"{extra}. Change it in the parameters cell (the default is {p.default!r}).")


def _number(p: Parameter, value):
    """A parameter number, text such as "1e-3" accepted; ValueError naming the range otherwise."""
    integer = p.kind == "int"
    try:
        got = _validate.number(value, p.name, integer=integer, text=True)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{error}. {p.name} must be {p.text}; change it in the parameters cell "
                         f"(the default is {p.default!r}).") from None
    if not p.low <= got <= p.high:
        raise _range_error(p, value)
    return got


def _shape(p: Parameter, value) -> tuple[int, int]:
    """A shape (m, n) from a tuple, a list, or text such as "30, 50", "(30, 50)" or "30x50"."""
    parts = value
    if isinstance(value, str):
        cleaned = value.strip().strip("()[]").lower().replace("×", ",").replace("x", ",")
        parts = [s for s in (t.strip() for t in cleaned.split(",")) if s]
    try:
        parts = list(parts)
    except TypeError:
        raise ValueError(f"{p.name} must be two sizes such as (50, 30), got {value!r}; "
                         f"{p.name} must be {p.text}") from None
    if len(parts) != 2:
        raise ValueError(f"{p.name} must be two sizes (m, n) such as (50, 30), got {value!r}; "
                         f"{p.name} must be {p.text}")
    side = Parameter(p.name, "int", p.default, p.low, p.high, text=p.text)
    try:
        m, n = (_number(side, s) for s in parts)
    except ValueError as error:  # name the whole shape, not the one side that failed
        raise _range_error(p, value, f" (each side must be a whole number from {p.low} to {p.high})") from error
    if min(m, n) > 100:
        raise _range_error(p, value, f" (the smaller side of {m}×{n} is above 100)")
    return m, n


def _one(p: Parameter, value):
    if p.kind == "choice":
        if not isinstance(value, str) or value.strip() not in p.choices:
            raise ValueError(f"{p.name} = {value!r} is not allowed: {p.name} must be {p.text}. Change it "
                             f"in the parameters cell (the default is {p.default!r}).")
        return value.strip()
    if p.kind == "shape":
        return _shape(p, value)
    return _number(p, value)


def check_parameters(lesson_key: str, **values) -> tuple:
    """Check a lesson's parameters; return them converted, in the order given.

    Introduced in notebook 01, section "Parameters you may change".

    Every value must lie in the range that lessons.LESSONS declares (and the parameters cell states);
    numbers given as text ("1e-3") and shapes given as lists or text are converted. A value that can
    adapt instead of being refused (a rank larger than the shape allows) adapts, with one printed
    line saying so. Anything else raises one ValueError naming the allowed range.
    """
    spec = {p.name: p for p in lesson(lesson_key).parameters}
    unknown = [name for name in values if name not in spec]
    missing = [name for name in spec if name not in values]
    if unknown or missing:
        raise TypeError(f"check_parameters({lesson_key!r}, ...) takes exactly {', '.join(spec)}; "
                        f"unknown: {unknown or 'none'}, missing: {missing or 'none'}")
    got = {name: _one(spec[name], value) for name, value in values.items()}
    _dependent_rules(lesson(lesson_key).number, got)
    return tuple(got.values())


KAPPA_MAX_01 = 1e6  # lesson 01's 2×2 matrix M: the largest condition number allowed


def _condition_2x2(a: float, b: float, c: float, d: float) -> float:
    """κ = σ1/σ2 of [[a, b], [c, d]] in closed form (inf when singular): σ1² + σ2² = a² + b² + c² + d², σ1σ2 = |ad − bc|."""
    total, det = a * a + b * b + c * c + d * d, abs(a * d - b * c)
    if det == 0:
        return math.inf
    sigma1_sq = (total + math.sqrt(max(total * total - 4 * det * det, 0.0))) / 2
    return sigma1_sq / det  # σ1/σ2 = σ1²/(σ1σ2)


def _dependent_rules(number: str, got: dict) -> None:
    """Rules that tie two parameters together (adapting where a value can adapt)."""
    if number == "01":
        n_topics = got["n_topics"]
        if n_topics > min(got["n_documents"], got["n_words"]):
            raise ValueError(f"n_topics = {n_topics} is larger than n_documents = {got['n_documents']} or "
                             f"n_words = {got['n_words']}: each topic needs at least one document and one "
                             f"word. Lower n_topics or raise the other two in the parameters cell.")
        kappa = _condition_2x2(got["m11"], got["m12"], got["m21"], got["m22"])
        if not kappa <= KAPPA_MAX_01:
            raise ValueError(f"M = [[{got['m11']:g}, {got['m12']:g}], [{got['m21']:g}, {got['m22']:g}]] is "
                             f"singular or nearly so (determinant {got['m11'] * got['m22'] - got['m12'] * got['m21']:.3g}, "
                             f"κ = {kappa:.3g}): its smallest singular value is (almost) 0, and section 6 "
                             f"divides by it. Change an entry in the parameters cell so that κ is at most "
                             f"1e6 (the default M is [[1.5, 2], [0.5, 1]]).")
    if number == "02" and got["kind"] == "rand" and got["n"] > 8:
        raise ValueError(f"n = {got['n']} is too large for kind = 'rand': torch.rand matrices above 8×8 are "
                         f"so badly conditioned that the runs below take minutes. Use n from 2 to 8 with "
                         f"kind 'rand', or kind = 'condition' (n from 2 to 64, kappa from 1 to 100).")
    if number == "03" and got["rank"] > min(got["shape"]):
        smaller = min(got["shape"])
        print(f"rank = {got['rank']} is larger than min(shape) = {smaller}, the most singular values a "
              f"{got['shape'][0]}×{got['shape'][1]} matrix has: using rank = {smaller}.")
        got["rank"] = smaller
