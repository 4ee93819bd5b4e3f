"""Names on the stakeholder map (issue 16): a name drawn on the map covers no link line or
arrowhead, no stakeholder's shape and no other name; a long name is wrapped whole, never cut
(unless one word is longer than a line); a name with no free place shows on hover and focus,
and every name is in full in its node's title.

The drawn SVG is read back as a reader's browser would draw it, with the same estimate of
the label font's size the map uses (labels.text_width; tests/e2e/test_map.py checks it
against a browser), and checked with geometry written
here, independent of the placement code.
"""

import io
import math
import random
import re
import time
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from clusters.models import Cluster
from stakeholders.choices import Kind, RelationshipType
from stakeholders.network import labels
from stakeholders.network import svg as map_svg
from stakeholders.network.layout import Layout
from tests.factories import ClusterFactory, region, stakeholder_network

SVG = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


# Reading the map back -----------------------------------------------------------------------


def classes(element):
    return set(element.get("class", "").split())


def text_lines(text):
    spans = text.findall(f"{SVG}tspan")
    return [span.text or "" for span in spans] if spans else [text.text or ""]


def text_box(text):
    """Return the box a <text> of the map covers, by the map's estimate of the font."""
    lines = text_lines(text)
    width = max(labels.text_width(line) for line in lines)
    height = (len(lines) - 1) * labels.LINE_HEIGHT + labels.TEXT_ASCENT + labels.TEXT_DESCENT
    x, y = float(text.get("x")), float(text.get("y"))
    anchor = text.get("text-anchor", "start")
    left = x if anchor == "start" else x - width if anchor == "end" else x - width / 2
    top = y - labels.TEXT_ASCENT
    return (left, top, left + width, top + height)


def edge_pieces(d, arrow):
    """Return the straight pieces of an edge's path data and of its arrowhead."""
    numbers = [float(n) for n in NUMBER.findall(d)]
    if "Q" in d:
        sx, sy, cx, cy, ex, ey = numbers
        points = []
        for step in range(65):
            t = step / 64
            points.append(
                (
                    (1 - t) ** 2 * sx + 2 * (1 - t) * t * cx + t * t * ex,
                    (1 - t) ** 2 * sy + 2 * (1 - t) * t * cy + t * t * ey,
                )
            )
        ux, uy = ex - cx, ey - cy
    else:
        sx, sy, ex, ey = numbers
        points = [(sx, sy), (ex, ey)]
        ux, uy = ex - sx, ey - sy
    size = math.hypot(ux, uy) or 1.0
    ux, uy = ux / size, uy / size
    unit = arrow / 10  # marker viewBox 0 0 10 10, refX 9, refY 5
    tip = (ex + ux * unit, ey + uy * unit)
    base = (ex - 9 * ux * unit, ey - 9 * uy * unit)
    wing_a = (base[0] - uy * 5 * unit, base[1] + ux * 5 * unit)
    wing_b = (base[0] + uy * 5 * unit, base[1] - ux * 5 * unit)
    pieces = list(zip(points, points[1:], strict=False))
    return pieces + [(tip, wing_a), (wing_a, wing_b), (wing_b, tip)]


def read_map(svg_markup):
    """Return what the map draws: labels, hover labels, edges, shapes, fixed labels, size."""
    root = ET.fromstring(svg_markup)
    arrow = float(root.find(f".//{SVG}marker").get("markerWidth"))
    edges = []
    for path in root.iter(f"{SVG}path"):
        if "map-edge" in classes(path):
            edges.extend(edge_pieces(path.get("d"), arrow))
    nodes = []
    for node in root.iter(f"{SVG}a"):
        title = node.find(f"{SVG}title").text
        shape = next(child for child in node if "map-node__shape" in classes(child))
        if shape.tag == f"{SVG}circle":
            outline = (
                "circle",
                (float(shape.get("cx")), float(shape.get("cy")), float(shape.get("r"))),
            )
        else:
            values = [float(n) for n in NUMBER.findall(shape.get("d"))]
            outline = ("polygon", list(zip(values[::2], values[1::2], strict=True)))
        text = node.find(f"{SVG}text")
        nodes.append(
            {
                "title": title,
                "outline": outline,
                "lines": text_lines(text),
                "box": text_box(text),
                "drawn": "map-label--hover" not in classes(text),
            }
        )
    fixed = [
        text_box(text) for text in root.iter(f"{SVG}text") if "map-hull__label" in classes(text)
    ]
    _x, _y, width, height = (float(n) for n in root.get("viewBox").split())
    return {"nodes": nodes, "edges": edges, "fixed": fixed, "size": (width, height)}


# Geometry, written independently of the placement code -------------------------------------


def inside(point, box):
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def _orientation(a, b, c):
    value = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    return (value > 1e-9) - (value < -1e-9)


def segments_cross(p, q, r, s):
    o1, o2, o3, o4 = (
        _orientation(p, q, r),
        _orientation(p, q, s),
        _orientation(r, s, p),
        _orientation(r, s, q),
    )
    return o1 != o2 and o3 != o4


def piece_meets_box(piece, box):
    a, b = piece
    if (
        max(a[0], b[0]) < box[0]
        or min(a[0], b[0]) > box[2]
        or max(a[1], b[1]) < box[1]
        or min(a[1], b[1]) > box[3]
    ):
        return False
    if inside(a, box) or inside(b, box):
        return True
    left, top, right, bottom = box
    corners = [(left, top), (right, top), (right, bottom), (left, bottom)]
    return any(segments_cross(a, b, corners[i], corners[(i + 1) % 4]) for i in range(4))


def point_in_polygon(point, polygon):
    x, y = point
    result = False
    for (x0, y0), (x1, y1) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            result = not result
    return result


def outline_meets_box(outline, box):
    kind, data = outline
    if kind == "circle":
        cx, cy, r = data
        nx, ny = min(max(cx, box[0]), box[2]), min(max(cy, box[1]), box[3])
        return math.hypot(nx - cx, ny - cy) < r
    centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    return any(
        piece_meets_box(piece, box) for piece in zip(data, data[1:] + data[:1], strict=True)
    ) or point_in_polygon(centre, data)


def boxes_share_area(a, b):
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def covered_by_label(drawing):
    """Return the problems of the drawn labels: what each covers, or where it overflows."""
    problems = []
    drawn = [node for node in drawing["nodes"] if node["drawn"]]
    width, height = drawing["size"]
    for number, node in enumerate(drawn):
        box, name = node["box"], node["title"]
        if box[0] < 0 or box[1] < 0 or box[2] > width or box[3] > height:
            problems.append((name, "outside the map"))
        if any(piece_meets_box(piece, box) for piece in drawing["edges"]):
            problems.append((name, "covers a link"))
        if any(outline_meets_box(other["outline"], box) for other in drawing["nodes"]):
            problems.append((name, "covers a shape"))
        others = [other["box"] for other in drawn[number + 1 :]] + drawing["fixed"]
        if any(boxes_share_area(box, other) for other in others):
            problems.append((name, "covers a label"))
    return problems


def assert_names_whole(drawing):
    """Every node's title starts with its full name; a drawn or hover label reads the full
    name, cut only where a single word is longer than its line."""
    for node in drawing["nodes"]:
        name = node["title"].split(" — ")[0]
        text = " ".join(node["lines"])
        if "…" in text:
            assert any(len(word) > labels.LINE_CHARACTERS for word in name.split()), name
        else:
            assert text == " ".join(name.split()), (text, name)


# A generated network: 60 stakeholders with long names, densely linked -----------------------

WORDS = (
    "Ludhiana",
    "District",
    "Knitwear",
    "Exporters",
    "Manufacturers",
    "Association",
    "Cooperative",
    "Society",
    "Training",
    "Institute",
    "Hosiery",
    "Woollen",
    "Garment",
    "Processing",
    "Development",
)
KINDS = [Kind.ENTERPRISE, Kind.SUPPLIER, Kind.INSTITUTION, Kind.ASSOCIATION, Kind.BDS_PROVIDER]
LINK_TYPES = [RelationshipType.SUPPLIES, RelationshipType.COLLABORATES, RelationshipType.SERVES]


def dense_network(cluster, count=60, links_each=4):
    rng = random.Random(16)
    actors = {}
    for number in range(count):
        words = rng.sample(WORDS, rng.randint(3, 7))
        actors[number] = (f"{' '.join(words)} {number}", KINDS[number % 5], "")
    links, seen = [], set()
    for source in range(count):
        for _step in range(links_each):
            target = rng.randrange(count)
            pair = frozenset((source, target))
            if target == source or pair in seen:
                continue
            seen.add(pair)
            links.append((source, rng.choice(LINK_TYPES), target))
    # A hub with parallel relationships, drawn as curves.
    links.append((1, RelationshipType.FINANCES, 0))
    links.append((0, RelationshipType.TRAINS, 1))
    return stakeholder_network(cluster, actors, links)


def map_svg_of(client, cluster):
    response = client.get(reverse("clusters:cluster_map", kwargs={"slug": cluster.slug}))
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('<svg class="map-svg')
    return html[start : html.index("</svg>", start) + len("</svg>")]


@pytest.mark.django_db
def test_labels_of_a_dense_network_of_long_names_cover_nothing(client):
    """On a crowded map of 60 long names, no drawn name crosses a link, an arrowhead, a
    shape or another name; names with no free place wait for hover and focus, whole."""
    cluster = ClusterFactory(product="Knitwear", place="Ludhiana", region=region("Punjab"))
    dense_network(cluster)

    drawing = read_map(map_svg_of(client, cluster))

    assert len(drawing["nodes"]) == 60
    drawn = [node for node in drawing["nodes"] if node["drawn"]]
    assert covered_by_label(drawing) == []
    assert_names_whole(drawing)
    # The rule still leaves most of the map named, wrapping long names over lines.
    assert len(drawn) >= 12
    assert any(len(node["lines"]) >= 2 for node in drawn)
    assert any(len(" ".join(node["lines"])) > 40 for node in drawn)


def test_the_old_placement_would_fail_this_check():
    """The check sees a label over a link: a label box laid across a line is reported."""
    drawing = {
        "nodes": [
            {
                "title": "Ludhiana spinners — Supplier — 1 link",
                "outline": ("circle", (100.0, 100.0, 9.0)),
                "lines": ["Ludhiana spinners"],
                "box": (114.0, 92.0, 246.6, 107.0),
                "drawn": True,
            }
        ],
        "edges": [((150.0, 50.0), (150.0, 150.0))],
        "fixed": [],
        "size": (1200.0, 600.0),
    }
    assert covered_by_label(drawing) == [("Ludhiana spinners — Supplier — 1 link", "covers a link")]


@pytest.mark.django_db
def test_labels_of_the_biggest_demo_map_cover_nothing(client):
    """The demo data's biggest map (Ludhiana hosiery) names its stakeholders without
    covering a link, a shape or another name, and never cuts a name."""
    call_command("load_demo", stdout=io.StringIO())
    cluster = (
        Cluster.objects.annotate(members=Count("memberships")).order_by("-members", "pk").first()
    )

    drawing = read_map(map_svg_of(client, cluster))

    assert len(drawing["nodes"]) >= 30
    assert covered_by_label(drawing) == []
    assert_names_whole(drawing)
    names = [node["title"].split(" — ")[0] for node in drawing["nodes"]]
    longest = max(names, key=len)
    assert len(longest) > 40
    longest_node = drawing["nodes"][names.index(longest)]
    assert " ".join(longest_node["lines"]) == longest
    assert sum(node["drawn"] for node in drawing["nodes"]) >= len(drawing["nodes"]) // 2


def test_wrap_keeps_every_word_and_cuts_only_a_word_longer_than_a_line():
    """A name is broken between words, never cut; a single overlong word is cut with '…'."""
    name = "Ludhiana knitwear management training providers"
    assert labels.wrap(name, 24) == ["Ludhiana knitwear", "management training", "providers"]
    assert labels.wrap(name, 24, lines=2) is None
    # A narrower wrapping that would cut a word is not offered for a label.
    assert ["Ludhiana knitwear", "exporter-manufacturers"] in labels.label_shapes(
        "Ludhiana knitwear exporter-manufacturers"
    )
    assert all(
        "…" not in " ".join(lines)
        for lines in labels.label_shapes("Ludhiana knitwear exporter-manufacturers")
    )
    assert labels.wrap("Supercalifragilisticexpialidocious Ltd", 24) == [
        "Supercalifragilisticexp…",
        "Ltd",
    ]


def test_labels_are_placed_on_a_map_of_5000_stakeholders_and_20000_links():
    """Drawing 5,000 stakeholders and 20,000 links (the whole of issue 11's biggest
    cluster, not the 300 the page draws) places the best-linked names by the same rule."""
    rng = random.Random(11)
    columns = 100
    positions = {
        number: ((number % columns) + rng.random() * 0.6, (number // columns) + rng.random() * 0.6)
        for number in range(5000)
    }
    pairs = set()
    while len(pairs) < 20_000:
        source = rng.randrange(5000)
        if rng.random() < 0.9:  # most links are short, as the force layout draws them
            target = source + rng.choice((1, -1, columns, -columns, columns + 1, 2, 2 * columns))
        else:
            target = rng.randrange(5000)
        if 0 <= target < 5000 and target != source:
            pairs.add((source, target))
    edges = [
        map_svg.MapEdge(source=s, target=t, kind=RelationshipType.SUPPLIES)
        for s, t in sorted(pairs)
    ]
    links = dict.fromkeys(positions, 0)
    for source, target in pairs:
        links[source] += 1
        links[target] += 1
    nodes = [
        map_svg.MapNode(
            id=number,
            name=f"Stakeholder number {number} of the Tiruppur knitwear cluster",
            kind=KINDS[number % 5],
            role="",
            url=f"/stakeholders/s-{number}/",
            links=links[number],
        )
        for number in positions
    ]
    layout = Layout(positions=positions, width=columns, height=50)

    started = time.perf_counter()
    drawing = map_svg.draw_map(
        nodes=nodes,
        edges=edges,
        groups=[],
        layout=layout,
        title="Stakeholder map",
        description="",
        unlinked_heading="No recorded relationship",
    )
    elapsed = time.perf_counter() - started
    print(f"draw_map of 5,000 stakeholders and 20,000 links: {elapsed:.2f} s")

    # So many shapes leave no free spot in 1,200 pixels: the names wait for hover and focus.
    assert drawing.labelled <= map_svg.LABEL_TOP
    read = read_map(str(drawing.svg))
    assert len(read["nodes"]) == 5000
    assert covered_by_label(read) == []
    assert_names_whole(read)


def test_5000_names_among_20000_links_are_placed_by_the_rule_on_a_roomy_map():
    """With room around them (a wide drawing), 5,000 names among 20,000 links are placed
    through the grid index, and a sample of them covers no link, shape or other name."""
    # 556 groups of nine stakeholders, each linked to the eight others (36 links a group).
    columns, across, down = 24, 300.0, 150.0
    points = []
    for group in range(556):
        left, top = (group % columns) * across + 40, (group // columns) * down + 60
        points += [(left + (n % 3) * 24, top + (n // 3) * 24) for n in range(9)]
    segments = []
    for group in range(556):
        members = range(group * 9, group * 9 + 9)
        segments += [(*points[a], *points[b]) for a in members for b in members if a < b]
    points = points[:5000]
    segments = segments[:20_000]
    index = labels.SpatialIndex()
    for x, y in points:
        index.add_disc(x, y, 9.0)
    for segment in segments:
        index.add_segment(*segment)
    items = [
        (n, x, y, 9.0, f"Stakeholder number {n} of the Tiruppur knitwear cluster")
        for n, (x, y) in enumerate(points)
    ]

    started = time.perf_counter()
    placed = labels.place_labels(items, index, (0, 0, columns * across, 24 * down))
    elapsed = time.perf_counter() - started
    print(f"place_labels of 5,000 names among 20,000 links: {elapsed:.2f} s, {len(placed)} placed")

    assert len(placed) > 1000
    pieces = [((x0, y0), (x1, y1)) for x0, y0, x1, y1 in segments]
    boxes = [placement.box for placement in placed.values()]
    for key in sorted(placed)[::50]:
        box = placed[key].box
        assert not any(piece_meets_box(piece, box) for piece in pieces), key
        assert not any(outline_meets_box(("circle", (x, y, 9.0)), box) for x, y in points), key
        assert sum(boxes_share_area(box, other) for other in boxes) == 1, key  # itself
