import pytest
from django.urls import reverse

from satuklik.providers.models import Provider
from satuklik.providers.selectors import provider_cities
from satuklik.providers.tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db


def test_back_office_search_understands_abbreviations(admin_client):
    ProviderFactory(name="Rumah Sakit Siloam Kebon Jeruk", code="PRV0001")
    ProviderFactory(name="Klinik Sehat", code="PRV0002", city="Medan")
    url = reverse("admin:providers_provider_changelist")
    html = admin_client.get(url, {"q": "rs siloam"}).content.decode()
    assert "Rumah Sakit Siloam Kebon Jeruk" in html and "Klinik Sehat" not in html
    html = admin_client.get(url, {"q": "PRV0002"}).content.decode()
    assert "Klinik Sehat" in html and "Kebon Jeruk" not in html
    html = admin_client.get(url, {"provider_type__exact": "HOSPITAL", "cashless__exact": "1"}).content.decode()
    assert "Kebon Jeruk" in html


def test_an_edit_in_the_back_office_shows_at_once_in_the_city_list(admin_client):
    provider = ProviderFactory(city="Medan")
    assert [city.name for city in provider_cities()] == ["Medan"]
    url = reverse("admin:providers_provider_change", args=[provider.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data.update(city="Binjai", network_plans=[], network_holders=[])
    for name in ("emergency_24h", "service_inpatient", "service_outpatient", "service_maternity", "cashless", "active"):
        if not data.get(name):
            data.pop(name, None)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Provider.objects.get(pk=provider.pk).city_key == "binjai"
    assert [city.name for city in provider_cities()] == ["Binjai"]
