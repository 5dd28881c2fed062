"""The API is a view layer like views/: its modules translate HTTP to services and back and run no
queries of their own, and nothing in it reads the web's signed-in user (the API's actor is the token's)."""
from __future__ import annotations

import ast

from .test_layering import _modules, _runs_select


def test_api_modules_run_no_queries_of_their_own():
    assert [name for name, tree in _modules("api") if _runs_select(tree)] == []


def test_api_modules_never_use_the_session_user():
    offenders = [name for name, tree in _modules("api") for node in ast.walk(tree)
                 if isinstance(node, ast.Name) and node.id == "current_user"]
    assert offenders == []
