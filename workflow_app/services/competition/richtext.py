"""Text of dossier sections: a small safe subset of HTML, cleaned on the server with nh3, and its exact
plain form.

Whatever the browser (or a hand-made POST) sends, only these tags survive; links keep http/https/mailto
addresses only and get rel="noopener". Nothing inside the text is changed: spaces (double ones too),
tabs, «ѐ», quotes and dashes stay as typed.

The plain form (`to_text`) is the text a reader sees: paragraphs separated by a blank line, lines inside
a paragraph by a line break, list items one per line. `from_text` is its inverse, so for any plain text
`to_text(from_text(t)) == t` (line ends normalised to "\\n") — that is how plain-text paste and the JSON
form of a dossier keep text character for character.
"""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3
from markupsafe import Markup

TAGS = {"p", "br", "ul", "ol", "li", "b", "strong", "i", "em", "a"}
ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
PARAGRAPH_BREAK = "\n\n"
BLOCKS = ("p", "ul", "ol")

_TAG = re.compile(r"<[a-zA-Z/!]")


def _normalise(raw: str | None) -> str:
    return (raw or "").replace("\r\n", "\n").replace("\r", "\n")


def sanitize(raw: str | None) -> str:
    """Clean user HTML to the allowed subset; text without any tag is read as plain text (`from_text`).
    Only the markup is changed, never the characters of the text."""
    raw = _normalise(raw)
    if not raw.strip():
        return ""
    if not _TAG.search(raw):
        return from_text(raw)
    cleaned = nh3.clean(raw.strip(), tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                        link_rel="noopener", strip_comments=True)
    return "" if not to_text(cleaned).strip() else cleaned


def from_text(text: str | None) -> str:
    """Plain text → stored HTML: a paragraph per blank-line separated part, a <br> per line break.
    Empty or whitespace-only text is stored as the empty string."""
    text = _normalise(text)
    if not text.strip():
        return ""
    return "".join("<p>" + html.escape(part, quote=False).replace("\n", "<br>")
                   + ("<br>" if part.endswith("\n") else "") + "</p>"
                   for part in text.split(PARAGRAPH_BREAK))


class _Plain(HTMLParser):
    """Stored HTML → paragraphs of plain text. A list is one paragraph with an item per line; text
    outside any block joins an implicit paragraph (dropped when it is only whitespace between blocks).

    Browsers make a list inside a paragraph (<p><ul>…</ul></p>), which HTML parsing turns into an empty
    <p></p> on each side of the list: an empty paragraph next to a list is not the author's blank line."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paras: list[str] = []
        self.cur: list[str] | None = None
        self.last_br = False               # the block so far ends with a <br>
        self.explicit = False
        self.items: list[str] | None = None
        self.empty_before_list = False     # the last paragraph is an empty <p></p>
        self.after_list = False            # the last block is a list

    def _block_text(self) -> str:
        """The text of the current block; a <br> that ends it is the browser's placeholder (it shows no
        line of its own), so it is not a line break of the text."""
        parts = list(self.cur or [])
        if self.last_br and parts:
            parts.pop()
        self.last_br = False
        return "".join(parts)

    def _close(self):
        if self.cur is not None:
            text = self._block_text()
            if text == "" and self.explicit and self.after_list:
                self.cur, self.explicit, self.after_list = None, False, False
                return
            if self.explicit or text.strip():
                self.paras.append(text)
                self.empty_before_list = text == ""
                self.after_list = False
        self.cur, self.explicit = None, False

    def handle_starttag(self, tag, attrs):
        if tag == "p" and self.items is None:
            self._close()
            self.cur, self.explicit = [], True
        elif tag in ("ul", "ol"):
            self._close()
            if self.empty_before_list and self.paras and self.paras[-1] == "":
                self.paras.pop()
            self.items = []
        elif tag == "li" and self.items is not None:
            self.cur, self.explicit = [], True
        elif tag == "br":
            self._text("\n")
            self.last_br = True

    def handle_endtag(self, tag):
        if tag == "p" and self.items is None:
            if self.cur is None:
                self.cur = []
            self.explicit = True
            self._close()
        elif tag == "li" and self.items is not None:
            self.items.append(self._block_text())
            self.cur, self.explicit = None, False
        elif tag in ("ul", "ol") and self.items is not None:
            if self.cur is not None and "".join(self.cur).strip():
                self.items.append(self._block_text())
            self.cur, self.last_br = None, False
            if self.items:
                self.paras.append("\n".join(self.items))
            self.items = None
            self.after_list, self.empty_before_list = True, False

    def handle_data(self, data):
        if self.items is not None and self.cur is None:
            if data.strip():
                self.items.append(data)
            return
        self._text(data)

    def _text(self, data: str):
        if self.cur is None:
            self.cur = []
        self.cur.append(data)
        self.last_br = False

    def close(self):
        super().close()
        if self.items is not None:
            self.handle_endtag("ul")
        self._close()


def paragraphs(value: str | None) -> list[str]:
    """The plain paragraphs of stored HTML (or of plain text, which has no tags)."""
    if not value:
        return []
    if not _TAG.search(value):
        return _normalise(value).split(PARAGRAPH_BREAK)
    parser = _Plain()
    parser.feed(value)
    parser.close()
    return parser.paras


def to_text(value: str | None) -> str:
    """The exact plain text of stored HTML: paragraphs joined by a blank line, <br> as a line break."""
    return PARAGRAPH_BREAK.join(paragraphs(value))


def safe(value: str | None) -> Markup:
    """For templates: stored HTML cleaned again on the way out (defence in depth), marked safe."""
    return Markup(sanitize(value))
