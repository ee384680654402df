from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from satuklik.core.money import format_rupiah, parse_rupiah


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.250.000", 1_250_000),
        ("Rp 1.250.000", 1_250_000),
        ("Rp1.250.000", 1_250_000),
        ("Rp. 1.250.000", 1_250_000),
        ("rp 1.250.000", 1_250_000),
        ("IDR 1,250,000", 1_250_000),
        ("1,250,000", 1_250_000),
        ("1250000", 1_250_000),
        ("1.250.000,00", 1_250_000),
        ("1,250,000.00", 1_250_000),
        ("1250000.00", 1_250_000),
        ("1.250", 1_250),
        ("1,250", 1_250),
        ("0", 0),
        ("  500.000  ", 500_000),
        ("1 250 000", 1_250_000),
        ("1\u00a0250\u00a0000", 1_250_000),
        ("-1.000", -1_000),
        ("Rp -1.000", -1_000),
        ("-Rp 1.000", -1_000),
        (1_250_000, 1_250_000),
        (1_250_000.0, 1_250_000),
        (Decimal("1250000.00"), 1_250_000),
    ],
)
def test_parse_rupiah_reads_amounts_as_written(text, expected):
    assert parse_rupiah(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        None,
        "Rp",
        "abc",
        "1.2.3",
        "12.34.567",
        "1.000.00",  # the decimal mark cannot be the grouping mark
        "1,250.000.000",
        "1.250,000",
        "1000.000",
        "1e6",
        "--1000",
        True,
        float("nan"),
    ],
)
def test_parse_rupiah_refuses_what_is_not_an_amount(text):
    with pytest.raises(ValueError, match="amount"):
        parse_rupiah(text)


@pytest.mark.parametrize("text", ["1.250.000,50", "12,5", "1.25", 1.5, Decimal("2.5")])
def test_parse_rupiah_refuses_a_fraction_of_a_rupiah(text):
    with pytest.raises(ValueError, match="fraction"):
        parse_rupiah(text)


def test_format_rupiah_groups_thousands_with_dots():
    assert format_rupiah(1_250_000) == "Rp 1.250.000"
    assert format_rupiah(-5000) == "-Rp 5.000"
    assert format_rupiah(0) == "Rp 0"
    assert format_rupiah(None) == "-"


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_what_format_writes_parse_reads_back(amount):
    assert parse_rupiah(format_rupiah(amount)) == amount
    assert parse_rupiah(f"{amount:,}") == amount
