"""Benchmarks behind `make bench`: each section returns rows for one printed table."""
