"""The network map as rings and sectors: pure geometry for the server-side SVG (no JavaScript, no library).

The family is in the middle; three rings go from close to far; six sectors divide life into family, friends,
school, health, authorities and leisure, named along the rim. A sector with more people gets a wider slice, so
names have room. Every person is drawn (a marker with a tooltip, at least); a name that does not fit is shortened
with "…", and the list under the map carries everything in full.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import cos, radians, sin

from .models import PersonKind, Ring, Sector

#: Drawing units; the SVG scales to its box through the viewBox.
CENTER = 40
RINGS = {Ring.CLOSE: (40, 110), Ring.MIDDLE: (110, 170), Ring.FAR: (170, 214)}
OUTER = 232
#: People and their labels stay inside this circle; the band outside it, to OUTER, holds the sectors' names.
PEOPLE_LIMIT = 215
SECTOR_LABEL_RADIUS = 223
VIEWBOX = "-236 -236 472 472"
NAME_SIZE = 15
ROLE_SIZE = 12
LABEL_SIZE = 11.5
#: Average width of a character relative to the font size (system sans-serif).
CHAR = 0.56
#: Degrees kept free on each side of a sector's border.
PAD = 3


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


def _width(text: str, size: float) -> float:
    return len(text) * size * CHAR


def _variants(item: MapItem) -> list[tuple[str, str]]:
    """Labels to try for a person, longest first: name and role, the name alone, the first name, a shortened
    name, the initials, and at last nothing (the marker and its tooltip remain)."""
    words = item.name.split()
    first = words[0] if words else item.name
    options = [(item.name, item.role)] if item.role else []
    options += [(item.name, ""), (first, ""), (item.name[:7].rstrip() + "…" if len(item.name) > 8 else item.name, "")]
    options += [(_initials(item.name), ""), ("", "")]
    unique = []
    for option in options:
        if option not in unique:
            unique.append(option)
    return unique


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


#: Where a label may go around its marker, tried in this order: below, above, right, left.
PLACEMENTS = ("below", "above", "right", "left")


def label_geometry(at: Point, name: str, role: str, where: str) -> tuple[Box, str, Point, Point]:
    """The box a marker and its label take, the text anchor, and where the name and the role lines go.

    :param at: the marker's centre.
    :param where: one of PLACEMENTS.
    """
    x, y = at.x, at.y
    width = max(_width(name, NAME_SIZE), _width(role, ROLE_SIZE))
    if not name:
        return marker_box(at), "middle", at, at
    if where == "below":
        box = Box(x - max(width / 2, 8), y - 8, x + max(width / 2, 8), y + (38 if role else 24))
        return box, "middle", Point(x, y + 16), Point(x, y + 30)
    if where == "above":
        top = y - (38 if role else 24)
        return (
            Box(x - max(width / 2, 8), top, x + max(width / 2, 8), y + 8),
            "middle",
            Point(x, top + 8),
            Point(x, y - 16),
        )
    bottom = y + (21 if role else 9)
    if where == "right":
        return Box(x - 8, y - 9, x + 12 + width, bottom), "start", Point(x + 12, y), Point(x + 12, y + 14)
    return Box(x - 12 - width, y - 9, x + 8, bottom), "end", Point(x - 12, y), Point(x - 12, y + 14)


def marker_box(at: Point) -> Box:
    return Box(at.x - 8, at.y - 8, at.x + 8, at.y + 8)


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


def _first_free(item: MapItem, at: Point, blocked: list[Box]) -> tuple[Box, Placed]:
    """The longest label, in the first place around the marker, that covers nothing else and stays in the drawing;
    at worst the marker alone."""
    for name, role in _variants(item):
        for where in PLACEMENTS:
            box, anchor, name_at, role_at = label_geometry(at, name, role, where)
            if box.inside(PEOPLE_LIMIT) and not any(box.overlaps(b) for b in blocked):
                return box, Placed(item, at, name, role, anchor, name_at, role_at)
    return marker_box(at), Placed(item, at, "", "", "middle", at, at)


def fit_labels(points: list[tuple[MapItem, Point]], obstacles: list[Box]) -> list[Placed]:
    """Label every person; people are labelled in the order given (closest first), so those nearest the family
    get the most room."""
    markers = [marker_box(at) for _item, at in points]
    labels: list[Box] = []
    placed = []
    for index, (item, at) in enumerate(points):
        box, person = _first_free(item, at, obstacles + labels + markers[:index] + markers[index + 1 :])
        labels.append(box)
        placed.append(person)
    return placed


def _initials(name: str) -> str:
    return "".join(word[0] for word in name.split()[:2]).upper() or "?"


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
        label=label(name, max(int(room / (LABEL_SIZE * CHAR)), 3)),
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
            points += place_cell([i for i in items if i.sector is sector and i.ring is ring], ring, start, end)
    sectors = [_sector_shape(s, *angles[s], str(sector_names[s])) for s in Sector]
    return Layout(sectors=sectors, people=fit_labels(points, [Box(-CENTER, -CENTER, CENTER, CENTER)]))


def label(text: str, chars: int) -> str:
    """A sector's name shortened to ``chars`` characters."""
    return text if len(text) <= chars else text[: max(chars - 1, 1)].rstrip() + "…"
