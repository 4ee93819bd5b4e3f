"""Numbers as Indian readers write them: digit grouping (12,00,000), lakh and crore.

`format_count` / `format_amount` write them; `parse_quantity` reads what people type into a
filter or a form: "10,000", "12,00,000", "1.2 lakh", "₹5 crore", "Rs. 40 lakh", "5 करोड़".
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# The words for 10^5 and 10^7 readers type, in English and Hindi, with their common spellings.
UNIT_WORDS = {
    **dict.fromkeys(("lakh", "lakhs", "lac", "lacs", "l", "लाख"), 100_000),
    **dict.fromkeys(("crore", "crores", "cr", "करोड़", "करोड़", "करोड"), 10_000_000),
    **dict.fromkeys(("thousand", "k", "हज़ार", "हजार"), 1_000),
}
_CURRENCY = re.compile(r"^(₹|rs\.?|inr|रु\.?|रुपये)\s*", re.IGNORECASE)
_GROUPED = re.compile(r"^\d{1,3}(,\d{2,3})+(\.\d+)?$")
_QUANTITY = re.compile(r"^(?P<number>[\d.,]+)\s*(?P<unit>[^\d\s.,]+)?\.?$")


def parse_quantity(text):
    """Return the whole number `text` stands for, or raise ValueError.

    Accepts plain and grouped digits (Indian or international: '12,00,000', '1,200,000'), a
    unit word ('1.2 lakh' = 120000, '5 crore', '3 thousand'; Hindi 'लाख', 'करोड़'), and a
    leading rupee sign or 'Rs'. A result that is not whole ('1.234567 lakh') is refused.
    """
    cleaned = _CURRENCY.sub("", text.strip().replace("\u00a0", " ")).strip()
    match = _QUANTITY.match(cleaned)
    if not match:
        raise ValueError(text)
    number, unit = match["number"], (match["unit"] or "").lower()
    if "," in number:
        if not _GROUPED.match(number):
            raise ValueError(text)
        number = number.replace(",", "")
    if unit and unit not in UNIT_WORDS:
        raise ValueError(text)
    try:
        value = Decimal(number) * UNIT_WORDS.get(unit, 1)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite() or value != value.to_integral_value():
        raise ValueError(text)
    return int(value)


def group_indian(value):
    """Return the whole number `value` with Indian digit grouping: 1234567 -> '12,34,567'."""
    sign = "-" if value < 0 else ""
    digits = str(abs(int(value)))
    if len(digits) <= 3:
        return sign + digits
    head, tail = digits[:-3], digits[-3:]
    pairs = []
    while len(head) > 2:
        pairs.insert(0, head[-2:])
        head = head[:-2]
    if head:
        pairs.insert(0, head)
    return sign + ",".join(pairs) + "," + tail


def group_international(value):
    """Return the whole number `value` with groups of three: 1234567 -> '1,234,567'."""
    return f"{int(value):,}"


def format_count(value, country="IN"):
    """Return a count formatted the way readers in `country` expect."""
    if value is None:
        return ""
    return group_indian(value) if country == "IN" else group_international(value)


def format_amount(value, currency="INR"):
    """Return a money amount in words a reader scans: '₹1,350 crore', '₹40 lakh', 'EUR 2,000,000'."""
    if value is None:
        return ""
    if currency != "INR":
        return f"{currency} {group_international(value)}"
    value = Decimal(value)
    for unit, size in ((_("crore"), Decimal(10_000_000)), (_("lakh"), Decimal(100_000))):
        if abs(value) >= size:
            scaled = (value / size).quantize(Decimal("0.01")).normalize()
            whole, _point, fraction = f"{scaled:f}".partition(".")
            text = group_indian(int(whole))
            return f"₹{text}.{fraction} {unit}" if fraction else f"₹{text} {unit}"
    return f"₹{group_indian(value)}"
