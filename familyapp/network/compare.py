"""Comparing the map today with an earlier version: pure functions over drawing items."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .svg import MapItem

#: Without a choice, today's map is compared with the newest version at least this old.
DEFAULT_AGE = timedelta(days=30)


@dataclass
class Diff:
    """What changed between two versions of the map."""

    new: list[MapItem] = field(default_factory=list)
    gone: list[MapItem] = field(default_factory=list)
    #: (then, now) pairs.
    closer: list[tuple[MapItem, MapItem]] = field(default_factory=list)
    further: list[tuple[MapItem, MapItem]] = field(default_factory=list)
    #: Same ring, another part of life.
    moved: list[tuple[MapItem, MapItem]] = field(default_factory=list)
    same: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.new or self.gone or self.closer or self.further or self.moved)


def compare(then: list[MapItem], now: list[MapItem]) -> Diff:
    """Who is new, who is gone, who came closer or moved further away, and who moved to another part of life.

    :param then: the earlier version's people.
    :param now: today's people.
    :return: a Diff, each list sorted by name.
    """
    before = {i.id: i for i in then}
    after = {i.id: i for i in now}
    diff = Diff()
    for key, item in after.items():
        old = before.get(key)
        if old is None:
            diff.new.append(item)
        elif item.ring.rank < old.ring.rank:
            diff.closer.append((old, item))
        elif item.ring.rank > old.ring.rank:
            diff.further.append((old, item))
        elif item.sector is not old.sector:
            diff.moved.append((old, item))
        else:
            diff.same += 1
    diff.gone = [item for key, item in before.items() if key not in after]
    for items in (diff.new, diff.gone):
        items.sort(key=lambda i: i.name.casefold())
    for pairs in (diff.closer, diff.further, diff.moved):
        pairs.sort(key=lambda pair: pair[1].name.casefold())
    return diff


@dataclass(frozen=True)
class Version:
    """What a map in the comparison is: the version made at ``at`` by ``by`` (None: a name the viewer does not
    know). Each map is captioned so, never "then" and "now", which misled when both were from last week."""

    at: datetime
    by: str | None


def version_of(revision, names: dict) -> Version | None:
    """The caption's facts of a version of the map (``NetworkRevision``); ``names``: names by user id."""
    if revision is None:
        return None
    return Version(revision.at, names.get(revision.actor_id))
