"""Reference data shipped with the package: the krai's municipalities."""
from __future__ import annotations

import csv
from importlib import resources

from sqlalchemy import select

from ...extensions import db
from ...models import Municipality


def municipality_rows() -> list[dict]:
    with resources.files("workflow_app.data").joinpath("municipalities.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def load_municipalities() -> int:
    """Insert missing municipalities, update names of existing codes. Returns how many were added."""
    existing = {m.code: m for m in db.session.execute(select(Municipality)).scalars()}
    added = 0
    for row in municipality_rows():
        m = existing.get(row["code"])
        if m is None:
            db.session.add(Municipality(code=row["code"], name=row["name"], kind=row["kind"]))
            added += 1
        else:
            m.name, m.kind = row["name"], row["kind"]
    db.session.flush()
    return added
