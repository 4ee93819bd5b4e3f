"""Where clusters are: the rule for their coordinates, India's state boundaries drawn as
SVG, and the figures of a set of clusters by state for the geographic map.

The boundaries are the vendored static/maps/india-states.json (source, licence and what
was changed: docs/map-data.md), keyed by the ISO 3166-2 code of clusters.regions. They are
projected here, once per process, with an equirectangular projection scaled by the cosine
of India's middle latitude: simple, and a cluster's dot lands where its coordinates say.
"""

import json
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _

from .models import Region
from .regions import INDIAN_REGIONS

BOUNDARIES_FILE = Path(settings.BASE_DIR) / "static" / "maps" / "india-states.json"

# India's extent, a little wider than its boundaries (Indira Point to the Siachen glacier
# and Gilgit-Baltistan, Guhar Moti to Kibithu): a point outside it is not in India.
INDIA_SOUTH, INDIA_NORTH = Decimal("6.4"), Decimal("37.4")
INDIA_WEST, INDIA_EAST = Decimal("68.0"), Decimal("97.6")

# The projection: x = (lon - WEST) * cos(MID_LATITUDE) * SCALE, y = (NORTH - lat) * SCALE.
SCALE = 20.0
MID_LATITUDE = 22.0
X_FACTOR = math.cos(math.radians(MID_LATITUDE)) * SCALE
_WEST, _NORTH = float(INDIA_WEST), float(INDIA_NORTH)
WIDTH = round((float(INDIA_EAST) - _WEST) * X_FACTOR)
HEIGHT = round((_NORTH - float(INDIA_SOUTH)) * SCALE)


# The rule for coordinates ------------------------------------------------------------------


def coordinate_errors(*, latitude, longitude, country):
    """Return {field: message} of what is wrong with a cluster's coordinates (empty: nothing).

    Both or neither: one without the other places nothing. Latitude within ±90°, longitude
    within ±180°; for a cluster in India (`country` IN), inside India's extent (a swapped
    latitude and longitude, or a sign lost, lands outside it). The form, the importer and
    the API all ask this one function."""
    if latitude is None and longitude is None:
        return {}
    if latitude is None:
        return {"latitude": _("Give the latitude as well as the longitude, or neither.")}
    if longitude is None:
        return {"longitude": _("Give the longitude as well as the latitude, or neither.")}
    latitude, longitude = Decimal(latitude), Decimal(longitude)
    errors = {}
    if not -90 <= latitude <= 90:
        errors["latitude"] = _("A latitude is between -90 and 90 degrees.")
    if not -180 <= longitude <= 180:
        errors["longitude"] = _("A longitude is between -180 and 180 degrees.")
    if errors or (country or "IN").upper() != "IN":
        return errors
    if not INDIA_SOUTH <= latitude <= INDIA_NORTH:
        errors["latitude"] = _(
            "%(value)s° is not in India, which lies between %(south)s° and %(north)s° north."
        ) % {"value": latitude.normalize(), "south": INDIA_SOUTH, "north": INDIA_NORTH}
    if not INDIA_WEST <= longitude <= INDIA_EAST:
        errors["longitude"] = _(
            "%(value)s° is not in India, which lies between %(west)s° and %(east)s° east."
        ) % {"value": longitude.normalize(), "west": INDIA_WEST, "east": INDIA_EAST}
    return errors


def in_india(latitude, longitude):
    """Return whether a point lies within India's extent (and so on the map)."""
    if latitude is None or longitude is None:
        return False
    return (
        INDIA_SOUTH <= Decimal(latitude) <= INDIA_NORTH
        and INDIA_WEST <= Decimal(longitude) <= INDIA_EAST
    )


# The projection and the boundaries ---------------------------------------------------------


def project(latitude, longitude):
    """Return the (x, y) of a point on the map, in the units of its viewBox."""
    x = (float(longitude) - _WEST) * X_FACTOR
    y = (_NORTH - float(latitude)) * SCALE
    return round(x, 1), round(y, 1)


def unproject(x, y):
    """Return the (latitude, longitude) of a point of the map (the coordinate picker's click)."""
    return _NORTH - y / SCALE, _WEST + x / X_FACTOR


def _path(rings):
    parts = []
    for ring in rings:
        points = []
        last = None
        for longitude, latitude in ring:
            x, y = project(latitude, longitude)
            point = f"{x:g} {y:g}"
            if point != last:
                points.append(point)
                last = point
        if len(points) >= 3:
            parts.append("M" + "L".join(points) + "Z")
    return "".join(parts)


@dataclass(frozen=True)
class StateShape:
    """A state's or union territory's outline on the map: its ISO code, name and SVG path."""

    code: str
    name: str
    path: str


@cache
def boundaries():
    """Return India's states as StateShapes (in the order of clusters.regions), the paths of
    the areas whose state is in dispute between two states, and the data's source."""
    data = json.loads(BOUNDARIES_FILE.read_text())
    shapes = [
        StateShape(code=code, name=name, path=_path(data["states"][code]))
        for name, code, _kind in INDIAN_REGIONS
    ]
    disputed = [_path(rings) for rings in data["disputed"]]
    return shapes, disputed, data["source"]


@cache
def outline_paths():
    """Return India's states as one light SVG path (every third point, whole units): the
    coordinate picker's background, where a state's detail matters less than the page's
    weight."""
    data = json.loads(BOUNDARIES_FILE.read_text())
    parts = []
    for rings in data["states"].values():
        for ring in rings:
            points = []
            for longitude, latitude in ring[::3] or ring:
                x, y = project(latitude, longitude)
                point = f"{round(x)} {round(y)}"
                if not points or points[-1] != point:
                    points.append(point)
            if len(points) >= 3:
                parts.append("M" + "L".join(points) + "Z")
    return "".join(parts)


# The figures of a set of clusters by place -------------------------------------------------


@dataclass(frozen=True)
class PlaceTotal:
    """How many clusters of a set are in one state (or country), their employment, and how
    many of them have an employment figure (`employment` is None when none has one)."""

    clusters: int
    employment: int | None
    employment_known: int


def totals_by_place(queryset):
    """Return ({region id: PlaceTotal} of India's states, {country: PlaceTotal} of the other
    countries, the PlaceTotal of the Indian clusters with no state) over `queryset`, in one
    query."""
    rows = (
        queryset.order_by()
        .values_list("country", "region_id")
        .annotate(
            clusters=Count("pk"),
            employment_total=Sum("employment"),
            employment_known=Count("pk", filter=Q(employment__isnull=False)),
        )
    )
    states, countries, no_state = {}, {}, None
    for country, region_id, clusters, employment, known in rows:
        total = PlaceTotal(clusters=clusters, employment=employment, employment_known=known)
        if country != "IN":
            countries[country] = _add(countries.get(country), total)
        elif region_id is None:
            no_state = total
        else:
            states[region_id] = total
    return states, dict(sorted(countries.items())), no_state


def _add(first, second):
    if first is None:
        return second
    employment = (
        None
        if first.employment is None and second.employment is None
        else (first.employment or 0) + (second.employment or 0)
    )
    return PlaceTotal(
        clusters=first.clusters + second.clusters,
        employment=employment,
        employment_known=first.employment_known + second.employment_known,
    )


def cluster_points(queryset, *, by_employment=False, limit):
    """Return the Indian clusters of `queryset` with coordinates inside India, as dicts of
    what a dot shows, the biggest first (by employment, or by enterprises), at most `limit`,
    and how many there are in all, in two queries."""
    located = queryset.filter(
        country="IN",
        latitude__gte=INDIA_SOUTH,
        latitude__lte=INDIA_NORTH,
        longitude__gte=INDIA_WEST,
        longitude__lte=INDIA_EAST,
    )
    size = "employment" if by_employment else "enterprise_count"

    rows = list(
        located.order_by(F(size).desc(nulls_last=True), "pk").values(
            "slug",
            "product",
            "place",
            "classification_status",
            "employment",
            "enterprise_count",
            "latitude",
            "longitude",
        )[:limit]
    )
    total = len(rows) if len(rows) < limit else located.order_by().count()
    return rows, total


def indian_regions():
    """Return India's regions as {ISO code: Region} (for the map's state links)."""
    return {
        region.code: region
        for region in Region.objects.filter(country="IN").only(
            "pk", "name", "slug", "code", "country"
        )
    }
