"""The lifecycle pictures (SVG drawn by Graphviz at build time, committed) are current and safe to show."""
from __future__ import annotations

import re
import warnings

import pytest

from workflow_app import docs_gen
from workflow_app.extensions import db
from workflow_app.machines.base import Lifecycle
from workflow_app.models import Role

from .factories import make_campaign, make_user
from .helpers import login

LIFECYCLES = sorted(Lifecycle.registry)


def _committed(name: str) -> str:
    path = docs_gen.SVG_DIR / f"{name}.svg"
    assert path.is_file(), f"{path} is missing: run make diagrams"
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", LIFECYCLES)
def test_committed_picture_is_drawn_from_the_current_lifecycle(name):
    lc = Lifecycle.registry[name]
    svg = _committed(name)
    assert docs_gen.committed_digest(svg) == docs_gen.source_digest(lc), \
        f"static/lifecycles/{name}.svg is out of date: run make diagrams"
    texts = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    for state in lc.states:
        assert state.value in texts
    for t in lc.transitions.values():
        assert all(word in texts for word in t.label.split()), t.label


@pytest.mark.parametrize("name", LIFECYCLES)
def test_picture_has_no_inline_style_or_script(name):
    svg = _committed(name)
    assert "<svg " in svg
    assert not re.search(r"\sstyle\s*=|<style|<script|\son\w+\s*=|javascript:", svg, re.I)


def test_graphviz_draws_the_committed_pictures():
    if not docs_gen.dot_available():
        warnings.warn("Graphviz `dot` is not installed: the pictures were checked by digest only", stacklevel=1)
        pytest.skip("!!! Graphviz `dot` is not installed (make diagrams installs it): redrawing not checked")
    for name in LIFECYCLES:
        assert docs_gen.lifecycle_svg(Lifecycle.registry[name]) == _committed(name), name


def test_campaign_page_shows_the_lifecycle_as_a_picture(app, client):
    with app.app_context():
        make_user("staff@x.ru", Role.staff)
        cid = make_campaign().id
        db.session.commit()
    login(client, "staff@x.ru")
    page = client.get(f"/campaigns/{cid}").get_data(as_text=True)
    img = re.search(r'<img[^>]*data-testid="lifecycle-diagram"[^>]*>', page)
    assert img and 'src="/static/lifecycles/campaign.svg"' in img.group(0)
    assert "Черновик" in img.group(0)          # the alt text names the states
    assert "stateDiagram" not in page          # not its source text
    resp = client.get("/static/lifecycles/campaign.svg")
    assert resp.status_code == 200 and resp.mimetype == "image/svg+xml"
    assert "Черновик" in resp.get_data(as_text=True)
