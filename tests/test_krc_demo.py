"""The demo's КРЦ/ЛСВ cycle: a flagged application, one granted by a signed order (in the public registry),
a roadmap approved with its signed order and a content note, one returned; the ТМС applicant sees its own."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from workflow_app.extensions import db
from workflow_app.models.orders import OrderStatus
from workflow_app.models.roadmap import Roadmap, RoadmapStatus
from workflow_app.models.status_application import ApplicationStatus, StatusApplication

from .helpers import login

pytestmark = pytest.mark.demo


def test_demo_cycle(app, client):
    with app.app_context():
        apps = {a.organization.short_name: a for a in db.session.execute(select(StatusApplication)).scalars()}
        flagged, granted = apps["МКУ ЦРО Анапа"], apps["МБУ ЦРО Абинский р-н"]
        assert flagged.status == ApplicationStatus.submitted and flagged.shortfalls == 2
        assert granted.status == ApplicationStatus.granted and granted.order.status == OrderStatus.signed
        assert granted.award.granted_by_order_id == granted.order_id
        maps = {r.organization.short_name: r for r in db.session.execute(select(Roadmap)).scalars()}
        assert maps["МКУ КНМЦ"].status == RoadmapStatus.approved and maps["МКУ КНМЦ"].order.number
        assert maps["МКУ КНМЦ"].notes and maps["МКУ СЦРО"].status == RoadmapStatus.returned
        theme = granted.theme
    assert theme in client.get("/registry?type=РЦОО").get_data(as_text=True)
    login(client, "tms@iro.local", "demo-2026")
    page = client.get("/krc/my").get_data(as_text=True)
    assert "Коллективное наставничество методистов малых ТМС" in page and "МКУ КНМЦ" not in page
    assert client.get(f"/krc/applications/{granted.id}").status_code == 403  # another organisation's
