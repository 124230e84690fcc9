"""Chaotic systems; importing this package registers them."""

from . import _lorenz as _lorenz  # noqa: F401
