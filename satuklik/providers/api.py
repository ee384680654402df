"""/api/v1/providers: the public partner directory, with the search page's filters and
nearest ordering. Public data; a signed-in member (bearer token or session) also gets
whether they are treated cashless there under their selected policy's plan, and the
`cashless` filter then follows that plan (providers/cashless.py)."""

from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import BaseModel, model_validator

from satuklik.accounts.auth import BearerAuth
from satuklik.accounts.selectors import selected_member
from satuklik.core.api_errors import errors
from satuklik.policies.models import BenefitType
from satuklik.providers import selectors
from satuklik.providers.cashless import cashless_scope_for_member, mark_cashless_shown
from satuklik.providers.models import ProviderType

router = Router(tags=["providers"])

ProviderTypeValue = Literal[tuple(ProviderType.values)]
ServiceValue = Literal[tuple(BenefitType.values)]


class ProviderQuery(Schema):
    q: str = Field("", max_length=100, description="Part of the name; accents, case and RS/Rumah Sakit don't matter")
    city: str = Field("", max_length=100, description="A city (exact, or the start of its name)")
    type: ProviderTypeValue | None = Field(None, description="Provider type")
    service: ServiceValue | None = Field(None, description="A service (benefit type) offered")
    cashless: bool | None = Field(
        None,
        description="true: cashless only; false: reimbursement only. For a signed-in member: cashless "
        "under their plan (cashless_for_member); for a visitor: the provider's general status",
    )
    lat: float | None = Field(None, ge=-90, le=90, description="Origin latitude for nearest-first ordering")
    lng: float | None = Field(None, ge=-180, le=180, description="Origin longitude (needed with lat)")
    page: int = Field(1, ge=1, le=1000)
    page_size: int = Field(selectors.DEFAULT_PAGE_SIZE, ge=1, le=selectors.MAX_PAGE_SIZE)

    @model_validator(mode="after")
    def both_coordinates(self):
        if (self.lat is None) != (self.lng is None):
            raise ValueError(_("lat and lng must be given together"))
        return self


# Responses are plain pydantic models: ninja's Schema wraps every input value for
# attribute access, which costs more than the search itself on a page of 100.
class OriginOut(BaseModel):
    lat: float
    lng: float
    source: Literal["location", "city"] = Field(description="location: lat/lng given; city: the city's centre")


class ProviderOut(BaseModel):
    code: str
    name: str
    type: str
    type_label: str
    address: str
    city: str
    province: str
    postal_code: str
    latitude: float
    longitude: float
    phone: str
    opening_hours: str
    emergency_24h: bool
    services: list[str]
    cashless: bool = Field(description="The provider's general status: a cashless partner of the insurer")
    cashless_for_member: bool | None = Field(
        None, description="Signed in: cashless for the member under their selected plan; null for a visitor"
    )
    distance_km: float | None = Field(None, description="From the origin, when there is one")


class ProviderPageOut(BaseModel):
    page: int
    page_size: int
    has_next: bool
    origin: OriginOut | None
    items: list[ProviderOut]


def _out(provider, type_labels):
    distance = getattr(provider, "distance_km", None)
    return {
        "code": provider.code,
        "name": provider.name,
        "type": provider.provider_type,
        "type_label": type_labels.get(provider.provider_type, provider.provider_type),
        "address": provider.address,
        "city": provider.city,
        "province": provider.province,
        "postal_code": provider.postal_code,
        "latitude": provider.latitude,
        "longitude": provider.longitude,
        "phone": provider.phone,
        "opening_hours": provider.opening_hours,
        "emergency_24h": provider.emergency_24h,
        "services": [str(service) for service in provider.services],
        "cashless": provider.cashless,
        "cashless_for_member": getattr(provider, "cashless_for_member", None),
        "distance_km": round(distance, 3) if distance is not None else None,
    }


def _type_labels():
    """Type labels in the request's language, translated once per request."""
    return {value: str(label) for value, label in ProviderType.choices}


@router.get(
    "", response={200: ProviderPageOut, **errors(422)}, summary="Search partner providers", url_name="providers-list"
)
def provider_list(request, query: Query[ProviderQuery]):
    """Nearest first when lat/lng are given (or from the centre of `city`), else by name.
    `page_size` is at most 100; bad coordinates get a 422."""
    scope = cashless_scope_for_member(_signed_in_member(request))
    filters = selectors.ProviderFilters(
        q=query.q,
        city=query.city,
        provider_type=query.type or "",
        service=query.service or "",
        cashless=query.cashless,
        latitude=query.lat,
        longitude=query.lng,
        cashless_scope=scope,
    )
    result = selectors.provider_search(filters=filters, page=query.page, page_size=query.page_size)
    _mark_for_member(result.items, scope)
    origin = result.origin
    labels = _type_labels()
    return {
        "page": result.page,
        "page_size": result.page_size,
        "has_next": result.has_next,
        "origin": {"lat": origin.latitude, "lng": origin.longitude, "source": origin.source} if origin else None,
        "items": [_out(provider, labels) for provider in result.items],
    }


@router.get(
    "/{code}", response={200: ProviderOut, **errors(404)}, summary="One partner provider", url_name="providers-detail"
)
def provider_detail(request, code: str):
    provider = selectors.provider_get_public(code=code)
    _mark_for_member([provider], cashless_scope_for_member(_signed_in_member(request)))
    return _out(provider, _type_labels())


def _signed_in_member(request):
    """The member behind a bearer token or the session, if any: the directory stays public."""
    user = request.user if request.user.is_authenticated else BearerAuth()(request)
    return selected_member(user=user) if user else None


def _mark_for_member(providers, scope):
    if scope is None:
        return
    mark_cashless_shown(providers, scope)
    for provider in providers:
        provider.cashless_for_member = provider.cashless_shown
