"""Metrics; importing this package registers them."""

from chaosbench import binned_kl as binned_kl
from chaosbench import gmm_kl as gmm_kl

from . import _attractor as _attractor
from . import _lyapunov as _lyapunov
from . import _short_term as _short_term
from ._attractor import (
    hellinger_spectrum_distance as hellinger_spectrum_distance,
)
from ._attractor import (
    state_space_divergence as state_space_divergence,
)
from ._lyapunov import lyapunov_relative_error as lyapunov_relative_error
from ._short_term import (
    normalised_error as normalised_error,
)
from ._short_term import (
    nrmse_at as nrmse_at,
)
from ._short_term import (
    smape_at as smape_at,
)
from ._short_term import (
    valid_prediction_periods as valid_prediction_periods,
)
from ._short_term import (
    valid_prediction_time as valid_prediction_time,
)
