"""Calendar helpers every stage shares: month names and the day of an ISO 8601 date or datetime."""

from __future__ import annotations

from datetime import date, timedelta

__all__ = ["MONTHS", "publication_day", "shifted"]

# month names and abbreviations -> number (1-12), lower case
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}


def publication_day(value: str | None) -> date | None:
    """The calendar day of an ISO 8601 date or datetime (``2020-08-24``, ``2020-08-24T11:07:12+03:00``), or ``None``
    when ``value`` is absent, shorter than a day or unreadable."""
    if not value:
        return None
    value = value.strip()
    if len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def shifted(day: date, days: int) -> date:
    """``day`` moved by ``days``, held at the calendar's ends (``date.min``, ``date.max``) instead of overflowing."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min
