"""Metrics; importing this package registers them."""

from . import _attractor as _attractor
from . import _short_term as _short_term
from ._attractor import (
    binned_kl as binned_kl,
    gmm_kl as gmm_kl,
    hellinger_spectrum_distance as hellinger_spectrum_distance,
    state_space_divergence as state_space_divergence,
)
from ._short_term import (
    nrmse_at as nrmse_at,
    normalised_error as normalised_error,
    smape_at as smape_at,
    valid_prediction_time as valid_prediction_time,
)
