"""The JSON form of a dossier: what «Скачать JSON» / «Загрузить из JSON» and the API exchange.

The shape is a public contract:

    {"title_page": {"theme": "…", "lead_name": "…", "team": [{"name", "position", "role"}],
                    "organization": "…", "municipality": "…"},
     "sections": [{"code": "1.1", "text": "…"},
                  {"code": "6", "columns": ["…"], "rows": [["…", "…"]],
                   "row_kinds": ["group", "data", "continuation", …]}]}

- `text` is plain text: paragraphs separated by a blank line, lines by a line break, exactly as stored
  (richtext.to_text); on the way in it is stored as typed (richtext.from_text);
- a table is the applicant's own table (services/documents/grid.py): the form's columns must be there,
  the applicant's own columns may be added;
- `organization` and `municipality` are read-only (the entry's organisation): accepted and ignored;
- sections come in the form's order, every section of the form, empty ones too (`"text": ""`).

`apply_dossier_json` with `partial=True` changes only the title-page fields and sections present in the
data; `partial=False` replaces the whole dossier (absent sections become empty). An unknown code, a
section given twice, a table where the form allows only text (or the reverse) and every limit of the
editor are `DossierInvalid` errors that name the place; nothing is saved then.
"""
from __future__ import annotations

from typing import Any

from ... import audit, policy
from ...models import User
from ...models.competition import Entry, EntryVersion
from . import dossier_content as content
from . import dossier_versions, richtext
from .dossier_content import DossierInvalid

TITLE_PAGE_FIELDS = ("theme", "lead_name", "team")
READ_ONLY_FIELDS = ("organization", "municipality")
TABLE_FIELDS = ("columns", "rows", "row_kinds")


def _section_json(sec: dict) -> dict:
    """A section of view_sections (or of a frozen snapshot) → its JSON form."""
    code = str(sec.get("code") or sec.get("key"))
    if sec.get("kind") == "table":
        rows = [list(r) for r in sec.get("rows") or []]
        kinds = list(sec.get("row_kinds") or [])
        kinds += ["data"] * (len(rows) - len(kinds))
        return {"code": code, "columns": list(sec.get("columns") or []), "rows": rows, "row_kinds": kinds}
    return {"code": code, "text": richtext.to_text(sec.get("html", ""))}


def dossier_to_json(obj: Entry | EntryVersion) -> dict:
    """The dossier of an entry (its current draft) or of a frozen version, in the JSON form."""
    if isinstance(obj, EntryVersion):
        c = obj.content
        title_page = {"theme": c.get("title", ""), "lead_name": c.get("lead_name", ""),
                      "team": [dict(m) for m in c.get("team") or []],
                      "organization": c.get("organization", ""), "municipality": c.get("municipality", "")}
        sections = c.get("sections") or []
    else:
        org = obj.organization
        title_page = {"theme": obj.title or "", "lead_name": obj.lead_name or "",
                      "team": [dict(m) for m in obj.team or []],
                      "organization": org.full_name, "municipality": org.municipality.name}
        sections = content.view_sections(obj.campaign.dossier_schema or [], obj.dossier)
    title_page["team"] = [{k: m.get(k, "") for k in content.TEAM_COLUMNS} for m in title_page["team"]]
    return {"title_page": title_page, "sections": [_section_json(s) for s in sections]}


def shown_to(user: User, entry: Entry) -> dict:
    """What «Скачать JSON» and `GET /api/v1/entries/{id}/dossier` give this user: the draft to whoever may
    edit it now; anyone else (a reader, or the applicant after submission) what the entry page shows — the
    last submitted version, or the draft while there is none."""
    vs = [] if policy.can(user, "entry.edit", entry) else dossier_versions.versions(entry)
    return dossier_to_json(vs[0] if vs else entry)


def _fail(field: str, message: str):
    raise DossierInvalid({field: message})


def parse(schema: list[dict], data: Any) -> tuple[dict, dict]:
    """Check the JSON form against the campaign's form → (title-page values given, {key: stored value}
    for the sections given). Raises DossierInvalid naming every bad place."""
    if not isinstance(data, dict):
        _fail("", "Ожидается объект JSON с полями title_page и sections.")
    unknown = sorted(set(data) - {"title_page", "sections"})
    if unknown:
        _fail(unknown[0], "Неизвестные поля: " + ", ".join(f"«{k}»" for k in unknown) + ".")
    errors: dict[str, str] = {}
    page: dict = {}
    tp = data.get("title_page", {})
    if not isinstance(tp, dict):
        errors["title_page"] = "Титульный лист (title_page): ожидается объект."
        tp = {}
    extra = sorted(set(tp) - set(TITLE_PAGE_FIELDS) - set(READ_ONLY_FIELDS))
    if extra:
        errors["title_page"] = "Неизвестные поля титульного листа: " + ", ".join(f"«{k}»" for k in extra) + "."
    checks = {"theme": lambda v: content.one_line(v, "title_page.theme", "Тема проекта", content.MAX_TITLE),
              "lead_name": lambda v: content.one_line(v, "title_page.lead_name", "Руководитель проекта",
                                                      content.MAX_LEAD),
              "team": content.team_value}
    for name, check in checks.items():
        if name in tp:
            try:
                page[name] = check(tp[name])
            except DossierInvalid as exc:
                errors.update(exc.fields)
    by_code = {content.code_of(s): s for s in schema or []}
    raw_sections = data.get("sections", [])
    if not isinstance(raw_sections, list):
        errors["sections"] = "Разделы (sections): ожидается список."
        raw_sections = []
    values: dict = {}
    for n, item in enumerate(raw_sections, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("code"), str):
            errors[f"sections[{n}]"] = f"Раздел {n}: ожидается объект с полем code (номер раздела по форме)."
            continue
        code = item["code"]
        sec = by_code.get(code)
        if sec is None:
            errors[code] = (f"Раздела с номером «{code}» в форме заявки нет. Номера разделов формы: "
                            + ", ".join(by_code) + ".")
            continue
        if sec["key"] in values:
            errors[code] = f"Раздел «{code}» указан дважды."
            continue
        try:
            values[sec["key"]] = _section_value(sec, item)
        except DossierInvalid as exc:
            errors.update(exc.fields)
    if errors:
        raise DossierInvalid(errors)
    return page, values


def _section_value(sec: dict, item: dict):
    code = content.code_of(sec)
    keys = set(item) - {"code"}
    is_table = bool(keys & set(TABLE_FIELDS))
    if is_table and "text" in keys:
        _fail(code, f"{content.label(sec)}: укажите либо text, либо таблицу (columns, rows, row_kinds).")
    unknown = sorted(keys - set(TABLE_FIELDS) - {"text"})
    if unknown:
        _fail(code, f"{content.label(sec)}: неизвестные поля " + ", ".join(f"«{k}»" for k in unknown) + ".")
    if is_table:
        return content.table_value(sec, {k: item.get(k) for k in TABLE_FIELDS})
    return content.text_value(sec, item.get("text", ""), plain=True)


def apply_dossier_json(actor: User, entry: Entry, data: Any, *, partial: bool = True,
                       expected_version: int | None = None) -> Entry:
    """Save the dossier given in the JSON form as the entry's draft (the editor's save path: policy,
    editable state, version check), and record that it was loaded from JSON."""
    from .dossier import save_draft  # dossier imports this area's modules; keep the import one-way

    schema = entry.campaign.dossier_schema or []
    page, values = parse(schema, data)
    dossier = {} if not partial else dict(entry.dossier or {})
    for key, value in values.items():
        old = (entry.dossier or {}).get(key)
        if isinstance(value, dict) and isinstance(old, dict) and old.get("widths") \
                and old.get("columns") == value["columns"]:
            value = dict(value, widths=old["widths"])   # the JSON form has no widths: keep the editor's
        dossier[key] = value
    if not partial:
        dossier = {s["key"]: dossier[s["key"]] for s in schema if s["key"] in dossier}
    blank = not partial
    update = {
        "title": page.get("theme", "" if blank else entry.title or ""),
        "lead_name": page.get("lead_name", "" if blank else entry.lead_name or ""),
        "team": page.get("team", [] if blank else list(entry.team or [])),
        "dossier": dossier,
    }
    entry = save_draft(actor, entry, update, expected_version=expected_version)
    codes = [content.code_of(s) for s in schema if s["key"] in values]
    audit.record("entry.dossier_imported", actor=actor, obj=entry,
                 payload={"sections": codes, "title_page": sorted(page), "partial": partial})
    return entry
