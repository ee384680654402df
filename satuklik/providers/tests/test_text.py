import pytest

from satuklik.providers.text import normalize_city, normalize_name, query_words


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("RS Siloam Kebon Jeruk", "rumah sakit siloam kebon jeruk"),
        ("Rumah Sakit Siloam Kebon Jeruk", "rumah sakit siloam kebon jeruk"),
        ("RS. SILOAM", "rumah sakit siloam"),
        ("Siloam Hospitals Semanggi", "siloam rumah sakit semanggi"),
        ("RSU Mitra Keluarga", "rumah sakit umum mitra keluarga"),
        ("RSIA Bunda", "rumah sakit ibu dan anak bunda"),
        ("Rumah Sakit Ibu & Anak Bunda", "rumah sakit ibu dan anak bunda"),
        ("Apotik Sehat", "apotek sehat"),
        ("Apotek K-24", "apotek k24"),
        ("Clinic Prima", "klinik prima"),
        ("Klinik Santé Médica", "klinik sante medica"),
        ("  Optik   Melawai ", "optik melawai"),
    ],
)
def test_names_reduce_to_one_canonical_form(name, expected):
    assert normalize_name(name) == expected


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("rs siloam", ["rumah", "sakit", "siloam"]),
        ("RUMAH SAKIT siloam", ["rumah", "sakit", "siloam"]),
        ("Médica", ["medica"]),
        ("k-24", ["k24"]),
        ("ibu dan anak", ["ibu", "anak"]),
        ("", []),
        ("  ---  ", []),
    ],
)
def test_queries_are_normalised_the_same_way(query, words):
    assert query_words(query) == words


def test_every_query_word_is_in_the_name_it_should_find():
    name = normalize_name("Rumah Sakit Umum Siloam Kebon Jeruk")
    for query in ["rs siloam", "RSU siloam", "siloam jeruk", "silo", "rumah sakit kebon", "SILOAM HOSPITAL"]:
        assert all(word in name for word in query_words(query)), query


def test_long_queries_are_capped():
    assert len(query_words(" ".join(f"w{n}" for n in range(50)))) == 8


@pytest.mark.parametrize(
    ("city", "key"),
    [
        ("Jakarta Selatan", "jakarta selatan"),
        ("Kota Bandung", "bandung"),
        ("Kab. Merauke", "merauke"),
        ("kota", "kota"),
    ],
)
def test_city_keys(city, key):
    assert normalize_city(city) == key
