"""Benchmarks behind `invoke bench` (results in docs/performance.md)."""
