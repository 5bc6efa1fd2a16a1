"""Benchmarks, load and fault scripts. Each prints figures; see the README, "Load, faults and benchmarks"."""
