"""eCard pages and downloads: activation, QR, PNG, PDF, access."""

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from PIL import Image

from satuklik.accounts.models import PolicyLink
from satuklik.accounts.tests.factories import PolicyLinkFactory, UserFactory
from satuklik.cards import services, signing
from satuklik.cards.models import CardActivation
from satuklik.core.testing import session_queries
from satuklik.policies.models import Member
from satuklik.policies.tests.factories import DplkAccountFactory, IndividualPolicyFactory, MemberFactory

NOW = datetime.datetime(2025, 6, 15, 3, 0, tzinfo=datetime.UTC)
# Every signed-in page: the user, the unread count of the top bar, and the session's own
# queries (see session_queries).
REQUEST_OVERHEAD = 2 + session_queries()


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def family(db, now, settings):
    settings.LANGUAGE_CODE = "en"
    principal = MemberFactory(full_name="JANE RAILEY")
    child = MemberFactory(child_of=principal, full_name="JUNIOR RAILEY")
    user = UserFactory(member=principal)
    # Individual and DPLK memberships have no card.
    PolicyLinkFactory(user=user, member=IndividualPolicyFactory().policy.members.get())
    PolicyLinkFactory(user=user, member=DplkAccountFactory().member)
    return principal, child, user


@pytest.fixture
def jane(client, family):
    client.force_login(family[2])
    return client


def test_cards_list_has_a_card_per_covered_participant(jane, family):
    principal, child, _user = family
    response = jane.get(reverse("cards:list"))
    assert response.status_code == 200
    assert [item["card"].member for item in response.context["cards"]] == [principal, child]
    html = response.content.decode()
    assert "JANE RAILEY" in html and "JUNIOR RAILEY" in html
    assert principal.policy.holder.name in html
    assert html.count('data-testid="activate"') == 2
    assert all(not item["qr"] and not item["card"].payload for item in response.context["cards"])


def test_activation_once_then_qr_and_downloads(jane, family):
    principal, _child, user = family
    response = jane.post(reverse("cards:activate", args=[principal.pk]), follow=True)
    assert response.status_code == 200
    assert "The eCard is active" in response.content.decode()
    activation = CardActivation.objects.get(member=principal)
    assert (activation.activated_by, activation.serial, activation.issued_on) == (user, 1, datetime.date(2025, 6, 15))
    # Again: nothing changes.
    jane.post(reverse("cards:activate", args=[principal.pk]))
    assert CardActivation.objects.get(member=principal).activated_at == activation.activated_at

    detail = jane.get(reverse("cards:detail", args=[principal.pk]))
    html = detail.content.decode()
    assert "<svg" in html  # the QR code, inline: viewable offline
    payload = detail.context["card"].payload
    assert signing.payload_verify(payload)["m"] == principal.participant_number

    png = jane.get(reverse("cards:png", args=[principal.pk]))
    assert png["Content-Type"] == "image/png"
    assert png["Content-Disposition"] == f'attachment; filename="ecard-{principal.participant_number}.png"'
    image = Image.open(io.BytesIO(png.content))
    assert image.size == (1012, 638)

    pdf = jane.get(reverse("cards:pdf", args=[principal.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert b"JANE RAILEY" in pdf.content or b"/Title" in pdf.content


def test_downloads_need_an_activated_card(jane, family):
    principal, _child, _user = family
    assert jane.get(reverse("cards:png", args=[principal.pk])).status_code == 404
    assert jane.get(reverse("cards:pdf", args=[principal.pk])).status_code == 404


def test_an_inactive_participant_cannot_activate(jane, family):
    principal, _child, _user = family
    Member.objects.filter(pk=principal.pk).update(status=Member.Status.INACTIVE)
    response = jane.post(reverse("cards:activate", args=[principal.pk]), follow=True)
    assert "coverage is not active" in response.content.decode()
    assert not CardActivation.objects.exists()


def test_card_pages_are_never_kept_by_shared_caches(jane, family):
    response = jane.get(reverse("cards:list"))
    assert "private" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("dependents", [1, 100])
def test_card_list_query_count_does_not_grow(client, db, now, dependents, django_assert_num_queries):
    user = UserFactory()
    principal = user.policy_links.get().member
    for _ in range(dependents):
        services.card_activate(member=MemberFactory(child_of=principal), by=user)
    client.force_login(user)
    client.get("/")
    # The request overhead, plus: the Group links with member, policy, holder, plan and
    # activation; the dependents with the same.
    with django_assert_num_queries(REQUEST_OVERHEAD + 2):
        response = client.get(reverse("cards:list"))
    assert len(response.context["cards"]) == dependents + 1


# --- access -----------------------------------------------------------------------------


def card_urls(member):
    return [
        ("get", reverse("cards:detail", args=[member.pk])),
        ("post", reverse("cards:activate", args=[member.pk])),
        ("get", reverse("cards:png", args=[member.pk])),
        ("get", reverse("cards:pdf", args=[member.pk])),
    ]


def test_another_members_card_is_404(jane, family):
    stranger = MemberFactory()
    UserFactory(member=stranger)
    services.card_activate(member=stranger, by=None)
    for method, url in card_urls(stranger):
        assert getattr(jane, method)(url).status_code == 404, url
    assert not CardActivation.objects.filter(activated_by=family[2]).exists()


def test_a_dependent_cannot_see_the_principals_card(client, family):
    principal, child, _user = family
    services.card_activate(member=principal, by=None)
    client.force_login(UserFactory(member=child))
    for method, url in card_urls(principal):
        assert getattr(client, method)(url).status_code == 404, url
    assert client.get(reverse("cards:detail", args=[child.pk])).status_code == 200


def test_anonymous_is_sent_to_login(client, family):
    principal, _child, _user = family
    for method, url in [("get", reverse("cards:list"))] + card_urls(principal):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login"))


def test_a_pending_or_unlinked_membership_has_no_card(jane, family):
    principal, _child, user = family
    PolicyLink.objects.filter(member=principal).update(status=PolicyLink.Status.PENDING)
    assert jane.get(reverse("cards:list")).context["cards"] == []
    assert jane.get(reverse("cards:detail", args=[principal.pk])).status_code == 404


def test_activate_all_activates_every_card_of_the_family_at_once(jane, family):
    principal, child, _user = family
    assert 'action="/cards/activate-all/"' in jane.get(reverse("cards:list")).content.decode()

    response = jane.post(reverse("cards:activate-all"), follow=True)

    assert set(CardActivation.objects.values_list("member", flat=True)) == {principal.pk, child.pk}
    html = response.content.decode()
    assert "2 eCards are active" in html
    assert 'data-testid="activate"' not in html
    assert 'action="/cards/activate-all/"' not in html  # nothing left to activate


def test_activate_all_skips_an_ended_cover_and_says_whose(jane, family):
    principal, child, _user = family
    Member.objects.filter(pk=child.pk).update(end_date=datetime.date(2025, 1, 31))

    response = jane.post(reverse("cards:activate-all"), follow=True)

    assert list(CardActivation.objects.values_list("member", flat=True)) == [principal.pk]
    html = response.content.decode()
    assert "1 eCard is active" in html
    assert "JUNIOR RAILEY: This participant&#x27;s coverage is not active" in html


def test_activate_all_never_touches_another_familys_cards(jane, family):
    stranger = MemberFactory(full_name="SOMEONE ELSE")
    jane.post(reverse("cards:activate-all"))
    assert not CardActivation.objects.filter(member=stranger).exists()


def test_the_card_shows_the_birth_date_and_a_full_screen_code_for_the_scanner(jane, family):
    principal, _child, user = family
    services.card_activate(member=principal, by=user)
    html = jane.get(reverse("cards:detail", args=[principal.pk])).content.decode()
    assert principal.date_of_birth.strftime("%d/%m/%Y") in html
    scan = html[html.index('<dialog id="qr-scan"') : html.index("</dialog>")]
    assert "<svg" in scan and principal.participant_number in scan
    assert 'data-open-dialog="qr-scan"' in html
    assert "Card version 1." in html
