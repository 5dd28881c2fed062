"""Transitional alias: the dashboard's panel registry lives in `workflow_app.views.dashboard` (a panel
carries urls, so it belongs to the web layer); the counts behind the panels are in
`services/platform/queries.py`. Only code that still registers a panel from a service imports this;
import `Panel` and `panel` from `workflow_app.views.dashboard` instead."""
from ...views.dashboard import Panel, panel  # noqa: F401
