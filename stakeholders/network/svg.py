"""Draw a stakeholder map as inline SVG: one link per stakeholder, arrows per relationship.

`draw_map` takes the stakeholders and relationships to show (already filtered), their
positions from stakeholders.network.layout, and the networks of enterprises to outline, and
returns the SVG markup. Every stakeholder is an `<a>` to its page, focusable by keyboard,
whose `<title>` gives its name, kind, role and number of links; its kind has a colour (the
Okabe-Ito set in registry.css) *and* a shape, so colour is never the only signal. Each
relationship type has its own line pattern, explained by the legend (`KIND_SHAPES`,
`EDGE_STYLES`). Stakeholders without a link in the view stand in a strip under the map.
A name is drawn only where it covers no line, arrowhead, shape or other name
(stakeholders.network.labels); otherwise it shows on hover and focus.

The markup is built with `escape` rather than a template: a 500-stakeholder map has some
2,000 elements, which a template loop renders ten times slower.
"""

import math
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..choices import Kind, RelationshipType, Role
from . import labels
from .labels import (
    CHAR_WIDTH,
    LINE_HEIGHT,
    SpatialIndex,
    centred_baseline,
    hover_lines,
    label_box,
    label_markup,
    place_labels,
    wrap,
)

WIDTH = 1200
MARGIN = 28
LABEL_CHARACTERS = 30
# All stakeholders are named on the map up to this many; beyond it, only the best linked
# (the rest show their name on hover and focus).
LABEL_ALL_MAX = 60
LABEL_TOP = 16
# From this many links on, lines are drawn thinner and fainter, arrowheads smaller.
DENSE_EDGES = 250
# Edges keep a hover title up to this many (the table below the map names them all).
EDGE_TITLES_MAX = 400
STRIP_COLUMN = 270
STRIP_ROW = 30

KIND_SHAPES = {
    Kind.ENTERPRISE: "circle",
    Kind.SUPPLIER: "square",
    Kind.INSTITUTION: "triangle",
    Kind.ASSOCIATION: "diamond",
    Kind.BDS_PROVIDER: "star",
}
# How each relationship type is drawn: the CSS class sets its colour and dash pattern
# (registry.css, "Stakeholder map"); the pattern is repeated here for the legend's words.
EDGE_STYLES = {
    RelationshipType.SUPPLIES: gettext_lazy("solid dark line"),
    RelationshipType.BUYS_FROM: gettext_lazy("long dashes, dark"),
    RelationshipType.SUBCONTRACTS_TO: gettext_lazy("dash and dot, dark"),
    RelationshipType.FINANCES: gettext_lazy("solid green line"),
    RelationshipType.TRAINS: gettext_lazy("short dashes, green"),
    RelationshipType.REGULATES: gettext_lazy("dots, green"),
    RelationshipType.SERVES: gettext_lazy("long dashes, orange"),
    RelationshipType.MEMBER_OF: gettext_lazy("dots, purple"),
    RelationshipType.COLLABORATES: gettext_lazy("dash and dot, purple"),
}

_KIND_LABELS = dict(Kind.choices)
_ROLE_LABELS = dict(Role.choices)
_TYPE_LABELS = dict(RelationshipType.choices)


@dataclass
class MapNode:
    """A stakeholder to draw: who it is, where its page is, and how many links it has."""

    id: int
    name: str
    kind: str
    role: str
    url: str
    links: int
    isolated: bool = False


@dataclass
class MapEdge:
    """A relationship to draw, from `source` to `target` (node ids)."""

    source: int
    target: int
    kind: str
    since: object = None
    until: object = None


@dataclass
class MapGroup:
    """A network of enterprises to outline: its name and its members (node ids)."""

    name: str
    members: tuple
    status: str = ""


@dataclass
class Drawing:
    """The SVG markup and what it shows."""

    svg: str
    width: int
    height: int
    labelled: int = 0
    unlinked: list = field(default_factory=list)


def css_token(value):
    return str(value or "").replace("_", "-")


def truncate(text, limit=LABEL_CHARACTERS):
    """Return `text` cut to `limit` characters with an ellipsis."""
    return labels.truncate(text, limit)


def node_title(node):
    """Return the tooltip and accessible name of a node: name, kind, role, links."""
    parts = [_KIND_LABELS.get(node.kind, node.kind)]
    if node.role:
        parts.append(_ROLE_LABELS.get(node.role, node.role).lower())
    links = ngettext("%(count)d link", "%(count)d links", node.links) % {"count": node.links}
    return f"{node.name} — {', '.join(str(part) for part in parts)} — {links}"


def _year(value):
    # A PartialDate (common.partial_dates) or a plain date.
    return getattr(value, "date", value).year


def _period(since, until):
    if not since and not until:
        return ""
    start = str(_year(since)) if since else "…"
    end = str(_year(until)) if until else _("now")
    return f" ({start}–{end})"


def edge_title(edge, names):
    return (
        f"{names.get(edge.source, '')} {_TYPE_LABELS.get(edge.kind, edge.kind)} "
        f"{names.get(edge.target, '')}{_period(edge.since, edge.until)}"
    )


_f = labels.coordinate


def shape_markup(shape, x, y, r, css_class="map-node__shape"):
    """Return the SVG element of a kind's shape centred on (x, y), of radius about `r`."""
    if shape == "circle":
        return f'<circle class="{css_class}" cx="{_f(x)}" cy="{_f(y)}" r="{_f(r)}"/>'
    return f'<path class="{css_class}" d="{shape_path(shape, x, y, r)}"/>'


# The radius of the circle around each shape drawn with radius `r` (shape_path), as a
# multiple of `r`: what a label must keep clear of.
SHAPE_EXTENTS = {"circle": 1.0, "square": 0.89 * math.sqrt(2), "triangle": 1.35, "diamond": 1.25}
STAR_EXTENT = 1.45


def shape_extent(shape, r):
    """Return the radius of the circle around the shape `shape` of radius `r`."""
    return r * SHAPE_EXTENTS.get(shape, STAR_EXTENT)


def shape_path(shape, x, y, r):
    """Return the path data of a kind's shape; the areas are about that of the circle."""
    if shape == "square":
        s = r * 0.89
        points = [(x - s, y - s), (x + s, y - s), (x + s, y + s), (x - s, y + s)]
    elif shape == "triangle":
        s = r * 1.35
        points = [(x, y - s), (x + s * 0.866, y + s * 0.5), (x - s * 0.866, y + s * 0.5)]
    elif shape == "diamond":
        s = r * 1.25
        points = [(x, y - s), (x + s, y), (x, y + s), (x - s, y)]
    else:  # star
        outer, inner = r * 1.45, r * 0.62
        points = []
        for step in range(10):
            angle = -math.pi / 2 + step * math.pi / 5
            radius = outer if step % 2 == 0 else inner
            points.append((x + radius * math.cos(angle), y + radius * math.sin(angle)))
    return "M" + "L".join(f"{_f(px)} {_f(py)}" for px, py in points) + "Z"


def convex_hull(points):
    """Return the convex hull of `points` (Andrew's monotone chain), counter-clockwise."""
    points = sorted(set(points))
    if len(points) <= 2:
        return points

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower, upper = [], []
    for p in points:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(points):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def padded_hull(centres, pad):
    """Return a rounded outline `pad` away from every point of `centres`."""
    points = []
    for x, y in centres:
        for step in range(16):
            angle = step * math.pi / 8
            points.append(
                (round(x + pad * math.cos(angle), 1), round(y + pad * math.sin(angle), 1))
            )
    return convex_hull(points)


def node_radius(count):
    """Return the base radius of the stakeholders of a map of `count` stakeholders."""
    if count <= LABEL_ALL_MAX:
        return 9.0
    if count <= 200:
        return 7.0
    return 5.5


def _marker(kind, size=10):
    token = css_token(kind)
    return (
        f'<marker id="map-arrow-{token}" class="map-arrow map-arrow--{token}" viewBox="0 0 10 10" '
        f'refX="9" refY="5" markerWidth="{size}" markerHeight="{size}" '
        'markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        '<path d="M0 0L10 5L0 10Z"/></marker>'
    )


def _edge_geometry(p0, p1, bend, r_source, r_target):
    """Return (start, control, end) of the line from p0 to p1, bent sideways by `bend` and
    cut at both shapes; `control` is None for a straight line."""
    (x0, y0), (x1, y1) = p0, p1
    dx, dy = x1 - x0, y1 - y0
    length = math.hypot(dx, dy) or 1.0
    if bend:
        cx = (x0 + x1) / 2 - dy / length * bend
        cy = (y0 + y1) / 2 + dx / length * bend
    else:
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2

    def towards(x, y, r):
        ux, uy = cx - x, cy - y
        size = math.hypot(ux, uy) or 1.0
        return x + ux / size * r, y + uy / size * r

    return towards(x0, y0, r_source), ((cx, cy) if bend else None), towards(x1, y1, r_target)


def _edge_path(geometry):
    """Return the path data of an edge's (start, control, end) geometry."""
    (sx, sy), control, (ex, ey) = geometry
    if control:
        return f"M{_f(sx)} {_f(sy)}Q{_f(control[0])} {_f(control[1])} {_f(ex)} {_f(ey)}"
    return f"M{_f(sx)} {_f(sy)}L{_f(ex)} {_f(ey)}"


CURVE_PIECES = 8


def edge_segments(geometry):
    """Return the straight pieces that cover an edge's line as drawn (a curve in
    CURVE_PIECES chords)."""
    (sx, sy), control, (ex, ey) = geometry
    if not control:
        return [(sx, sy, ex, ey)]
    cx, cy = control
    points = []
    for step in range(CURVE_PIECES + 1):
        t = step / CURVE_PIECES
        a, b, c = (1 - t) ** 2, 2 * (1 - t) * t, t * t
        points.append((a * sx + b * cx + c * ex, a * sy + b * cy + c * ey))
    return [(*a, *b) for a, b in zip(points, points[1:], strict=False)]


def arrowhead_segments(geometry, arrow_size):
    """Return the three sides of an edge's arrowhead (`arrow_size` across, as _marker)."""
    (sx, sy), control, (ex, ey) = geometry
    # The arrowhead follows the line's direction at its end.
    fx, fy = control or (sx, sy)
    ux, uy = ex - fx, ey - fy
    size = math.hypot(ux, uy) or 1.0
    ux, uy = ux / size, uy / size
    # The marker's viewBox is 10 across, its reference point (9, 5): the tip stands one
    # tenth beyond the end of the line, the base nine tenths behind it.
    unit = arrow_size / 10
    tip = (ex + ux * unit, ey + uy * unit)
    base_x, base_y = ex - ux * 9 * unit, ey - uy * 9 * unit
    side_x, side_y = -uy * 5 * unit, ux * 5 * unit
    left = (base_x + side_x, base_y + side_y)
    right = (base_x - side_x, base_y - side_y)
    return [(*tip, *left), (*left, *right), (*right, *tip)]


def _bends(edges):
    """Return the sideways bend of each edge: parallel relationships fan out as curves."""
    pairs = {}
    for number, edge in enumerate(edges):
        pairs.setdefault(frozenset((edge.source, edge.target)), []).append(number)
    bends = [0.0] * len(edges)
    for numbers in pairs.values():
        if len(numbers) == 1:
            continue
        count = len(numbers)
        for rank, number in enumerate(numbers):
            edge = edges[number]
            offset = (rank - (count - 1) / 2) * 16
            # The same side whichever way the edge runs: bends are measured from the
            # lower id to the higher one.
            bends[number] = offset if edge.source < edge.target else -offset
    return bends


def draw_map(*, nodes, edges, groups, layout, title, description, unlinked_heading):
    """Return the Drawing of `nodes` (MapNode) and `edges` (MapEdge) placed by `layout`.

    `groups` (MapGroup) are outlined around their members; nodes the layout left unlinked
    stand in a strip headed `unlinked_heading`. `title` and `description` name the SVG.
    """
    count = len(nodes)
    radius = node_radius(count)
    label_all = count <= LABEL_ALL_MAX
    by_id = {node.id: node for node in nodes}
    top_links = sorted((node for node in nodes if node.links), key=lambda n: (-n.links, n.name))
    labelled = set(by_id) if label_all else {node.id for node in top_links[:LABEL_TOP]}
    most_links = max((node.links for node in nodes), default=0) or 1
    sizes = {
        # Better-linked stakeholders are a little bigger (up to 1.6 times).
        node.id: radius * (1 + 0.6 * math.sqrt(node.links / most_links))
        for node in nodes
    }

    # Scale the layout to the width, keeping room for names on either side.
    label_room = 110 if label_all else 60
    usable = WIDTH - 2 * (MARGIN + label_room)
    max_unit = 170 if count <= 12 else 140 if label_all else 80
    scale = min(max_unit, usable / layout.width) if layout.width > 0 else max_unit
    if layout.height * scale > 1.1 * WIDTH:
        scale = 1.1 * WIDTH / layout.height
    left = MARGIN + label_room + max(0.0, (usable - layout.width * scale) / 2)
    top = MARGIN + (30 if groups else 20)
    positions = {
        node: (left + x * scale, top + y * scale) for node, (x, y) in layout.positions.items()
    }
    bottom = top + layout.height * scale + 20 if layout.positions else MARGIN

    unlinked = [node_id for node_id in layout.unlinked if node_id in by_id]
    shapes = {node.id: KIND_SHAPES.get(node.kind, "circle") for node in nodes}
    extents = {node.id: shape_extent(shapes[node.id], sizes[node.id]) for node in nodes}
    strip_markup, strip_top = "", None
    strip_lines = {}
    if unlinked:
        strip_top = bottom + (24 if layout.positions else 0)
        column = STRIP_COLUMN if label_all else 26
        row = STRIP_ROW if label_all else 24
        columns = max(1, int((WIDTH - 2 * MARGIN) // column))
        column = (WIDTH - 2 * MARGIN) / columns
        strip_characters = max(8, int((column - 34) / CHAR_WIDTH))
        ordered = sorted(unlinked, key=lambda i: (by_id[i].kind, by_id[i].name))
        # A named strip wraps each name whole in its column; a row is as high as its
        # longest name needs.
        strip_lines = {
            node_id: wrap(by_id[node_id].name, strip_characters)
            if label_all
            else hover_lines(by_id[node_id].name)
            for node_id in ordered
        }
        cursor = strip_top + 30 - row / 2
        for start in range(0, len(ordered), columns):
            in_row = ordered[start : start + columns]
            tallest = max(len(strip_lines[node_id]) for node_id in in_row) if label_all else 1
            row_height = max(row, tallest * LINE_HEIGHT + 6)
            for number, node_id in enumerate(in_row):
                positions[node_id] = (MARGIN + 12 + number * column, cursor + row_height / 2)
            cursor += row_height
        strip_bottom = cursor + row / 2 - 4
        strip_markup = (
            '<g class="map-strip" aria-hidden="true">'
            f'<rect class="map-strip__box" x="{MARGIN - 10}" y="{_f(strip_top - 4)}" '
            f'width="{WIDTH - 2 * MARGIN + 20}" height="{_f(strip_bottom - strip_top + 4)}" rx="6"/>'
            f'<text class="map-strip__label" x="{MARGIN}" y="{_f(strip_top + 12)}">'
            f"{escape(unlinked_heading)}</text></g>"
        )
        bottom = strip_bottom
    height = int(math.ceil(bottom + MARGIN))
    strip_set = set(unlinked)
    dense = len(edges) > DENSE_EDGES
    arrow_size = 7 if dense else 10

    # What a permanent name must not cover: every shape, link line and arrowhead, and the
    # names drawn at fixed places (the strip's, the networks').
    obstacles = SpatialIndex()
    for node in nodes:
        if node.id in positions:
            obstacles.add_disc(*positions[node.id], extents[node.id])

    # Relationships: one path each, cut at the shapes, with an arrowhead at the target.
    names = {node.id: node.name for node in nodes}
    with_titles = len(edges) <= EDGE_TITLES_MAX
    edge_markup = []
    for edge, bend in zip(edges, _bends(edges), strict=True):
        if edge.source not in positions or edge.target not in positions:
            continue
        token = css_token(edge.kind)
        start, end = positions[edge.source], positions[edge.target]
        geometry = _edge_geometry(start, end, bend, sizes[edge.source] + 1, sizes[edge.target] + 3)
        for segment in edge_segments(geometry):
            obstacles.add_segment(*segment)
        obstacles.add_outline(arrowhead_segments(geometry, arrow_size))
        edge_title_markup = (
            f"<title>{escape(edge_title(edge, names))}</title>" if with_titles else ""
        )
        edge_markup.append(
            # Its arrowhead comes from the stylesheet (marker-end of .map-edge--{token}).
            f'<path class="map-edge map-edge--{token}" d="{_edge_path(geometry)}" '
            f'data-source="{edge.source}" data-target="{edge.target}">{edge_title_markup}</path>'
        )

    # Networks of enterprises: a shaded outline around their members, named at the top.
    hulls = []
    for group in groups:
        centres = [positions[m] for m in group.members if m in positions]
        if not centres:
            continue
        outline = padded_hull(centres, radius * 1.6 + 10)
        label_x = sum(x for x, _y in outline) / len(outline)
        label_y = min(y for _x, y in outline) - 6
        path = "L".join(f"{_f(x)} {_f(y)}" for x, y in outline)
        hull_name = truncate(group.name, 40)
        obstacles.add_box(label_box("middle", label_x, label_y, [hull_name]))
        hulls.append(
            f'<g class="map-hull map-hull--{css_token(group.status)}">'
            f'<path class="map-hull__shape" d="M{path}Z"/>'
            f'<text class="map-hull__label" x="{_f(label_x)}" y="{_f(label_y)}" '
            f'text-anchor="middle" translate="no">{escape(hull_name)}</text></g>'
        )

    # Names: the strip's stand beside their shapes; the others, the best-linked first, go
    # where they cover nothing, or show on hover and focus only.
    sides = {}
    for node_id in unlinked:
        lines = strip_lines[node_id]
        x, y = positions[node_id]
        anchor_x = x + extents[node_id] + 5
        baseline = centred_baseline(y, lines)
        box = label_box("start", anchor_x, baseline, lines)
        if label_all:
            obstacles.add_box(box)
        sides[node_id] = labels.Placement("start", anchor_x, baseline, tuple(lines), box)
    order = sorted(
        (node for node in nodes if node.id in labelled and node.id not in strip_set),
        key=lambda node: (-node.links, node.name),
    )
    placed = place_labels(
        [(node.id, *positions[node.id], extents[node.id], node.name) for node in order],
        obstacles,
        (6, 4, WIDTH - 6, height - 4),
    )
    sides.update(placed)
    # A name that found no free place shows on hover and focus only.
    labelled = {key for key in labelled if key in placed or key in strip_set}

    parts = [
        f'<svg class="map-svg{" map-svg--dense" if dense else ""}" '
        f'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="group" aria-labelledby="map-title map-desc">',
        f'<title id="map-title">{escape(title)}</title>',
        f'<desc id="map-desc">{escape(description)}</desc>',
        "<defs>",
        *(_marker(kind, arrow_size) for kind in RelationshipType.values),
        "</defs>",
    ]
    if hulls:
        parts += ['<g class="map-hulls" aria-hidden="true">', *hulls, "</g>"]
    parts += ['<g class="map-edges" aria-hidden="true">', *edge_markup, "</g>", strip_markup]

    # Stakeholders: links to their pages, in the order of their names (the tab order).
    parts.append('<g class="map-nodes">')
    for node in nodes:
        if node.id not in positions:
            continue
        x, y = positions[node.id]
        r = sizes[node.id]
        classes = f"map-node map-node--{css_token(node.kind)}"
        if node.isolated:
            classes += " map-node--isolated"
        label_class = "map-label" if node.id in labelled else "map-label map-label--hover"
        placement = sides.get(node.id)
        if placement is not None:
            label = label_markup(
                label_class, placement.anchor, placement.x, placement.y, placement.lines
            )
        else:
            lines = hover_lines(node.name)
            baseline = centred_baseline(y, lines)
            label = label_markup(label_class, "start", x + extents[node.id] + 5, baseline, lines)
        parts.append(
            f'<a class="{classes}" href="{escape(node.url)}" data-node="{node.id}">'
            f"<title>{escape(node_title(node))}</title>"
            f'<circle class="map-node__ring" cx="{_f(x)}" cy="{_f(y)}" r="{_f(r + 6)}"/>'
            f"{shape_markup(shapes[node.id], x, y, r)}{label}</a>"
        )
    parts.append("</g></svg>")
    return Drawing(
        svg=mark_safe("".join(parts)),  # every text inside went through escape()
        width=WIDTH,
        height=height,
        labelled=len(labelled),
        unlinked=unlinked,
    )


def legend_shape(kind, size=9):
    """Return a small SVG of a kind's shape for the legend (decorative)."""
    box = int(size * 3)
    centre = box / 2
    return mark_safe(
        f'<svg class="map-legend__symbol map-node--{css_token(kind)}" width="{box}" '
        f'height="{box}" viewBox="0 0 {box} {box}" aria-hidden="true" focusable="false">'
        f"{shape_markup(KIND_SHAPES.get(kind, 'circle'), centre, centre, size)}</svg>"
    )


def legend_line(kind, length=56):
    """Return a small SVG of a relationship type's line and arrowhead for the legend."""
    token = css_token(kind)
    return mark_safe(
        f'<svg class="map-legend__symbol" width="{length}" height="16" '
        f'viewBox="0 0 {length} 16" aria-hidden="true" focusable="false">'
        f'<path class="map-edge map-edge--{token}" d="M2 8L{length - 6} 8"/></svg>'
    )
