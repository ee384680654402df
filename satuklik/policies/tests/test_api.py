"""/api/v1/policies: the same data as the pages, for a bearer token; 401 and 404 rules."""

import datetime

import pytest
from django.test import Client

from satuklik.accounts import services as account_services
from satuklik.accounts.models import PolicyLink
from satuklik.accounts.tests.factories import PolicyLinkFactory, UserFactory
from satuklik.claims.models import Claim
from satuklik.policies.models import BenefitItem
from satuklik.policies.tests.factories import DplkContributionFactory, MemberFactory
from satuklik.policies.tests.test_views import add_claim, jane_world, now  # noqa: F401 - fixture

D = datetime.date
# Every API request: the bearer token looked up with its user. A bearer request touches no
# session.
API_REQUEST_OVERHEAD = 1


@pytest.fixture
def world(db, now, settings):  # noqa: F811
    settings.LANGUAGE_CODE = "en"
    return jane_world()


def bearer(user) -> Client:
    _token, raw = account_services.api_token_issue(user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def api(world):
    return bearer(world.user)


def test_policy_list_with_labels_and_selection(api, world):
    pending = MemberFactory()
    PolicyLinkFactory(user=world.user, member=pending, status=PolicyLink.Status.PENDING)
    data = api.get("/api/v1/policies").json()
    assert [(p["label"], p["status"], p["selected"]) for p in data] == [
        ("12345678 (Group)", "ACTIVE", True),
        ("00056789 (Individual)", "ACTIVE", False),
        ("00012345 (DPLK)", "ACTIVE", False),
        (f"{pending.policy.number} (Group)", "PENDING", False),
    ]
    assert data[0]["member_id"] == world.group.pk


def test_select_remembers_and_refuses_others(api, world):
    dplk_link = PolicyLink.objects.get(member=world.dplk)
    assert [p["selected"] for p in api.get("/api/v1/policies").json()] == [True, False, False]
    response = api.post(f"/api/v1/policies/{dplk_link.pk}/select")
    assert response.status_code == 200
    assert response.json()["selected"] is True
    # The list follows the choice at once.
    assert [p["selected"] for p in api.get("/api/v1/policies").json()] == [False, False, True]
    world.user.refresh_from_db()
    assert world.user.selected_link_id == dplk_link.pk
    stranger_link = PolicyLink.objects.get(member=world.stranger)
    assert api.post(f"/api/v1/policies/{stranger_link.pk}/select").status_code == 404
    world.user.refresh_from_db()
    assert world.user.selected_link_id == dplk_link.pk


def test_members_of_a_policy_and_one_member(api, world):
    link = PolicyLink.objects.get(member=world.group)
    members = api.get(f"/api/v1/policies/{link.pk}/members").json()
    assert [(m["full_name"], m["relation"]) for m in members] == [
        ("JANE RAILEY", "PRINCIPAL"),
        ("JUNIOR RAILEY", "CHILD"),
    ]
    assert members[0]["employer"] == world.group.policy.holder.name
    child = api.get(f"/api/v1/policies/members/{world.child.pk}").json()
    assert child["principal_id"] == world.group.pk


def test_benefits_with_used_and_remaining(api, world):
    room = BenefitItem.objects.get(plan=world.group.plan, code="IP-RB")
    add_claim(world.group, room, on=D(2025, 2, 1), approved=1_500_000)
    add_claim(world.group, room, on=D(2025, 2, 9), approved=400_000, status=Claim.Status.REJECTED)
    data = api.get(f"/api/v1/policies/members/{world.group.pk}/benefits", {"benefit_type": "INPATIENT"}).json()
    assert (data["policy_year_start"], data["policy_year_end"]) == ("2025-01-01", "2025-12-31")
    (item,) = data["items"]
    # Annual cap 36,500,000 - 1,500,000 = 35,000,000.
    assert (item["used_amount"], item["yearly_limit"], item["remaining_amount"]) == (1_500_000, 36_500_000, 35_000_000)
    everything = api.get(f"/api/v1/policies/members/{world.group.pk}/benefits").json()
    assert len(everything["items"]) == 5
    assert api.get(f"/api/v1/policies/members/{world.group.pk}/benefits", {"benefit_type": "X"}).status_code == 422


def test_individual(api, world):
    data = api.get(f"/api/v1/policies/members/{world.individual.pk}/individual").json()
    assert data["policy_number"] == "00056789"
    assert (data["payment_status"], data["grace_period_ends"]) == ("GRACE", "2025-07-16")
    assert data["beneficiaries"] == [{"full_name": "JUNIOR RAILEY", "relation": "Anak", "share_percent": 100}]


def test_dplk_and_contributions(api, world):
    data = api.get(f"/api/v1/policies/members/{world.dplk.pk}/dplk", {"annual_return": 0}).json()
    assert data["balance_total"] == 42_750_000
    assert (data["retirement_date"], data["years_to_go"], data["months_to_go"]) == ("2044-03-14", 18, 224)
    # As on the page: 42,750,000 + 224 x 3,500,000 / 12.
    assert data["projection"]["projected_balance"] == 108_083_333
    assert api.get(f"/api/v1/policies/members/{world.dplk.pk}/dplk", {"annual_return": 99}).status_code == 422

    page = api.get(
        f"/api/v1/policies/members/{world.dplk.pk}/dplk/contributions", {"year": 2024, "page_size": 5}
    ).json()
    assert (page["count"], page["pages"], len(page["items"])) == (12, 3, 5)
    assert page["items"][0]["paid_on"] == "2024-12-25"
    assert page["totals"] == {"employer": 3_600_000, "employee": 2_400_000, "total": 6_000_000}
    assert api.get(f"/api/v1/policies/members/{world.dplk.pk}/dplk/contributions", {"year": 2023}).json()["count"] == 0


@pytest.mark.parametrize("count", [1, 100])
def test_dplk_contributions_query_count_does_not_grow(db, now, count, django_assert_num_queries):  # noqa: F811
    from satuklik.policies.tests.factories import DplkAccountFactory

    account = DplkAccountFactory()
    user = UserFactory(member=account.member)
    for i in range(count):
        DplkContributionFactory(account=account, paid_on=D(2024, 1, 1) + datetime.timedelta(days=i))
    api = bearer(user)
    api.get("/api/v1/policies")  # the token's first use records last_used_at
    # The API request overhead (the token with its user; no session), plus 7: the member,
    # the account and its fund balances (2), the count, the page, the years, the totals.
    with django_assert_num_queries(API_REQUEST_OVERHEAD + 7):
        response = api.get(f"/api/v1/policies/members/{account.member.pk}/dplk/contributions")
    assert response.json()["count"] == count


def member_endpoints(world, *, mine):
    group = world.group if mine else world.stranger
    individual = world.individual if mine else world.stranger_individual
    dplk = world.dplk if mine else world.stranger_dplk
    link = PolicyLink.objects.get(member=group)
    return [
        ("get", f"/api/v1/policies/{link.pk}/members"),
        ("post", f"/api/v1/policies/{link.pk}/select"),
        ("get", f"/api/v1/policies/members/{group.pk}"),
        ("get", f"/api/v1/policies/members/{group.pk}/benefits"),
        ("get", f"/api/v1/policies/members/{individual.pk}/individual"),
        ("get", f"/api/v1/policies/members/{dplk.pk}/dplk"),
        ("get", f"/api/v1/policies/members/{dplk.pk}/dplk/contributions"),
    ]


def test_my_endpoints_answer(api, world):
    for method, url in member_endpoints(world, mine=True):
        assert getattr(api, method)(url).status_code == 200, url


def test_another_members_records_are_404(api, world):
    for method, url in member_endpoints(world, mine=False):
        assert getattr(api, method)(url).status_code == 404, url


def test_anonymous_and_bad_tokens_get_401(world):
    for client in (Client(), Client(HTTP_AUTHORIZATION="Bearer not-a-token")):
        for method, url in member_endpoints(world, mine=True) + [("get", "/api/v1/policies")]:
            assert getattr(client, method)(url).status_code == 401, url


def test_a_dependent_cannot_see_the_principals_data(world):
    api = bearer(UserFactory(member=world.child))
    assert api.get(f"/api/v1/policies/members/{world.group.pk}").status_code == 404
    assert api.get(f"/api/v1/policies/members/{world.group.pk}/benefits").status_code == 404
    principal_link = PolicyLink.objects.get(member=world.group)
    assert api.get(f"/api/v1/policies/{principal_link.pk}/members").status_code == 404
    assert api.get(f"/api/v1/policies/members/{world.child.pk}").status_code == 200


def test_the_session_works_too(client, world):
    client.force_login(world.user)
    assert client.get("/api/v1/policies").status_code == 200


def test_in_the_openapi_document(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in [
        "/api/v1/policies",
        "/api/v1/policies/{link_id}/select",
        "/api/v1/policies/{link_id}/members",
        "/api/v1/policies/members/{member_id}",
        "/api/v1/policies/members/{member_id}/benefits",
        "/api/v1/policies/members/{member_id}/individual",
        "/api/v1/policies/members/{member_id}/dplk",
        "/api/v1/policies/members/{member_id}/dplk/contributions",
        "/api/v1/cards",
        "/api/v1/cards/{member_id}/activate",
        "/api/v1/verify/{payload}",
        "/api/v1/verify/public-key",
    ]:
        assert path in paths, path


def test_answers_are_the_members_own_and_never_another_members(api, world):
    urls = [url for method, url in member_endpoints(world, mine=True) if method == "get"]
    urls.insert(0, "/api/v1/policies")
    for url in urls:
        assert api.get(url).status_code == 200, url
    stranger = bearer(UserFactory())
    for url in urls[1:]:
        assert stranger.get(url).status_code == 404, url
    mine = {link["id"] for link in api.get("/api/v1/policies").json()}
    assert mine and mine.isdisjoint(link["id"] for link in stranger.get("/api/v1/policies").json())
