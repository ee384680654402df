"""/api/v1/providers: the same search as the page, public fields only, 422 for bad input."""

import pytest
from django.db import connection
from django.urls import reverse

from satuklik.policies.tests.factories import PlanFactory
from satuklik.providers.models import ProviderType
from satuklik.providers.services import providers_changed
from satuklik.providers.tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db
LIST = reverse("api:providers-list")


def test_list_by_name_with_public_fields_only(client):
    ProviderFactory(name="RS Siloam Kebon Jeruk", network_plans=[PlanFactory()])
    ProviderFactory(name="RS Hermina")
    body = client.get(LIST, {"q": "rs siloam"}).json()
    assert [item["name"] for item in body["items"]] == ["RS Siloam Kebon Jeruk"]
    item = body["items"][0]
    assert set(item) == {
        "code", "name", "type", "type_label", "address", "city", "province", "postal_code", "latitude",
        "longitude", "phone", "opening_hours", "emergency_24h", "services", "cashless", "cashless_for_member",
        "distance_km",
    }  # fmt: skip
    assert item["services"] == ["INPATIENT", "OUTPATIENT", "MATERNITY"]
    assert item["distance_km"] is None and body["origin"] is None
    assert body["page"] == 1 and body["page_size"] == 20 and body["has_next"] is False


def test_an_edit_in_the_back_office_shows_in_the_next_search(client):
    provider = ProviderFactory(name="RS Siloam Kebon Jeruk")
    assert [item["name"] for item in client.get(LIST, {"q": "siloam"}).json()["items"]] == ["RS Siloam Kebon Jeruk"]
    provider.name = "RS Siloam Hospitals Kebon Jeruk"
    provider.save()
    assert [item["name"] for item in client.get(LIST, {"q": "siloam"}).json()["items"]] == [
        "RS Siloam Hospitals Kebon Jeruk"
    ]


def test_nearest_first_with_distances(client):
    ProviderFactory(name="Jauh", latitude=-6.3, longitude=106.9)
    ProviderFactory(name="Dekat", latitude=-6.2, longitude=106.81)
    body = client.get(LIST, {"lat": -6.2, "lng": 106.8}).json()
    assert [item["name"] for item in body["items"]] == ["Dekat", "Jauh"]
    assert [item["distance_km"] for item in body["items"]] == [1.105, 15.679]
    assert body["origin"] == {"lat": -6.2, "lng": 106.8, "source": "location"}


def test_filters_and_pages(client):
    for n in range(5):
        ProviderFactory(name=f"Optik {n}", provider_type=ProviderType.OPTICAL, service_optical=True, city="Bandung")
    ProviderFactory(name="RS Bandung", city="Bandung")
    ProviderFactory(name="Optik Medan", provider_type=ProviderType.OPTICAL, city="Medan")
    body = client.get(LIST, {"city": "bandung", "type": "OPTICAL", "page_size": 2, "page": 2}).json()
    assert len(body["items"]) == 2 and body["has_next"] is True
    assert body["origin"]["source"] == "city"
    assert {item["city"] for item in body["items"]} == {"Bandung"}
    body = client.get(LIST, {"service": "OPTICAL", "cashless": "false"}).json()
    assert body["items"] == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"lat": 91, "lng": 100}, "less than or equal to 90"),
        ({"lat": -90.5, "lng": 100}, "greater than or equal to -90"),
        ({"lat": 0, "lng": 180.01}, "less than or equal to 180"),
        ({"lat": 0, "lng": -181}, "greater than or equal to -180"),
        ({"lat": -6.2}, "lat and lng must be given together"),
        ({"lng": 106.8}, "lat and lng must be given together"),
        ({"lat": "nan", "lng": 106.8}, "lat"),
        ({"lat": "abc", "lng": 106.8}, "valid number"),
        ({"page_size": 101}, "less than or equal to 100"),
        ({"page_size": 100000}, "less than or equal to 100"),
        ({"page_size": 0}, "greater than or equal to 1"),
        ({"page": 0}, "greater than or equal to 1"),
        ({"type": "CASINO"}, "type"),
        ({"q": "x" * 101}, "at most 100 characters"),
    ],
)
def test_bad_input_gets_a_422_with_a_clear_message(client, params, message):
    response = client.get(LIST, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert message in response.content.decode()


def test_a_page_size_of_100_is_allowed(client):
    assert client.get(LIST, {"page_size": 100}).status_code == 200


def test_detail_by_code_and_404(client):
    provider = ProviderFactory(name="RS Hermina", phone="(021) 5550199")
    hidden = ProviderFactory(active=False)
    body = client.get(reverse("api:providers-detail", args=[provider.code])).json()
    assert body["name"] == "RS Hermina" and body["phone"] == "(021) 5550199" and body["cashless"] is True
    assert client.get(reverse("api:providers-detail", args=[hidden.code])).status_code == 404
    assert client.get(reverse("api:providers-detail", args=["NOPE"])).status_code == 404


def test_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/providers" in paths and "/api/v1/providers/{code}" in paths
    names = {p["name"] for p in paths["/api/v1/providers"]["get"]["parameters"]}
    assert {"q", "city", "type", "service", "cashless", "lat", "lng", "page", "page_size"} <= names


@pytest.mark.parametrize(
    ("params", "queries"),
    [
        # 1: the page of results (ordered by name: no city list needed).
        ({"q": "contoh"}, 1),
        # SQLite: 2, the city list (cached afterwards: it holds the directory's size, which
        # decides between one ordered scan and widening boxes) and the page of nearest
        # results; PostgreSQL: 1, the page (its nearest-first index needs no size).
        ({"lat": -6.26, "lng": 106.81}, {"sqlite": 2, "postgresql": 1}),
        # 2: the city list (to resolve "Jakarta" and find its centre), the page.
        ({"city": "Jakarta"}, 2),
    ],
)
def test_query_count_does_not_grow_with_the_providers(client, django_assert_num_queries, params, queries):
    if isinstance(queries, dict):
        queries = queries[connection.vendor]
    for count in (10, 100):
        for n in range(count - (10 if count == 100 else 0)):
            ProviderFactory(latitude=-6.26 + n * 0.0001, longitude=106.81)
        providers_changed()
        with django_assert_num_queries(queries):
            body = client.get(LIST, {**params, "page_size": 50}).json()
        assert len(body["items"]) == min(50, count)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/providers/%00", 404),
        ("/api/v1/providers?q=%00", 200),
        ("/api/v1/providers?city=%00x", 200),
        ("/api/v1/providers?lat=1e400&lng=2", 422),
        ("/api/v1/providers?lat=-inf&lng=2", 422),
        ("/api/v1/providers?page=1001", 422),
        ("/providers/%00/", 404),
        ("/providers/?q=a%00b&city=%00", 200),
        ("/providers/?lat=nan&lng=1", 200),
        ("/providers/?lat=inf&lng=1", 200),
        ("/providers/?page=99999999999999999999", 200),
    ],
)
def test_hostile_input_never_breaks_the_server(client, url, status):
    ProviderFactory()
    assert client.get(url).status_code == status
