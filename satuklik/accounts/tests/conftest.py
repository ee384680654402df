import datetime
import re

import pytest
from django.utils import timezone

from satuklik.notifications.models import Message
from satuklik.policies.models import PolicyType
from satuklik.policies.tests.factories import MemberFactory, PolicyFactory


@pytest.fixture
def jane(db):
    """JANE RAILEY of the first seed: group policy 12345678, participant 87654321, born 01/12/1990."""
    policy = PolicyFactory(number="12345678", start_date=datetime.date(2024, 1, 1), end_date=None)
    return MemberFactory(
        policy=policy,
        participant_number="87654321",
        full_name="JANE RAILEY",
        date_of_birth=datetime.date(1990, 12, 1),
        email="jane.railey@example.com",
        mobile="081234567890",
        start_date=datetime.date(2024, 1, 1),
    )


@pytest.fixture
def individual_member(db):
    policy = PolicyFactory(number="00056789", individual=True, end_date=None, start_date=datetime.date(2020, 1, 1))
    return MemberFactory(
        policy=policy,
        participant_number="00056789-01",
        plan=None,
        full_name="JANE RAILEY",
        date_of_birth=datetime.date(1990, 12, 1),
        email="jane.railey@example.com",
        mobile="+62 812-3456-7890",
        start_date=datetime.date(2020, 1, 1),
    )


@pytest.fixture
def dplk_member(db):
    policy = PolicyFactory(number="00012345", policy_type=PolicyType.DPLK, end_date=None)
    return MemberFactory(
        policy=policy,
        participant_number="55501234",
        plan=None,
        full_name="JANE RAILEY",
        date_of_birth=datetime.date(1990, 12, 1),
        email="",
        mobile="081234567890",
        start_date=datetime.date(2024, 1, 1),
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["satuklik.accounts.tests.hashers.FastArgon2PasswordHasher"]


def last_code(to):
    message = Message.objects.filter(recipient=to).order_by("-id").first()
    assert message is not None, f"nothing sent to {to}"
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def just_before_a_boundary(window_seconds: int) -> datetime.datetime:
    """Two seconds before the clock enters a new window of this length (counters that forgot
    everything at a window boundary failed here)."""
    now = timezone.now().timestamp()
    boundary = (now // window_seconds + 1) * window_seconds
    return datetime.datetime.fromtimestamp(boundary - 2, tz=datetime.UTC)
