"""Section text is stored exactly as typed or pasted: double spaces, tabs, «ѐ», a Latin «C» inside a
Cyrillic word, quotes and dashes, blank-line paragraphs and single line breaks survive sanitising, and the
plain form of the stored text equals the text character for character."""
import pytest

from workflow_app.extensions import db
from workflow_app.models.competition import Entry
from workflow_app.services.competition import richtext

from .factories import make_world
from .helpers import login, post_form
from .test_dossier_flow import _editor_data

PASTED = ("Первый абзац:  два пробела, «ѐлочка», Cовременная школа № 5 — итог; 2024–2027.\n"
          "Вторая строка того же абзаца\tс табуляцией.\n\n"
          "Второй абзац <не тег> & амперсанд.\n\n\n"
          "Третий абзац после двух пустых строк.")


@pytest.mark.parametrize("text", [
    PASTED,
    "  отступ в начале",
    "строка\n",
    "a\n\n\nb\n\n\n\n\nc\n\n\n",
    "a\n\n\n\nb",
    "неразрывный\u00a0пробел  и  двойные",
])
def test_plain_text_round_trips_character_for_character(text):
    stored = richtext.sanitize(richtext.from_text(text))
    assert richtext.to_text(stored) == text
    assert richtext.sanitize(text) == richtext.from_text(text)   # text without tags is read as plain text


def test_sanitize_changes_markup_only_never_the_text():
    # what the editor sends after typing two spaces and a line break (white-space: pre-wrap: no NBSP)
    html = "<p>Слово  слово<br>новая строка</p><p>Абзац <b>жирный</b>  хвост</p>"
    assert richtext.sanitize(html) == html
    assert richtext.to_text(html) == "Слово  слово\nновая строка\n\nАбзац жирный  хвост"
    # a paragraph break is a blank line, a list one line per item
    assert richtext.to_text("<p>а</p><ul><li>один</li><li>два</li></ul><p>б</p>") == "а\n\nодин\nдва\n\nб"
    assert richtext.to_text("<p></p>") == "" and richtext.sanitize("<p>  </p>") == ""
    # a list the browser put inside a paragraph: no blank lines appear around it
    assert richtext.to_text(richtext.sanitize("<p>а</p><p><ul><li>x</li></ul></p><p>б</p>")) == "а\n\nx\n\nб"
    assert richtext.to_text("<p>а</p><ul><li>x</li></ul><p></p><p></p><p>б</p>") == "а\n\nx\n\n\n\nб"


def test_plain_text_is_what_the_browser_shows():
    """Chrome writes an empty paragraph as <p><br></p> and ends a line typed with Shift+Enter with a
    placeholder <br>: neither shows a line of its own, so neither is a line break of the text."""
    assert richtext.to_text("<p>а</p><p><br></p><p>б</p>") == "а\n\n\n\nб"
    assert richtext.to_text("<p>а<br>б<br></p>") == "а\nб"
    assert richtext.to_text("<p>а<br><br></p>") == "а\n"
    assert richtext.to_text("<ul><li>один<br></li><li>два</li></ul>") == "один\nдва"


def test_old_collapsing_is_gone():
    """Double spaces used to be collapsed to one (and turned into NBSP by the browser)."""
    assert richtext.to_text("<p>два  пробела</p>") == "два  пробела"
    assert "\u00a0" not in richtext.from_text("два  пробела")


def test_pasted_text_posted_by_the_editor_is_stored_exactly(app, client):
    with app.app_context():
        w = make_world()
        data = _editor_data(db.session.get(Entry, w.entry_id))
    data["sec-2.2"] = richtext.from_text(PASTED)       # the editor's HTML after a plain-text paste
    login(client, "appa@x.ru")
    assert post_form(client, f"/entries/{w.entry_id}/edit", data).status_code == 302
    with app.app_context():
        stored = db.session.get(Entry, w.entry_id).dossier["2.2"]
        assert richtext.to_text(stored) == PASTED
    page = client.get(f"/entries/{w.entry_id}").get_data(as_text=True)
    assert "Первый абзац: два" not in page and "Первый абзац:  два пробела" in page
