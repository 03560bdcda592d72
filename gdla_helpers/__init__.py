"""gdla_helpers: the companion package of the course Gradient Descent Linear Algebra.

Import it as ``import gdla_helpers as gh``. Importing prints nothing, changes no renderer or
default and uses no network; its one effect is on the interpreter's exit (``_exit``). Each module
owns one idea:

- ``losses``: mse and the residual/error measures.
- ``plotting``: plotly figures (returned, never shown).
- ``checks``: exercise self-checks (``check_*``).
- ``gd``: the generic gradient-descent loop (``minimize``) and the theory of its speed.
- ``matrices``: test matrices of chosen size and condition number.
- ``inverse``: the inverse and pseudo-inverse by gradient descent (wrappers around ``minimize``).
- ``data``: seeded example data (documents × words matrices with planted topics).
- ``graph``: autograd's computation graph as plain data (``autograd_graph``).
- ``lessons``: the list of lessons (files, titles, budgets) and their parameters' ranges.
- ``svd``: the SVD by gradient descent, gathered from three modules by idea: ``svd_source`` (the
  source's recipe and its shipped baseline), ``svd_methods`` (the hybrid and the pure method that
  work) and ``svd_measures`` (the error measures and the fair comparison with torch.linalg.svd).
- ``heavy_ball_map``: the momentum picture (where heavy ball diverges, oscillates or is monotone; its rate).
- ``counting``: comparing measured with predicted iteration counts, and counting many runs at once.
- ``randomized``: the randomised SVD by hand (range finder, oversampling, power iterations).
- ``datasets``: real data shipped with the package (a photograph, a text corpus) and PNG pictures.
- ``_validate``: the one way every helper checks its input (the rules are in its docstring).
- ``_exit``: a kernel that has loaded torch skips the last garbage collection at exit (1-2 s).
"""

from . import (  # noqa: F401
           _exit,  # registers gc.freeze at exit (see its docstring)
           checks,
           counting,
           data,
           datasets,
           gd,
           graph,
           heavy_ball_map,
           inverse,
           lessons,
           losses,
           matrices,
           plotting,
           randomized,
           svd,
           svd_measures,
           svd_methods,
           svd_source,
)
from .checks import *  # noqa: F403
from .counting import *  # noqa: F403
from .data import *  # noqa: F403
from .datasets import *  # noqa: F403
from .gd import *  # noqa: F403
from .graph import *  # noqa: F403
from .heavy_ball_map import *  # noqa: F403
from .inverse import *  # noqa: F403
from .lessons import *  # noqa: F403
from .losses import *  # noqa: F403
from .matrices import *  # noqa: F403
from .plotting import *  # noqa: F403
from .randomized import *  # noqa: F403
from .svd import *  # noqa: F403

__version__ = "0.1.0"

# The public API. tests/test_api.py pins it: a rename must keep the old name as an alias.
__all__ = [*losses.__all__, *plotting.__all__, *checks.__all__, *data.__all__, *gd.__all__, *graph.__all__,
           *matrices.__all__, *inverse.__all__, *svd.__all__, *lessons.__all__, *counting.__all__,
           *randomized.__all__, *heavy_ball_map.__all__, *datasets.__all__]

from . import checks_01  # noqa: E402  (notebook 01's check on curvature)
from .checks_01 import *  # noqa: E402, F403

__all__ += checks_01.__all__

from . import checks_02  # noqa: E402  (notebook 02's predict-first checks)
from .checks_02 import *  # noqa: E402, F403

__all__ += checks_02.__all__
