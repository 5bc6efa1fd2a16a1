"""Benchmarks, load and fault scripts. Each prints figures; see docs/readme/quality.md."""
