"""`python -m bench`: run every benchmark module in this package, print `name: value` lines.

Add a benchmark by adding a module here with `run() -> dict[str, float]`; modules run in name
order. `python -m bench documents` runs only the named modules.
"""
from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    here = Path(__file__).resolve().parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_"))
    if argv:
        unknown = set(argv) - set(names)
        if unknown:
            print(f"unknown benchmark module(s): {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        names = [n for n in names if n in argv]
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        for key, value in module.run().items():
            print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
