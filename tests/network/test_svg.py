"""The network map's drawing: every person is in it, labels never cover each other, long names are shortened."""

from __future__ import annotations

import itertools
import random
from math import atan2, degrees

import pytest

from familyapp.network import svg
from familyapp.network.models import PersonKind, Ring, Sector

NAMES = {s: s.value for s in Sector}


def item(i, ring=Ring.CLOSE, sector=Sector.FAMILY, name=None, role="mormor", kind=PersonKind.PRIVATE, decides=False):
    return svg.MapItem(f"id-{i}", name or f"Person {i}", role, kind, decides, ring, sector)


def boxes(layout):
    """What each person's marker and label cover in the drawing."""
    return [p.box for p in layout.people]


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


def assert_everyone_named_apart(layout):
    """Every person has a name beside their marker, in their own ring and part of life, covering nobody else."""
    sectors = {s.sector: (s.start, s.end) for s in layout.sectors}
    for p in layout.people:
        words = p.item.name.split()
        assert p.name, f"{p.item.name} is a dot without a name"
        # The whole name, or a shortened one (ending in "…"), or at the very last the initials: never nothing.
        shortened = p.name.endswith("…") and p.item.name.startswith(p.name[:-1])
        initials = p.name == "".join(w[0] for w in words[:2]).upper()
        assert p.name == p.item.name or p.item.name.startswith(p.name) or shortened or initials, p
        inner, outer = svg.RINGS[p.item.ring]
        assert inner <= (p.at.x**2 + p.at.y**2) ** 0.5 <= outer, p
        start, end = sectors[p.item.sector]
        assert start <= degrees(atan2(p.at.x, -p.at.y)) % 360 <= end, p
        assert p.box.inside(svg.PEOPLE_LIMIT), p
        assert not p.box.overlaps(svg.Box(-svg.CENTER, -svg.CENTER, svg.CENTER, svg.CENTER)), p
    for a, b in itertools.combinations(layout.people, 2):
        assert not a.box.overlaps(b.box), (a, b)


@pytest.mark.parametrize("ring", list(Ring))
@pytest.mark.parametrize("count", [4, 8, 12, 16, 20])
def test_everyone_crowded_into_one_ring_and_part_of_life_keeps_a_name(ring, count):
    items = [item(i, ring, Sector.FAMILY, name=f"Navn{i} Efternavn", role="mormor") for i in range(count)]
    assert_everyone_named_apart(svg.layout(items, NAMES))


#: A map like the demo's Nielsen family: (name, role, kind, decides, ring, sector).
DEMO = [
    ("Erik", "morfar", PersonKind.PRIVATE, False, Ring.MIDDLE, Sector.FAMILY),
    ("Kim", "Jonas' bror", PersonKind.PRIVATE, False, Ring.FAR, Sector.FAMILY),
    ("Bo", "Noahs fodboldtræner", PersonKind.PRIVATE, False, Ring.MIDDLE, Sector.LEISURE),
    ("Louise", "Saras søster", PersonKind.PRIVATE, False, Ring.CLOSE, Sector.FAMILY),
    ("Hanne", "veninde", PersonKind.PRIVATE, False, Ring.MIDDLE, Sector.FRIENDS),
    ("Lise Holm", "Noahs lærer", PersonKind.PROFESSIONAL, False, Ring.MIDDLE, Sector.SCHOOL),
    ("Pia Madsen", "pædagog", PersonKind.PROFESSIONAL, False, Ring.MIDDLE, Sector.SCHOOL),
    ("Karsten Berg", "sagsbehandler", PersonKind.PROFESSIONAL, True, Ring.MIDDLE, Sector.AUTHORITIES),
    ("Jens Nygaard", "jobkonsulent", PersonKind.PROFESSIONAL, True, Ring.FAR, Sector.AUTHORITIES),
    ("Anne Vestergaard", "psykolog", PersonKind.PROFESSIONAL, False, Ring.FAR, Sector.SCHOOL),
    ("Susanne Lund", "egen læge", PersonKind.PROFESSIONAL, False, Ring.FAR, Sector.HEALTH),
]


def _closest_first(items):
    return sorted(items, key=lambda i: (i.ring.rank, i.name.casefold()))


def test_moving_bente_round_the_demo_map_never_leaves_a_dot_without_a_name():
    others = [svg.MapItem(f"id-{n}", n, r, k, d, ring, sector) for n, r, k, d, ring, sector in DEMO]
    for ring, sector in itertools.product(Ring, Sector):
        bente = svg.MapItem("bente", "Bente", "mormor", PersonKind.PRIVATE, False, ring, sector)
        assert_everyone_named_apart(svg.layout(_closest_first([bente, *others]), NAMES))


def test_maps_of_every_shape_give_everyone_a_name():
    rng = random.Random(20)
    names = ["Bente", "Anne Vestergaard", "Mohammad Al-Hassan", "Li", "Oleksandra Kovalenko", "Æbbe Wøldike"]
    roles = ["", "mormor", "Noahs fodboldtræner", "sagsbehandler i Jobcentret"]
    for _map in range(25):
        items = [
            item(i, rng.choice(list(Ring)), rng.choice(list(Sector)), rng.choice(names), rng.choice(roles))
            for i in range(rng.randint(5, 35))
        ]
        assert_everyone_named_apart(svg.layout(_closest_first(items), NAMES))
