from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from satuklik.accounts.selectors import selected_member
from satuklik.providers import selectors
from satuklik.providers.cashless import cashless_scope_for_member, mark_cashless_shown
from satuklik.providers.forms import ProviderSearchForm
from satuklik.providers.models import ProviderType
from satuklik.providers.services import provider_coverage_for_member

PAGE_SIZE = 20


def _markers(result):
    return [
        {
            "name": provider.name,
            "lat": provider.latitude,
            "lng": provider.longitude,
            "url": reverse("providers:detail", args=[provider.code]),
            "cashless": provider.cashless_shown,
        }
        for provider in result.items
    ]


def _first_search(member) -> dict:
    """What the page shows before any search: hospitals, in the member's city when the
    policyholder's address gives one (a member looks for a hospital, rarely for a pharmacy
    across the country). The form shows these choices, so they can be changed."""
    city = member.policy.holder.city if member is not None and member.policy.holder_id else ""
    return {"type": ProviderType.HOSPITAL, "city": city}


@require_GET
def search(request):
    """Rumah Sakit Rekanan: a plain GET form; htmx swaps only the results when present."""
    member = selected_member(user=request.user)
    searched = bool(request.GET)
    form = ProviderSearchForm(request.GET if searched else _first_search(member))
    form.is_valid()
    scope = cashless_scope_for_member(member)
    filters = form.filters()
    filters.cashless_scope = scope
    result = selectors.provider_search(filters=filters, page=form.page_number(), page_size=PAGE_SIZE)
    mark_cashless_shown(result.items, scope)
    origin = result.origin
    context = {
        "form": form,
        "cashless_for_member": scope is not None,
        "result": result,
        "cities": selectors.provider_cities(),
        "searched": searched,
        "filters_chosen": searched and bool(filters.provider_type or filters.service or filters.cashless is not None),
        "location_error": searched and bool({"lat", "lng", "__all__"} & set(form.errors)),
        "map_data": {
            "markers": _markers(result),
            "origin": {"lat": origin.latitude, "lng": origin.longitude, "source": origin.source} if origin else None,
        },
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
    partial = request.htmx and not request.htmx.history_restore_request
    response = render(request, "providers/_results.html" if partial else "providers/search.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
def detail(request, code):
    provider = selectors.provider_get_public(code=code)
    member = selected_member(user=request.user)
    coverage = provider_coverage_for_member(provider=provider, member=member) if member else None
    form = ProviderSearchForm(request.GET or None)
    filters = form.filters() if form.is_bound and form.is_valid() else None
    distance_km = None
    if filters and filters.latitude is not None:
        distance_km = selectors.distance_to(provider, latitude=filters.latitude, longitude=filters.longitude)
    context = {
        "provider": provider,
        "member": member,
        "coverage": coverage,
        "distance_km": distance_km,
        "map_data": {
            "markers": [{"name": provider.name, "lat": provider.latitude, "lng": provider.longitude}],
            "origin": None,
        },
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
    return render(request, "providers/detail.html", context)
