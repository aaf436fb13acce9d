"""Benchmarks: synthetic big clusters served lazily (generate.py) and the runner behind `make bench` (run.py)."""
