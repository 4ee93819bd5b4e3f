"""Number formatting: Indian digit grouping (12,00,000) and lakh / crore amounts."""

from decimal import Decimal


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
    for unit, size in (("crore", Decimal(10_000_000)), ("lakh", Decimal(100_000))):
        if abs(value) >= size:
            scaled = (value / size).quantize(Decimal("0.01")).normalize()
            whole, _, fraction = f"{scaled:f}".partition(".")
            text = group_indian(int(whole))
            return f"₹{text}.{fraction} {unit}" if fraction else f"₹{text} {unit}"
    return f"₹{group_indian(value)}"
