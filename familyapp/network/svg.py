"""The network map as rings and sectors: pure geometry for the server-side SVG (no JavaScript, no library).

The family is in the middle; three rings go from close to far; six sectors divide life into family, friends,
school, health, authorities and leisure, named along the rim. A sector with more people gets a wider slice, so
names have room. Every person is drawn with a label that covers nothing else: where the name does not fit, the
marker moves a little within its ring and part of life, or the name is shortened with "…" (at last to the
initials); it is never left out. The list under the map carries everything in full.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import cos, radians, sin

from .lettering import HALF_LINE, initials, shorten, text_width
from .models import PersonKind, Ring, Sector

#: Drawing units; the SVG scales to its box through the viewBox.
CENTER = 40
RINGS = {Ring.CLOSE: (40, 110), Ring.MIDDLE: (110, 170), Ring.FAR: (170, 214)}
OUTER = 232
#: People and their labels stay inside this circle; the band outside it, to OUTER, holds the sectors' names.
PEOPLE_LIMIT = 215
SECTOR_LABEL_RADIUS = 223
VIEWBOX = "-236 -236 472 472"
#: Letter sizes: at least 12 px where the map is narrowest (full width on a 375 px phone, 375/472 of a unit).
NAME_SIZE = 15.5
ROLE_SIZE = 15.5
LABEL_SIZE = 15.5
#: Average width of a character relative to the font size (system sans-serif).
CHAR = 0.56
#: Degrees kept free on each side of a sector's border.
PAD = 3

#: Half a marker's size, and the room between a marker and its label.
MARKER = 8
GAP = 3


@dataclass(frozen=True)
class MapItem:
    """What the drawing needs of one person, from the map or from an earlier version of it."""

    id: str
    name: str
    role: str
    kind: PersonKind
    decides: bool
    ring: Ring
    sector: Sector


def item_from_person(person) -> MapItem:
    """A person on the map as a drawing item; a professional's role is their job, else their organisation."""
    role = person.relation or (person.organisation if person.kind is PersonKind.PROFESSIONAL else "")
    return MapItem(str(person.id), person.name, role, person.kind, person.decides, person.ring, person.sector)


def item_from_snapshot(entry: dict) -> MapItem:
    """A person as an earlier version of the map kept them."""
    kind = PersonKind(entry["kind"])
    role = entry.get("relation") or (entry.get("organisation", "") if kind is PersonKind.PROFESSIONAL else "")
    return MapItem(
        entry["id"], entry["name"], role, kind, bool(entry.get("decides")), Ring(entry["ring"]), Sector(entry["sector"])
    )


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class Placed:
    """A person's place in the drawing and the text that fits there."""

    item: MapItem
    #: The marker's centre.
    at: Point
    name: str
    role: str
    #: Where the label sits: "middle" (below or above the marker), "start" (to its right) or "end" (to its left).
    anchor: str = "middle"
    name_at: Point | None = None
    role_at: Point | None = None
    #: What the marker and its label cover together.
    box: Box | None = None

    @property
    def marker(self) -> str:
        """ "private" (circle), "supports" (open square) or "decides" (filled diamond): not colour alone."""
        if self.item.kind is PersonKind.PRIVATE:
            return "private"
        return "decides" if self.item.decides else "supports"


@dataclass(frozen=True)
class SectorShape:
    sector: Sector
    start: float
    end: float
    #: The border line at the sector's start, from the family circle to the rim.
    border: tuple[Point, Point]
    #: The arc along the rim that the sector's name is written on (upright in the lower half too).
    arc: str
    #: The sector's name, shortened to fit its slice.
    label: str


@dataclass(frozen=True)
class Layout:
    sectors: list[SectorShape]
    people: list[Placed]


def point(angle: float, radius: float) -> Point:
    """A point on a circle; angles in degrees clockwise from the top (SVG's y axis points down)."""
    a = radians(angle - 90)
    return Point(round(radius * cos(a), 1) + 0.0, round(radius * sin(a), 1) + 0.0)


def sector_angles(counts: dict[Sector, int]) -> dict[Sector, tuple[float, float]]:
    """Each sector's slice, in degrees from the top, clockwise; wider for sectors with more people.

    :param counts: people per sector (missing sectors count 0).
    :return: (start, end) per sector, in the order of ``Sector``, covering the circle once.
    """
    weights = [2 + counts.get(s, 0) for s in Sector]
    total, start, result = sum(weights), 0.0, {}
    for sector, weight in zip(Sector, weights, strict=True):
        end = start + 360 * weight / total
        result[sector] = (round(start, 3), round(end, 3))
        start = end
    return result


def _variants(item: MapItem) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Labels to try for a person, longest first, in two groups: the readable ones (name and role, the name
    alone, the first name, the first name a little shortened) and the short ones (the first name shortened
    more, at last the initials). Never nothing: every person keeps a label (the list under the map and the
    tooltip carry the whole name)."""
    name, role = item.name.strip(), item.role.strip()
    words = name.split()
    first = words[0] if words else name
    readable = ([(name, role)] if role else []) + [(name, ""), (first, ""), (shorten(first, 8), "")]
    short = [(shorten(first, 6), ""), (shorten(first, 4), ""), (initials(name), "")]
    seen: set = set()
    groups: tuple[list, list] = ([], [])
    for group, options in zip(groups, (readable, short), strict=True):
        for option in options:
            if option[0] and option not in seen:
                seen.add(option)
                group.append(option)
    return groups


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        horizontal = self.left < other.right and other.left < self.right
        return horizontal and self.top < other.bottom and other.top < self.bottom

    def inside(self, radius: float) -> bool:
        """True when all four corners lie within the circle of this radius around the family."""
        return all(x * x + y * y <= radius * radius for x in (self.left, self.right) for y in (self.top, self.bottom))

    def union(self, other: Box) -> Box:
        return Box(
            min(self.left, other.left),
            min(self.top, other.top),
            max(self.right, other.right),
            max(self.bottom, other.bottom),
        )


#: Where a label may go around its marker, tried in this order: below, above, right, left, then the corners.
PLACEMENTS = ("below", "above", "right", "left", "below-right", "below-left", "above-right", "above-left")


def label_width(name: str, role: str) -> float:
    """How wide a label of a name and a role (or none) is drawn."""
    return max(text_width(name, NAME_SIZE), text_width(role, ROLE_SIZE, bold=False) if role else 0)


def label_geometry(
    at: Point, name: str, role: str, where: str, width: float | None = None
) -> tuple[Box, str, Point, Point]:
    """The box a marker and its label take together, the text anchor, and where the name and the role lines go.

    :param at: the marker's centre.
    :param where: one of PLACEMENTS.
    :param width: the label's width, when it is known already (``label_width``).
    """
    x, y = at.x, at.y
    name_half, role_half = NAME_SIZE * HALF_LINE, ROLE_SIZE * HALF_LINE
    width = label_width(name, role) if width is None else width
    height = 2 * name_half + (2 * role_half if role else 0)
    if where.startswith("below"):
        top = y + MARKER + 1
    elif where.startswith("above"):
        top = y - MARKER - 1 - height
    else:
        top = y - name_half
    if where in ("below", "above"):
        anchor, text_x, left = "middle", x, x - width / 2
    elif where == "right":
        anchor, text_x = "start", x + MARKER + GAP
        left = text_x
    elif where == "left":
        anchor, text_x = "end", x - MARKER - GAP
        left = text_x - width
    elif where.endswith("right"):
        anchor, text_x = "start", x - MARKER / 2
        left = text_x
    else:
        anchor, text_x = "end", x + MARKER / 2
        left = text_x - width
    box = marker_box(at).union(Box(left, top, left + width, top + height))
    return box, anchor, Point(text_x, top + name_half), Point(text_x, top + 2 * name_half + role_half)


def marker_box(at: Point) -> Box:
    return Box(at.x - MARKER, at.y - MARKER, at.x + MARKER, at.y + MARKER)


def _rows(n: int) -> int:
    return 1 if n <= 2 else 2 if n <= 6 else 3


def _spread(n: int, radii: list[float]) -> list[int]:
    """How many of ``n`` people go on each row: in proportion to the row's length (largest remainder)."""
    total = sum(radii)
    exact = [n * r / total for r in radii]
    counts = [int(e) for e in exact]
    for i in sorted(range(len(radii)), key=lambda i: exact[i] - counts[i], reverse=True)[: n - sum(counts)]:
        counts[i] += 1
    return counts


def place_cell(items: list[MapItem], ring: Ring, start: float, end: float) -> list[tuple[MapItem, Point]]:
    """The points of the people of one ring in one sector: rows along the arc, evenly spaced."""
    if not items:
        return []
    inner, outer = RINGS[ring]
    k = _rows(len(items))
    radii = [inner + (outer - inner) / k * (j + 0.5) for j in range(k)]
    usable = max(end - start - 2 * PAD, 1.0)
    points, queue = [], list(items)
    for radius, count in zip(radii, _spread(len(items), radii), strict=True):
        for i in range(count):
            points.append((queue.pop(0), point(start + PAD + usable * (i + 0.5) / count, radius)))
    return points


#: Distance between the other places tried for a marker when its own place has no room for a label.
STEP = 7


def cell_spots(ring: Ring, start: float, end: float, near: Point) -> list[Point]:
    """Other places for a marker in its ring and part of life (the place within them means nothing), the
    nearest to ``near`` first."""
    inner, outer = RINGS[ring]
    outer = min(outer, PEOPLE_LIMIT - MARKER)
    spots = []
    radius = inner + MARKER + 1
    while radius <= outer - MARKER:
        arc = max(end - start - 2 * PAD, 0.0)
        steps = max(int(radians(arc) * radius / STEP), 1)
        spots += [point(start + PAD + arc * (i + 0.5) / steps, radius) for i in range(steps)]
        radius += STEP
    return sorted(spots, key=lambda p: (p.x - near.x) ** 2 + (p.y - near.y) ** 2)


def _fits(item: MapItem, at: Point, variants, blocked: list[Box]) -> Placed | None:
    """The first of the labels that fits around a marker at ``at``, covering nothing and staying in the drawing.
    ``variants``: (name, role, width) each."""
    marker = marker_box(at)
    if not marker.inside(PEOPLE_LIMIT) or any(marker.overlaps(b) for b in blocked):
        return None
    for name, role, width in variants:
        for where in PLACEMENTS:
            box, anchor, name_at, role_at = label_geometry(at, name, role, where, width)
            if box.inside(PEOPLE_LIMIT) and not any(box.overlaps(b) for b in blocked):
                return Placed(item, at, name, role, anchor, name_at, role_at, box)
    return None


def _reach(cell: tuple[Ring, float, float], variants) -> Box:
    """The area that a marker anywhere in the cell and any of these labels could cover."""
    ring, start, end = cell
    inner, outer = RINGS[ring]
    corners = [point(start + (end - start) * i / 12, r) for i in range(13) for r in (inner, outer)]
    wide = max(width for _name, _role, width in variants) + 2 * MARKER + GAP
    tall = 2 * (NAME_SIZE + ROLE_SIZE) * HALF_LINE + 2 * MARKER
    return Box(
        min(c.x for c in corners) - wide,
        min(c.y for c in corners) - tall,
        max(c.x for c in corners) + wide,
        max(c.y for c in corners) + tall,
    )


def _label(item: MapItem, at: Point, cell: tuple[Ring, float, float], blocked: list[Box]) -> Placed | None:
    """A person's marker and label: the longest label that fits where the person stands; else a readable one a
    little further along in the same ring and part of life; else a shortened one, wherever it fits there. None
    when nothing fits anywhere in the cell."""
    readable, short = ([(n, r, label_width(n, r)) for n, r in group] for group in _variants(item))
    variants = readable + short
    # Only what lies within reach of the cell can stand in the way: checking less keeps a crowded map fast.
    reach = _reach(cell, variants)
    blocked = [b for b in blocked if b.overlaps(reach)]
    spots = None
    for labels in (readable, short):
        found = _fits(item, at, labels, blocked)
        if found:
            return found
        spots = spots or cell_spots(*cell, near=at)
        for spot in spots:
            found = _fits(item, spot, labels, blocked)
            if found:
                return found
    return None


def _fit_in_order(points: list[tuple[MapItem, Point, tuple]], order: list[int], obstacles: list[Box]):
    """Label the people in this order; return everyone's Placed (by index) and the indexes that found no room."""
    waiting = {i: marker_box(points[i][1]) for i in order}
    done: list[Box] = []
    placed: dict[int, Placed] = {}
    failed = []
    for i in order:
        item, at, cell = points[i]
        del waiting[i]
        person = _label(item, at, cell, obstacles + done + list(waiting.values()))
        if person is None:
            # No room anywhere in the cell: the initials below the marker all the same (a later order may find
            # room), so the person is never a dot without a name.
            initials = _variants(item)[1][-1][0]
            box, anchor, name_at, role_at = label_geometry(at, initials, "", "below")
            person = Placed(item, at, initials, "", anchor, name_at, role_at, box)
            failed.append(i)
        done.append(person.box)
        placed[i] = person
    return placed, failed


#: How many times a crowded map is labelled again, those who found no room first.
RETRIES = 4


def fit_labels(points: list[tuple[MapItem, Point, tuple]], obstacles: list[Box]) -> list[Placed]:
    """Label every person; people are labelled in the order given (closest first), so those nearest the family
    get the most room. ``points``: each person, the place chosen for them and their cell (ring, start, end).
    When someone found no room, the whole map is labelled again with them first."""
    order = list(range(len(points)))
    best = None
    for _attempt in range(RETRIES + 1):
        placed, failed = _fit_in_order(points, order, obstacles)
        if best is None or len(failed) < len(best[1]):
            best = (placed, failed)
        if not failed:
            break
        order = failed + [i for i in order if i not in failed]
    return [best[0][i] for i in range(len(points))]


def _sector_shape(sector: Sector, start: float, end: float, name: str) -> SectorShape:
    """A sector's border and the arc its name follows: clockwise in the upper half, anticlockwise in the lower
    half, so the text is never upside down."""
    a, b = start + PAD, end - PAD
    r = SECTOR_LABEL_RADIUS
    middle = (start + end) / 2
    if 90 < middle < 270:
        p, q, sweep = point(b, r), point(a, r), 0
    else:
        p, q, sweep = point(a, r), point(b, r), 1
    large = 1 if b - a > 180 else 0
    room = radians(max(b - a, 1)) * r
    return SectorShape(
        sector=sector,
        start=start,
        end=end,
        border=(point(start, CENTER), point(start, OUTER)),
        arc=f"M {p.x} {p.y} A {r} {r} 0 {large} {sweep} {q.x} {q.y}",
        label=shorten(name, max(int(room / (LABEL_SIZE * CHAR)), 3)),
    )


def layout(items: list[MapItem], sector_names: dict[Sector, str]) -> Layout:
    """The whole drawing: the sectors' slices and every person's place and label.

    :param items: the people to draw, in the order they should appear within a ring and sector.
    :param sector_names: each sector's name in the reader's language.
    :return: a Layout with one Placed per item.
    """
    counts: dict[Sector, int] = {}
    for item in items:
        counts[item.sector] = counts.get(item.sector, 0) + 1
    angles = sector_angles(counts)
    points = []
    for ring in Ring:
        for sector, (start, end) in angles.items():
            cell = place_cell([i for i in items if i.sector is sector and i.ring is ring], ring, start, end)
            points += [(item, at, (ring, start, end)) for item, at in cell]
    sectors = [_sector_shape(s, *angles[s], str(sector_names[s])) for s in Sector]
    return Layout(sectors=sectors, people=fit_labels(points, [Box(-CENTER, -CENTER, CENTER, CENTER)]))
