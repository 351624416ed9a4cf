"""The network map's drawing: every person is in it, labels never cover each other, long names are shortened."""

from __future__ import annotations

import itertools

import pytest

from familyapp.network import svg
from familyapp.network.models import PersonKind, Ring, Sector

NAMES = {s: s.value for s in Sector}


def item(i, ring=Ring.CLOSE, sector=Sector.FAMILY, name=None, role="mormor", kind=PersonKind.PRIVATE, decides=False):
    return svg.MapItem(f"id-{i}", name or f"Person {i}", role, kind, decides, ring, sector)


def boxes(layout):
    return [
        svg.label_geometry(p.at, p.name, p.role, _where(p))[0] if p.name else svg.marker_box(p.at)
        for p in layout.people
    ]


def _where(p):
    if p.anchor == "start":
        return "right"
    if p.anchor == "end":
        return "left"
    return "below" if p.name_at.y > p.at.y else "above"


def test_sector_slices_cover_the_circle_and_grow_with_people():
    angles = svg.sector_angles({Sector.FAMILY: 8})
    assert angles[Sector.FAMILY][0] == 0 and angles[Sector.LEISURE][1] == pytest.approx(360)
    widths = {s: end - start for s, (start, end) in angles.items()}
    assert widths[Sector.FAMILY] == pytest.approx(360 * 10 / 20) and widths[Sector.HEALTH] == pytest.approx(36)
    starts = [a for a, _b in angles.values()]
    assert starts == sorted(starts)


@pytest.mark.parametrize("count", [0, 1, 5, 12, 30])
def test_every_person_is_drawn_once_in_its_ring(count):
    rings, sectors = itertools.cycle(Ring), itertools.cycle(Sector)
    items = [item(i, next(rings), next(sectors)) for i in range(count)]
    layout = svg.layout(items, NAMES)
    assert sorted(p.item.id for p in layout.people) == sorted(i.id for i in items)
    for p in layout.people:
        inner, outer = svg.RINGS[p.item.ring]
        distance = (p.at.x**2 + p.at.y**2) ** 0.5
        assert inner <= distance <= outer, p


SPREADS = {
    "one sector, close and middle": lambda i: (Ring.CLOSE if i % 2 else Ring.MIDDLE, Sector.FAMILY),
    "every ring and sector": lambda i: (list(Ring)[i % 3], list(Sector)[i // 3 % 6]),
    "the far ring all round": lambda i: (Ring.FAR, list(Sector)[i % 6]),
}


@pytest.mark.parametrize("spread", sorted(SPREADS))
@pytest.mark.parametrize("count", [1, 3, 10, 25])
def test_labels_and_markers_never_overlap_and_stay_off_the_rim(count, spread):
    items = [item(i, *SPREADS[spread](i), name=f"Navn Efternavn {i}") for i in range(count)]
    layout = svg.layout(items, NAMES)
    drawn = boxes(layout)
    for a, b in itertools.combinations(range(len(drawn)), 2):
        if layout.people[a].name and layout.people[b].name:
            assert not drawn[a].overlaps(drawn[b]), (layout.people[a], layout.people[b])
    # The band outside PEOPLE_LIMIT holds the sectors' names: no person or label reaches into it.
    assert all(box.inside(svg.PEOPLE_LIMIT) for box in drawn)


def test_a_long_name_is_shortened_and_a_crowd_falls_back_to_short_labels():
    long = "Bodil Margrethe Kristensen-Vestergaard Andersen"
    layout = svg.layout([item(0, name=long, role="oldemor til alle børnene")], NAMES)
    shown = layout.people[0]
    assert shown.name != long and (shown.name.endswith("…") or shown.name == "Bodil" or len(shown.name) <= 3)
    assert shown.item.name == long  # the tooltip and the list keep the whole name
    crowd = svg.layout([item(i, name=f"Meget Langt Navn {i}") for i in range(20)], NAMES)
    assert any(p.name != p.item.name for p in crowd.people)


def test_the_marker_says_private_supports_or_decides():
    people = [
        item(0),
        item(1, kind=PersonKind.PROFESSIONAL, sector=Sector.SCHOOL),
        item(2, kind=PersonKind.PROFESSIONAL, decides=True, sector=Sector.AUTHORITIES),
    ]
    markers = {p.item.id: p.marker for p in svg.layout(people, NAMES).people}
    assert markers == {"id-0": "private", "id-1": "supports", "id-2": "decides"}


def test_sector_names_follow_the_rim_upright():
    shapes = {s.sector: s for s in svg.layout([], NAMES).sectors}
    assert " 0 1 " in shapes[Sector.FAMILY].arc  # top: clockwise
    assert " 0 0 " in shapes[Sector.HEALTH].arc  # bottom: anticlockwise, so the text is not upside down


def test_sector_names_are_shortened_to_their_slice():
    crowded = [item(i, sector=Sector.FAMILY) for i in range(40)]
    names = {**NAMES, Sector.HEALTH: "Sundhed, læger, tandlæger og sundhedsplejersken"}
    shapes = {s.sector: s for s in svg.layout(crowded, names).sectors}
    assert shapes[Sector.HEALTH].label.endswith("…") and len(shapes[Sector.HEALTH].label) < len(names[Sector.HEALTH])
    assert shapes[Sector.FAMILY].label == "family"
