"""Benchmarks: every module in this package exposes `run() -> dict[str, float]`."""
