import datetime

import pytest

from satuklik.claims.tests.factories import PublicHolidayFactory
from satuklik.claims.working_days import add_working_days

pytestmark = pytest.mark.django_db


def test_weekends_are_skipped():
    # Friday 7 Nov 2025 + 1 working day = Monday 10 Nov.
    assert add_working_days(datetime.date(2025, 11, 7), 1) == datetime.date(2025, 11, 10)
    # 14 working days from Monday 3 Nov 2025: 2 full weeks less... = Friday 21 Nov.
    assert add_working_days(datetime.date(2025, 11, 3), 14) == datetime.date(2025, 11, 21)


def test_seeded_idul_fitri_2025_is_skipped():
    # Thursday 27 Mar 2025; 28 Mar cuti bersama, 31 Mar-7 Apr Idul Fitri + cuti bersama.
    assert add_working_days(datetime.date(2025, 3, 27), 1) == datetime.date(2025, 4, 8)


def test_added_holidays_count_with_one_query(django_assert_num_queries):
    PublicHolidayFactory(date=datetime.date(2030, 1, 2))
    with django_assert_num_queries(1):  # the holidays of the window, whatever its length
        # Tue 1 Jan 2030 + 1: Wed 2 Jan is a holiday -> Thu 3 Jan.
        assert add_working_days(datetime.date(2030, 1, 1), 1) == datetime.date(2030, 1, 3)
