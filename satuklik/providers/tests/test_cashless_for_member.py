"""The search list's badge, the "cashless only" filter, the API and the provider page say
the same thing to a signed-in member: cashless under her own plan (issue 10.13). Visitors
see the provider's general status, labelled as general."""

import datetime
import re

import pytest
from django.urls import reverse

from satuklik.accounts.tests.factories import UserFactory
from satuklik.policies.tests.factories import MemberFactory, PlanFactory
from satuklik.providers.models import ProviderType
from satuklik.providers.services import provider_coverage_for_member
from satuklik.providers.tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db
SEARCH = reverse("providers:search")
API = "/api/v1/providers"


@pytest.fixture(autouse=True)
def _june_2025_in_english(client, time_machine):
    # The factories' coverage starts on 1 January 2025.
    time_machine.move_to(datetime.datetime(2025, 6, 1, 9, tzinfo=datetime.UTC))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def jane():
    # PlanFactory's schedule: a cashless item of every benefit type except optical.
    plan = PlanFactory(with_schedule=True)
    return UserFactory(member=MemberFactory(plan=plan, policy=plan.policy, full_name="JANE RAILEY"))


@pytest.fixture
def hospitals(jane):
    """Five cashless partners of the insurer, of which only "RS Jane Network" is cashless for Jane."""
    member = jane.policy_links.get().member
    return {
        "RS Jane Network": ProviderFactory(name="RS Jane Network", network_plans=[member.plan]),
        "RS Jane Holder": ProviderFactory(
            name="RS Jane Holder", network_holders=[member.policy.holder], cashless=False
        ),
        "RS Other Plan": ProviderFactory(name="RS Other Plan", network_plans=[PlanFactory()]),
        "RS No Network": ProviderFactory(name="RS No Network"),
        "Optik Jane": ProviderFactory(
            name="Optik Jane",
            network_plans=[member.plan],
            provider_type=ProviderType.OPTICAL,
            service_inpatient=False,
            service_outpatient=False,
            service_maternity=False,
            service_optical=True,
        ),
    }


def _badges(html):
    """{provider name: badge text} as the list shows them."""
    items = re.findall(
        r'<strong class="provider-name">(.*?)</strong>.*?<span class="badge badge-\w+">(.*?)</span>', html, re.S
    )
    return dict(items)


def _names(html):
    return set(re.findall(r'<strong class="provider-name">(.*?)</strong>', html))


def test_a_members_list_badges_follow_her_plan_and_agree_with_the_provider_page(client, jane, hospitals):
    client.force_login(jane)
    badges = _badges(client.get(SEARCH, {"type": ""}).content.decode())  # every type, not only hospitals
    assert badges == {
        "RS Jane Network": "Cashless for you",
        "RS Jane Holder": "Reimbursement for you",  # in her holder's network, but reimbursement only
        "RS Other Plan": "Reimbursement for you",
        "RS No Network": "Reimbursement for you",
        "Optik Jane": "Reimbursement for you",  # her optical benefit is not cashless
    }
    member = jane.policy_links.get().member
    for name, provider in hospitals.items():
        coverage = provider_coverage_for_member(provider=provider, member=member)
        assert coverage.cashless == (badges[name] == "Cashless for you"), name


def test_the_cashless_filter_follows_her_plan(client, jane, hospitals):
    client.force_login(jane)
    only_cashless = _names(client.get(SEARCH, {"cashless": "yes"}).content.decode())
    assert only_cashless == {"RS Jane Network"}
    reimbursement = _names(client.get(SEARCH, {"cashless": "no"}).content.decode())
    assert reimbursement == set(hospitals) - {"RS Jane Network"}


def test_a_visitor_sees_the_general_status_labelled_as_general(client, hospitals):
    html = client.get(SEARCH).content.decode()
    badges = _badges(html)
    assert badges["RS Other Plan"] == "Cashless partner (general)"
    assert badges["RS Jane Holder"] == "Reimbursement only"
    assert "the provider's general one; sign in to see what your plan covers" in html
    assert _names(client.get(SEARCH, {"cashless": "yes"}).content.decode()) == set(hospitals) - {"RS Jane Holder"}


def test_the_api_says_cashless_for_the_member_and_filters_by_her_plan(client, jane, hospitals):
    token = client.post(
        f"{API.rsplit('/', 1)[0]}/auth/login",
        {"username": jane.username, "password": UserFactory.DEFAULT_PASSWORD, "device_name": "test"},
        content_type="application/json",
    ).json()["token"]
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    items = client.get(API, **bearer).json()["items"]
    assert {item["name"]: item["cashless_for_member"] for item in items} == {
        "RS Jane Network": True,
        "RS Jane Holder": False,
        "RS Other Plan": False,
        "RS No Network": False,
        "Optik Jane": False,
    }
    assert {item["name"] for item in client.get(API, {"cashless": "true"}, **bearer).json()["items"]} == {
        "RS Jane Network"
    }
    one = client.get(f"{API}/{hospitals['RS Other Plan'].code}", **bearer).json()
    assert one["cashless"] is True and one["cashless_for_member"] is False
    # A visitor: the general status, and nothing about any plan.
    anonymous = client.get(API).json()["items"]
    assert {item["cashless_for_member"] for item in anonymous} == {None}


def test_the_members_list_costs_the_same_queries_for_20_hospitals_as_for_5(client, jane, hospitals):
    client.force_login(jane)
    member = jane.policy_links.get().member

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(SEARCH).status_code == 200
        return len(queries)

    count()  # the city list is cached by the first page
    few = count()
    for n in range(15):
        ProviderFactory(name=f"RS Tambahan {n:02d}", network_plans=[member.plan])
    assert count() == few
