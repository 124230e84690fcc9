"""chaosbench: a JAX benchmark suite for forecasting chaotic dynamical systems.

Importing it changes nothing in the host program: no environment variables, no JAX
configuration. Its data, facts, fit, forecast and score functions switch float64 on for
their own work; a program that computes benchmark rows calls :func:`configure` (thread
settings and global x64, as the ``chaosbench`` command does) and
:func:`load_plugins` (the registries) at its entry.
"""

from ._version import __version__ as __version__
from .base._api import MalformedSystemError as MalformedSystemError
from .base._api import get_forecaster as get_forecaster
from .base._api import get_metric as get_metric
from .base._api import get_system as get_system
from .base._api import list_forecasters as list_forecasters
from .base._api import list_metrics as list_metrics
from .base._api import list_systems as list_systems
from .base._api import register_forecaster as register_forecaster
from .base._api import register_metric as register_metric
from .base._api import register_system as register_system
from .base._cache import enable_compilation_cache as enable_compilation_cache
from .base._forecaster import AbstractForecaster as AbstractForecaster
from .base._forecaster import MalformedForecasterError as MalformedForecasterError
from .base._forecaster import has_state as has_state
from .base._metric import Metric as Metric
from .base._metric import ScoringFacts as ScoringFacts
from .base._registry import DuplicateIdError as DuplicateIdError
from .base._registry import RegistryError as RegistryError
from .base._registry import UnknownIdError as UnknownIdError
from .base._search import SearchSpace as SearchSpace
from .base._search import SearchSpaceError as SearchSpaceError
from .base._spec import ForecasterSpec as ForecasterSpec
from .base._spec import SpecError as SpecError
from .base._stepped import AbstractSteppedSystem as AbstractSteppedSystem
from .base._system import AbstractSystem as AbstractSystem
from .catalogue._coordinate_floors import observed_facts as observed_facts
from .catalogue._facts import FactsSettings as FactsSettings
from .catalogue._facts import get_facts as get_facts
from .catalogue._facts import kaplan_yorke_dimension as kaplan_yorke_dimension
from .catalogue._independence import check_independence as check_independence
from .harness._plugins import load_plugins as load_plugins
from .harness._suite import SUITES as SUITES
from .harness._suite import Suite as Suite
from .harness._suite import SuiteError as SuiteError
from .harness._suite import get_suite as get_suite
from .harness._suite import load_suite as load_suite
from .harness._threads import configure as configure
from .numerics._dataset import Dataset as Dataset
from .numerics._dataset import DatasetSpec as DatasetSpec
from .numerics._dataset import make_dataset as make_dataset
from .numerics._divergence import attractor_divergence as attractor_divergence
from .numerics._divergence import binned_kl as binned_kl
from .numerics._divergence import gmm_kl as gmm_kl
from .numerics._divergence import spectrum_distance as spectrum_distance
from .numerics._evaluate import ForecastShapeError as ForecastShapeError
from .numerics._evaluate import fit_seed as fit_seed
from .numerics._evaluate import fit_seeds as fit_seeds
from .numerics._evaluate import fit_slots as fit_slots
from .numerics._evaluate import forecast_windows as forecast_windows
from .numerics._evaluate import score as score
from .numerics._evaluate import score_forecasts as score_forecasts
from .numerics._integrate import IntegratorSettings as IntegratorSettings
from .numerics._integrate import advance_batch as advance_batch
from .numerics._integrate import burn_in_and_sample_batch as burn_in_and_sample_batch
from .numerics._integrate import sample_batch as sample_batch
from .numerics._lyapunov import dominant_period as dominant_period
from .numerics._lyapunov import lyapunov_spectrum as lyapunov_spectrum
from .numerics._lyapunov import lyapunov_spectrum_batch as lyapunov_spectrum_batch
from .numerics._protocol import TASKS as TASKS
from .numerics._protocol import Protocol as Protocol
from .numerics._protocol import Task as Task
from .numerics._protocol import sampling_interval as sampling_interval
from .numerics._system_two_trajectory import system_lyapunov as system_lyapunov
from .numerics._system_two_trajectory import system_lyapunov_batch as system_lyapunov_batch
from .numerics._task import TaskError as TaskError
from .numerics._task import get_task as get_task
from .numerics._task import task_name as task_name
from .numerics._tuner import tune as tune
from .numerics._tuner import tune_dataset as tune_dataset
from .numerics._tuner import tune_many as tune_many
from .numerics._tuning import Budget as Budget
from .numerics._tuning import Problem as Problem
from .numerics._tuning import TuningResult as TuningResult
from .numerics._two_trajectory import benettin as benettin
from .numerics._two_trajectory import forecaster_lyapunov as forecaster_lyapunov
from .numerics._two_trajectory import lyapunov_schedule as lyapunov_schedule
from .numerics._two_trajectory import two_trajectory_lyapunov as two_trajectory_lyapunov
