"""Benchmarks (pytest-benchmark): `make bench`; see benchmarks/report.py."""
