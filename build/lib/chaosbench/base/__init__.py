"""The contracts every layer shares: types, registries, the abstract system, forecaster and
metric, cache paths and hashing, row identity. May import nothing else of chaosbench."""
