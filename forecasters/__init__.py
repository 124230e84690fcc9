"""Forecasters; importing this package registers them.

One module per family; add a family by importing it here.
"""

from . import _alrnn as _alrnn
from . import _analogues as _analogues
from . import _baselines as _baselines
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
