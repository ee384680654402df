"""The search page and the provider page, as a visitor and as a signed-in member."""

import datetime

import pytest
from django.urls import reverse

from satuklik.accounts.tests.factories import UserFactory
from satuklik.policies.tests.factories import MemberFactory, PlanFactory
from satuklik.providers.models import Provider
from satuklik.providers.services import providers_changed
from satuklik.providers.tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db
SEARCH = reverse("providers:search")


@pytest.fixture(autouse=True)
def _english(client):
    # Assertions read the English msgids; the Indonesian page is the translators' part.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def make_providers(count, **fields):
    for n in range(count):
        ProviderFactory(name=f"RS Contoh {n:03d}", latitude=-6.26 + n * 0.0001, longitude=106.81, **fields)


def test_the_bottom_navigation_links_to_the_hospitals_page(client):
    response = client.get(reverse("core:home"))
    assert f'href="{SEARCH}"' in response.content.decode()


def test_search_page_lists_providers_with_cities_to_choose(client):
    ProviderFactory(name="RS Siloam Kebon Jeruk", city="Jakarta Barat")
    ProviderFactory(name="RS Hermina", city="Bandung")
    response = client.get(SEARCH)
    html = response.content.decode()
    assert response.status_code == 200
    assert "RS Siloam Kebon Jeruk" in html and "RS Hermina" in html
    assert '<option value="Bandung">' in html and '<option value="Jakarta Barat">' in html
    assert 'name="q"' in html and 'for="id_q"' in html  # labelled inputs


def test_search_by_name_and_city_with_the_plain_form(client):
    ProviderFactory(name="Rumah Sakit Siloam Kebon Jeruk", city="Jakarta Barat")
    ProviderFactory(name="RS Siloam Surabaya", city="Surabaya")
    ProviderFactory(name="RS Hermina", city="Jakarta Timur")
    html = client.get(SEARCH, {"q": "rs siloam", "city": "jakarta"}).content.decode()
    assert "Rumah Sakit Siloam Kebon Jeruk" in html
    assert "RS Siloam Surabaya" not in html and "RS Hermina" not in html
    assert "Ordered by distance from the centre of Jakarta" in html


def test_nearest_shows_distances_in_km(client):
    ProviderFactory(name="Dekat", latitude=-6.2000, longitude=106.8100)
    ProviderFactory(name="Jauh", latitude=-6.3000, longitude=106.9000)
    html = client.get(SEARCH, {"lat": "-6.2", "lng": "106.8"}).content.decode()
    assert html.index("Dekat") < html.index("Jauh")
    assert "1.1 km" in html and "15.7 km" in html
    assert "Nearest to your location first" in html


def test_empty_results_say_what_to_try_next(client, settings):
    ProviderFactory(name="RS Hermina")
    html = client.get(SEARCH, {"q": "tidak ada", "type": "OPTICAL"}).content.decode()
    assert "No partner provider matches your search." in html
    assert "Remove a filter" in html
    assert settings.BRAND["CALL_CENTER"] in html


def test_a_bad_location_is_ignored_with_a_message_and_the_search_still_runs(client):
    ProviderFactory(name="RS Hermina")
    for params in [{"lat": "200", "lng": "10"}, {"lat": "-6.2"}, {"lat": "abc", "lng": "106"}]:
        response = client.get(SEARCH, params)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Your location could not be used" in html
        assert "RS Hermina" in html


def test_a_bad_page_number_shows_the_first_page(client):
    ProviderFactory(name="RS Hermina")
    assert "RS Hermina" in client.get(SEARCH, {"page": "abc"}).content.decode()
    assert "RS Hermina" in client.get(SEARCH, {"page": "0"}).content.decode()


def test_pages_keep_the_search_in_their_links(client):
    make_providers(25)
    html = client.get(SEARCH, {"q": "contoh", "page": "1"}).content.decode()
    assert 'href="?q=contoh&amp;page=2"' in html
    second = client.get(SEARCH, {"q": "contoh", "page": "2"}).content.decode()
    assert "RS Contoh 020" in second and "RS Contoh 019" not in second


def test_htmx_gets_only_the_results(client):
    ProviderFactory(name="RS Hermina")
    response = client.get(SEARCH, {"q": "hermina"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "RS Hermina" in html and "<html" not in html
    assert 'id="provider-map-data"' in html
    assert "HX-Request" in response["Vary"]


def test_the_map_gets_the_markers_of_the_page(client):
    ProviderFactory(name="RS Hermina", latitude=-6.9, longitude=107.6)
    html = client.get(SEARCH).content.decode()
    assert '"lat": -6.9' in html and '"lng": 107.6' in html
    assert 'src="/static/vendor/leaflet/leaflet.js"' in html


@pytest.mark.parametrize("params", [{}, {"q": "contoh"}, {"lat": "-6.26", "lng": "106.81"}, {"city": "Jakarta"}])
def test_search_page_query_count_does_not_grow_with_the_providers(client, django_assert_num_queries, params):
    make_providers(10)
    providers_changed()
    # 1 the city list (then cached), 1 the page of results: nearest from -6.26 finds its
    # 21 rows in the first 2 km box, a city's providers are ordered at once.
    with django_assert_num_queries(2):
        client.get(SEARCH, params)
    make_providers(90)
    providers_changed()
    with django_assert_num_queries(2):
        response = client.get(SEARCH, params)
    assert response.content.decode().count('class="list-item provider-item"') == 20


# --- provider page --------------------------------------------------------------------


def test_provider_page_shows_how_to_get_there(client):
    provider = ProviderFactory(name="RS Hermina", phone="(021) 555-0199", latitude=-6.2, longitude=106.8)
    html = client.get(reverse("providers:detail", args=[provider.code])).content.decode()
    assert 'href="tel:0215550199"' in html
    assert "geo:-6.200000,106.800000" in html
    assert "openstreetmap.org/directions?route=%3B-6.200000%2C106.800000" in html
    assert "24 jam" in html and "Inpatient" in html and "Maternity" in html
    assert "to see whether your plan is cashless here" in html


def test_provider_page_shows_the_distance_when_a_location_is_given(client):
    provider = ProviderFactory(latitude=-6.3, longitude=106.9)
    html = client.get(
        reverse("providers:detail", args=[provider.code]), {"lat": "-6.2", "lng": "106.8"}
    ).content.decode()
    assert "15.7 km from you" in html


def test_unknown_and_inactive_providers_are_not_found(client):
    hidden = ProviderFactory(active=False)
    assert client.get(reverse("providers:detail", args=["NOPE"])).status_code == 404
    assert client.get(reverse("providers:detail", args=[hidden.code])).status_code == 404


@pytest.fixture
def jane(time_machine):
    time_machine.move_to(datetime.datetime(2025, 6, 1, 9, tzinfo=datetime.UTC))
    plan = PlanFactory(with_schedule=True, name="Plan A - IP-500")
    member = MemberFactory(plan=plan, policy=plan.policy, full_name="JANE RAILEY")
    return UserFactory(member=member)


def test_a_member_sees_that_her_plan_is_cashless_here(client, jane):
    member = jane.policy_links.get().member
    provider = ProviderFactory(network_plans=[member.plan])
    client.force_login(jane)
    html = client.get(reverse("providers:detail", args=[provider.code])).content.decode()
    assert "Your plan is cashless here" in html
    assert member.policy.number in html
    assert "Inpatient" in html and "Outpatient" in html


def test_a_member_sees_when_it_is_not_in_her_network(client, jane):
    provider = ProviderFactory()
    client.force_login(jane)
    html = client.get(reverse("providers:detail", args=[provider.code])).content.decode()
    assert "Not cashless for your plan" in html
    assert "Not in your plan" in html
    assert Provider.objects.count() == 1


def test_before_any_search_a_visitor_sees_hospitals_not_pharmacies(client):
    ProviderFactory(name="RS Hermina", city="Bandung")
    ProviderFactory(name="Apotek Kimia", city="Bandung", provider_type="PHARMACY")
    html = client.get(SEARCH).content.decode()
    assert "RS Hermina" in html and "Apotek Kimia" not in html
    assert '<option value="HOSPITAL" selected>' in html  # the choice is shown and can be changed
    every_type = client.get(SEARCH, {"type": ""}).content.decode()
    assert "Apotek Kimia" in every_type


def test_before_any_search_a_member_sees_the_hospitals_of_her_city_nearest_its_centre(client):
    from satuklik.accounts.tests.factories import UserFactory
    from satuklik.policies.tests.factories import MemberFactory

    member = MemberFactory()
    member.policy.holder.city = "Bandung"
    member.policy.holder.save(update_fields=["city"])
    client.force_login(UserFactory(member=member))
    ProviderFactory(name="RS Bandung", city="Bandung", latitude=-6.91, longitude=107.61)
    ProviderFactory(name="RS Jakarta", city="Jakarta Selatan")
    html = client.get(SEARCH).content.decode()
    assert "RS Bandung" in html and "RS Jakarta" not in html
    assert 'value="Bandung"' in html
