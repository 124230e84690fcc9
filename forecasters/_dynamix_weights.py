"""Where dynamix-v1's pretrained weights come from: the file named by the user (an
environment variable, or the CLI's ``run --dynamix-weights``), its digest (part of the
forecaster's identity) and the error that names the file and where to get it. The
weights are the authors' (GPL-3.0): chaosbench never ships or downloads them."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

WEIGHTS_FILE = "dynamix-3d-alrnn-v1.0.bson"
WEIGHTS_ENV = "CHAOSBENCH_DYNAMIX_WEIGHTS"
WEIGHTS_SOURCE = (
    "the models/ folder of https://github.com/DurstewitzLab/DynaMix-julia (GPL-3.0, so "
    "chaosbench does not ship it)"
)
MISSING = "missing"  # the digest of a forecaster built without a readable weights file


class DynaMixWeightsError(FileNotFoundError):
    """The DynaMix weights file is not configured, missing, unreadable, or changed."""


def set_weights_path(path: str | os.PathLike) -> None:
    """Use the DynaMix weights file at ``path`` (sets ``CHAOSBENCH_DYNAMIX_WEIGHTS``, so
    worker processes started afterwards see it too), as the CLI's ``run --dynamix-weights``
    does."""
    os.environ[WEIGHTS_ENV] = str(Path(path).expanduser().resolve())


def _missing(reason: str) -> DynaMixWeightsError:
    return DynaMixWeightsError(
        f"dynamix-v1 needs the pretrained weights file {WEIGHTS_FILE} ({reason}). Get it "
        f"from {WEIGHTS_SOURCE}, then set {WEIGHTS_ENV}=/path/to/{WEIGHTS_FILE} (or pass "
        "--dynamix-weights PATH to chaosbench run)"
    )


def weights_path() -> Path:
    """The configured weights file; :class:`DynaMixWeightsError` if unset or missing."""
    value = os.environ.get(WEIGHTS_ENV, "")
    if not value:
        raise _missing(f"{WEIGHTS_ENV} is not set")
    path = Path(value).expanduser()
    if not path.is_file():
        raise _missing(f"{WEIGHTS_ENV}={value} is not a file")
    return path


def weights_digest() -> str:
    """sha256 of the configured weights file, or ``"missing"``."""
    try:
        return hashlib.sha256(weights_path().read_bytes()).hexdigest()
    except (DynaMixWeightsError, OSError):
        return MISSING
