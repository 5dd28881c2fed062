"""The layers stay apart: services take plain values and return data (no request, urls, responses or
form objects), and views run no queries of their own (read-side queries live in the services).
Read from the source with ast, so a lazy import inside a function counts too."""
from __future__ import annotations

import ast
from pathlib import Path

import workflow_app

PACKAGE = Path(workflow_app.__file__).parent
WEB_NAMES = {"request", "url_for", "send_file", "Response", "FileStorage"}
WEB_MODULES = ("wtforms", "flask_wtf")
# Registers its dashboard panel (with urls) from the service until the panel moves to its view module.
SERVICE_ALLOW: dict[str, set[str]] = {}
VIEW_SELECT_ALLOW: set[str] = set()


def _modules(sub: str):
    for path in sorted((PACKAGE / sub).rglob("*.py")):
        yield path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _web_imports(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] in WEB_MODULES}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            root = node.module.split(".")[0]
            if root in WEB_MODULES:
                found.add(node.module)
            elif root in ("flask", "werkzeug"):
                found |= {a.name for a in node.names if a.name in WEB_NAMES}
    return found


def test_services_import_nothing_of_the_web():
    offenders = {}
    for name, tree in _modules("services"):
        bad = _web_imports(tree) - SERVICE_ALLOW.get(name, set())
        if bad:
            offenders[name] = sorted(bad)
    assert offenders == {}, "services must take plain values and return data: " + repr(offenders)


def _runs_select(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy") \
                and any(a.name == "select" for a in node.names):
            return True
        if isinstance(node, ast.Call):
            f = node.func
            if (isinstance(f, ast.Name) and f.id == "select") or (isinstance(f, ast.Attribute) and f.attr == "select"):
                return True
    return False


def test_views_run_no_queries_of_their_own():
    offenders = [name for name, tree in _modules("views") if _runs_select(tree) and name not in VIEW_SELECT_ALLOW]
    assert offenders == [], "move the query into a service's read-side module (e.g. services/*/queries.py)"


def test_the_checks_see_what_they_look_for():
    assert _web_imports(ast.parse("def f():\n    from flask import url_for, current_app\n")) == {"url_for"}
    assert _web_imports(ast.parse("from wtforms import Form")) == {"wtforms"}
    assert _runs_select(ast.parse("x = sa.select(User)"))
    assert not _runs_select(ast.parse("x = pool.campaigns_for_select()"))
