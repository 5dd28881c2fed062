"""Import every module of a package, so areas register themselves without a shared list to edit."""
from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def import_submodules(package: ModuleType, prefix: str = "") -> list[ModuleType]:
    out = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_") or not info.name.startswith(prefix):
            continue
        out.append(importlib.import_module(f"{package.__name__}.{info.name}"))
    return out
