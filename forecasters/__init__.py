"""Forecasters; importing this package registers them.

One module per family; add a family by importing it here. The families share one private
toolkit, one module per piece, so that a model keeps only what makes it itself:

- `_training`: the one optax training loop (``lax.scan``, vmappable over seeds, optional
  skipping of non-finite steps and checkpoint selection by a score) and `sample_windows`.
- `_ridge`: the one ridge (Tikhonov least-squares) solve.
- `_features`: the delay embedding and the polynomial feature map.
- `_sequence`: increment-target training of the sequence models (S4D, S5, Mamba,
  transformer).
- `_ssm`: the base of the state-space models; S4D, S5 and Mamba supply only their block.
- `_teacher_forcing`: (generalized/sparse) teacher forcing and the base of the PLRNN
  family (shPLRNN, AL-RNN).
- `_gtf`: the generalized-teacher-forcing α (Jacobian spectral norms, the product
  upper bound rule, annealing).

``min_context`` (the fewest context rows ``forecast`` accepts) follows one rule: a
property when it follows from other hyperparameters (the delay span of NG-RC, EDMD and
the linear model, the transformer's window); a static field when it is a hyperparameter
of its own (the warm-up rows of the ESNs, SSMs and PLRNNs: it is in their run ids);
``AbstractForecaster``'s default of 1 when any context will do.
"""

from . import _alrnn as _alrnn
from . import _analogues as _analogues
from . import _baselines as _baselines
from . import _dynamix as _dynamix
from . import _esn as _esn
from . import _koopman as _koopman
from . import _linear as _linear
from . import _mamba as _mamba
from . import _neural_ode as _neural_ode
from . import _ngrc as _ngrc
from . import _plrnn as _plrnn
from . import _s4d as _s4d
from . import _s5 as _s5
from . import _transformer as _transformer
from ._alrnn import symbolic_code as symbolic_code
