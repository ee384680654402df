"""Reads of the public provider directory: search, nearest, detail, the city list.

The directory is public (no member data), so nothing here is scoped to a user; only
active providers are ever shown.

Nearest, on PostgreSQL: one statement, ORDER BY the chord distance between points on
the unit sphere (cube extension) LIMIT n, which a GiST index answers nearest-first
(migration 0004): it reads the rows returned and a few index pages, never the whole
table. On SQLite: a bounding box around the origin on the (latitude, longitude)
index, ordered by the haversine term in SQL and widened until the requested rows all
lie inside the circle the box was drawn around. Every point outside the box is
farther than its radius, so the order is exact; only the rows inside the box are ever
read. Both measured in benchmarks/results/providers.md.
"""

import math
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import Avg, BooleanField, Count, FloatField, Min, Q
from django.db.models.expressions import RawSQL
from django.http import Http404

from satuklik.providers.cashless import cashless_for_member_q
from satuklik.providers.geo import (
    MAX_RADIUS_KM,
    bounding_box,
    distance_from_term,
    haversine_km,
    haversine_term,
    haversine_term_between,
    unit_vector,
)
from satuklik.providers.models import SERVICE_FIELDS, Provider
from satuklik.providers.text import fold, normalize_city, query_words

CITIES_CACHE_KEY = "providers:cities:v2"
COUNT_CACHE_KEY = "providers:count:v1"
# The city list changes only on import or a back-office edit (both clear the key); the
# timeout bounds staleness across app servers with a per-process cache.
CITIES_CACHE_SECONDS = 300
# The first box: 2 km covers a dense city centre's 20 nearest without reading many rows.
INITIAL_RADIUS_KM = 2.0
# Past this radius a box no longer narrows the search in Indonesia (5,200 km across).
WHOLE_SCAN_RADIUS_KM = 2500.0
# Below this many candidates (active providers, or those of the chosen cities), ordering
# them all at once is cheaper than boxes.
SMALL_DIRECTORY = 500
# Columns no list shows: not fetched (parsing two timestamps a row costs more than the
# index search, measured with psycopg).
NOT_LISTED = ("created_at", "updated_at", "search_name", "city_key")
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class City:
    name: str
    key: str
    latitude: float
    longitude: float
    count: int


@dataclass(frozen=True)
class Origin:
    latitude: float
    longitude: float
    source: str  # "location" (the member's) or "city" (the centre of the chosen city)
    label: str = ""


@dataclass
class ProviderFilters:
    q: str = ""
    city: str = ""
    provider_type: str = ""
    service: str = ""
    cashless: bool | None = None
    # A signed-in member's plan (providers.cashless.CashlessScope): "cashless" then means
    # cashless for them; None: the provider's general status.
    cashless_scope: object = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass
class SearchPage:
    items: list
    page: int
    page_size: int
    has_next: bool
    origin: Origin | None = None
    cities: list = field(default_factory=list)  # the cities the city box resolved to

    @property
    def has_previous(self):
        return self.page > 1

    @property
    def start_index(self):
        return (self.page - 1) * self.page_size + 1


def provider_cities():
    """Every city with active providers: name, key, centre (mean of its providers), count."""
    rows = cache.get(CITIES_CACHE_KEY)
    if rows is None:
        rows = _cities_cache_fill()
    return [City(*row) for row in rows]


def active_provider_count():
    """How many providers members can find (cached with the city list)."""
    count = cache.get(COUNT_CACHE_KEY)
    if count is None:
        count = sum(row[4] for row in _cities_cache_fill())
    return count


def _cities_cache_fill():
    # Plain tuples: the cache pickles what it keeps, and tuples unpickle fastest.
    rows = [
        (row["name"], row["city_key"], row["lat"], row["lng"], row["count"])
        for row in Provider.objects.filter(active=True)
        .values("city_key")
        .annotate(name=Min("city"), lat=Avg("latitude"), lng=Avg("longitude"), count=Count("id"))
        .order_by("city_key")
    ]
    cache.set_many({CITIES_CACHE_KEY: rows, COUNT_CACHE_KEY: sum(row[4] for row in rows)}, CITIES_CACHE_SECONDS)
    return rows


def cities_cache_clear():
    cache.delete_many([CITIES_CACHE_KEY, COUNT_CACHE_KEY])


def resolve_cities(text):
    """The cities a typed city name means: an exact match, else those starting with it,
    else those with a word starting with it ("selatan" -> Jakarta Selatan, Tangerang Selatan)."""
    key = normalize_city(text)
    if not key:
        return []
    cities = provider_cities()
    exact = [city for city in cities if city.key == key]
    if exact:
        return exact
    prefix = [city for city in cities if city.key.startswith(key)]
    if prefix:
        return prefix
    return [city for city in cities if f" {key}" in f" {city.key}"]


def _filtered(filters, city_keys):
    qs = Provider.objects.filter(active=True)
    for word in query_words(filters.q):
        # search_name is already folded like the query: a case-sensitive LIKE, which the
        # pg_trgm index on PostgreSQL serves (UPPER(...) LIKE would not).
        qs = qs.filter(search_name__contains=word)
    if city_keys is not None:
        qs = qs.filter(city_key__in=city_keys)
    if filters.provider_type:
        qs = qs.filter(provider_type=filters.provider_type)
    if filters.service:
        qs = qs.filter(**{SERVICE_FIELDS[filters.service]: True})
    if filters.cashless is not None and filters.cashless_scope is not None:
        for_member = cashless_for_member_q(filters.cashless_scope)
        qs = qs.filter(for_member) if filters.cashless else qs.exclude(for_member)
    elif filters.cashless is not None:
        qs = qs.filter(cashless=filters.cashless)
    return qs


def _haversine_term_sql(latitude, longitude):
    """sin^2(dphi/2) + cos(phi0) cos(phi) sin^2(dlambda/2) in SQL (native functions on both
    databases). Raw SQL: an expression tree of a dozen nodes costs more to compile than
    the query takes to run."""
    half = math.pi / 360
    return RawSQL(
        'POWER(SIN(("latitude" - %s) * %s), 2) + %s * COS("latitude" * %s) * POWER(SIN(("longitude" - %s) * %s), 2)',
        (latitude, half, math.cos(math.radians(latitude)), 2 * half, longitude, half),
        output_field=FloatField(),
    )


def _box_filter(latitude, longitude, radius_km):
    box = bounding_box(latitude, longitude, radius_km)
    condition = Q(latitude__gte=box.lat_min, latitude__lte=box.lat_max)
    if box.lng_min is not None:
        condition &= Q(longitude__gte=box.lng_min, longitude__lte=box.lng_max)
    return condition


# The provider's point on the unit sphere as a cube: the same expression as the GiST
# index of migration 0004_provider_sphere_index, so that the planner uses it.
SPHERE_POINT_SQL = (
    'cube(ARRAY[cos(radians("providers_provider"."latitude")) * cos(radians("providers_provider"."longitude")), '
    'cos(radians("providers_provider"."latitude")) * sin(radians("providers_provider"."longitude")), '
    'sin(radians("providers_provider"."latitude"))])'
)


def nearest_uses_sphere_index():
    """PostgreSQL has the cube extension and the GiST index (migration 0004); SQLite uses boxes."""
    return connection.vendor == "postgresql"


def nearest(queryset, *, latitude, longitude, offset, limit, bounded=True):
    """The rows of queryset ranked offset..offset+limit by distance, each with distance_km.

    On PostgreSQL, one nearest-first index search (bounded does not matter); elsewhere
    a widening box (nearest_in_boxes)."""
    if nearest_uses_sphere_index():
        return nearest_on_sphere(queryset, latitude=latitude, longitude=longitude, offset=offset, limit=limit)
    return nearest_in_boxes(
        queryset, latitude=latitude, longitude=longitude, offset=offset, limit=limit, bounded=bounded
    )


def nearest_on_sphere(queryset, *, latitude, longitude, offset, limit):
    """PostgreSQL: ORDER BY point <-> origin OFFSET .. LIMIT .., served by the GiST index
    nearest-first; filters are checked on the rows as the index hands them out.

    Rows at exactly the same distance come in the index's order (no id tie-break: a
    second sort key would make PostgreSQL sort every candidate instead); the same search
    gives the same order, so pages follow on."""
    # A constant expression; the origin's coordinates stay parameters.
    chord = RawSQL(  # noqa: S611  # nosec B611
        f"{SPHERE_POINT_SQL} <-> cube(ARRAY[%s, %s, %s]::float8[])",
        unit_vector(latitude, longitude),
        output_field=FloatField(),
    )
    rows = list(queryset.order_by(chord.asc()).defer(*NOT_LISTED)[offset : offset + limit])
    for row in rows:
        row.hav = haversine_term_between(latitude, longitude, row.latitude, row.longitude)
    # Chord and haversine order alike; sorting again keeps the shown km in order even
    # where float rounding differs between the two in the last digit.
    rows.sort(key=lambda row: row.hav)
    for row in rows:
        row.distance_km = distance_from_term(row.hav)
    return rows


def nearest_in_boxes(queryset, *, latitude, longitude, offset, limit, bounded=True):
    """The rows of queryset ranked offset..offset+limit by distance, each with distance_km,
    with a (latitude, longitude) b-tree index and no extension (SQLite).

    bounded=False orders the whole queryset at once (for small sets: one city's
    providers, a small directory). Otherwise a box around the origin widens until the
    rows asked for all lie in the circle it was drawn around:
    - enough rows inside the circle: done (anything outside the box is farther);
    - the box holds enough rows but some lie outside the circle: the farthest of them
      bounds the answer, so one more box of exactly that radius finishes;
    - the box holds too few rows: widen (x4 when empty, else by the missing area), and
      past WHOLE_SCAN_RADIUS_KM order the whole set (a filter that rare is small).
    """
    term = _haversine_term_sql(latitude, longitude)
    model = queryset.model
    need = offset + limit
    radius = INITIAL_RADIUS_KM if bounded else MAX_RADIUS_KM
    while True:
        qs = queryset
        if radius < MAX_RADIUS_KM:
            qs = qs.filter(_box_filter(latitude, longitude, radius))
        # One statement, two steps: the ids of the nearest from the index alone (it holds
        # latitude, longitude and id), then only those rows from the table.
        nearest_ids = qs.order_by(term.asc(), "id").values("id")[:need]
        rows = list(model.objects.filter(_id_among(nearest_ids)).order_by().defer(*NOT_LISTED))
        for row in rows:
            row.hav = haversine_term_between(latitude, longitude, row.latitude, row.longitude)
        rows.sort(key=lambda row: (row.hav, row.id))
        if radius >= MAX_RADIUS_KM or (len(rows) == need and rows[-1].hav <= haversine_term(radius)):
            break
        if len(rows) == need:
            # Nudged outwards so float rounding can never leave the last row on the edge.
            radius = distance_from_term(rows[-1].hav) * 1.000001 + 0.001
        else:
            # x4 while empty; then by the missing area, gently: past the edge of a town the
            # rows thicken fast, and an oversized box costs more than one more statement.
            growth = 4.0 if not rows else min(4.0, max(1.5, 1.25 * math.sqrt(need / len(rows))))
            radius *= growth
        if radius >= WHOLE_SCAN_RADIUS_KM:
            radius = MAX_RADIUS_KM
    page = rows[offset:need]
    for row in page:
        row.distance_km = distance_from_term(row.hav)
    return page


def _id_among(ids_queryset):
    """id IN (subquery); on PostgreSQL written id = ANY(ARRAY(subquery)), which it plans
    as a one-off sub-plan and index lookups: faster to plan and run than a semi-join
    (measured in benchmarks/results/providers.md)."""
    if connection.vendor != "postgresql":
        return Q(id__in=ids_queryset)
    sql, params = ids_queryset.query.get_compiler(using=ids_queryset.db).as_sql()
    # The SQL is what Django compiled from the queryset; values stay parameters.
    return RawSQL(f'"providers_provider"."id" = ANY(ARRAY({sql}))', params, output_field=BooleanField())  # noqa: S611  # nosec B611


def _origin(filters, cities):
    if filters.latitude is not None and filters.longitude is not None:
        return Origin(filters.latitude, filters.longitude, "location")
    if cities:
        total = sum(city.count for city in cities)
        lat = sum(city.latitude * city.count for city in cities) / total
        lng = sum(city.longitude * city.count for city in cities) / total
        label = cities[0].name if len(cities) == 1 else _common_prefix_label(cities)
        return Origin(lat, lng, "city", label)
    return None


def _common_prefix_label(cities):
    words = [city.name.split() for city in cities]
    common = []
    for parts in zip(*words, strict=False):
        if len({fold(part) for part in parts}) != 1:
            break
        common.append(parts[0])
    return " ".join(common) or ", ".join(city.name for city in cities[:3])


def provider_search(*, filters, page=1, page_size=DEFAULT_PAGE_SIZE):
    """One page of matching providers: nearest first when there is an origin (the member's
    location, else the centre of the chosen city), by name otherwise."""
    page = max(1, int(page))
    page_size = max(1, min(MAX_PAGE_SIZE, int(page_size)))
    offset = (page - 1) * page_size
    cities = resolve_cities(filters.city) if filters.city.strip() else None
    city_keys = [city.key for city in cities] if cities is not None else None
    if city_keys == []:
        # A city nobody is in: no result (and no query).
        return SearchPage([], page, page_size, False, None, [])
    qs = _filtered(filters, city_keys)
    origin = _origin(filters, cities)
    if origin is not None:
        # Boxes: a few hundred candidates (a small directory, a small city) are ordered at
        # once; otherwise a box widens around the origin. The sphere index needs no count.
        bounded = True
        if not nearest_uses_sphere_index():
            candidates = sum(city.count for city in cities) if cities is not None else active_provider_count()
            bounded = candidates > SMALL_DIRECTORY
        items = nearest(
            qs,
            latitude=origin.latitude,
            longitude=origin.longitude,
            offset=offset,
            limit=page_size + 1,
            bounded=bounded,
        )
    else:
        # With a name query, order by the folded name: no b-tree index serves that order, so
        # PostgreSQL filters through the trigram index and sorts the matches, instead of
        # walking the name index from "A" past every row that fails the LIKE.
        ordering = ("search_name", "code") if query_words(filters.q) else ("name", "code")
        items = list(qs.order_by(*ordering).defer(*NOT_LISTED)[offset : offset + page_size + 1])
    has_next = len(items) > page_size
    return SearchPage(items[:page_size], page, page_size, has_next, origin, cities or [])


def provider_get_public(*, code):
    """An active provider by its code, or 404."""
    if len(code) > 32 or "\x00" in code:
        raise Http404  # no such code; and PostgreSQL refuses NUL in a string
    provider = Provider.objects.filter(active=True, code=code).first()
    if provider is None:
        raise Http404
    return provider


def distance_to(provider, *, latitude, longitude):
    return haversine_km(latitude, longitude, provider.latitude, provider.longitude)
