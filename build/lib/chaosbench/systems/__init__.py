"""Chaotic systems; importing this package registers them.

One module per family, named for it; each declares its family as a module-level
``FAMILY = "..."`` (registration reads it into ``cls.family``). Add a system to its
family's module, or add a family: a new module that declares ``FAMILY``, imported here.
"""

from . import _cell_biology as _cell_biology
from . import _chemical as _chemical
from . import _circuits as _circuits
from . import _cyclic as _cyclic
from . import _delay as _delay
from . import _ecology as _ecology
from . import _economics as _economics
from . import _fluid as _fluid
from . import _forced as _forced
from . import _geophysical as _geophysical
from . import _hamiltonian as _hamiltonian
from . import _hyperchaotic as _hyperchaotic
from . import _jerk as _jerk
from . import _lorenz_like as _lorenz_like
from . import _multiscroll as _multiscroll
from . import _neural as _neural
from . import _physics as _physics
from . import _quasiperiodic as _quasiperiodic
from . import _rossler_like as _rossler_like
from . import _spatiotemporal as _spatiotemporal
from . import _sprott as _sprott
