"""The family tree's generations and the map's then-and-now comparison: pure functions, hand-worked cases."""

from __future__ import annotations

from familyapp.network import compare, tree
from familyapp.network.models import PersonKind, RelationKind, Ring, Sector
from familyapp.network.svg import MapItem

P, S, R = RelationKind.PARENT, RelationKind.SIBLING, RelationKind.PARTNER


def nodes(**kinds):
    """name -> "child" / "adult" (household) or "map"."""
    return {
        name: tree.Node(name, name.title(), "", household=kind != "map", child=kind == "child")
        for name, kind in kinds.items()
    }


def layout(rows):
    return {row.offset: sorted(n.key for n in row.nodes) for row in rows}


def test_three_generations_around_the_household():
    people = nodes(mormor="map", morfar="map", sara="adult", jonas="adult", alma="child", noah="child", kim="map")
    edges = [
        (P, "mormor", "sara"),
        (P, "morfar", "sara"),
        (R, "morfar", "mormor"),
        (P, "sara", "alma"),
        (P, "jonas", "alma"),
        (P, "sara", "noah"),
        (S, "jonas", "kim"),
    ]
    rows = tree.build(people, edges).rows
    assert layout(rows) == {-2: ["morfar", "mormor"], -1: ["jonas", "kim", "sara"], 0: ["alma", "noah"]}
    assert people["sara"].parents == ["Mormor", "Morfar"] and people["sara"].children == ["Alma", "Noah"]
    assert people["mormor"].partners == ["Morfar"] and people["kim"].siblings == ["Jonas"]
    assert [n.key for n in rows[1].nodes][:2] == ["jonas", "sara"]  # household first


def test_people_without_relations_are_left_out_and_groups_align_on_the_household():
    people = nodes(sara="adult", mormor="map", alone="map", oldefar="map")
    built = tree.build(people, [(P, "mormor", "sara"), (P, "oldefar", "mormor")])
    assert layout(built.rows) == {-3: ["oldefar"], -2: ["mormor"], -1: ["sara"]} and built.apart == []


def test_a_group_outside_the_household_stands_apart():
    people = nodes(farfar="map", farmor="map", alma="child")
    built = tree.build(people, [(R, "farfar", "farmor")])
    assert built.rows == [] and layout(built.apart) == {0: ["farfar", "farmor"]}
    built = tree.build(nodes(a="map", b="map"), [(P, "a", "b")])
    assert layout(built.apart) == {0: ["a"], 1: ["b"]}


def test_contradictory_relations_still_give_a_tree():
    people = nodes(a="map", b="map", c="map")
    built = tree.build(people, [(P, "a", "b"), (S, "a", "b"), (P, "b", "c"), (P, "c", "a")])
    assert sum(len(r.nodes) for r in built.apart) == 3


def item(key, ring=Ring.CLOSE, sector=Sector.FAMILY):
    return MapItem(key, key.title(), "", PersonKind.PRIVATE, False, ring, sector)


def test_compare_then_and_now():
    then = [item("bente", Ring.MIDDLE), item("kim", Ring.CLOSE), item("bo", Ring.FAR), item("gone"), item("same")]
    now = [
        item("bente", Ring.CLOSE),
        item("kim", Ring.FAR),
        item("bo", Ring.FAR, Sector.LEISURE),
        item("same"),
        item("hanne", Ring.MIDDLE, Sector.FRIENDS),
    ]
    diff = compare.compare(then, now)
    assert [i.id for i in diff.new] == ["hanne"] and [i.id for i in diff.gone] == ["gone"]
    assert [(a.ring, b.ring) for a, b in diff.closer] == [(Ring.MIDDLE, Ring.CLOSE)]
    assert [b.id for _a, b in diff.further] == ["kim"] and [b.id for _a, b in diff.moved] == ["bo"]
    assert diff.same == 1 and diff.changed
    assert not compare.compare(now, now).changed
