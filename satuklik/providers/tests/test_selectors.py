"""Search and nearest, checked against a brute-force answer over the demo directory."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from satuklik.demo.providers import build_demo_providers
from satuklik.policies.models import BenefitType
from satuklik.providers.geo import haversine_km
from satuklik.providers.models import Provider, ProviderType
from satuklik.providers.selectors import ProviderFilters, nearest, provider_search, resolve_cities
from satuklik.providers.tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db

SABANG = (5.8933, 95.3214)
MERAUKE = (-8.4932, 140.4018)


def names(page):
    return [provider.name for provider in page.items]


def brute_force(origin, queryset=None):
    rows = list(queryset if queryset is not None else Provider.objects.filter(active=True))
    return sorted(rows, key=lambda p: (haversine_km(*origin, p.latitude, p.longitude), p.id))


@pytest.fixture
def demo():
    build_demo_providers()


# --- names ----------------------------------------------------------------------------


def test_rs_finds_rumah_sakit_and_hospitals_spelled_any_way():
    ProviderFactory(name="Rumah Sakit Siloam Kebon Jeruk")
    ProviderFactory(name="Siloam Hospitals Semanggi")
    ProviderFactory(name="RS. SILOAM ASRI")
    ProviderFactory(name="Klinik Siloam Medika")
    ProviderFactory(name="RS Hermina")
    found = names(provider_search(filters=ProviderFilters(q="rs siloam")))
    assert sorted(found) == ["RS. SILOAM ASRI", "Rumah Sakit Siloam Kebon Jeruk", "Siloam Hospitals Semanggi"]


def test_search_is_partial_and_ignores_case_accents_and_word_order():
    ProviderFactory(name="Klinik Santé Médica Kebon Jeruk", provider_type=ProviderType.CLINIC)
    for query in ["medica", "MÉDICA", "sante jeruk", "clinic medica", "kebon je"]:
        assert names(provider_search(filters=ProviderFilters(q=query))) == ["Klinik Santé Médica Kebon Jeruk"], query


def test_apotik_and_apotek_are_the_same_word():
    ProviderFactory(name="Apotek K-24 Tebet", provider_type=ProviderType.PHARMACY)
    assert names(provider_search(filters=ProviderFilters(q="apotik k24"))) == ["Apotek K-24 Tebet"]


def test_inactive_providers_are_never_shown():
    ProviderFactory(name="RS Lama", active=False)
    assert names(provider_search(filters=ProviderFilters(q="lama"))) == []


# --- cities and filters ---------------------------------------------------------------


def test_a_city_matches_exactly_then_by_its_start_then_by_a_word():
    for city in ["Jakarta Selatan", "Jakarta Barat", "Tangerang Selatan", "Bandung"]:
        ProviderFactory(city=city)
    assert [c.name for c in resolve_cities("jakarta selatan")] == ["Jakarta Selatan"]
    assert [c.name for c in resolve_cities("JAKARTA")] == ["Jakarta Barat", "Jakarta Selatan"]
    assert [c.name for c in resolve_cities("selatan")] == ["Jakarta Selatan", "Tangerang Selatan"]
    assert [c.name for c in resolve_cities("Kota Bandung")] == ["Bandung"]
    assert resolve_cities("Atlantis") == []


def test_filters_by_city_type_service_and_cashless():
    ProviderFactory(name="A", city="Bandung", provider_type=ProviderType.HOSPITAL, service_dental=True)
    ProviderFactory(name="B", city="Bandung", provider_type=ProviderType.DENTAL_CLINIC, service_dental=True)
    ProviderFactory(name="C", city="Bandung", provider_type=ProviderType.DENTAL_CLINIC, cashless=False)
    ProviderFactory(name="D", city="Medan", provider_type=ProviderType.DENTAL_CLINIC, service_dental=True)
    search = lambda **kw: sorted(names(provider_search(filters=ProviderFilters(**kw))))  # noqa: E731
    assert search(city="bandung") == ["A", "B", "C"]
    assert search(city="bandung", provider_type=ProviderType.DENTAL_CLINIC) == ["B", "C"]
    assert search(city="bandung", service=BenefitType.DENTAL) == ["A", "B"]
    assert search(city="bandung", cashless=False) == ["C"]
    assert search(city="atlantis") == []


def test_without_an_origin_results_come_by_name_in_pages():
    for n in range(25):
        ProviderFactory(name=f"Klinik {n:02d}", provider_type=ProviderType.CLINIC)
    first = provider_search(filters=ProviderFilters(), page=1, page_size=10)
    third = provider_search(filters=ProviderFilters(), page=3, page_size=10)
    assert names(first) == [f"Klinik {n:02d}" for n in range(10)]
    assert first.has_next and not first.has_previous
    assert names(third) == [f"Klinik {n:02d}" for n in range(20, 25)]
    assert not third.has_next
    assert first.items[0].__dict__.get("distance_km") is None


# --- nearest --------------------------------------------------------------------------


@pytest.mark.parametrize(("label", "origin"), [("Sabang", SABANG), ("Merauke", MERAUKE)])
def test_nearest_is_exact_at_the_far_ends_of_indonesia(demo, label, origin):
    expected = brute_force(origin)
    page = provider_search(filters=ProviderFilters(latitude=origin[0], longitude=origin[1]), page_size=20)
    assert [p.code for p in page.items] == [p.code for p in expected[:20]]
    distances = [p.distance_km for p in page.items]
    assert distances == sorted(distances)
    assert distances[0] == pytest.approx(haversine_km(*origin, expected[0].latitude, expected[0].longitude))
    # The closest are in the city itself, and the last of the 20 is farther than its few providers.
    assert page.items[0].city == label


def test_the_nearest_providers_to_sabang_run_out_into_banda_aceh(demo):
    # Sabang has only a handful of providers: the widening box reaches Banda Aceh (about 40 km).
    page = provider_search(filters=ProviderFilters(latitude=SABANG[0], longitude=SABANG[1]), page_size=20)
    cities = [p.city for p in page.items]
    assert cities[0] == "Sabang" and "Banda Aceh" in cities
    assert all(cities.index("Sabang") <= i for i, c in enumerate(cities) if c == "Banda Aceh")


def test_nearest_pages_follow_on_exactly(demo):
    origin = (-6.2, 106.8)
    expected = [p.code for p in brute_force(origin)]
    for page_number in (1, 2, 5):
        page = provider_search(
            filters=ProviderFilters(latitude=origin[0], longitude=origin[1]), page=page_number, page_size=20
        )
        start = (page_number - 1) * 20
        assert [p.code for p in page.items] == expected[start : start + 20]
        assert page.has_next


def test_nearest_is_exact_from_random_places_across_indonesia_with_filters(demo):
    rng = random.Random(7)
    for _ in range(15):
        origin = (rng.uniform(-11, 6), rng.uniform(95, 141))
        expected = brute_force(origin, Provider.objects.filter(active=True, provider_type=ProviderType.OPTICAL))
        page = provider_search(
            filters=ProviderFilters(latitude=origin[0], longitude=origin[1], provider_type=ProviderType.OPTICAL),
            page_size=7,
        )
        assert [p.code for p in page.items] == [p.code for p in expected[:7]], origin


def test_nearest_returns_everything_when_there_are_fewer_rows_than_asked():
    ProviderFactory(name="Near", latitude=-6.20, longitude=106.80)
    ProviderFactory(name="Far", latitude=-8.49, longitude=140.40)
    page = nearest(Provider.objects.all(), latitude=-6.2, longitude=106.8, offset=0, limit=10)
    assert [p.name for p in page] == ["Near", "Far"]
    assert page[1].distance_km == pytest.approx(haversine_km(-6.2, 106.8, -8.49, 140.40))


def test_a_chosen_city_acts_as_the_origin_without_a_location(demo):
    page = provider_search(filters=ProviderFilters(city="Merauke"))
    assert page.origin.source == "city" and page.origin.label == "Merauke"
    assert {p.city for p in page.items} == {"Merauke"}
    distances = [p.distance_km for p in page.items]
    assert distances == sorted(distances) and distances[-1] < 10


def test_the_location_wins_over_the_city_centre(demo):
    page = provider_search(filters=ProviderFilters(q="siloam", city="jakarta", latitude=-6.19, longitude=106.76))
    assert page.origin.source == "location"
    assert page.items[0].name == "RS Siloam Kebon Jeruk"
    assert all("Siloam" in p.name and p.city.startswith("Jakarta") for p in page.items)


def test_a_big_city_is_searched_with_boxes_too_and_stays_exact(demo, monkeypatch):
    monkeypatch.setattr("satuklik.providers.selectors.SMALL_DIRECTORY", 10)
    page = provider_search(filters=ProviderFilters(city="jakarta", provider_type=ProviderType.HOSPITAL), page=2)
    origin = (page.origin.latitude, page.origin.longitude)
    expected = brute_force(
        origin, Provider.objects.filter(active=True, city__startswith="Jakarta", provider_type=ProviderType.HOSPITAL)
    )
    assert [p.code for p in page.items] == [p.code for p in expected[20:40]]


def test_nearest_with_name_service_and_cashless_filters_is_exact(demo):
    rng = random.Random(11)
    wanted = Provider.objects.filter(active=True, service_maternity=True, cashless=True, search_name__contains="rumah")
    for origin in [SABANG, MERAUKE, *((rng.uniform(-11, 6), rng.uniform(95, 141)) for _ in range(5))]:
        expected = brute_force(origin, wanted)
        filters = ProviderFilters(
            q="rs", service=BenefitType.MATERNITY, cashless=True, latitude=origin[0], longitude=origin[1]
        )
        page = provider_search(filters=filters, page=2, page_size=10)
        assert len(page.items) == 10
        assert [p.code for p in page.items] == [p.code for p in expected[10:20]], origin


def test_providers_at_the_same_spot_are_each_listed_once_across_pages():
    # A pharmacy inside a hospital shares its coordinates: equal distances must not make a
    # provider appear on two pages, or on none.
    for n in range(30):
        ProviderFactory(name=f"Apotek {n}", latitude=-6.2, longitude=106.8)
    ProviderFactory(name="Jauh", latitude=-6.3, longitude=106.8)
    filters = ProviderFilters(latitude=-6.21, longitude=106.8)
    pages = [provider_search(filters=filters, page=n, page_size=12) for n in (1, 2, 3)]
    listed = [p.name for page in pages for p in page.items]
    assert sorted(listed[:30]) == sorted(f"Apotek {n}" for n in range(30))
    assert listed[30:] == ["Jauh"] and not pages[2].has_next


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the sphere index is PostgreSQL's")
def test_on_postgresql_nearest_is_one_index_search_that_does_not_read_every_row(demo):
    with CaptureQueriesContext(connection) as queries:
        page = provider_search(filters=ProviderFilters(latitude=MERAUKE[0], longitude=MERAUKE[1]), page_size=20)
    assert len(queries) == 1 and len(page.items) == 20
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + queries[0]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # The index hands out the nearest first: 21 rows read (20 and one to know there is a
    # next page), not the 1,600 of the demo directory.
    assert "Index Scan using provider_sphere_point_idx" in plan, plan
    assert "Seq Scan" not in plan and "Sort" not in plan, plan
    assert "actual rows=21 " in plan.splitlines()[1], plan
