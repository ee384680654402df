"""The back office over the insurer's data and the messages: every list loads, searches,
and costs the same number of queries whatever the number of rows; forms and inlines load."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from satuklik.accounts.tests.factories import StaffUserFactory
from satuklik.accounts.tests.staff import admin_sign_in
from satuklik.notifications.models import InboxItem, Message
from satuklik.notifications.tests.factories import InboxItemFactory, MessageFactory
from satuklik.policies.models import Member
from satuklik.policies.tests.factories import (
    BeneficiaryFactory,
    BenefitItemFactory,
    DplkAccountFactory,
    DplkContributionFactory,
    DplkFundBalanceFactory,
    IndividualPolicyFactory,
    MemberFactory,
    PlanFactory,
    PolicyFactory,
    PolicyHolderFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model):
    # Signed in as staff are: password and authenticator code (the factory hashes its password once).
    admin = StaffUserFactory(username="boss", is_superuser=True)
    admin_sign_in(client, admin)
    return client


def _member_with_family():
    principal = MemberFactory()
    MemberFactory(spouse_of=principal)
    MemberFactory(child_of=principal)
    return principal


def _dplk_row():
    account = DplkAccountFactory()
    DplkFundBalanceFactory(account=account)
    return account


# model url name, a factory making one more row, a search term that finds rows
CHANGELISTS = [
    ("policies_policyholder", PolicyHolderFactory, "PT Contoh"),
    ("policies_policy", PolicyFactory, "7"),
    ("policies_plan", PlanFactory, "FP-"),
    ("policies_benefititem", BenefitItemFactory, "Kamar"),
    ("policies_member", _member_with_family, "6"),
    ("policies_individualpolicy", IndividualPolicyFactory, "Proteksi"),
    ("policies_beneficiary", BeneficiaryFactory, "AHLI"),
    ("policies_dplkaccount", _dplk_row, "6"),
    ("policies_dplkfundbalance", DplkFundBalanceFactory, "6"),
    ("policies_dplkcontribution", DplkContributionFactory, "CTR"),
    ("notifications_message", MessageFactory, "example.com"),
    ("notifications_inboxitem", InboxItemFactory, "Klaim"),
]


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response


@pytest.mark.parametrize(("name", "make_row", "term"), CHANGELISTS, ids=[c[0] for c in CHANGELISTS])
def test_changelist_query_count_does_not_grow_with_rows(staff_client, name, make_row, term):
    url = reverse(f"admin:{name}_changelist")
    make_row()
    staff_client.get(url)  # warm up: content types, session, permissions caches
    for search in ("", f"?q={term}"):
        few, _response = _queries(staff_client, url + search)
        for _ in range(4):
            make_row()
        many, response = _queries(staff_client, url + search)
        # Same number of queries for 1 and 5 rows: every column comes with the list query
        # (list_select_related / annotations), nothing is fetched per row.
        assert many == few, f"{url}{search}: {few} queries for few rows, {many} for more"
        assert len(response.context["cl"].result_list) >= 5


def test_member_search_by_participant_number_policy_number_name_and_email(staff_client):
    jane = MemberFactory(
        participant_number="87654321", full_name="JANE RAILEY", email="jane.railey@example.com", mobile="+6281234567890"
    )
    other = MemberFactory(full_name="BUDI SANTOSO")
    url = reverse("admin:policies_member_changelist")
    for term in ("87654321", jane.policy.number, "railey", "jane.railey@example.com"):
        found = list(staff_client.get(url, {"q": term}).context["cl"].result_list)
        assert jane in found, term
        assert other not in found, term


def test_policy_search_by_number_and_holder_name(staff_client):
    policy = PolicyFactory(number="12345678", holder=PolicyHolderFactory(name="PT ABCDE SEJATI"))
    PolicyFactory()
    url = reverse("admin:policies_policy_changelist")
    for term in ("12345678", "abcde"):
        assert list(staff_client.get(url, {"q": term}).context["cl"].result_list) == [policy]


def test_dplk_account_search_and_total_balance(staff_client):
    account = DplkAccountFactory(with_history=True, member__participant_number="00012345")
    DplkAccountFactory()
    response = staff_client.get(reverse("admin:policies_dplkaccount_changelist"), {"q": "00012345"})
    assert list(response.context["cl"].result_list) == [account]
    # Two funds: Rp 12.500.000 + Rp 30.250.000.
    assert "Rp 42.750.000" in response.content.decode()


def test_change_pages_show_their_inlines(staff_client):
    principal = _member_with_family()
    response = staff_client.get(reverse("admin:policies_member_change", args=[principal.pk]))
    assert response.status_code == 200
    for dependent in principal.dependents.all():
        assert dependent.participant_number in response.content.decode()

    plan = PlanFactory(with_schedule=True)
    response = staff_client.get(reverse("admin:policies_plan_change", args=[plan.pk]))
    assert "Bingkai dan lensa" in response.content.decode()

    details = IndividualPolicyFactory()
    BeneficiaryFactory(policy=details.policy, full_name="SITI AMINAH")
    response = staff_client.get(reverse("admin:policies_policy_change", args=[details.policy.pk]))
    assert "SITI AMINAH" in response.content.decode()
    assert details.product_name in response.content.decode()

    account = DplkAccountFactory(with_history=True)
    response = staff_client.get(reverse("admin:policies_dplkaccount_change", args=[account.pk]))
    page = response.content.decode()
    assert "Dana Pasar Uang" in page and "C202412" in page

    for name, obj in [("policyholder", principal.policy.holder), ("benefititem", plan.benefit_items.first())]:
        assert staff_client.get(reverse(f"admin:policies_{name}_change", args=[obj.pk])).status_code == 200
    for name in ("policy", "member", "plan", "dplkaccount", "individualpolicy"):
        assert staff_client.get(reverse(f"admin:policies_{name}_add")).status_code == 200


def test_adding_a_dependent_under_a_principal_puts_them_on_its_policy_and_plan(staff_client):
    principal = MemberFactory(email="", mobile="")
    url = reverse("admin:policies_member_change", args=[principal.pk])
    data = {
        "policy": principal.policy_id,
        "participant_number": principal.participant_number,
        "relation": "PRINCIPAL",
        "principal": "",
        "plan": principal.plan_id,
        "full_name": principal.full_name,
        "date_of_birth": principal.date_of_birth.isoformat(),
        "gender": principal.gender,
        "email": "",
        "mobile": "",
        "employee_number": principal.employee_number,
        "start_date": principal.start_date.isoformat(),
        "end_date": "",
        "status": "ACTIVE",
        "dependents-TOTAL_FORMS": "1",
        "dependents-INITIAL_FORMS": "0",
        "dependents-MIN_NUM_FORMS": "0",
        "dependents-MAX_NUM_FORMS": "1000",
        "dependents-0-participant_number": "69990001",
        "dependents-0-full_name": "ANISA RAHMAWATI",
        "dependents-0-relation": "SPOUSE",
        "dependents-0-gender": "F",
        "dependents-0-date_of_birth": "1990-02-03",
        "dependents-0-start_date": "2025-01-01",
        "dependents-0-end_date": "",
    }
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    spouse = Member.objects.get(participant_number="69990001")
    assert (spouse.principal, spouse.policy, spouse.plan) == (principal, principal.policy, principal.plan)
    assert spouse.date_of_birth == datetime.date(1990, 2, 3)


def test_messages_are_read_only_and_bodies_show_only_in_outbox_mode(staff_client, settings):
    message = MessageFactory(body="Kode OTP Anda: 123456")
    url = reverse("admin:notifications_message_change", args=[message.pk])
    settings.NOTIFICATIONS_OUTBOX = True
    page = staff_client.get(url).content.decode()
    assert "123456" in page
    assert 'name="_save"' not in page  # view only: nothing to save
    settings.NOTIFICATIONS_OUTBOX = False
    assert "123456" not in staff_client.get(url).content.decode()
    assert staff_client.get(reverse("admin:notifications_message_add")).status_code == 403
    assert staff_client.post(url, {"recipient": "x@example.com"}).status_code == 403
    assert Message.objects.get(pk=message.pk).recipient == message.recipient
    assert staff_client.get(reverse("admin:notifications_inboxitem_add")).status_code == 200
    assert InboxItem.objects.count() == 0
