"""Calendar arithmetic every app may use (the ground floor: imports nothing of ours)."""

import calendar
import datetime


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier), clamped to the month's last day (31 Jan + 1 -> 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
