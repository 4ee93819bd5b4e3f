"""Names on a stakeholder map, placed where they hide nothing, as stakeholders.network.svg
draws them.

A name is drawn as a permanent label only where its box (with a little clearance) crosses no
link line or arrowhead, no stakeholder's shape and no other label, inside the drawing. Each
name, the best-linked stakeholders first, tries a few wrappings (up to three lines of 24, 32,
16 or 40 characters), at three distances from its shape and sixteen directions around it,
nearest first, and takes the first free spot. A name with no free spot is left for hover and
keyboard focus (the caller draws it hidden); its full text is always in the node's title.

Lines and boxes are kept in a grid of buckets (`SpatialIndex`), so a spot is checked against
what lies in the few cells it covers, not against every link of the map: placing names on a
map of 5,000 stakeholders and 20,000 links stays within a second or so.

Text is measured with a generous estimate of the 13 px label font (text_width, TEXT_ASCENT,
TEXT_DESCENT), as the server cannot measure glyphs; tests/e2e/test_map.py checks it against
what a browser draws.
"""

import math
from dataclasses import dataclass

from django.utils.html import escape

LINE_CHARACTERS = 24
MAX_LINES = 3
# Wrappings tried for a permanent label, in order of preference (characters a line).
LINE_WIDTHS = (LINE_CHARACTERS, 32, 16, 40)
# A hover label is never cut: as many lines of this many characters as the name needs.
HOVER_LINE_CHARACTERS = 32
FONT_SIZE = 13.0
CHAR_WIDTH = 0.6 * FONT_SIZE  # a lower-case letter, generously (Noto Sans averages 0.53 em)
# Generous widths of the other characters, in em: capitals and the widest letters are wider
# than the rest, spaces and stops narrower; any other script counts 0.8 em a character.
_EM_WIDTHS = {
    **dict.fromkeys("ABCDEFGHIJKLNOPQRSTUVXYZ", 0.75),
    **dict.fromkeys("MWmw", 0.95),
    **dict.fromkeys(" ", 0.3),
    **dict.fromkeys(".,;:'!|()[]`", 0.35),
}
_OTHER_SCRIPT_EM = 0.8
LINE_HEIGHT = 15.0
# The font's height above and below a baseline (its em box, as a browser's getBBox gives
# it: Noto Sans reaches 1.07 em above and 0.3 em below).
TEXT_ASCENT = 14.0
TEXT_DESCENT = 4.0
BASELINE = TEXT_ASCENT  # the first baseline below the top of a label's box
# Room kept free around a label's box: half a link's stroke and then some.
CLEARANCE = 2.0
# How far from its shape's edge a label may stand, nearest first.
DISTANCES = (4.0, 12.0, 22.0)
# Directions around a stakeholder, in degrees (y grows downwards), in order of preference:
# right, left, below, above, the four diagonals, then the eight in between.
ANGLES = (0, 180, 90, 270, 315, 45, 225, 135, 337.5, 22.5, 202.5, 157.5, 292.5, 67.5, 247.5, 112.5)
_DIRECTIONS = tuple((math.cos(math.radians(a)), math.sin(math.radians(a))) for a in ANGLES)
GRID_CELL = 48.0


def fit_word(word, width):
    """Return `word`, cut to `width` characters with '…' when it is longer on its own."""
    return truncate(word, width)


def wrap(text, width=LINE_CHARACTERS, lines=None):
    """Return `text` as lines of at most `width` characters, broken between words.

    Nothing is cut except a single word longer than a line (cut with '…'). Return None when
    the text needs more than `lines` lines (no limit when `lines` is None).
    """
    result, line = [], ""
    for word in text.split():
        word = fit_word(word, width)
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            result.append(line)
            line = word
    if line:
        result.append(line)
    result = result or [""]
    if lines is not None and len(result) > lines:
        return None
    return result


def label_shapes(text):
    """Return the distinct wrappings a permanent label of `text` may take, preferred first."""
    # A wrapping whose lines are narrower than a word would cut it: only the widest may,
    # when the word is longer than every line.
    longest = max((len(word) for word in text.split()), default=0)
    widths = [width for width in LINE_WIDTHS if width >= longest] or [max(LINE_WIDTHS)]
    shapes = []
    for width in widths:
        lines = wrap(text, width, MAX_LINES)
        if lines is not None and lines not in shapes:
            shapes.append(lines)
    return shapes


def hover_lines(text):
    """Return the lines of a name shown on hover and focus only: the whole name."""
    return wrap(text, HOVER_LINE_CHARACTERS)


def text_width(line):
    """Return a generous estimate of the width of `line` in the label font (pixels)."""
    em = 0.0
    for character in line:
        width = _EM_WIDTHS.get(character)
        if width is None:
            width = 0.6 if character < "\u0080" else _OTHER_SCRIPT_EM
        em += width
    return em * FONT_SIZE


def text_size(lines):
    """Return the (width, height) of the box of a label of `lines`."""
    height = (len(lines) - 1) * LINE_HEIGHT + TEXT_ASCENT + TEXT_DESCENT
    return max(text_width(line) for line in lines), height


def centred_baseline(y, lines):
    """Return the first baseline of a label of `lines` centred on the height `y`."""
    return y - text_size(lines)[1] / 2 + BASELINE


def label_box(anchor, x, y, lines):
    """Return the (left, top, right, bottom) box of a label anchored at (x, y), y being the
    first line's baseline, as label_markup draws it."""
    width, height = text_size(lines)
    left = x if anchor == "start" else x - width if anchor == "end" else x - width / 2
    top = y - BASELINE
    return (left, top, left + width, top + height)


@dataclass(frozen=True)
class Placement:
    """Where a label is drawn: its text anchor, first baseline (x, y), lines and box."""

    anchor: str
    x: float
    y: float
    lines: tuple
    box: tuple


def segment_hits_box(x0, y0, x1, y1, box):
    """Return whether the segment (x0, y0)-(x1, y1) crosses the rectangle `box`."""
    left, top, right, bottom = box
    # Liang-Barsky clipping: the segment meets the box if some part survives the clip.
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x0 - left), (dx, right - x0), (-dy, y0 - top), (dy, bottom - y0)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


def disc_hits_box(x, y, r, box):
    """Return whether the disc of centre (x, y) and radius `r` meets the rectangle `box`."""
    left, top, right, bottom = box
    nearest_x = min(max(x, left), right)
    nearest_y = min(max(y, top), bottom)
    return (nearest_x - x) ** 2 + (nearest_y - y) ** 2 < r * r


def boxes_overlap(a, b):
    """Return whether the rectangles `a` and `b` share some area."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class SpatialIndex:
    """Segments, discs and boxes in a grid of square buckets, for finding what a box meets.

    A segment is put in every cell it passes through (not in every cell of its bounding
    box), so a long diagonal link fills a line of cells, not a square of them. Each shape
    keeps its bounding box, which rejects most shapes of a cell before any exact test.
    """

    def __init__(self, cell=GRID_CELL):
        self.cell = cell
        self.cells = {}

    def _cells_of_box(self, left, top, right, bottom):
        c = self.cell
        return [
            (gx, gy)
            for gx in range(int(left // c), int(right // c) + 1)
            for gy in range(int(top // c), int(bottom // c) + 1)
        ]

    def _add(self, keys, shape):
        cells = self.cells
        for key in keys:
            bucket = cells.get(key)
            if bucket is None:
                cells[key] = [shape]
            else:
                bucket.append(shape)

    def add_box(self, box):
        self._add(self._cells_of_box(*box), (*box, "box", box))

    def add_disc(self, x, y, r):
        box = (x - r, y - r, x + r, y + r)
        self._add(self._cells_of_box(*box), (*box, "disc", (x, y, r)))

    def add_segment(self, x0, y0, x1, y1):
        shape = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1), "segment", (x0, y0, x1, y1))
        self._add(self._cells_of_segment(x0, y0, x1, y1), shape)

    def add_outline(self, segments):
        """Add a small closed outline (an arrowhead) as one shape, in the cells of its box."""
        xs = [value for segment in segments for value in (segment[0], segment[2])]
        ys = [value for segment in segments for value in (segment[1], segment[3])]
        box = (min(xs), min(ys), max(xs), max(ys))
        self._add(self._cells_of_box(*box), (*box, "outline", tuple(segments)))

    def _cells_of_segment(self, x0, y0, x1, y1):
        c = self.cell
        if x1 < x0:
            x0, y0, x1, y1 = x1, y1, x0, y0
        first, last = int(x0 // c), int(x1 // c)
        if first == last:
            low, high = (y0, y1) if y0 <= y1 else (y1, y0)
            return [(first, gy) for gy in range(int(low // c), int(high // c) + 1)]
        slope = (y1 - y0) / (x1 - x0)
        keys = []
        for gx in range(first, last + 1):
            # The part of the segment within this column of cells.
            ya = y0 + (max(x0, gx * c) - x0) * slope
            yb = y0 + (min(x1, (gx + 1) * c) - x0) * slope
            low, high = (ya, yb) if ya <= yb else (yb, ya)
            keys.extend((gx, gy) for gy in range(int(low // c), int(high // c) + 1))
        return keys

    def hits(self, box):
        """Return whether anything in the index meets `box`."""
        left, top, right, bottom = box
        c, cells = self.cell, self.cells
        # A shape in several cells may be tested more than once: cheaper than remembering.
        for gx in range(int(left // c), int(right // c) + 1):
            for gy in range(int(top // c), int(bottom // c) + 1):
                bucket = cells.get((gx, gy))
                if bucket is None:
                    continue
                for shape_left, shape_top, shape_right, shape_bottom, kind, shape in bucket:
                    if (
                        shape_right < left
                        or shape_left > right
                        or shape_bottom < top
                        or shape_top > bottom
                    ):
                        continue
                    if kind == "segment":
                        if segment_hits_box(*shape, box):
                            return True
                    elif kind == "disc":
                        if disc_hits_box(*shape, box):
                            return True
                    elif kind == "outline":
                        if any(segment_hits_box(*segment, box) for segment in shape):
                            return True
                    elif boxes_overlap(shape, box):
                        return True
        return False


def _candidates(x, y, extent, shapes):
    """Yield (anchor, text x, first baseline, lines, box) spots around a shape, preferred first."""
    for distance in DISTANCES:
        d = extent + distance
        for lines in shapes:
            width, height = text_size(lines)
            for cos, sin in _DIRECTIONS:
                # The box stands off the shape along the direction: its nearest side (or
                # corner, on a diagonal) is `d` away from the centre.
                centre_x = x + cos * (d + width / 2)
                centre_y = y + sin * (d + height / 2)
                left, top = centre_x - width / 2, centre_y - height / 2
                if cos > 0.2:
                    anchor, text_x = "start", left
                elif cos < -0.2:
                    anchor, text_x = "end", left + width
                else:
                    anchor, text_x = "middle", centre_x
                yield anchor, text_x, top + BASELINE, lines, (left, top, left + width, top + height)


def place_labels(items, obstacles, bounds):
    """Return {key: Placement} of the labels of `items` that find a free spot.

    `items` are (key, x, y, extent, text) in order of importance, `extent` being the radius
    of the circle around the stakeholder's shape; `obstacles` a SpatialIndex of everything
    drawn (links, arrowheads, shapes, fixed labels), to which each placed label is added;
    `bounds` the drawing's (left, top, right, bottom). A label is placed only where its box,
    grown by CLEARANCE, meets no obstacle and lies within `bounds`.
    """
    left_bound, top_bound, right_bound, bottom_bound = bounds
    chosen = {}
    for key, x, y, extent, text in items:
        shapes = label_shapes(text)
        for anchor, text_x, baseline, lines, box in _candidates(x, y, extent, shapes):
            if (
                box[0] < left_bound
                or box[1] < top_bound
                or box[2] > right_bound
                or box[3] > bottom_bound
            ):
                continue
            grown = (
                box[0] - CLEARANCE,
                box[1] - CLEARANCE,
                box[2] + CLEARANCE,
                box[3] + CLEARANCE,
            )
            if obstacles.hits(grown):
                continue
            obstacles.add_box(box)
            chosen[key] = Placement(anchor, text_x, baseline, tuple(lines), box)
            break
    return chosen


def label_markup(css_class, anchor, x, y, lines):
    """Return the <text> of a name in `lines`, anchored at (x, y) (the first baseline),
    marked translate="no": a stakeholder's name is data, kept as entered."""
    anchor_attribute = "" if anchor == "start" else f' text-anchor="{anchor}"'
    if len(lines) == 1:
        return f'<text class="{css_class}" translate="no" x="{coordinate(x)}" y="{coordinate(y)}"{anchor_attribute}>{escape(lines[0])}</text>'
    spans = "".join(
        f'<tspan x="{coordinate(x)}" dy="{0 if number == 0 else LINE_HEIGHT:g}">{escape(line)}</tspan>'
        for number, line in enumerate(lines)
    )
    return f'<text class="{css_class}" translate="no" x="{coordinate(x)}" y="{coordinate(y)}"{anchor_attribute}>{spans}</text>'


def truncate(text, limit):
    """Return `text` cut to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def coordinate(value):
    """Return a coordinate with one decimal, without a trailing '.0'."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text
