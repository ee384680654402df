"""Query counts of the accounts pages that list things."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from satuklik.accounts.models import PolicyLink, SecurityEvent
from satuklik.accounts.tests.factories import PolicyLinkFactory, StaffUserFactory, UserFactory
from satuklik.accounts.tests.staff import admin_sign_in
from satuklik.core.testing import session_queries

pytestmark = pytest.mark.django_db


def test_security_event_list_queries_do_not_grow_with_rows(client, django_assert_num_queries):
    staff = StaffUserFactory(is_superuser=True)
    users = [UserFactory(member=None) for _ in range(3)]
    for n in range(30):
        SecurityEvent.objects.create(kind=SecurityEvent.Kind.LOGIN_SUCCESS, user=users[n % 3], ip="10.0.0.1")
    admin_sign_in(client, staff)
    url = reverse("admin:accounts_securityevent_changelist")
    client.get(url)  # warm up (content types, permissions cache)
    # 6 + session: staff user, the staff's TOTP device (django-otp's second-factor check), row count, one page of events joined to their users
    # (list_select_related), the date hierarchy's first/last and its days. 90 rows cost
    # the same as 30.
    with django_assert_num_queries(6 + session_queries()) as captured:
        response = client.get(url)
    assert response.status_code == 200
    few = len(captured.captured_queries)
    SecurityEvent.objects.bulk_create(
        [SecurityEvent(kind=SecurityEvent.Kind.OTP_SENT, user=users[0], ip="10.0.0.2") for _ in range(60)]
    )
    with django_assert_num_queries(few):
        client.get(url)


def test_profile_page_queries(client, django_assert_num_queries):
    user = UserFactory()
    for _ in range(3):
        PolicyLinkFactory(user=user, status=PolicyLink.Status.ACTIVE)
    client.force_login(user)
    client.get(reverse("accounts:profile"))
    # 4 + session: user, login names, the shell's unread-inbox badge, linked policies
    # with their policy (select_related): the same for 4 or 5 linked policies.
    with django_assert_num_queries(4 + session_queries()) as captured:
        client.get(reverse("accounts:profile"))
    count = len(captured.captured_queries)
    PolicyLinkFactory(user=user, status=PolicyLink.Status.ACTIVE)
    with django_assert_num_queries(count):
        client.get(reverse("accounts:profile"))


def test_cleanup_removes_expired_flows_and_keeps_events(capsys):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from satuklik.accounts import services
    from satuklik.accounts.models import AuthFlow, OtpChallenge

    UserFactory(username="JANERA0112")
    services.password_reset_start(username="JANERA0112")
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        call_command("accounts_cleanup")
    assert not AuthFlow.objects.exists() and not OtpChallenge.objects.exists()
    assert SecurityEvent.objects.exists()


def test_user_change_page_queries_do_not_grow_with_links_and_names(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from satuklik.accounts.models import LoginName

    admin_sign_in(client, StaffUserFactory(is_superuser=True))
    user = UserFactory()
    url = reverse("admin:accounts_user_change", args=[user.pk])
    client.get(url)  # warm up (content types, permissions cache)

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured), response.content

    few, _page = count()
    for n in range(5):
        PolicyLinkFactory(user=user, status=PolicyLink.Status.ACTIVE)
        LoginName.objects.create(user=user, name=f"EXTRA{n}")
    many, page = count()
    assert page.count(b"EXTRA") >= 5
    assert many == few  # the inlines' participants come with their rows


def test_plan_change_page_queries_do_not_grow_with_benefit_items(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from satuklik.policies.tests.factories import BenefitItemFactory, PlanFactory

    admin_sign_in(client, StaffUserFactory(is_superuser=True))
    plan = PlanFactory()
    url = reverse("admin:policies_plan_change", args=[plan.pk])
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = count()
    for _ in range(8):
        BenefitItemFactory(plan=plan)
    assert count() == few
