"""Benchmarks: every module in this package exposes `run() -> dict[str, float]`."""
from __future__ import annotations


def with_targets(figures: dict, targets: dict) -> dict:
    """Figures in their order, each followed by `<name>_target` and `<name>_vs_target` (≤ 1 is met)."""
    out: dict = {}
    for name, value in figures.items():
        out[name] = value
        target = targets.get(name)
        if target is not None:
            out[f"{name}_target"] = target
            out[f"{name}_vs_target"] = float(value) / target if target else float("inf")
    return out
