"""Full-text search of dossiers at scale: 10,000 generated entries, each with a dossier of 6–10 thousand
characters of Russian prose and a plan table (bench.generate with `dossiers=True`), on PostgreSQL.

Creates a fresh database on 127.0.0.1:5432, fills it, measures and drops it. Like bench.competition, the
page figures go through the Flask test client with a signed-in staff member (routing, session, policy,
queries, template). Figures:

- dossier_index_10k_seconds — loading the 10,000 entries with their dossiers (COPY), the database computing
  every search vector on the way;
- dossier_search_ms — the staff entry list of the campaign searched for one word that stands only in the
  dossiers of one topic in 40 (an inflected form: «робототехника» finds «робототехники»), first page;
  median of 9;
- dossier_search_matches — how many entries that search finds (checked against the generator: 250 at 10k);
- dossier_search_common_word_ms — the same page for a word that is in every dossier (all 10,000 match):
  the worst case for the count.
"""
from __future__ import annotations

import os
import time
from urllib.parse import quote

from . import add_staff, login, median_time, migrated_app, on_scratch_database

N_ENTRIES = int(os.environ.get("BENCH_ENTRIES", "10000"))
WORD = "робототехника"  # the dossiers say «робототехники»: found through the stem
TOPIC = "робототехники и технического творчества"
COMMON_WORD = "педагогов"
TARGETS = {"dossier_search_ms": 200.0}


def run() -> dict[str, float]:
    return on_scratch_database(_measure, TARGETS)


def _measure(url: str) -> dict[str, float]:
    from sqlalchemy import func, select, text

    from workflow_app.extensions import db
    from workflow_app.services.competition.search import search_entries

    from .generate import TOPICS, generate

    out: dict[str, float] = {}
    app = migrated_app(url, WTF_CSRF_ENABLED=True)
    try:
        with app.app_context():
            add_staff()
            db.session.commit()
            t = time.perf_counter()
            info = generate(N_ENTRIES, experts_per_entry=0, dossiers=True)
            db.session.commit()
            out["dossier_index_10k_seconds"] = time.perf_counter() - t
            db.session.execute(text("ANALYZE"))
            db.session.commit()
            cid = info["campaign_id"]
            found = db.session.execute(
                select(func.count()).select_from(search_entries(WORD, cid).subquery())).scalar_one()
            expected = len(range(TOPICS.index(TOPIC), N_ENTRIES, len(TOPICS)))
            assert found == expected, f"«{WORD}» found {found} entries, the generator wrote it into {expected}"
            db.session.remove()

        client = app.test_client()
        login(client, "bench-staff@example.org")
        for key, word in (("dossier_search_ms", WORD), ("dossier_search_common_word_ms", COMMON_WORD)):
            page_url = f"/entries/campaign/{cid}?q={quote(word)}"
            page = client.get(page_url).get_data(as_text=True)  # warm: templates, plans, caches
            assert page.count("data-entry=") > 0, f"the list searched for «{word}» shows no entry"
            out[key] = 1000 * median_time(lambda u=page_url: client.get(u), n=9)
            if key == "dossier_search_ms":
                out["dossier_search_matches"] = found
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return out
