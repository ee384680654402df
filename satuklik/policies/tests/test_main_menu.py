"""The main menu ("Menu Utama") on a phone: a compact header, what needs doing first, a
bottom bar that fits the selected policy (issue 13.1)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from satuklik.accounts import linking
from satuklik.accounts.models import PolicyLink
from satuklik.accounts.tests.factories import PolicyLinkFactory
from satuklik.cards.models import CardActivation
from satuklik.claims.models import Claim
from satuklik.claims.tests.factories import ClaimFactory
from satuklik.policies.tests.factories import DplkAccountFactory, MemberFactory, PolicyFactory
from satuklik.policies.tests.test_views import jane_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db, settings):
    settings.LANGUAGE_CODE = "en"
    return jane_world()


@pytest.fixture
def jane(client, world):
    client.force_login(world.user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _home(client):
    return client.get("/").content.decode()


def test_the_policy_number_shows_once_and_switching_needs_no_separate_button(jane):
    page = _home(jane)
    header = page[page.index('class="hero main-menu"') : page.index("</section>")]
    assert header.count("12345678") == 1
    assert 'hx-trigger="change"' in header
    # The Switch button is only for browsers without JavaScript.
    assert "<noscript><button" in header and header.count("<button") == 1
    # The options are the number and the type, short enough not to be cut.
    assert '<option value="' in header and ">00012345 (DPLK)</option>" in header


def test_a_single_policy_is_shown_as_text_without_a_dropdown(client, db):
    policy = PolicyFactory(number="23100451")
    link = PolicyLinkFactory(member=MemberFactory(policy=policy))
    client.force_login(link.user)
    page = _home(client)
    assert 'id="id_link"' not in page and 'data-testid="selected-policy">23100451' in page


def test_action_cards_come_before_the_tiles(jane, world):
    claim = ClaimFactory(member=world.group, status=Claim.Status.DOCUMENTS_REQUESTED)
    page = _home(jane)
    documents = page.index('data-action="documents"')
    cards = page.index('data-action="card"')
    tiles = page.index('class="tiles"')
    assert documents < tiles and cards < tiles
    assert f"Claim {claim.number} needs more documents." in page
    assert f'href="/claims/{claim.pk}/"' in page
    assert "2 eCards are not activated yet" in page  # Jane and her child


def test_no_card_action_once_every_card_is_active_and_none_for_dplk(jane, world):
    for member in (world.group, world.child):
        CardActivation.objects.create(
            member=member, activated_by=world.user, activated_at=timezone.now(), issued_on=timezone.localdate()
        )
    assert 'data-action="card"' not in _home(jane)
    dplk_link = world.user.policy_links.get(member=world.dplk)
    jane.post(reverse("policies:select"), {"link": dplk_link.pk})
    CardActivation.objects.all().delete()
    assert 'data-action="card"' not in _home(jane)


def test_a_pending_link_is_an_action_card_before_the_tiles(jane, world):
    pending = PolicyLinkFactory(user=world.user, member=MemberFactory(), status=PolicyLink.Status.PENDING)
    page = _home(jane)
    assert page.index('data-testid="pending-link"') < page.index('class="tiles"')
    assert pending.member.policy.number in page


def test_another_members_claim_never_shows_as_an_action(jane, world):
    ClaimFactory(member=world.stranger, status=Claim.Status.DOCUMENTS_REQUESTED)
    assert 'data-action="documents"' not in _home(jane)


def test_the_bottom_bar_fits_the_selected_policy(jane, world):
    page = _home(jane)
    bar = page[page.index('class="bottomnav"') :]
    assert 'href="/claims/"' in bar and 'href="/cards/"' in bar
    jane.post(reverse("policies:select"), {"link": world.user.policy_links.get(member=world.dplk).pk})
    _home(jane)
    # Every page now: no eClaim, eCard or hospitals for a DPLK membership.
    profile = jane.get(reverse("accounts:profile")).content.decode()
    bar = profile[profile.index('class="bottomnav"') :]
    assert 'href="/claims/"' not in bar and 'href="/cards/"' not in bar and 'href="/providers/"' not in bar
    assert 'href="/"' in bar and 'href="/accounts/profile/"' in bar


def test_linking_another_policy_keeps_the_current_one_and_says_where_the_new_one_is(jane, world):
    user = world.user
    user.selected_link = user.policy_links.get(member=world.group)
    user.save(update_fields=["selected_link"])
    new = DplkAccountFactory().member
    linking.link_request(user=user, member=new)
    user.refresh_from_db()
    assert user.selected_link.member == world.group
    assert 'data-testid="selected-policy">12345678 (Group)' in _home(jane)
