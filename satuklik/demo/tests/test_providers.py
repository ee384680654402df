import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from satuklik.demo.providers import build_demo_providers
from satuklik.policies.tests.factories import PlanFactory
from satuklik.providers.models import Provider, ProviderType

pytestmark = pytest.mark.django_db


def test_demo_directory_spans_indonesia_and_is_idempotent():
    plan = PlanFactory()
    created = build_demo_providers()
    assert created == Provider.objects.count() >= 1500
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


@pytest.mark.parametrize("plans", [1, 6])
def test_demo_directory_is_written_set_based_whatever_its_size(plans):
    """No statement per provider (and no timing, which a busy machine breaks): the reads are the
    same few whatever the data, the writes are batches (SQLite: about 43 provider rows per
    INSERT, its 999-variable limit; PostgreSQL: one COPY into a staging table and one upsert)."""
    for _ in range(plans):
        PlanFactory()
    with CaptureQueriesContext(connection) as queries:
        build_demo_providers()
    statements = [query["sql"].lstrip().split()[0].upper() for query in queries.captured_queries]
    # The plans, the plan codes, the existing providers, their ids, their networks, the staging read.
    assert statements.count("SELECT") == 6
    providers = Provider.objects.count()
    assert providers >= 1500
    # 1,589 providers and up to 5,500 network rows here: 15-20 statements on PostgreSQL, 49-59 on SQLite.
    assert len(statements) <= providers // 25
    with CaptureQueriesContext(connection) as again:
        build_demo_providers()
    # Nothing to write: the same reads and, on PostgreSQL, the staging table and an upsert that
    # changes nothing (10 statements on SQLite, 14 on PostgreSQL, for 1 plan as for 6).
    assert len(again.captured_queries) <= 16
