"""Indicator years: stored as the first calendar year and a fiscal flag, read and written
exactly like cluster figures' years (clusters.services.validate_year): '2023' or '2023-24'."""

from clusters.services import validate_year


def parse_year(text):
    """Return (first calendar year, fiscal) for '2023' or '2023-24'; raise ValidationError.

    An int is a calendar year. Blank gives (None, False).
    """
    if isinstance(text, int):
        text = str(text)
    year = validate_year(str(text or ""))
    if not year:
        return None, False
    return int(year[:4]), len(year) > 4


def format_year(year, fiscal=False):
    """Return 2023 as '2023', or as '2023-24' when it is a fiscal year; '' when unknown."""
    if year is None:
        return ""
    return f"{year}-{(year + 1) % 100:02d}" if fiscal else str(year)
