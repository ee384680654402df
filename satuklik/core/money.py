"""Money is integer rupiah everywhere: exact, and the rupiah has no minor unit in use."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def format_rupiah(amount) -> str:
    """1250000 -> 'Rp 1.250.000' (the Indonesian way: dots group thousands)."""
    if amount is None or amount == "":
        return "-"
    value = int(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}Rp {abs(value):,}".replace(",", ".")


def parse_rupiah(text) -> int:
    """Read an amount as a core system or a person writes it.

    Accepts 'Rp 1.250.000', '1.250.000', '1,250,000', '1250000', '1.250.000,00'.
    Raises ValueError with a message for anything else.
    """
    if isinstance(text, int):
        return text
    if isinstance(text, float):
        if text != int(text):
            raise ValueError(f"amount {text!r} has a fraction of a rupiah")
        return int(text)
    if isinstance(text, Decimal):
        return _whole(text, text)
    raw = str(text or "").strip()
    cleaned = raw.replace("Rp", "").replace("IDR", "").replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        raise ValueError("amount is empty")
    negative = cleaned.startswith("-")
    cleaned = cleaned.lstrip("-")
    # A trailing ',00' or '.00' is a decimal part; other separators group thousands.
    for decimal_mark in (",", "."):
        head, mark, tail = cleaned.rpartition(decimal_mark)
        if mark and len(tail) in (1, 2) and head:
            cleaned = head + "." + tail
            break
    integer_part, _, fraction = cleaned.partition(".")
    integer_part = integer_part.replace(".", "").replace(",", "")
    if not integer_part.isdigit() or (fraction and not fraction.isdigit()):
        raise ValueError(f"{raw!r} is not an amount in rupiah")
    try:
        value = Decimal(f"{integer_part}.{fraction or '0'}")
    except InvalidOperation as exc:
        raise ValueError(f"{raw!r} is not an amount in rupiah") from exc
    whole = _whole(value, raw)
    return -whole if negative else whole


def _whole(value: Decimal, shown) -> int:
    if value != value.to_integral_value(rounding=ROUND_HALF_UP):
        raise ValueError(f"amount {shown!r} has a fraction of a rupiah")
    return int(value)
