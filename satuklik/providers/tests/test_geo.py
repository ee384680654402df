"""Distances: haversine against the ellipsoid (Vincenty, inline below) and published figures."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from satuklik.providers.geo import bounding_box, distance_from_term, haversine_km, haversine_term

CITIES = {
    "Jakarta": (-6.2088, 106.8456),
    "Surabaya": (-7.2575, 112.7521),
    "Medan": (3.5952, 98.6722),
    "Sabang": (5.8933, 95.3214),
    "Merauke": (-8.4932, 140.4018),
    "Denpasar": (-8.6705, 115.2126),
    "Makassar": (-5.1477, 119.4327),
    "Jayapura": (-2.5337, 140.7181),
}


def vincenty_km(lat1, lng1, lat2, lng2):
    """Vincenty's inverse formula on the WGS-84 ellipsoid (T. Vincenty, Survey Review 1975),
    an independent reference: it models the Earth's flattening, haversine does not."""
    a, f = 6378137.0, 1 / 298.257223563
    b = (1 - f) * a
    big_l = math.radians(lng2 - lng1)
    u1 = math.atan((1 - f) * math.tan(math.radians(lat1)))
    u2 = math.atan((1 - f) * math.tan(math.radians(lat2)))
    sin_u1, cos_u1, sin_u2, cos_u2 = math.sin(u1), math.cos(u1), math.sin(u2), math.cos(u2)
    lam = big_l
    for _ in range(200):
        sin_lam, cos_lam = math.sin(lam), math.cos(lam)
        sin_sigma = math.hypot(cos_u2 * sin_lam, cos_u1 * sin_u2 - sin_u1 * cos_u2 * cos_lam)
        cos_sigma = sin_u1 * sin_u2 + cos_u1 * cos_u2 * cos_lam
        sigma = math.atan2(sin_sigma, cos_sigma)
        sin_alpha = cos_u1 * cos_u2 * sin_lam / sin_sigma
        cos2_alpha = 1 - sin_alpha**2
        cos_2sm = cos_sigma - 2 * sin_u1 * sin_u2 / cos2_alpha if cos2_alpha else 0.0
        c = f / 16 * cos2_alpha * (4 + f * (4 - 3 * cos2_alpha))
        previous = lam
        lam = big_l + (1 - c) * f * sin_alpha * (
            sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (-1 + 2 * cos_2sm**2))
        )
        if abs(lam - previous) < 1e-12:
            break
    u_sq = cos2_alpha * (a * a - b * b) / (b * b)
    big_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
    big_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
    delta_sigma = (
        big_b
        * sin_sigma
        * (
            cos_2sm
            + big_b
            / 4
            * (
                cos_sigma * (-1 + 2 * cos_2sm**2)
                - big_b / 6 * cos_2sm * (-3 + 4 * sin_sigma**2) * (-3 + 4 * cos_2sm**2)
            )
        )
    )
    return b * big_a * (sigma - delta_sigma) / 1000


def test_the_reference_reproduces_vincentys_own_worked_example():
    # Flinders Peak -> Buninyong, 54,972.271 m (Vincenty 1975; Geoscience Australia's example).
    flinders = (-(37 + 57 / 60 + 3.72030 / 3600), 144 + 25 / 60 + 29.52440 / 3600)
    buninyong = (-(37 + 39 / 60 + 10.15610 / 3600), 143 + 55 / 60 + 35.38390 / 3600)
    assert vincenty_km(*flinders, *buninyong) == pytest.approx(54.972271, abs=1e-5)


@pytest.mark.parametrize(
    ("origin", "destination", "published_km"),
    [
        # Great-circle figures as published for the city centres (rounded to the km).
        ("Jakarta", "Surabaya", 663),
        ("Jakarta", "Medan", 1420),
        ("Sabang", "Merauke", 5245),
    ],
)
def test_distance_matches_published_figures_within_one_percent(origin, destination, published_km):
    assert haversine_km(*CITIES[origin], *CITIES[destination]) == pytest.approx(published_km, rel=0.01)


@pytest.mark.parametrize(
    ("origin", "destination"),
    [
        ("Jakarta", "Surabaya"),  # Vincenty: 663.2 km
        ("Jakarta", "Medan"),  # 1,414.5 km
        ("Sabang", "Merauke"),  # 5,250.5 km
        ("Jakarta", "Denpasar"),  # 962.8 km
        ("Makassar", "Jayapura"),  # 2,381.5 km
        ("Jakarta", "Jayapura"),  # 3,780.7 km
    ],
)
def test_distance_is_within_one_percent_of_the_ellipsoid(origin, destination):
    expected = vincenty_km(*CITIES[origin], *CITIES[destination])
    assert haversine_km(*CITIES[origin], *CITIES[destination]) == pytest.approx(expected, rel=0.01)


def test_distance_is_symmetric_and_zero_at_the_origin():
    assert haversine_km(*CITIES["Sabang"], *CITIES["Sabang"]) == 0
    assert haversine_km(*CITIES["Sabang"], *CITIES["Merauke"]) == pytest.approx(
        haversine_km(*CITIES["Merauke"], *CITIES["Sabang"])
    )


def test_the_haversine_term_round_trips_a_distance():
    for km in [0.0, 0.5, 12.0, 663.0, 5245.0, 15000.0]:
        assert distance_from_term(haversine_term(km)) == pytest.approx(km, abs=1e-6)


latitudes = st.floats(min_value=-80, max_value=80)
longitudes = st.floats(min_value=-170, max_value=170)


@settings(max_examples=300, deadline=None)
@given(
    lat=latitudes,
    lng=longitudes,
    radius=st.floats(min_value=0.1, max_value=3000),
    bearing=st.floats(min_value=0, max_value=2 * math.pi),
    fraction=st.floats(min_value=0, max_value=1),
)
def test_every_point_within_the_radius_is_inside_the_box(lat, lng, radius, bearing, fraction):
    # Walk fraction*radius from the origin along a great circle: that point must be inside.
    d = fraction * radius / 6371.0088
    phi1, lam1 = math.radians(lat), math.radians(lng)
    phi2 = math.asin(math.sin(phi1) * math.cos(d) + math.cos(phi1) * math.sin(d) * math.cos(bearing))
    lam2 = lam1 + math.atan2(
        math.sin(bearing) * math.sin(d) * math.cos(phi1), math.cos(d) - math.sin(phi1) * math.sin(phi2)
    )
    point_lat, point_lng = math.degrees(phi2), (math.degrees(lam2) + 540) % 360 - 180
    box = bounding_box(lat, lng, radius)
    assert box.lat_min - 1e-9 <= point_lat <= box.lat_max + 1e-9
    if box.lng_min is not None:
        assert box.lng_min - 1e-9 <= point_lng <= box.lng_max + 1e-9
