import time

import pytest

from satuklik.demo.providers import build_demo_providers
from satuklik.policies.tests.factories import PlanFactory
from satuklik.providers.models import Provider, ProviderType

pytestmark = pytest.mark.django_db


def test_demo_directory_spans_indonesia_fast_and_idempotently():
    plan = PlanFactory()
    started = time.perf_counter()
    created = build_demo_providers()
    elapsed = time.perf_counter() - started
    assert created == Provider.objects.count() >= 1500
    assert elapsed < 3
    assert Provider.objects.filter(city="Sabang").exists() and Provider.objects.filter(city="Merauke").exists()
    assert Provider.objects.values("city").distinct().count() >= 60
    assert set(Provider.objects.values_list("provider_type", flat=True)) == set(ProviderType.values)
    assert Provider.objects.filter(name="RS Siloam Kebon Jeruk", city="Jakarta Barat").exists()
    lat = [p.latitude for p in Provider.objects.all()]
    lng = [p.longitude for p in Provider.objects.all()]
    assert min(lat) > -11 and max(lat) < 6.2 and min(lng) > 95 and max(lng) < 141
    in_network = plan.network_providers.count()
    assert 0 < in_network < Provider.objects.filter(cashless=True).count()
    assert not plan.network_providers.filter(cashless=False).exists()

    snapshot = list(Provider.objects.order_by("code").values_list("code", "name", "latitude", "longitude"))
    assert build_demo_providers() == 0
    assert list(Provider.objects.order_by("code").values_list("code", "name", "latitude", "longitude")) == snapshot
    assert plan.network_providers.count() == in_network


def test_plans_created_later_are_linked_on_the_next_run():
    build_demo_providers()
    plan = PlanFactory()
    build_demo_providers()
    assert plan.network_providers.exists()


def test_the_well_known_hospitals_are_in_every_network():
    plans = [PlanFactory(), PlanFactory()]
    build_demo_providers()
    siloam = Provider.objects.get(name="RS Siloam Kebon Jeruk")
    assert set(siloam.network_plans.all()) == set(plans)
