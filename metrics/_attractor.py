"""Long-term attractor fidelity: state-space divergence and power-spectrum distance.

Both compare a long free-running forecast with a long true trajectory and do not depend
on their phase alignment.

**References:**

- M. Brenner, F. Hess, J. Mikhaeil, L. Bereska, Z. Monfared, P.-C. Kuo, D. Durstewitz.
  Tractable dendritic RNNs for reconstructing nonlinear dynamical systems. ICML 2022
  (D_stsp by binning, D_H).
- J. Mikhaeil, Z. Monfared, D. Durstewitz. On the difficulty of learning chaotic dynamics
  with RNNs. NeurIPS 2022 (Gaussian-mixture D_stsp for high dimension).
- F. Hess, Z. Monfared, M. Brenner, D. Durstewitz. Generalized teacher forcing for
  learning chaotic dynamics. ICML 2023.
"""

from chaosbench import ScoringFacts, attractor_divergence, register_metric, spectrum_distance


def state_space_divergence(forecast, truth, facts: ScoringFacts):
    """D_stsp on z-scored states: binned KL for dim ≤ 3, Gaussian-mixture KL above."""
    zf = (forecast - facts.mean) / facts.std
    zt = (truth - facts.mean) / facts.std
    return attractor_divergence(zf, zt)


def hellinger_spectrum_distance(forecast, truth, facts: ScoringFacts):
    """D_H: Hellinger distance of smoothed power spectra, averaged over dimensions
    (:func:`chaosbench.spectrum_distance`)."""
    del facts
    return spectrum_distance(forecast, truth)


# Registered in this order, the leaderboard shows D_stsp, then D_H (then the λ error).
# Each is normalised by its truth floor (the same distance between two independent true
# long runs, stored in the system's facts); D_stsp's normalised value decides whether a
# bounded free run is on the attractor.
register_metric(
    "d_stsp-v1",
    direction="lower",
    kind="long",
    name="D_stsp",
    description="state-space divergence (lower ok)",
    per_system=True,
    floor="attractor_divergence",
    attractor=True,
)(state_space_divergence)
register_metric(
    "d_h-v1",
    direction="lower",
    kind="long",
    failure=1.0,
    name="D_H",
    description="power-spectrum Hellinger distance (0–1)",
    floor="spectrum_distance",
)(hellinger_spectrum_distance)
