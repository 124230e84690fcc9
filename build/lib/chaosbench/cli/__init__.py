"""The command line (`chaosbench ...`). May import every layer; nothing imports it."""
