"""The fast path of the cluster import: rows that are clearly valid, cleaned by plain
functions into exactly what ClusterImportForm gives; None for any other row, which the
form then reads (and names its errors)."""

from django.core.exceptions import ValidationError

from common.fast_cells import (
    Unclear,
    checked,
    code,
    collapsed,
    degrees,
    letters,
    text,
    whole_number,
    yes_no,
)
from common.forms import MAX_AMOUNT, MAX_COUNT, NO, YES

from .choices import ClusterType, Origin, Stage, Structure
from .geography import coordinate_errors
from .services import validate_year

CLUSTER_TYPES = frozenset(ClusterType.values)
ORIGINS = frozenset(Origin.values)
STRUCTURES = frozenset(Structure.values)
STAGES = frozenset(Stage.values)
COUNTS = ("enterprise_count", "loom_count", "artisan_count", "employment")
AMOUNTS = ("annual_turnover", "annual_exports")


def cluster_row_clean(values, *, lookups):
    """Return the cleaned data ClusterImportForm gives a clearly valid row, or None."""
    try:
        state = text(values, "state", 100)
        country = letters(values, "country", 2, "IN")
        cleaned = {
            "product": collapsed(values, "product", 200, required=True),
            "place": collapsed(values, "place", 200, required=True),
            "district": collapsed(values, "district", 100),
            "state": state,
            "country": country,
            "cluster_type": code(values, "cluster_type", CLUSTER_TYPES, required=True),
            "sector": collapsed(values, "sector", 100),
            "currency": letters(values, "currency", 3, "INR"),
            "figures_year": checked(validate_year, text(values, "figures_year", 20)),
            "estimated": yes_no(values, "estimated", YES, NO),
            "source": collapsed(values, "source", 500),
            "origin": code(values, "origin", ORIGINS),
            "structure": code(values, "structure", STRUCTURES),
            "stage": code(values, "stage", STAGES),
            "latitude": degrees(values, "latitude", 90),
            "longitude": degrees(values, "longitude", 180),
            "description": text(values, "description"),
            "exporting": yes_no(values, "exporting", YES, NO),
        }
        for name in COUNTS:
            cleaned[name] = whole_number(values, name, MAX_COUNT)
        for name in AMOUNTS:
            cleaned[name] = whole_number(values, name, MAX_AMOUNT)
        try:
            cleaned["region"] = lookups.region(state=state, country=country)
        except ValidationError:
            return None
        if coordinate_errors(
            latitude=cleaned["latitude"], longitude=cleaned["longitude"], country=country
        ):
            return None  # the form names the error
    except Unclear:
        return None
    return cleaned
