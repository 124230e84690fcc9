"""The composition root's one job: import the plug-in packages so the registries fill."""


def load_plugins() -> None:
    import forecasters  # noqa: F401
    import metrics  # noqa: F401
    import systems  # noqa: F401
