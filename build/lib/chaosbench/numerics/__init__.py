"""Numerics and scoring: integration, Lyapunov analysis, datasets, the protocol,
divergences, statistics, evaluation and the row schema. May import `chaosbench.base`."""
