"""Factories for the provider directory.

provider = ProviderFactory()                                   # a cashless hospital in Jakarta Selatan
ProviderFactory(name="RS Siloam Kebon Jeruk", city="Jakarta Barat", latitude=-6.19, longitude=106.76)
ProviderFactory(network_plans=[plan], network_holders=[holder])
"""

import factory

from satuklik.providers.models import Provider, ProviderType


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        django_get_or_create = ["code"]
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"TP{n:06d}")
    name = factory.Sequence(lambda n: f"RS Contoh Sehat {n}")
    provider_type = ProviderType.HOSPITAL
    address = "Jl. Jenderal Sudirman No. 1"
    city = "Jakarta Selatan"
    province = "DKI Jakarta"
    postal_code = "12190"
    latitude = -6.2615
    longitude = 106.8106
    phone = "(021) 5550199"
    opening_hours = "24 jam"
    emergency_24h = True
    service_inpatient = True
    service_outpatient = True
    service_dental = False
    service_maternity = True
    service_optical = False
    cashless = True
    active = True

    @factory.post_generation
    def network_plans(provider, create, extracted, **kwargs):
        if create and extracted:
            provider.network_plans.add(*extracted)

    @factory.post_generation
    def network_holders(provider, create, extracted, **kwargs):
        if create and extracted:
            provider.network_holders.add(*extracted)
