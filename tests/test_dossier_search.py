"""Full-text search of entries by any word of their dossier: PostgreSQL's tsvector (Russian stemming) and
SQLite's FTS5 (stems as prefixes), kept in step by the database whatever changes the dossier, and plugged
into the staff entry list beside the search by code, theme and organisation."""
import pytest
from sqlalchemy import select, update

from workflow_app.extensions import db
from workflow_app.models import OrgType, Role, User
from workflow_app.models.competition import Entry
from workflow_app.services.competition import dossier as dossier_svc
from workflow_app.services.competition.search import fts5_query, search_entries

from .factories import fill, make_campaign, make_entry, make_org, make_user, make_world
from .helpers import login

PROSE = ("<p>Проект развивает <strong>инновационная</strong> модель наставничества&nbsp;для педагогов "
         "сельских школ.</p><ul><li>Ёлочные игрушки на уроках труда</li></ul>")
GRID = {"columns": ["№", "Мероприятие", "Сроки"],
        "rows": [["", "НАПРАВЛЕНИЕ ДЕЯТЕЛЬНОСТИ ОРГАНИЗАЦИОННЫЕ МЕРОПРИЯТИЯ", ""],
                 ["1.1.", "Квест-игра «Тропинками Кубани»", "сентябрь 2026"],
                 ["", "продолжение: семинар для родителей", ""]],
        "row_kinds": ["group", "data", "continuation"], "widths": [1, 5, 2]}


def _found(query: str, campaign_id=None) -> set[int]:
    return set(db.session.execute(search_entries(query, campaign_id)).scalars())


def _entry(campaign, name: str, dossier: dict, title: str = "Проект") -> Entry:
    e = make_entry(campaign, make_org(name, "krasnodar", OrgType.OO), title=title)
    e.dossier = dossier
    db.session.flush()
    return e


@pytest.fixture
def two(ctx):
    """Two entries: one with prose, a list-of-rows table and a grid; one about something else."""
    c = make_campaign()
    a = _entry(c, "МБОУ СОШ № 11", {"1.1": PROSE, "3.2": [["Фестиваль робототехники", "учащиеся", "обмен опытом"]],
                                   "6": GRID})
    b = _entry(c, "МБОУ СОШ № 12", {"1.1": "<p>Экологическое воспитание дошкольников.</p>", "3.2": []})
    return c, a, b


def test_an_inflected_form_finds_the_dossier_word(two):
    c, a, b = two
    assert _found("инновационных") == {a.id}  # the dossier says «инновационная»
    assert _found("наставничеству") == {a.id}
    assert _found("экологического") == {b.id}
    assert _found("инновационных", campaign_id=c.id + 1000) == set()


def test_a_word_only_inside_a_table_cell_finds_the_entry(two):
    _, a, _ = two
    assert _found("робототехники") == {a.id}  # a list-of-rows table
    assert _found("Кубани") == {a.id}  # a grid's data row
    assert _found("родителей") == {a.id}  # a grid's continuation row
    assert _found("направление деятельности") == {a.id}  # a group row


def test_markup_and_layout_are_not_words(two):
    assert _found("strong") == set() and _found("nbsp") == set() and _found("li") == set()
    assert _found("group") == set() and _found("continuation") == set()  # the grid's row kinds


def test_yo_and_ye_are_one_letter(two):
    _, a, b = two
    assert _found("елочные") == {a.id}
    assert _found("ЁЛОЧНЫХ") == {a.id}
    b.dossier = {"1.1": "<p>Учебный план на учебный год, ѐмкость кабинетов.</p>"}  # U+0450 typed by a real author
    db.session.flush()
    assert _found("ёмкость") == {b.id} and _found("емкость") == {b.id}


def test_theme_lead_and_team_are_searched_too(two):
    _, a, _ = two
    a.title = "Школа функциональной грамотности"
    a.lead_name = "Голубева Наталья Петровна"
    a.team = [{"name": "Сидоренко О. В.", "position": "учитель", "role": "методист"}]
    db.session.flush()
    assert _found("грамотность") == {a.id}
    assert _found("Голубева") == {a.id}
    assert _found("Сидоренко") == {a.id}


@pytest.mark.parametrize("query", ['"', '"*', "*", "NEAR(", "a OR", "-", "AND NOT", "(((", "'; DROP TABLE entry;--",
                                   "^", ":", "col:word", "«»—№", "\x00", "и", "   ", "x" * 500])
def test_any_input_is_a_valid_query(two, query):
    _found(query)  # no error from the database's query parser, whatever the user types


def test_the_fts5_expression_quotes_every_word():
    assert fts5_query('инновационных "школ" NEAR(a') == '"инновацион"* "школ"* "near"* "a"*'
    assert fts5_query("«»—№") == ""


def test_the_index_follows_every_change_of_the_dossier(ctx):
    w = make_world()
    e = db.session.get(Entry, w.entry_id)
    assert _found("дендрарий") == set()
    data = {"title": e.title, "lead_name": e.lead_name, "team": e.team,
            "dossier": dict(e.dossier, **{"2.2": "<p>Школьный дендрарий как лаборатория.</p>"})}
    dossier_svc.save_draft(_user("appa@x.ru"), e, data)  # the editor's save
    assert _found("дендрария") == {e.id}
    # a bulk statement, not the ORM: the database keeps the index all the same
    db.session.execute(update(Entry).where(Entry.id == e.id).values(dossier={"2.2": "<p>Метеостанция.</p>"}))
    assert _found("дендрарий") == set() and _found("метеостанции") == {e.id}
    db.session.delete(db.session.get(Entry, e.id))
    db.session.flush()
    assert _found("метеостанции") == set()


def _user(email: str) -> User:
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def test_staff_list_finds_by_dossier_word_and_still_by_code_theme_and_organisation(app, client):
    with app.app_context():
        c = make_campaign()
        a = fill(_entry(c, "МАОУ Гимназия № 3", {}), title="Цифровая дидактика")
        a.dossier = dict(a.dossier, **{"2.2": "<p>Педагогическая мастерская «Лаборатория смыслов».</p>"})
        b = fill(_entry(c, "МБОУ СОШ № 77", {}), title="Экологическая тропа")
        make_user("staff@x.ru", Role.staff)
        db.session.commit()
        cid, a_code, b_code = c.id, a.code, b.code
    login(client, "staff@x.ru")

    def codes(q: str) -> set[str]:
        page = client.get(f"/entries/campaign/{cid}", query_string={"q": q})
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        return {code for code in (a_code, b_code) if f'data-entry="{code}"' in html}

    assert codes("мастерской смыслов") == {a_code}  # only in the dossier, inflected
    assert codes(b_code) == {b_code}  # code
    assert codes("тропа") == {b_code}  # theme
    assert codes("Гимназия № 3") == {a_code}  # organisation
    assert codes('"*NEAR(') == set()
    assert "Ничего не найдено" in client.get(f"/entries/campaign/{cid}?q=несуществующееслово").get_data(as_text=True)


@pytest.mark.postgres_only
def test_postgresql_understands_web_search_syntax(two):
    _, a, b = two
    assert _found("инновационная -наставничество") == set()
    assert _found("инновационная or экологическое") == {a.id, b.id}
    assert _found('"модель наставничества"') == {a.id}
    assert _found('"наставничества модель"') == set()


@pytest.mark.slow
@pytest.mark.commits
def test_the_migration_indexes_the_entries_that_exist_before_it(app):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    directory = app.extensions["migrate"].directory
    with app.app_context():
        c = make_campaign()
        org = make_org("МБОУ СОШ № 5", "krasnodar", OrgType.OO)
        db.session.commit()
        ids = (c.id, c.tracks[0].id, org.id)
        db.session.remove()
        downgrade(directory=directory, revision="0016_dossier_search-1")
        db.session.execute(text(
            "INSERT INTO entry (campaign_id, track_id, organization_id, code, title, status, lead_name, team, "
            "dossier, staff_remark, current_version, divergent, decision_reason, created_at, updated_at, version) "
            "VALUES (:c, :t, :o, 'ИП-2026-0001', 'Старая заявка', 'draft', '', '[]', :d, '', 0, false, '', "
            ":now, :now, 1)"),
            {"c": ids[0], "t": ids[1], "o": ids[2], "now": "2026-01-01 00:00:00",
             "d": '{"6": [["2025", "Краевой фестиваль «Мастерская наставника»", "май"]]}'})
        db.session.commit()
        db.session.remove()
        upgrade(directory=directory)
        entry_id = db.session.execute(select(Entry.id).where(Entry.code == "ИП-2026-0001")).scalar_one()
        assert _found("мастерской") == {entry_id}
        assert db.session.get(Entry, entry_id).on_paper is False
        db.session.remove()


def test_the_bench_dossiers_are_indexed_and_found_by_their_topic(ctx):
    from bench.generate import TOPICS, generate

    info = generate(90, experts_per_entry=0, dossiers=True)
    topic = TOPICS.index("робототехники и технического творчества")
    expected = set(db.session.execute(select(Entry.id).where(Entry.campaign_id == info["campaign_id"])
                                      .order_by(Entry.id)).scalars().all()[topic::len(TOPICS)])
    assert len(expected) == 3 and _found("робототехника", info["campaign_id"]) == expected
    assert len(_found("педагогов", info["campaign_id"])) == 90
