"""Comparing the map with an earlier version (familyapp/network/compare.py): a pure function over drawing items."""

from __future__ import annotations

import pytest

from familyapp.network.compare import Version, compare, version_of
from familyapp.network.models import PersonKind, Ring, Sector
from familyapp.network.svg import MapItem


def item(key: str, name: str | None = None, ring=Ring.MIDDLE, sector=Sector.FAMILY) -> MapItem:
    return MapItem(key, name or key, "", PersonKind.PRIVATE, False, ring, sector)


def test_the_same_map_has_no_changes():
    people = [item("a"), item("b", ring=Ring.CLOSE), item("c", sector=Sector.SCHOOL)]
    diff = compare(people, list(people))
    assert not diff.changed
    assert diff.same == 3
    assert diff.new == diff.gone == diff.closer == diff.further == diff.moved == []


def test_new_and_gone_people_by_id_not_by_name():
    then = [item("1", "Bente"), item("2", "Erik")]
    now = [item("1", "Bente"), item("3", "Erik")]  # another Erik: a new person, the old one is gone
    diff = compare(then, now)
    assert [i.id for i in diff.new] == ["3"]
    assert [i.id for i in diff.gone] == ["2"]
    assert diff.same == 1 and diff.changed


@pytest.mark.parametrize(
    "before, after, moved_list",
    [
        (Ring.FAR, Ring.MIDDLE, "closer"),
        (Ring.MIDDLE, Ring.CLOSE, "closer"),
        (Ring.FAR, Ring.CLOSE, "closer"),
        (Ring.CLOSE, Ring.MIDDLE, "further"),
        (Ring.CLOSE, Ring.FAR, "further"),
    ],
)
def test_a_ring_change_is_closer_or_further(before, after, moved_list):
    then, now = item("a", ring=before), item("a", ring=after)
    diff = compare([then], [now])
    assert getattr(diff, moved_list) == [(then, now)]
    other = {"closer": "further", "further": "closer"}[moved_list]
    assert getattr(diff, other) == [] and diff.moved == [] and diff.same == 0


def test_a_ring_change_counts_before_a_sector_change():
    then, now = item("a", ring=Ring.FAR, sector=Sector.FAMILY), item("a", ring=Ring.CLOSE, sector=Sector.FRIENDS)
    diff = compare([then], [now])
    assert diff.closer == [(then, now)] and diff.moved == []


def test_the_same_ring_in_another_part_of_life_is_moved():
    then, now = item("a", sector=Sector.SCHOOL), item("a", sector=Sector.LEISURE)
    diff = compare([then], [now])
    assert diff.moved == [(then, now)] and diff.changed


def test_every_list_is_sorted_by_name_without_regard_to_case():
    then = [item("g2", "bo"), item("g1", "Åse"), item("c1", "kim", ring=Ring.FAR), item("c2", "Anne", ring=Ring.FAR)]
    now = [item("n1", "erik"), item("n2", "Dorte"), item("c1", "Kim", ring=Ring.CLOSE), item("c2", "anne")]
    diff = compare(then, now)
    assert [i.name for i in diff.new] == ["Dorte", "erik"]
    assert [i.name for i in diff.gone] == ["bo", "Åse"]
    # Pairs are sorted by today's name.
    assert [now.name for _then, now in diff.closer] == ["anne", "Kim"]


def test_an_empty_earlier_map_makes_everyone_new():
    now = [item("b", "B"), item("a", "A")]
    diff = compare([], now)
    assert [i.name for i in diff.new] == ["A", "B"] and diff.same == 0
    assert compare(now, []).gone == sorted(now, key=lambda i: i.name)


def test_a_version_is_named_by_its_date_and_who_made_it_or_only_its_date():
    from datetime import UTC, datetime
    from types import SimpleNamespace

    at = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    sara, gone = object(), object()
    assert version_of(SimpleNamespace(at=at, actor_id=sara), {sara: "Sara"}) == Version(at, "Sara")
    assert version_of(SimpleNamespace(at=at, actor_id=gone), {sara: "Sara"}) == Version(at, None)
    assert version_of(None, {}) is None
