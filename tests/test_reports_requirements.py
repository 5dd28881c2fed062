"""Pure parts of reports: the minimum-requirement check, reading a plan-schedule in both stored shapes,
the report periods of a term, and the row rules of the report's tables."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict

from workflow_app.models.status_report import ReportKind
from workflow_app.services.platform.validation import FieldErrors
from workflow_app.services.reports import content as c
from workflow_app.services.reports.plan import as_grid, covers, find_section, plan_rows
from workflow_app.services.reports.requirements import MET, NEEDS_PERSON, NOT_MET, check, facts_of
from workflow_app.services.reports.schedule import periods

KRC = [{"code": "products", "name": "Продукты", "min": 3, "unit": "шт."},
       {"code": "events", "name": "Мероприятия в год", "min": 3, "unit": "в год"},
       {"code": "network", "name": "Участники сети", "min": 5, "unit": "орг."},
       {"code": "teachers_trained", "name": "Доля педагогов", "min": 41, "unit": "%"},
       {"code": "site_visits", "name": "Посещения сайта", "min": 1000, "unit": ""}]


def grid(spec, rows):
    return {"columns": list(spec.columns), "rows": rows, "row_kinds": ["data"] * len(rows)}


def test_each_requirement_is_met_not_met_or_left_to_a_person():
    content = {
        "products": grid(c.PRODUCTS, [["Программа", "программа", ""], ["Пособие", "пособие", ""],
                                      ["Банк заданий", "сборник", ""]]),
        # two events in 2026, one in 2025: only the report's year counts
        "events": grid(c.EVENTS, [["10.03.2026", "Семинар", "краевой", "40"],
                                  ["15.10.2026", "Вебинар", "зональный", "120"],
                                  ["20.12.2025", "Конференция", "краевой", "90"]]),
        "network": grid(c.NETWORK, [[f"Школа {i}", "Сочи", "участник"] for i in range(5)]),
        "teachers_trained": "",
    }
    verdicts = {r.code: (r.stated, r.verdict) for r in check(KRC, facts_of(content, 2026))}
    assert verdicts["products"] == (Decimal(3), MET)
    assert verdicts["events"] == (Decimal(2), NOT_MET)
    assert verdicts["network"] == (Decimal(5), MET)
    # the share was left empty and the form has no figure for site visits: a person decides
    assert verdicts["teachers_trained"] == (None, NEEDS_PERSON)
    assert verdicts["site_visits"] == (None, NEEDS_PERSON)
    content["teachers_trained"] = "40,5"
    assert check(KRC, facts_of(content, 2026))[3].verdict == NOT_MET
    content["teachers_trained"] = "41"
    assert check(KRC, facts_of(content, 2026))[3].verdict == MET
    assert check([], facts_of(content, 2026)) == []


def test_plan_rows_from_the_old_list_and_the_new_grid_shape():
    old = as_grid([["2026", "Подготовительный этап", "январь — август"],
                   ["2027", "Апробация модели", "сентябрь — май"],
                   ["2026–2027", "Сетевой семинар", "ежеквартально"]], ["Год", "Мероприятие", "Сроки"])
    assert [r.activity for r in plan_rows(old) if covers(r.year_text, 2027)] == [
        "Апробация модели", "Сетевой семинар"]
    new = as_grid({"columns": ["№", "Мероприятие", "Сроки"],
                   "rows": [["2026 год"], ["1", "Стартовый семинар", "март"],
                            ["", "с участием сети", ""], ["2027 год"], ["2", "Апробация", "май 2027"]],
                   "row_kinds": ["group", "data", "continuation", "group", "data"]}, [])
    rows = plan_rows(new)
    assert [(r.activity, covers(r.year_text, 2026)) for r in rows] == [
        ("Стартовый семинар\nс участием сети", True), ("Апробация", False)]


def test_the_plan_section_is_found_by_its_code_or_by_its_title():
    schema = [{"key": "5", "kind": "table", "title": "5. Ожидаемые результаты", "columns": []},
              {"key": "6", "kind": "table", "title": "6. План-график по годам", "columns": []}]
    assert find_section(schema, "6", ("план-график",))["key"] == "6"
    renumbered = [{"key": "7", "kind": "table", "title": "7. План-график реализации", "columns": []}]
    assert find_section(renumbered, "6", ("план-график",))["key"] == "7"
    assert find_section([{"key": "6", "kind": "text", "title": "6. План"}], "6", ("план-график",)) is None


def test_periods_of_a_term_yearly_on_the_type_date_and_a_final_report_at_the_end():
    p = periods(date(2025, 1, 1), date(2027, 12, 31), 12, 1, True, today=date(2027, 3, 1))
    assert p == [(ReportKind.yearly, 2025, date(2025, 12, 1)), (ReportKind.yearly, 2026, date(2026, 12, 1)),
                 (ReportKind.final, 2027, date(2027, 12, 31))]
    # no final report: the last year's yearly report, never due after the term ends
    p = periods(date(2025, 12, 15), date(2027, 6, 30), 12, 1, False, today=date(2027, 3, 1))
    assert p == [(ReportKind.yearly, 2026, date(2026, 12, 1)), (ReportKind.yearly, 2027, date(2027, 6, 30))]
    # only the years that have begun; a 31st falls back to the month's last day
    assert periods(date(2026, 1, 1), date(2028, 12, 31), 2, 31, True, today=date(2026, 5, 1)) == [
        (ReportKind.yearly, 2026, date(2026, 2, 28))]


def _form(**tables):
    data = {spec.key: "" for spec in c.TABLES}
    data.update({k: v for k, v in tables.items()})
    data.setdefault("summary", "Итоги")
    return MultiDict(data)


@pytest.mark.parametrize("spec, row, message", [
    (c.ACTIVITIES, ["1", "Семинар", "март", "сделано", "", "", ""], "Выполнение.*выполнено, частично"),
    (c.ACTIVITIES, ["1", "Семинар", "март", "перенесено", "", "", ""], "новую дату"),
    (c.ACTIVITIES, ["1", "Семинар", "март", "выполнено", "", "сайт школы", ""], "не ссылка"),
    (c.EVENTS, ["весной", "Семинар", "краевой", "40"], "ДД.ММ.ГГГГ"),
    (c.EVENTS, ["01.03.2026", "Семинар", "городской", "40"], "Уровень"),
    (c.EVENTS, ["01.03.2026", "Семинар", "краевой", "сорок"], "Участников"),
])
def test_bad_rows_are_refused_in_russian_naming_row_and_column(spec, row, message):
    import json

    with pytest.raises(FieldErrors) as err:
        c.parse(_form(**{spec.key: json.dumps(grid(spec, [row]), ensure_ascii=False)}), final=False)
    assert spec.key in err.value.errors
    assert "Строка 1" in err.value.errors[spec.key]
    import re
    assert re.search(message, err.value.errors[spec.key])


def test_a_good_form_parses_and_a_share_over_100_is_refused():
    import json

    row = ["1", "Семинар", "март", "Перенесено", "15.09.2026", "https://school.ru/news/1", "перенесли"]
    data = c.parse(_form(activities=json.dumps(grid(c.ACTIVITIES, [row]), ensure_ascii=False),
                         teachers_trained="41,5"), final=False)
    assert data["activities"]["rows"] == [row] and data["teachers_trained"] == "41,5"
    with pytest.raises(FieldErrors) as err:
        c.parse(_form(teachers_trained="140"), final=False)
    assert "от 0 до 100" in err.value.errors["teachers_trained"]
