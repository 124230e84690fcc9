"""chaosbench: a JAX benchmark suite for forecasting chaotic dynamical systems."""

import jax as _jax

_jax.config.update("jax_enable_x64", True)

from ._api import (  # noqa: E402
    MalformedSystemError as MalformedSystemError,
    get_forecaster as get_forecaster,
    get_metric as get_metric,
    get_system as get_system,
    list_forecasters as list_forecasters,
    list_metrics as list_metrics,
    list_systems as list_systems,
    register_forecaster as register_forecaster,
    register_metric as register_metric,
    register_system as register_system,
)
from ._forecaster import (  # noqa: E402
    AbstractForecaster as AbstractForecaster,
    MalformedForecasterError as MalformedForecasterError,
)
from ._integrate import (  # noqa: E402
    IntegratorSettings as IntegratorSettings,
    advance_batch as advance_batch,
    sample_batch as sample_batch,
)
from ._lyapunov import (  # noqa: E402
    dominant_period as dominant_period,
    lyapunov_spectrum as lyapunov_spectrum,
    lyapunov_spectrum_batch as lyapunov_spectrum_batch,
)
from ._metric import Metric as Metric, ScoringFacts as ScoringFacts  # noqa: E402
from ._registry import (  # noqa: E402
    DuplicateIdError as DuplicateIdError,
    RegistryError as RegistryError,
    UnknownIdError as UnknownIdError,
)
from ._system import AbstractSystem as AbstractSystem  # noqa: E402

__version__ = "0.1.0"
from ._dataset import Dataset as Dataset, DatasetSpec as DatasetSpec  # noqa: E402
from ._dataset import make_dataset as make_dataset  # noqa: E402
from ._evaluate import score as score  # noqa: E402
from ._facts import FactsSettings as FactsSettings, get_facts as get_facts  # noqa: E402
from ._protocol import TASKS as TASKS, Protocol as Protocol, Task as Task  # noqa: E402
from ._suite import SUITES as SUITES, Suite as Suite  # noqa: E402
