"""Positions for a stakeholder map: a force-directed layout in pure Python.

networkx's layouts (spring_layout, kamada_kawai_layout) need numpy, and spring_layout
needs scipy from 500 nodes on; the registry has neither, so this module computes the same
kind of layout, Fruchterman and Reingold's (1991), in plain Python:

- every connected group of stakeholders is laid out on its own: linked stakeholders pull
  each other together like springs, every two repel, and the moves shrink as the layout
  cools; from 80 stakeholders on, repulsion is only counted between neighbours on a grid
  (Fruchterman and Reingold's own speed-up), which keeps 500 stakeholders under 0.3 s;
- it starts from a deterministic spiral in breadth-first order from the best-linked
  stakeholder (no random numbers), so a map looks the same on every computation;
- the groups are then packed in rows, the largest first, each turned to lie wide;
- `groups` (the cluster's networks of enterprises) add weak springs among their members, so
  that a network can be drawn as one outline around them.

Stakeholders without any link are left to the caller (the map draws them in a strip).
Positions are in layout units where an ideal link is 1 long.
"""

import math
from dataclasses import dataclass, field

# Ideal link length, and the margin kept between packed groups (layout units).
K = 1.0
GAP = 1.2
# Components up to this size count repulsion between every pair of stakeholders.
EXACT_REPULSION_MAX = 80
GROUP_SPRING = 0.35
# Repulsion is counted only between near neighbours on a grid in big groups: a stronger
# push there stands in for the far ones and keeps the crowd apart (and the grid cells light).
GRID_REPULSION = 6.0
GRAVITY = 0.02
ASPECT = 1.6  # width / height aimed at when packing groups: screens are wide
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


@dataclass
class Layout:
    """Positions of the linked stakeholders, and the ones left without a link."""

    positions: dict = field(default_factory=dict)
    unlinked: list = field(default_factory=list)
    width: float = 0.0
    height: float = 0.0


def iterations_for(size):
    """Return how many cooling steps a group of `size` stakeholders gets."""
    if size <= 30:
        return 120
    if size <= 150:
        return 70
    return 40


def force_layout(nodes, links, *, groups=()):
    """Return the Layout of `nodes` (an ordered list of keys) linked by `links`.

    `links` are pairs of node keys (direction and repeats do not matter); `groups` are lists
    of node keys held together by weak springs. Nodes with neither are `unlinked`.
    """
    index = {node: i for i, node in enumerate(nodes)}
    weights = {}
    for source, target in links:
        i, j = index.get(source), index.get(target)
        if i is None or j is None or i == j:
            continue
        weights[(min(i, j), max(i, j))] = 1.0
    for group in groups:
        members = sorted({index[node] for node in group if node in index})
        if len(members) < 2:
            continue
        # A ring: every member held by two others, whatever the size of the group.
        for a, b in zip(members, members[1:] + members[:1], strict=True):
            if a != b:
                weights.setdefault((min(a, b), max(a, b)), GROUP_SPRING)
    adjacency = [[] for _ in nodes]
    for i, j in weights:
        adjacency[i].append(j)
        adjacency[j].append(i)

    layout = Layout(
        unlinked=[node for node, around in zip(nodes, adjacency, strict=True) if not around]
    )
    components = [members for members in _components(adjacency) if len(members) > 1]
    local, owner = {}, {}
    for number, component in enumerate(components):
        for position, i in enumerate(component):
            local[i], owner[i] = position, number
    edges = [[] for _ in components]
    for (i, j), weight in weights.items():
        edges[owner[i]].append((local[i], local[j], weight))
    boxes = []
    for component, component_edges in zip(components, edges, strict=True):
        xs, ys = _fruchterman_reingold(component, adjacency, local, component_edges)
        xs, ys = _lie_wide(xs, ys)
        boxes.append((component, xs, ys))
    layout.width, layout.height = _pack(boxes, nodes, layout.positions)
    return layout


def _components(adjacency):
    """Return the connected components (lists of positions), largest first, then by position."""
    seen = [False] * len(adjacency)
    components = []
    for start in range(len(adjacency)):
        if seen[start]:
            continue
        seen[start] = True
        stack, members = [start], []
        while stack:
            v = stack.pop()
            members.append(v)
            for w in adjacency[v]:
                if not seen[w]:
                    seen[w] = True
                    stack.append(w)
        components.append(sorted(members))
    components.sort(key=lambda members: (-len(members), members[0]))
    return components


def _initial_positions(component, adjacency, local):
    """Place a component on a sunflower spiral in breadth-first order from its hub."""
    hub = max(component, key=lambda i: (len(adjacency[i]), -i))
    order, seen = [hub], {hub}
    position = 0
    while position < len(order):
        v = order[position]
        position += 1
        for w in sorted(adjacency[v], key=lambda w: (-len(adjacency[w]), w)):
            if w not in seen:
                seen.add(w)
                order.append(w)
    xs = [0.0] * len(component)
    ys = [0.0] * len(component)
    for rank, i in enumerate(order):
        radius = K * 0.9 * math.sqrt(rank)
        angle = rank * GOLDEN_ANGLE
        xs[local[i]] = radius * math.cos(angle)
        ys[local[i]] = radius * math.sin(angle)
    return xs, ys


def _fruchterman_reingold(component, adjacency, local, edges):
    """Return the x and y lists of a component after the force-directed cooling.

    Positions and moves are complex numbers (x + yj): Python does their arithmetic in C,
    which makes the repulsion loop about twice as fast as separate x and y floats.
    """
    n = len(component)
    xs, ys = _initial_positions(component, adjacency, local)
    p = [complex(x, y) for x, y in zip(xs, ys, strict=True)]
    exact = n <= EXACT_REPULSION_MAX
    k2 = K * K * (1.0 if exact else GRID_REPULSION)
    # Dense groups would be pulled into a tight ball; weaker springs keep their spacing.
    pull = 1.0 / max(1.0, len(edges) / n) / K
    springs = [(i, j, pull * weight) for i, j, weight in edges]
    steps = iterations_for(n)
    temperature = max(1.0, math.sqrt(n) * K * 0.25)
    cooling = temperature / (steps + 1)
    cell = 2 * K
    cutoff2 = cell * cell
    for _step in range(steps):
        move = [0j] * n
        if exact:
            for i in range(n - 1):
                pi, push = p[i], 0j
                for j in range(i + 1, n):
                    d = pi - p[j]
                    d2 = d.real * d.real + d.imag * d.imag
                    # (k^2 / |d|) along d / |d|; stakeholders in one spot nudge apart.
                    f = d * (k2 / d2) if d2 > 1e-12 else complex(0.01, 0.01 * (i % 3 - 1))
                    push += f
                    move[j] -= f
                move[i] += push
        else:
            grid = {}
            for i, pi in enumerate(p):
                grid.setdefault((int(pi.real // cell), int(pi.imag // cell)), []).append(i)
            for (gx, gy), members in grid.items():
                # Each pair of cells once: this cell with itself and four of its neighbours.
                near = []
                for key in ((gx + 1, gy), (gx + 1, gy + 1), (gx, gy + 1), (gx - 1, gy + 1)):
                    near.extend(grid.get(key, ()))
                for a, i in enumerate(members):
                    pi, push = p[i], 0j
                    for j in members[a + 1 :] + near:
                        d = pi - p[j]
                        d2 = d.real * d.real + d.imag * d.imag
                        if d2 < cutoff2:
                            f = d * (k2 / d2) if d2 > 1e-12 else complex(0.01, 0.01 * (i % 3 - 1))
                            push += f
                            move[j] -= f
                    move[i] += push
        for i, j, strength in springs:
            d = p[i] - p[j]
            # (|d|^2 / k) along d / |d|
            f = d * (abs(d) * strength)
            move[i] -= f
            move[j] += f
        centre = sum(p) / n
        for i in range(n):
            # A little gravity keeps loosely held stakeholders from drifting far away.
            f = move[i] - GRAVITY * (p[i] - centre)
            length = abs(f)
            if length > temperature:
                f *= temperature / length
            p[i] += f
        temperature -= cooling
    return [pi.real for pi in p], [pi.imag for pi in p]


def _lie_wide(xs, ys):
    """Turn a component so that its longest axis is horizontal (principal axis)."""
    n = len(xs)
    cx, cy = sum(xs) / n, sum(ys) / n
    sxx = sum((x - cx) ** 2 for x in xs)
    syy = sum((y - cy) ** 2 for y in ys)
    sxy = sum((x - cx) * (y - cy) for x, y in zip(xs, ys, strict=True))
    angle = 0.5 * math.atan2(2 * sxy, sxx - syy)
    cos, sin = math.cos(-angle), math.sin(-angle)
    turned_x = [(x - cx) * cos - (y - cy) * sin for x, y in zip(xs, ys, strict=True)]
    turned_y = [(x - cx) * sin + (y - cy) * cos for x, y in zip(xs, ys, strict=True)]
    return turned_x, turned_y


def _pack(boxes, nodes, positions):
    """Pack the laid-out components in rows; fill `positions`; return (width, height).

    Each row starts with its largest component; smaller ones are stacked in columns beside
    it, as high as that first one, so that a row of little groups wastes no space.
    """
    items = []
    for component, xs, ys in boxes:
        left, top = min(xs), min(ys)
        width, height = max(xs) - left, max(ys) - top
        items.append((component, xs, ys, left, top, width, height))
    if not items:
        return 0.0, 0.0
    area = sum((width + GAP) * (height + GAP) for *_rest, width, height in items)
    row_width = max(max(item[5] for item in items), math.sqrt(area * ASPECT))

    def place(item, x, y):
        component, xs, ys, left, top, _width, _height = item
        for position, i in enumerate(component):
            positions[nodes[i]] = (xs[position] - left + x, ys[position] - top + y)

    y, total_width = 0.0, 0.0
    queue = list(items)
    while queue:
        first = queue.pop(0)
        place(first, 0.0, y)
        row_height = first[6]
        x = first[5] + GAP
        while queue and x + queue[0][5] <= row_width + 1e-9:
            column_width, column_y = 0.0, y
            while queue and x + queue[0][5] <= row_width + 1e-9:
                item = queue[0]
                if column_y > y and column_y + item[6] > y + row_height + 1e-9:
                    break
                queue.pop(0)
                place(item, x, column_y)
                column_y += item[6] + GAP
                column_width = max(column_width, item[5])
            if column_width == 0.0:
                break
            x += column_width + GAP
            row_height = max(row_height, column_y - GAP - y)
        total_width = max(total_width, x - GAP)
        y += row_height + GAP
    return total_width, y - GAP
