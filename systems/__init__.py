"""Chaotic systems; importing this package registers them.

One module per family; add a family by importing it here.
"""

from . import _cyclic as _cyclic
from . import _lorenz as _lorenz
from . import _rossler as _rossler
from . import _sprott_b as _sprott_b
from . import _lorenz_like_b as _lorenz_like_b
from . import _multiscroll_b as _multiscroll_b
from . import _hyperchaotic_b as _hyperchaotic_b
from . import _geophysical_b as _geophysical_b
from . import _physics_b as _physics_b
from . import _mechanical_b as _mechanical_b
from . import _fluid_b as _fluid_b
from . import _ecology_b as _ecology_b
from . import _cyclic_b as _cyclic_b
from . import _quasiperiodic_b as _quasiperiodic_b
