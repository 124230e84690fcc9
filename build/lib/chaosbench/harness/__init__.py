"""The harness: plug-in loading, suites, plans and run ids, execution, backends, the store
of rows, the runner and external scoring. May import `base`, `numerics` and `catalogue`."""
