"""Benchmarks of xgov (not part of the installed package): run them with the project's virtualenv."""
