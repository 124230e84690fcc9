"""Chaotic systems; importing this package registers them.

One module per family; add a family by importing it here.
"""

from . import _cyclic as _cyclic
from . import _lorenz as _lorenz
from . import _rossler as _rossler
