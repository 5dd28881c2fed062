"""Rich text of dossier sections: a small safe subset of HTML, cleaned on the server with nh3.

Whatever the browser (or a hand-made POST) sends, only these tags survive; links keep http/https/mailto
addresses only and get rel="noopener". Plain text typed without the JS editor becomes paragraphs.
"""
from __future__ import annotations

import html
import re

import nh3
from markupsafe import Markup

TAGS = {"p", "br", "ul", "ol", "li", "b", "strong", "i", "em", "a"}
ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}

_TAG = re.compile(r"<[a-zA-Z/!]")
_BLOCK_END = re.compile(r"(?i)<\s*(/p|br\s*/?|/li|/ul|/ol)\s*>")
_BLANK = re.compile(r"\n\s*\n+")


def sanitize(raw: str | None) -> str:
    """Clean user HTML to the allowed subset; text without any tag is turned into paragraphs."""
    raw = (raw or "").replace("\r\n", "\n").strip()
    if not raw:
        return ""
    if not _TAG.search(raw):
        raw = _paragraphs(raw)
    cleaned = nh3.clean(raw, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                        link_rel="noopener", strip_comments=True).strip()
    return "" if not to_text(cleaned) else cleaned


def _paragraphs(text: str) -> str:
    parts = [p.strip() for p in _BLANK.split(text) if p.strip()]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in parts)


def to_text(value: str | None) -> str:
    """The visible text of stored HTML: block ends become line breaks, every tag goes."""
    if not value:
        return ""
    text = _BLOCK_END.sub("\n", value)
    text = html.unescape(nh3.clean(text, tags=set()))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def safe(value: str | None) -> Markup:
    """For templates: stored HTML cleaned again on the way out (defence in depth), marked safe."""
    return Markup(sanitize(value))
