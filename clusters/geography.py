"""Where clusters are: the rule for their coordinates, India's state boundaries drawn as
SVG, and the figures of a set of clusters by state for the geographic map.

The boundaries are the vendored static/maps/india-states.json (source, licence and what
was changed: docs/map-data.md), keyed by the ISO 3166-2 code of clusters.regions. They are
projected here, once per process, with an equirectangular projection scaled by the cosine
of India's middle latitude: simple, and a cluster's dot lands where its coordinates say.
"""

import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
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
            "local_names",
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


# A state's districts -----------------------------------------------------------------------

DISTRICTS_DIR = Path(settings.BASE_DIR) / "static" / "maps" / "districts"
# The width of a state's map, in the units of its viewBox (its height follows its shape).
STATE_WIDTH = 600.0

# Other spellings of districts' names, as the registry's data writes them, by the name the
# boundaries give (both normalised). One applies only where the boundaries' name is a
# district of the cluster's state, so "Bijapur" stays Bijapur in Chhattisgarh and is
# Vijayapura in Karnataka.
DISTRICT_ALIASES = {
    "ahilyanagar": ("ahmednagar", "ahmadnagar"),
    "chhatrapati sambhaji nagar": ("aurangabad", "sambhajinagar"),
    "dharashiv": ("osmanabad",),
    "mumbai suburban": ("mumbai sub urban", "mumbai suburbs"),
    "bengaluru urban": ("bangalore", "bangalore urban", "bengaluru"),
    "bengaluru rural": ("bangalore rural",),
    "mysuru": ("mysore",),
    "belagavi": ("belgaum",),
    "kalaburagi": ("gulbarga",),
    "ballari": ("bellary",),
    "shivamogga": ("shimoga",),
    "tumakuru": ("tumkur",),
    "vijayapura": ("bijapur",),
    "mangaluru": ("mangalore",),
    "dakshina kannada": ("mangalore", "mangaluru", "south canara"),
    "chikkamagaluru": ("chikmagalur",),
    "gurugram": ("gurgaon",),
    "nuh": ("mewat",),
    "prayagraj": ("allahabad",),
    "ayodhya": ("faizabad",),
    "kanpur nagar": ("kanpur",),
    "bhadohi": ("sant ravidas nagar", "sant ravidas nagar bhadohi"),
    "kolkata": ("calcutta",),
    "haora": ("howrah",),
    "hugli": ("hooghly",),
    "darjiling": ("darjeeling",),
    "koch bihar": ("cooch behar", "coochbehar"),
    "maldah": ("malda",),
    "puruliya": ("purulia",),
    "alipur duar": ("alipurduar",),
    "north twenty four parganas": ("north 24 parganas", "24 parganas north"),
    "south 24parganas": ("south 24 parganas", "south twenty four parganas", "24 parganas south"),
    "chennai": ("madras",),
    "kanniyakumari": ("kanyakumari",),
    "thoothukudi": ("tuticorin", "thoothukkudi"),
    "tiruchirappalli": ("trichy", "tiruchirapalli"),
    "kancheepuram": ("kanchipuram",),
    "thiruvananthapuram": ("trivandrum",),
    "kozhikode": ("calicut",),
    "thrissur": ("trichur",),
    "ernakulam": ("kochi", "cochin"),
    "palakkad": ("palghat",),
    "puducherry": ("pondicherry",),
    "visakhapatnam": ("vizag", "vishakhapatnam"),
    "sri potti sriramulu nellore": ("nellore", "spsr nellore"),
    "y s r": ("kadapa", "cuddapah", "ysr kadapa"),
    "hyderabad": ("secunderabad",),
    "balasore": ("baleshwar",),
    "balangir": ("bolangir",),
    "khordha": ("khurda", "khordha bhubaneswar"),
    "kendujhar": ("keonjhar",),
    "purnia": ("purnea",),
    "purba champaran": ("east champaran", "motihari"),
    "pashchim champaran": ("west champaran",),
    "sahibzada ajit singh nagar": ("mohali", "sas nagar"),
    "sri muktsar sahib": ("muktsar",),
    "kamrup metro": ("guwahati", "kamrup metropolitan"),
    "ahmadabad": ("ahmedabad",),
    "mahesana": ("mehsana",),
    "banas kantha": ("banaskantha",),
    "sabar kantha": ("sabarkantha",),
    "panch mahals": ("panchmahal", "panchmahals"),
    "dahod": ("dohad",),
    "kachchh": ("kutch", "kachh"),
    "dangs": ("the dangs", "dang"),
    "arvalli": ("aravalli", "aravali"),
    "chhotaudepur": ("chhota udaipur", "chhota udepur"),
}


def normalise_district(name):
    """Return a district's name as compared: lower case, without accents, punctuation, a
    trailing "district", "&" as "and", and single spaces ("Bara-Banki " → "bara banki")."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    text = text.replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = re.sub(r"\s+(district|dist|zila|zilla)$", "", text)
    return text


def _skeleton(key):
    """Return a normalised name without spaces, doubled letters or long vowels spelt out
    ("Kanchipuram", "Kancheepuram" and "Kanchee Puram" meet), for the last comparison."""
    text = key.replace(" ", "").replace("ee", "i").replace("oo", "u")
    return re.sub(r"(.)\1+", r"\1", text)


@dataclass(frozen=True)
class DistrictShape:
    """A district on the map of its state: its name, its normalised key and its SVG path."""

    name: str
    key: str
    path: str


@dataclass(frozen=True)
class StateProjection:
    """The projection of one state's map: India's, shifted and scaled to the state's extent."""

    west: float
    north: float
    x_factor: float
    scale: float
    width: float
    height: float

    def project(self, latitude, longitude):
        """Return the (x, y) of a point on the state's map."""
        x = (float(longitude) - self.west) * self.x_factor
        y = (self.north - float(latitude)) * self.scale
        return round(x, 1), round(y, 1)

    def contains(self, latitude, longitude):
        """Return whether a point falls on the state's map (its viewBox)."""
        x, y = self.project(latitude, longitude)
        return 0 <= x <= self.width and 0 <= y <= self.height


def state_projection(rings, width=STATE_WIDTH):
    """Return the StateProjection that fits `rings` (lists of [longitude, latitude]) into a
    map `width` units wide, with a margin of 2 %."""
    longitudes = [point[0] for ring in rings for point in ring]
    latitudes = [point[1] for ring in rings for point in ring]
    west, east = min(longitudes), max(longitudes)
    south, north = min(latitudes), max(latitudes)
    cosine = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * cosine, 1e-6)
    margin = 0.02
    inner = width * (1 - 2 * margin)
    scale = inner / span_x
    height = (north - south) * scale + width * 2 * margin
    pad = width * margin / scale
    return StateProjection(
        west=west - pad / cosine,
        north=north + pad,
        x_factor=cosine * scale,
        scale=scale,
        width=round(width, 1),
        height=round(height, 1),
    )


@dataclass(frozen=True)
class StateDistricts:
    """A state's districts projected for its map, its disputed specks, and the source."""

    code: str
    projection: StateProjection
    districts: list
    disputed: list
    source: str

    index: dict = field(repr=False, default_factory=dict)
    skeletons: dict = field(repr=False, default_factory=dict)

    def __post_init__(self):
        index = {district.key: district for district in self.districts}
        for district in self.districts:
            # "Kaimur (Bhabua)", "Bengaluru (Urban)": either part, or both, name it.
            outer, _sep, inner = district.name.partition("(")
            if inner:
                for part in (outer, inner.rstrip(")")):
                    index.setdefault(normalise_district(part), district)
        for target, spellings in DISTRICT_ALIASES.items():
            if target in index:
                for spelling in spellings:
                    index.setdefault(spelling, index[target])
        self.index.update(index)
        self.skeletons.update({_skeleton(key): district for key, district in index.items()})

    def match(self, name):
        """Return the DistrictShape a cluster's `district` text names, or None: the same
        name normalised, a known other spelling, or the same skeleton."""
        key = normalise_district(name)
        if not key:
            return None
        return self.index.get(key) or self.skeletons.get(_skeleton(key))


def _state_path(rings, projection):
    parts = []
    for ring in rings:
        points = []
        for longitude, latitude in ring:
            x, y = projection.project(latitude, longitude)
            point = f"{x:g} {y:g}"
            if not points or points[-1] != point:
                points.append(point)
        if len(points) >= 3:
            parts.append("M" + "L".join(points) + "Z")
    return "".join(parts)


@cache
def state_districts(code):
    """Return the StateDistricts of the state with ISO code `code` (None if there is no
    district file for it), read and projected once per process."""
    if not re.fullmatch(r"IN-[A-Z]{2}", code or ""):
        return None
    source = DISTRICTS_DIR / f"{code}.json"
    if not source.is_file():
        return None
    data = json.loads(source.read_text())
    projection = state_projection(
        [ring for district in data["districts"] for ring in district["rings"]]
    )
    districts = [
        DistrictShape(
            name=district["name"],
            key=normalise_district(district["name"]),
            path=_state_path(district["rings"], projection),
        )
        for district in data["districts"]
    ]
    disputed = [_state_path(rings, projection) for rings in data["disputed"]]
    return StateDistricts(
        code=code,
        projection=projection,
        districts=districts,
        disputed=disputed,
        source=data["source"],
    )


def totals_by_district(queryset):
    """Return [(district text, PlaceTotal)] of the clusters of `queryset` by their `district`
    as written, in one query (the map matches them to the boundaries)."""
    rows = (
        queryset.order_by()
        .values_list("district")
        .annotate(
            clusters=Count("pk"),
            employment_total=Sum("employment"),
            employment_known=Count("pk", filter=Q(employment__isnull=False)),
        )
    )
    return [
        (district, PlaceTotal(clusters=clusters, employment=employment, employment_known=known))
        for district, clusters, employment, known in rows
    ]


def add_totals(first, second):
    """Return the PlaceTotal of two together (either may be None)."""
    return _add(first, second) if second is not None else first
