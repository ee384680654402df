"""Money is integer rupiah everywhere: exact, and the rupiah has no minor unit in use."""

import re
from decimal import Decimal

# An amount as a core system or a person writes it: digits grouped by thousands with
# dots (the Indonesian way) or commas, or not grouped at all, then an optional decimal
# part of one or two digits after the other mark (",00" after dot groups, ".00" after
# comma groups). "1.250" is one thousand two hundred and fifty: three digits after a
# single mark are a group, never a fraction.
_AMOUNT = re.compile(
    r"""
    (?P<integer>
        \d{1,3}(?P<group>[.,])\d{3}(?:(?P=group)\d{3})*   # 1.250.000 or 1,250,000
      | \d+                                               # 1250000
    )
    (?:(?P<mark>[.,])(?P<fraction>\d{1,2}))?              # ,00 or .00
    """,
    re.VERBOSE,
)
_PREFIXES = ("RP.", "RP", "IDR")


def format_rupiah(amount) -> str:
    """1250000 -> 'Rp 1.250.000' (the Indonesian way: dots group thousands)."""
    if amount is None or amount == "":
        return "-"
    value = int(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}Rp {abs(value):,}".replace(",", ".")


def parse_rupiah(text) -> int:
    """Read an amount as a core system or a person writes it, as integer rupiah.

    Accepts 'Rp 1.250.000', 'Rp. 1.250.000', 'IDR 1,250,000', '1.250.000', '1,250,000',
    '1250000', '1.250.000,00', '1,250,000.00', '-1.000' and numbers (int, a float or
    Decimal without a fraction, as spreadsheet cells give them).
    Raises ValueError for anything else, including a fraction of a rupiah.
    """
    if isinstance(text, bool):
        raise ValueError(f"{text!r} is not an amount in rupiah")
    if isinstance(text, int):
        return text
    if isinstance(text, float | Decimal):
        if text != text or text in (float("inf"), float("-inf")):
            raise ValueError(f"{text!r} is not an amount in rupiah")
        if text != int(text):
            raise ValueError(f"amount {text!r} has a fraction of a rupiah")
        return int(text)
    raw = str(text if text is not None else "").strip()
    cleaned = raw.replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        raise ValueError("amount is empty")
    negative = cleaned.startswith("-")
    if negative:
        cleaned = cleaned[1:]
    upper = cleaned.upper()
    for prefix in _PREFIXES:
        if upper.startswith(prefix):
            cleaned = cleaned[len(prefix) :]
            break
    if not negative and cleaned.startswith("-"):  # Rp -1.000
        negative, cleaned = True, cleaned[1:]
    match = _AMOUNT.fullmatch(cleaned)
    if match is None or (match["mark"] and match["mark"] == match["group"]):
        raise ValueError(f"{raw!r} is not an amount in rupiah")
    if match["fraction"] and int(match["fraction"]):
        raise ValueError(f"amount {raw!r} has a fraction of a rupiah")
    whole = int(re.sub(r"[.,]", "", match["integer"]))
    return -whole if negative else whole
