"""Working days in Indonesia: Monday to Friday, minus the PublicHoliday table.

The decision on a claim is due 14 working days after a complete submission; an appeal
20 working days after it is lodged (PRODUCT.md, issue 5).
"""

import datetime

DECISION_WORKING_DAYS = 14
APPEAL_WORKING_DAYS = 20


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The day `days` working days after `start` (start itself is not counted).

    Saturdays, Sundays and PublicHoliday rows are skipped. One query per call: the
    holidays of a window wide enough for the answer (calendar days <= 2 * days + 60
    covers any run of holidays Indonesia has had, e.g. the Idul Fitri week).
    """
    from satuklik.claims.models import PublicHoliday

    if days < 0:
        raise ValueError("days must not be negative")
    if days == 0:
        return start
    horizon = start + datetime.timedelta(days=days * 2 + 60)
    holidays = set(PublicHoliday.objects.filter(date__gt=start, date__lte=horizon).values_list("date", flat=True))
    day = start
    left = days
    while left:
        day += datetime.timedelta(days=1)
        if day > horizon:  # pragma: no cover - would need two months of holidays in a row
            raise ValueError(f"too many holidays after {start}")
        if day.weekday() < 5 and day not in holidays:
            left -= 1
    return day
