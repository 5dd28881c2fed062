"""Numbers, counts and sizes the Russian way, one place for screens, documents and messages.

- `plural(n, "заявка", "заявки", "заявок")` → «21 заявка», «3 заявки», «5 заявок» (any grammatical case:
  the caller gives the three forms, «по 1 заявке», «по 5 заявкам»);
- `number(7.5)` → «7,5» (exact); `number(89, 2)` → «89,00» (fixed places, half up);
- `points(7.333)` → «7,33», `points(7)` → «7» (at most two places, trailing zeros dropped);
- `percent(60, 2)` → «60,00 %»;
- `filesize(1_250_000)` → «1,2 МБ», `filesize(358_400)` → «350 КБ», never «0,0 МБ».

Pure functions; web.py registers them as Jinja filters (`num`, `points`, `pct`, `filesize`, `plural`).
"""
from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

KB = 1024
MB = 1024 * 1024
EMPTY = "—"


def plural_form(n: int, one: str, few: str, many: str) -> str:
    """The noun form agreeing with n: 1, 21, 101 → one; 2–4, 22–24 → few; 0, 5–20, 11–14 → many."""
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def plural(n: int, one: str, few: str, many: str) -> str:
    """«21 заявка», «3 эксперта», «по 5 заявкам»: the number and the agreeing noun."""
    return f"{n} {plural_form(n, one, few, many)}"


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def number(value, places: int | None = None, empty: str = "") -> str:
    """Decimal comma. `places=None`: exact, without trailing zeros («1,5», «0,125», «10»);
    `places=n`: rounded half up to exactly n places («89,00», «7,3»)."""
    d = _decimal(value)
    if d is None:
        return empty
    if places is None:
        s = format(d.normalize(), "f")
    else:
        s = format(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), "f")
    if s.startswith("-") and s.strip("-0.") == "":
        s = s[1:]  # «-0,00» reads as a defect
    return s.replace(".", ",")


def points(value, places: int = 2, empty: str = "") -> str:
    """A score to at most `places` places, trailing zeros dropped: «7», «7,5», «7,33»."""
    d = _decimal(value)
    if d is None:
        return empty
    return number(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), None, empty)


def percent(value, places: int | None = None, empty: str = "") -> str:
    """«60 %» (exact) or, with places, «60,00 %»."""
    s = number(value, places)
    return f"{s} %" if s else empty


def signed(value, places: int = 2, empty: str = "") -> str:
    """A deviation with its sign: «+0,50», «−1,25», «0,00»."""
    d = _decimal(value)
    if d is None:
        return empty
    s = number(d, places)
    if s.startswith("-"):
        return "−" + s[1:]
    return s if s.strip("0,") == "" else "+" + s


def filesize(n: int | None, empty: str = "") -> str:
    """«350 КБ», «1,2 МБ», «20 МБ»; a non-empty file under a kilobyte is «1 КБ», never «0 КБ»."""
    if n is None:
        return empty
    n = int(n)
    if n >= MB:
        mb = Decimal(n) / MB
        return f"{number(mb.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP))} МБ"
    kb = (Decimal(n) / KB).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if kb >= KB:  # 1023,6 КБ rounds up to a megabyte
        return "1 МБ"
    return f"{max(int(kb), 1 if n else 0)} КБ"


def json_text(value) -> str:
    """JSON a person may read and edit (the grid editor's textarea): Cyrillic as is, not as \\uXXXX."""
    return json.dumps(value, ensure_ascii=False)


def register(app) -> None:
    """The Jinja filters: `|num`, `|num(2)`, `|points`, `|pct`, `|pct(2)`, `|signed`, `|filesize`,
    `|plural('заявка', 'заявки', 'заявок')`, `|json_text`."""
    app.add_template_filter(number, "num")
    app.add_template_filter(points, "points")
    app.add_template_filter(percent, "pct")
    app.add_template_filter(signed, "signed")
    app.add_template_filter(filesize, "filesize")
    app.add_template_filter(plural, "plural")
    app.add_template_filter(json_text, "json_text")
