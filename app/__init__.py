"""The composition root: the `xgov` command line, the demo, wiring of adapters to the core."""
