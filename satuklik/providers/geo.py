"""Great-circle geometry for "nearest to me", on a sphere of the Earth's mean radius.

Haversine on a sphere is within 0.5 % of the ellipsoidal (WGS-84) distance anywhere,
which is far below what a member notices; the tests check it against Vincenty's
formula on the ellipsoid.
"""

import math
from dataclasses import dataclass

# IUGG mean Earth radius R1 = (2a + b) / 3 for WGS-84.
EARTH_RADIUS_KM = 6371.0088
# Half the circumference: a circle this wide covers the whole globe.
MAX_RADIUS_KM = math.pi * EARTH_RADIUS_KM


def haversine_term_between(lat1, lng1, lat2, lng2):
    """The haversine term a of two points in degrees (distance = 2R asin(sqrt(a)))."""
    half_dphi = math.radians(lat2 - lat1) / 2
    half_dlambda = math.radians(lng2 - lng1) / 2
    return (
        math.sin(half_dphi) ** 2
        + math.cos(math.radians(lat1)) * math.cos(math.radians(lat2)) * math.sin(half_dlambda) ** 2
    )


def haversine_km(lat1, lng1, lat2, lng2):
    """Great-circle distance in km between two points given in degrees."""
    return distance_from_term(haversine_term_between(lat1, lng1, lat2, lng2))


def haversine_term(radius_km):
    """The haversine term a = sin^2(d / 2R) of a distance: a <= this <=> distance <= radius.

    The database orders and filters by `a` (monotonic in the distance), so it needs no
    asin or sqrt per row.
    """
    return math.sin(min(radius_km, MAX_RADIUS_KM) / (2 * EARTH_RADIUS_KM)) ** 2


def distance_from_term(a):
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(max(0.0, a))))


def unit_vector(lat, lng):
    """The point on the unit sphere (x, y, z) of a latitude and longitude in degrees.

    The straight-line (chord) distance between two such points is 2 sin(d / 2R), which
    grows with the great-circle distance d: ordering by it is ordering by distance.
    """
    phi, lam = math.radians(lat), math.radians(lng)
    return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))


@dataclass(frozen=True)
class Box:
    """Latitude/longitude bounds in degrees; a None longitude bound means all longitudes."""

    lat_min: float
    lat_max: float
    lng_min: float | None
    lng_max: float | None


def bounding_box(lat, lng, radius_km):
    """The smallest lat/lng box holding every point within radius_km of (lat, lng).

    Spherical-cap bounds after J. P. Matuschek, "Finding Points Within a Distance of a
    Latitude/Longitude Using Bounding Coordinates": the longitude half-width is
    asin(sin(d) / cos(lat)), wider than d / cos(lat) away from the equator. Near a pole
    or across the antimeridian the longitude is left unbounded (never a wrong answer,
    only a wider scan; Indonesia is nowhere near either).
    """
    d = min(radius_km, MAX_RADIUS_KM) / EARTH_RADIUS_KM
    phi = math.radians(lat)
    lat_min, lat_max = phi - d, phi + d
    if lat_min <= -math.pi / 2 or lat_max >= math.pi / 2:
        return Box(max(-90.0, math.degrees(lat_min)), min(90.0, math.degrees(lat_max)), None, None)
    ratio = math.sin(d) / math.cos(phi)
    if ratio >= 1:
        return Box(math.degrees(lat_min), math.degrees(lat_max), None, None)
    dlng = math.degrees(math.asin(ratio))
    lng_min, lng_max = lng - dlng, lng + dlng
    if lng_min < -180 or lng_max > 180:
        return Box(math.degrees(lat_min), math.degrees(lat_max), None, None)
    return Box(math.degrees(lat_min), math.degrees(lat_max), lng_min, lng_max)


def valid_coordinates(lat, lng):
    return (
        lat is not None
        and lng is not None
        and math.isfinite(lat)
        and math.isfinite(lng)
        and -90 <= lat <= 90
        and -180 <= lng <= 180
    )
