"""Chaotic systems; importing this package registers them.

One module per family; add a family by importing it here.
"""

from . import _atmosphere_a as _atmosphere_a
from . import _cell_biology_a as _cell_biology_a
from . import _chemical_a as _chemical_a
from . import _circuits_a as _circuits_a
from . import _cyclic as _cyclic
from . import _cyclic_b as _cyclic_b
from . import _delay as _delay
from . import _ecology_a as _ecology_a
from . import _ecology_b as _ecology_b
from . import _fluid_a as _fluid_a
from . import _fluid_b as _fluid_b
from . import _forced_a as _forced_a
from . import _geophysical_b as _geophysical_b
from . import _hyperchaotic_a as _hyperchaotic_a
from . import _hyperchaotic_b as _hyperchaotic_b
from . import _jerk_a as _jerk_a
from . import _kuramoto_sivashinsky as _kuramoto_sivashinsky
from . import _lorenz as _lorenz
from . import _lorenz_like_b as _lorenz_like_b
from . import _mechanical_b as _mechanical_b
from . import _mechanics_a as _mechanics_a
from . import _multiscroll_b as _multiscroll_b
from . import _neural_a as _neural_a
from . import _physics_b as _physics_b
from . import _quadratic_a as _quadratic_a
from . import _quasiperiodic_b as _quasiperiodic_b
from . import _rossler as _rossler
from . import _sprott_b as _sprott_b
