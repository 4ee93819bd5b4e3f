"""Names on a stakeholder map: wrapped in two lines, each put on the side of its stakeholder
where it covers the least (other names, shapes, links), as stakeholders.network.svg draws them.

A greedy placement (the best-linked stakeholders first, eight candidate spots each) is
enough for maps of a few dozen named stakeholders; on a crowded map a name that would cover
another is left for hover and focus.
"""

from django.utils.html import escape

LINE_CHARACTERS = 24
CHAR_WIDTH = 7.8  # about 0.6 em of the 13 px label font (a generous estimate)
LINE_HEIGHT = 15.0


def wrap(text, width=LINE_CHARACTERS, lines=2):
    """Return `text` as at most `lines` lines of about `width` characters, cut with '…'."""
    result, line = [], ""
    words = text.split()
    for position, word in enumerate(words):
        if len(result) == lines - 1:
            # The last line takes the rest, cut to fit.
            result.append(truncate(" ".join([line, *words[position:]]).strip(), width + 2))
            return result
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            result.append(truncate(line, width + 2))
            line = word
    if line:
        result.append(truncate(line, width + 2))
    return result or [""]


def _segment_hits_box(x0, y0, x1, y1, box):
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


def _overlap(a, b):
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def place_labels(items, discs, segments, bounds, *, drop_crowded=False):
    """Choose a side for each label: the one overlapping least what is drawn already.

    `items` are (key, x, y, r, lines) in order of importance; `discs` (x, y, r) are every
    shape; `segments` every link as (x0, y0, x1, y1); `bounds` the drawing's (left, top,
    right, bottom). Return {key: (anchor, x, y)}, y being the first line's baseline; with
    `drop_crowded`, a label that would cover another one is left out (no key).
    """
    placed, chosen = [], {}
    for key, x, y, r, lines in items:
        width = max(len(line) for line in lines) * CHAR_WIDTH
        height = len(lines) * LINE_HEIGHT
        gap = r + 5
        diagonal = gap * 0.7
        spots = (
            ("start", x + gap, y - height / 2),
            ("end", x - gap, y - height / 2),
            ("middle", x, y + gap),
            ("middle", x, y - gap - height),
            ("start", x + diagonal, y - diagonal - height),
            ("start", x + diagonal, y + diagonal),
            ("end", x - diagonal, y - diagonal - height),
            ("end", x - diagonal, y + diagonal),
        )
        candidates = []
        for anchor, tx, top in spots:
            box_left = (
                tx if anchor == "start" else tx - width if anchor == "end" else tx - width / 2
            )
            candidates.append((anchor, tx, top, (box_left, top, box_left + width, top + height)))
        # Only what lies within reach of the label can be covered by it.
        reach_x, reach_y = width + gap + 20, height + gap + 20
        near_discs = [
            disc for disc in discs if abs(disc[0] - x) < reach_x and abs(disc[1] - y) < reach_y
        ]
        near_segments = [
            segment
            for segment in segments
            if min(segment[0], segment[2]) < x + reach_x
            and max(segment[0], segment[2]) > x - reach_x
            and min(segment[1], segment[3]) < y + reach_y
            and max(segment[1], segment[3]) > y - reach_y
        ]
        best = None
        for rank, (anchor, tx, top, box) in enumerate(candidates):
            score = rank * 0.5
            if box[0] < bounds[0] or box[1] < bounds[1] or box[2] > bounds[2] or box[3] > bounds[3]:
                score += 10_000
            score += sum(_overlap(box, other) for other in placed) * 0.2
            for dx, dy, dr in near_discs:
                if (dx, dy) != (x, y) and _overlap(box, (dx - dr, dy - dr, dx + dr, dy + dr)):
                    score += 60
            score += 12 * sum(1 for segment in near_segments if _segment_hits_box(*segment, box))
            if best is None or score < best[0]:
                best = (score, anchor, tx, top, box)
        _score, anchor, tx, top, box = best
        if drop_crowded and any(_overlap(box, other) for other in placed):
            continue
        placed.append(box)
        chosen[key] = (anchor, tx, top + LINE_HEIGHT * 0.78)
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
