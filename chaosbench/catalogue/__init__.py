"""The catalogue's facts: computed invariants, the facts table, the chaos check, the
two-trajectory confirmations, the leak probe and the independence check of datasets. May
import `base` and `numerics`."""
