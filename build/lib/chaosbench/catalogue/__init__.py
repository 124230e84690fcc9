"""The catalogue's facts: computed invariants, the facts table, the chaos check, the
two-trajectory confirmations and the leak probe. May import `base` and `numerics`."""
