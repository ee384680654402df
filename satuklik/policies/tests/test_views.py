"""The member's policy pages: main menu, member information, benefits, Individu, DPLK.

`jane_world()` builds the seed's Jane: a Group membership (with a child), an Individual
policy and a DPLK account, all linked to one account; test_api.py uses it too.
"""

import datetime
import re
from dataclasses import dataclass
from html import unescape

import pytest
import time_machine
from django.urls import reverse

from satuklik.accounts.models import PolicyLink
from satuklik.accounts.tests.factories import PolicyLinkFactory, UserFactory
from satuklik.claims.models import Claim, ClaimItem
from satuklik.core.testing import session_queries
from satuklik.policies import selectors
from satuklik.policies.models import BenefitItem, Member
from satuklik.policies.tests.factories import (
    BeneficiaryFactory,
    BenefitItemFactory,
    DplkAccountFactory,
    DplkContributionFactory,
    IndividualPolicyFactory,
    MemberFactory,
    PlanFactory,
    PolicyFactory,
)

D = datetime.date
TODAY = datetime.datetime(2025, 6, 15, 10, 0, tzinfo=datetime.UTC)
# Every signed-in page: the user, the unread-notification count of the top bar, and the
# session's own queries (see session_queries).
REQUEST_OVERHEAD = 2 + session_queries()


@dataclass
class World:
    user: object
    group: Member
    child: Member
    individual: Member
    dplk: Member
    stranger: Member  # someone else's group membership
    stranger_dplk: Member
    stranger_individual: Member


def jane_world() -> World:
    policy = PolicyFactory(number="12345678")
    plan = PlanFactory(policy=policy, with_schedule=True)
    group = MemberFactory(
        policy=policy, plan=plan, full_name="JANE RAILEY", date_of_birth=D(1990, 12, 1), participant_number="87654321"
    )
    child = MemberFactory(child_of=group, full_name="JUNIOR RAILEY")
    user = UserFactory(member=group, full_name="JANE RAILEY")
    individual = IndividualPolicyFactory(
        policy__number="00056789", policy__holder_name="Jane Railey", next_due_date=D(2025, 6, 1)
    ).policy.members.get()
    BeneficiaryFactory(policy=individual.policy, full_name="JUNIOR RAILEY", share_percent=100)
    PolicyLinkFactory(user=user, member=individual)
    dplk = DplkAccountFactory(member__participant_number="00012345", with_history=True).member
    PolicyLinkFactory(user=user, member=dplk)
    stranger = MemberFactory()
    UserFactory(member=stranger)
    return World(
        user=user,
        group=group,
        child=child,
        individual=individual,
        dplk=dplk,
        stranger=stranger,
        stranger_dplk=DplkAccountFactory(with_history=True).member,
        stranger_individual=IndividualPolicyFactory().policy.members.get(),
    )


def add_claim(member, item, *, on, approved, status=Claim.Status.PAID):
    claim = Claim.objects.create(
        number=f"CL-{Claim.objects.count() + 1:06d}",
        member=member,
        benefit_type=item.benefit_type,
        status=status,
        treatment_date=on,
    )
    ClaimItem.objects.create(claim=claim, benefit_item=item, amount_claimed=approved, amount_approved=approved)
    return claim


@pytest.fixture
def now():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY


@pytest.fixture
def world(db, now, settings):
    settings.LANGUAGE_CODE = "en"
    return jane_world()


@pytest.fixture
def jane(client, world):
    client.force_login(world.user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def text(response):
    """The page's text without tags, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


# --- main menu ---------------------------------------------------------------------------


def test_main_menu_greets_and_lists_every_linked_policy(jane, world):
    response = jane.get("/")
    assert response.status_code == 200
    page = text(response)
    assert "Hello, JANE RAILEY" in page
    assert response.context["selected_label"] == "12345678 (Group)"
    assert [o["label"] for o in response.context["options"]] == [
        "12345678 (Group)",
        "00056789 (Individual)",
        "00012345 (DPLK)",
    ]
    assert "Add a policy" in page
    assert response["Cache-Control"] == "no-store" or "no-store" in response["Cache-Control"]


def test_anonymous_home_is_the_landing_page(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "policies/main_menu.html" not in [t.name for t in response.templates]


def tiles(response):
    return {tile["name"]: bool(tile["url"]) for tile in response.context["tiles"]}


def test_tiles_follow_the_type_of_the_selected_policy(jane, world):
    group = tiles(jane.get("/"))
    assert {"cards-list", "policies-benefits", "policies-members", "providers-search"} <= {
        name for name, linked in group.items() if linked
    }
    # Pages that don't exist yet show as "coming soon", never as links.
    assert set(group) == {
        "claims-list",
        "cards-list",
        "policies-benefits",
        "policies-members",
        "providers-search",
        "telemedicine-home",
    }

    links = {link.member_id: link for link in world.user.policy_links.all()}
    jane.post(reverse("policies:select"), {"link": links[world.dplk.pk].pk})
    dplk = tiles(jane.get("/"))
    assert set(dplk) == {"policies-dplk", "policies-members"}
    assert "claims-list" not in dplk and "providers-search" not in dplk

    jane.post(reverse("policies:select"), {"link": links[world.individual.pk].pk})
    individual = jane.get("/")
    assert set(tiles(individual)) == {"policies-individual", "policies-members"}
    assert reverse("policies:individual", args=[world.individual.pk]) in individual.content.decode()


def test_the_selection_is_remembered_across_sessions(client, world):
    dplk_link = world.user.policy_links.get(member=world.dplk)
    client.force_login(world.user)
    response = client.post(reverse("policies:select"), {"link": dplk_link.pk})
    assert response.status_code == 302
    client.logout()
    client.force_login(world.user)
    assert client.get("/").context["selected_label"] == "00012345 (DPLK)"
    world.user.refresh_from_db()
    assert world.user.selected_link_id == dplk_link.pk


def test_selecting_with_htmx_redirects_the_page(jane, world):
    link = world.user.policy_links.get(member=world.dplk)
    response = jane.post(reverse("policies:select"), {"link": link.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/"


@pytest.mark.parametrize("which", ["stranger", "pending", "garbage"])
def test_selecting_a_link_that_is_not_an_active_one_of_mine_changes_nothing(jane, world, which):
    if which == "stranger":
        value = PolicyLink.objects.get(member=world.stranger).pk
    elif which == "pending":
        value = PolicyLinkFactory(user=world.user, status=PolicyLink.Status.PENDING).pk
    else:
        value = "1; DROP TABLE"
    response = jane.post(reverse("policies:select"), {"link": value}, follow=True)
    assert "Choose one of your linked policies." in text(response)
    world.user.refresh_from_db()
    assert world.user.selected_link_id is None
    assert response.context["selected_label"] == "12345678 (Group)"


def test_pending_requests_show_as_pending(jane, world):
    pending_member = IndividualPolicyFactory(policy__number="00099999").policy.members.get()
    PolicyLinkFactory(user=world.user, member=pending_member, status=PolicyLink.Status.PENDING)
    response = jane.get("/")
    assert [p["label"] for p in response.context["pending"]] == ["00099999 (Individual)"]
    assert "Pending" in text(response)
    # Not selectable while pending.
    assert "00099999 (Individual)" not in [o["label"] for o in response.context["options"]]


def test_main_menu_without_any_link_offers_to_add_one(client, db):
    user = UserFactory(member=None)
    client.force_login(user)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["selected"] is None
    assert reverse("policies:link") in response.content.decode()
    assert client.get(reverse("policies:members")).status_code == 302


@pytest.mark.parametrize("extra", [1, 100])
def test_main_menu_query_count_does_not_grow(client, db, now, extra, django_assert_num_queries):
    user = UserFactory()
    principal = user.policy_links.get().member
    for _ in range(extra):
        MemberFactory(child_of=principal)
        PolicyLinkFactory(user=user, member=MemberFactory())
    client.force_login(user)
    client.get("/")  # warm up (session, language)
    # The request overhead, plus 1: the links with member, policy, holder, plan and
    # principal, in one query however many links and dependents; plus 3 for the "action
    # needed" cards (the linked members, their claims waiting for documents, the cards
    # not activated).
    with django_assert_num_queries(REQUEST_OVERHEAD + 4):
        response = client.get("/")
    assert len(response.context["options"]) == extra + 1


# --- member information ------------------------------------------------------------------


def test_member_information_shows_the_participant_and_dependents(jane, world):
    response = jane.get(reverse("policies:members"))
    page = text(response)
    assert "JANE RAILEY" in page and "87654321" in page and "12345678" in page
    assert world.group.policy.holder.name in page
    assert "Female" in page or "Male" in page
    assert [m.pk for m in response.context["dependents"]] == [world.child.pk]
    detail = jane.get(reverse("policies:member", args=[world.child.pk]))
    assert detail.status_code == 200
    assert "JUNIOR RAILEY" in text(detail)


def test_a_dependent_with_an_own_account_sees_only_themselves(client, world):
    child_user = UserFactory(member=world.child)
    client.force_login(child_user)
    response = client.get(reverse("policies:members"))
    assert response.context["member"] == world.child
    assert response.context["dependents"] == []
    assert client.get(reverse("policies:member", args=[world.group.pk])).status_code == 404
    assert client.get(reverse("policies:benefit-types", args=[world.group.pk])).status_code == 404


# --- benefits ----------------------------------------------------------------------------


def test_benefits_participant_then_type_then_items_with_used_and_remaining(jane, world):
    outpatient = BenefitItem.objects.get(plan=world.group.plan, code="OP-GP")
    outpatient.limit_period = "YEAR"
    outpatient.limit_amount = 2_000_000
    outpatient.save()
    add_claim(world.group, outpatient, on=D(2025, 3, 1), approved=350_000)
    add_claim(world.group, outpatient, on=D(2025, 4, 1), approved=150_000, status=Claim.Status.APPROVED)
    add_claim(world.group, outpatient, on=D(2025, 5, 1), approved=999_000, status=Claim.Status.IN_REVIEW)

    participants = jane.get(reverse("policies:benefits"))
    assert [m.pk for m in participants.context["members"]] == [world.group.pk, world.child.pk]
    types = jane.get(reverse("policies:benefit-types", args=[world.group.pk]))
    assert [t.benefit_type for t in types.context["summaries"]] == [
        "INPATIENT",
        "OUTPATIENT",
        "DENTAL",
        "MATERNITY",
        "OPTICAL",
    ]

    detail = jane.get(reverse("policies:benefit-detail", args=[world.group.pk, "OUTPATIENT"]))
    assert detail.status_code == 200
    html = detail.content.decode()
    # 350,000 + 150,000 used (the claim in review does not count); 2,000,000 - 500,000 left.
    assert re.search(r'data-field="used">Rp 500\.000<', html)
    assert re.search(r'data-field="remaining">Rp 1\.500\.000<', html)
    assert "20% paid by you" in text(detail)
    assert "Policy year 01/01/2025 – 31/12/2025" in text(detail)


def _inpatient_with_ceiling_and_an_approved_stay(world):
    """The plan's inpatient items with a Rp 50.000.000 yearly ceiling; a stay of Rp 2.000.000 approved."""
    plan = world.group.plan
    BenefitItemFactory(
        plan=plan,
        benefit_type="INPATIENT",
        code="IP-LIMIT",
        name="Batas maksimum rawat inap per tahun",
        name_en="Inpatient annual limit",
        limit_amount=50_000_000,
        limit_period="CEILING",
    )
    room = BenefitItem.objects.get(plan=plan, code="IP-RB")
    add_claim(world.group, room, on=D(2025, 5, 2), approved=2_000_000, status=Claim.Status.APPROVED)


def test_benefit_summary_shows_the_types_yearly_limit_used_and_remaining_after_an_approved_claim(jane, world):
    _inpatient_with_ceiling_and_an_approved_stay(world)
    detail = jane.get(reverse("policies:benefit-detail", args=[world.group.pk, "INPATIENT"]))
    page = text(detail)
    summary = page[page.index("Inpatient this policy year") : page.index("Each benefit")]
    assert "Yearly limit Rp 50.000.000" in summary
    assert "Used this policy year Rp 2.000.000" in summary
    assert "Remaining Rp 48.000.000" in summary
    assert "4% of the yearly limit used" in detail.content.decode()
    # The ceiling is the summary, not one more item to read.
    assert [u.item.code for u in detail.context["usages"]] == ["IP-RB"]

    # The types page shows the same summary for every type, so the member sees it before choosing.
    types = text(jane.get(reverse("policies:benefit-types", args=[world.group.pk])))
    inpatient = types[types.index("Inpatient") : types.index("Outpatient")]
    assert "Yearly limit Rp 50.000.000" in inpatient and "Remaining Rp 48.000.000" in inpatient
    outpatient = types[types.index("Outpatient") : types.index("Dental")]
    assert "Used this policy year Rp 0" in outpatient
    assert "No yearly limit for this benefit type as a whole" in outpatient


def test_benefit_summary_and_items_in_indonesian(jane, world):
    _inpatient_with_ceiling_and_an_approved_stay(world)
    jane.defaults["HTTP_ACCEPT_LANGUAGE"] = "id"
    page = text(jane.get(reverse("policies:benefit-detail", args=[world.group.pk, "INPATIENT"])))
    assert "Rawat Inap tahun polis ini" in page
    assert "Batas tahunan Rp 50.000.000" in page
    assert "Terpakai tahun polis ini Rp 2.000.000" in page
    assert "Sisa Rp 48.000.000" in page
    assert "Kamar dan makan per hari" in page


def test_benefit_items_use_plain_words(jane, world):
    plan = world.group.plan
    BenefitItem.objects.filter(plan=plan, code="IP-RB").update(count_limit=365, count_period_months=12)
    BenefitItem.objects.filter(plan=plan, code="OP-GP").update(cashless=False)
    inpatient = text(jane.get(reverse("policies:benefit-detail", args=[world.group.pk, "INPATIENT"])))
    assert "Up to 365 days a year" in inpatient
    assert "365 times every 12 months" not in inpatient
    assert "Cashless: show your eCard" in inpatient
    outpatient = text(jane.get(reverse("policies:benefit-detail", args=[world.group.pk, "OUTPATIENT"])))
    # A per-visit limit without a yearly cap: no "Remaining: No yearly limit" row, but what it means.
    assert "Remaining" not in outpatient
    assert "The limit applies per visit; there is no yearly total." in outpatient
    assert "Pay first, then claim reimbursement" in outpatient
    optical = text(jane.get(reverse("policies:benefit-detail", args=[world.group.pk, "OPTICAL"])))
    assert "Once every 2 years" in optical

    jane.defaults["HTTP_ACCEPT_LANGUAGE"] = "id"
    inpatient = text(jane.get(reverse("policies:benefit-detail", args=[world.group.pk, "INPATIENT"])))
    assert "Maksimal 365 hari setahun" in inpatient
    assert "Cashless: tunjukkan eCard Anda" in inpatient
    outpatient = text(jane.get(reverse("policies:benefit-detail", args=[world.group.pk, "OUTPATIENT"])))
    assert "Sisa" not in outpatient
    assert "Batas berlaku per kunjungan; tidak ada batas total per tahun." in outpatient
    assert "Bayar dulu, lalu ajukan penggantian biaya" in outpatient
    assert "Tidak: reimbursement" not in outpatient
    optical = text(jane.get(reverse("policies:benefit-detail", args=[world.group.pk, "OPTICAL"])))
    assert "Sekali setiap 2 tahun" in optical


def test_benefit_detail_shows_waiting_period_and_next_eligible_date(jane, world):
    glasses = BenefitItem.objects.get(plan=world.group.plan, code="OPT-FL")
    add_claim(world.group, glasses, on=D(2025, 2, 10), approved=900_000)
    optical = jane.get(reverse("policies:benefit-detail", args=[world.group.pk, "OPTICAL"])).content.decode()
    assert re.search(r'data-field="next-eligible">10/02/2027<', optical)
    maternity = jane.get(reverse("policies:benefit-detail", args=[world.group.pk, "MATERNITY"])).content.decode()
    # Covered since 1 January 2025, 365 days of waiting: from 1 January 2026.
    assert "Available from 01/01/2026" in maternity


def test_benefit_item_names_are_in_the_readers_language(jane, world):
    glasses = BenefitItem.objects.get(plan=world.group.plan, code="OPT-FL")
    glasses.name, glasses.name_en = "Bingkai dan lensa", "Frames and lenses"
    glasses.save()
    url = reverse("policies:benefit-detail", args=[world.group.pk, "OPTICAL"])
    english = text(jane.get(url))
    assert "Frames and lenses" in english and "Bingkai dan lensa" not in english
    indonesian = text(jane.get(url, HTTP_ACCEPT_LANGUAGE="id"))
    assert "Bingkai dan lensa" in indonesian and "Frames and lenses" not in indonesian
    # Without an English name the insurer's Indonesian one is shown in English too.
    glasses.name_en = ""
    glasses.save()
    assert "Bingkai dan lensa" in text(jane.get(url))


def test_unknown_or_absent_benefit_type_is_404(jane, world):
    assert jane.get(reverse("policies:benefit-detail", args=[world.group.pk, "SPACE"])).status_code == 404
    BenefitItem.objects.filter(plan=world.group.plan, benefit_type="DENTAL").delete()
    assert jane.get(reverse("policies:benefit-detail", args=[world.group.pk, "DENTAL"])).status_code == 404


@pytest.mark.parametrize("items", [1, 100])
def test_benefit_detail_query_count_does_not_grow(jane, world, items, django_assert_num_queries):
    plan = world.group.plan
    BenefitItem.objects.filter(plan=plan, benefit_type="OUTPATIENT").delete()
    for i in range(items):
        item = BenefitItemFactory(plan=plan, benefit_type="OUTPATIENT", code=f"OP-{i:03d}", limit_period="YEAR")
        add_claim(world.group, item, on=D(2025, 3, 1), approved=10_000)
    jane.get("/")
    url = reverse("policies:benefit-detail", args=[world.group.pk, "OUTPATIENT"])
    # The request overhead, plus: the member (with policy, holder, plan, principal), the
    # plan's items of the type, the participant's counted claim items.
    with django_assert_num_queries(REQUEST_OVERHEAD + 3):
        response = jane.get(url)
    assert len(response.context["usages"]) == items


@pytest.mark.parametrize("items", [1, 100])
def test_benefit_types_with_summaries_query_count_does_not_grow(jane, world, items, django_assert_num_queries):
    plan = world.group.plan
    for i in range(items):
        item = BenefitItemFactory(plan=plan, benefit_type="DENTAL", code=f"DT-{i:03d}", limit_period="YEAR")
        add_claim(world.group, item, on=D(2025, 3, 1), approved=10_000)
    jane.get("/")
    url = reverse("policies:benefit-types", args=[world.group.pk])
    # The request overhead, plus: the member, the plan's items (all types), the counted claim items.
    with django_assert_num_queries(REQUEST_OVERHEAD + 3):
        response = jane.get(url)
    dental = next(s for s in response.context["summaries"] if s.benefit_type == "DENTAL")
    assert dental.used_amount == 10_000 * items


@pytest.mark.parametrize("dependents", [1, 100])
def test_benefits_participant_list_query_count_does_not_grow(client, db, now, dependents, django_assert_num_queries):
    user = UserFactory()
    principal = user.policy_links.get().member
    for _ in range(dependents):
        MemberFactory(child_of=principal)
    client.force_login(user)
    client.get("/")
    # The request overhead, plus: the links (for the selected one), the family.
    with django_assert_num_queries(REQUEST_OVERHEAD + 2):
        response = client.get(reverse("policies:benefits"))
    assert len(response.context["members"]) == dependents + 1


# --- Individu -------------------------------------------------------------------------------


def test_individual_page(jane, world):
    response = jane.get(reverse("policies:individual", args=[world.individual.pk]))
    assert response.status_code == 200
    page = text(response)
    assert "Proteksi Jiwa Sejahtera" in page
    assert "Rp 500.000.000" in page
    assert "Rp 750.000 (Monthly)" in page
    # Due 1 June 2025, today 15 June: in the grace period until 16 July 2025 (1 June + 45 days).
    assert response.context["standing"].status == "GRACE"
    assert "16/07/2025" in page
    assert "JUNIOR RAILEY" in page  # the beneficiary
    assert "JANE RAILEY" in page  # the insured


def test_the_grace_period_the_page_states_is_the_rules_own(jane, world, monkeypatch):
    url = reverse("policies:individual", args=[world.individual.pk])
    assert "during the 45-day grace period. Please pay before 16/07/2025" in text(jane.get(url))
    # Due 1 June 2025, today 15 June: with 20 days of grace, it ends on 21 June.
    monkeypatch.setattr(selectors, "GRACE_PERIOD_DAYS", 20)
    page = text(jane.get(url, HTTP_ACCEPT_LANGUAGE="id"))
    assert "selama masa tenggang 20 hari. Silakan bayar sebelum 21/06/2025" in page


def test_individual_page_is_only_for_individual_memberships(jane, world):
    assert jane.get(reverse("policies:individual", args=[world.group.pk])).status_code == 404


# --- DPLK ------------------------------------------------------------------------------------


def test_dplk_page_balance_funds_retirement_projection(jane, world):
    response = jane.get(reverse("policies:dplk", args=[world.dplk.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    # 12,500,000 + 30,250,000
    assert re.search(r'data-field="total-balance">Rp 42\.750\.000<', html)
    page = text(response)
    assert "Dana Pasar Uang" in page and "Dana Pendapatan Tetap" in page
    # Born 14 March 1988, retires at 56 on 14 March 2044: 18 years, 8 months from 15 June 2025.
    assert "14/03/2044" in page
    assert "18 years, 8 months" in page
    projection = response.context["projection"]
    # Contributions of the last 12 months (to 15 June 2025): 25 June to 25 December 2024 = 7 x 500,000.
    assert projection["yearly_contribution"] == 3_500_000
    assert float(projection["rate"]) == 6.0


def test_dplk_projection_with_another_return_htmx_and_plain(jane, world):
    url = reverse("policies:dplk-projection", args=[world.dplk.pk])
    low = jane.get(url, {"annual_return": "0"}, HTTP_HX_REQUEST="true")
    assert [t.name for t in low.templates][0] == "policies/_dplk_projection.html"
    high = jane.get(url, {"annual_return": "8.5"}, HTTP_HX_REQUEST="true")
    assert high.context["projection"]["projected"] > low.context["projection"]["projected"]
    # No return: 42,750,000 + 224 months x 3,500,000 / 12 = 42,750,000 + 65,333,333.33 = 108,083,333.
    assert low.context["projection"]["projected"] == 108_083_333
    plain = jane.get(url, {"annual_return": "8.5"})
    assert "policies/dplk.html" in [t.name for t in plain.templates]


@pytest.mark.parametrize("value", ["-1", "21", "abc", "5.55"])
def test_dplk_projection_refuses_bad_returns_with_a_message(jane, world, value):
    response = jane.get(reverse("policies:dplk-projection", args=[world.dplk.pk]), {"annual_return": value})
    assert response.status_code == 200
    assert response.context["projection"]["form"].errors
    assert float(response.context["projection"]["rate"]) == 6.0
    assert 'aria-invalid="true"' in response.content.decode()


def test_dplk_contributions_by_year_with_totals(jane, world):
    account = world.dplk.dplk_account
    DplkContributionFactory(account=account, paid_on=D(2025, 1, 25), employer_amount=400_000, employee_amount=250_000)
    url = reverse("policies:dplk-contributions", args=[world.dplk.pk])
    everything = jane.get(url)
    assert everything.context["years"] == [2025, 2024]
    assert everything.context["totals"] == {"employer": 4_000_000, "employee": 2_650_000, "total": 6_650_000}
    only_2025 = jane.get(url, {"year": "2025"})
    assert [c.reference for c in only_2025.context["page"].object_list] == [
        account.contributions.get(paid_on=D(2025, 1, 25)).reference
    ]
    assert only_2025.context["totals"]["total"] == 650_000
    assert jane.get(url, {"year": "nonsense"}).context["year"] is None


@pytest.mark.parametrize("count", [1, 100])
def test_dplk_contributions_query_count_does_not_grow(client, db, now, count, django_assert_num_queries):
    account = DplkAccountFactory()
    user = UserFactory(member=account.member)
    for i in range(count):
        DplkContributionFactory(account=account, paid_on=D(2024, 1, 1) + datetime.timedelta(days=i))
    client.force_login(user)
    client.get("/")
    # The request overhead, plus: the member, the account and its prefetched fund
    # balances (2), the count, the page of contributions, the years, the totals.
    with django_assert_num_queries(REQUEST_OVERHEAD + 7):
        response = client.get(reverse("policies:dplk-contributions", args=[account.member.pk]))
    assert response.context["page"].paginator.count == count


def test_dplk_page_is_only_for_dplk_memberships(jane, world):
    assert jane.get(reverse("policies:dplk", args=[world.group.pk])).status_code == 404


# --- access: every URL ------------------------------------------------------------------------


def member_urls(world, *, mine):
    """Every member-scoped URL of the policies app, for Jane's records or a stranger's."""
    group = world.group if mine else world.stranger
    individual = world.individual if mine else world.stranger_individual
    dplk = world.dplk if mine else world.stranger_dplk
    return [
        reverse("policies:member", args=[group.pk]),
        reverse("policies:benefit-types", args=[group.pk]),
        reverse("policies:benefit-detail", args=[group.pk, "OUTPATIENT"]),
        reverse("policies:individual", args=[individual.pk]),
        reverse("policies:dplk", args=[dplk.pk]),
        reverse("policies:dplk-projection", args=[dplk.pk]),
        reverse("policies:dplk-contributions", args=[dplk.pk]),
    ]


SELECTED_URLS = ["policies:members", "policies:benefits", "policies:link"]


def test_my_urls_answer(jane, world):
    for url in member_urls(world, mine=True) + [reverse(name) for name in SELECTED_URLS]:
        assert jane.get(url).status_code == 200, url


def test_another_members_records_are_404(jane, world):
    for url in member_urls(world, mine=False):
        assert jane.get(url).status_code == 404, url


def test_anonymous_is_sent_to_login(client, world):
    urls = member_urls(world, mine=True) + [reverse(name) for name in SELECTED_URLS]
    urls += [reverse("policies:link-details", args=["group"]), reverse("policies:link-verify")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url
    assert client.post(reverse("policies:select"), {"link": 1}).status_code == 302


def test_a_dependent_cannot_see_the_principals_records(client, world):
    client.force_login(UserFactory(member=world.child))
    for url in [
        reverse("policies:member", args=[world.group.pk]),
        reverse("policies:benefit-types", args=[world.group.pk]),
        reverse("policies:benefit-detail", args=[world.group.pk, "OUTPATIENT"]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("policies:member", args=[world.child.pk])).status_code == 200
