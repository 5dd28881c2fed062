"""The demo's ФИП story: the demo applicant's school went from readiness to recognition and its ФИП status
is in the public registry; another КИП holder's case shows its readiness gaps."""
from __future__ import annotations

import re

import pytest

from .helpers import login

pytestmark = pytest.mark.demo


def test_demo_case_is_recognised_and_in_the_registry(app, client):
    login(client, "applicant@iro.local", "demo-2026")
    listing = client.get("/fip").get_data(as_text=True)
    assert "Цифровая образовательная среда школы" in listing and "Признана ФИП" in listing
    assert "гимназия № 23" not in listing  # another organisation's case
    case_url = re.search(r'href="/fip/(\d+)"', listing).group(1)
    page = client.get(f"/fip/{case_url}").get_data(as_text=True)
    history = page.split('data-testid="fip-history"')[1]
    assert history.count("Отправить методисту") == 2 and "Рекомендована Координационным советом" in history
    assert "Минпросвещения России от 20.11.2026 № Р-245" in page
    registry = client.get("/registry?on=2027-03-01").get_data(as_text=True)
    row = next(r for r in registry.split("<tr") if "МБОУ СОШ № 1" in r and "ФИП" in r)
    assert "Цифровая образовательная среда школы" in row


def test_demo_staff_see_the_readiness_gaps_of_the_new_case(app, client):
    login(client, "staff@iro.local", "demo-2026")
    listing = client.get("/fip?status=readiness").get_data(as_text=True)
    case_url = re.search(r'href="/fip/(\d+)"', listing).group(1)
    page = client.get(f"/fip/{case_url}").get_data(as_text=True)
    assert 'data-testid="fip-gaps"' in page and "По принятым отчётам:" in page and "нет данных" not in page
