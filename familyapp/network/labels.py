"""The network's choices in words: one source for the map, its forms, its history, the family tree and the
family's data.

Templates use the filters in ``FILTERS`` (registered by the app): ``{{ revision.change|map_change }}``. The map's
own screens get the rings and parts of life translated once per page (``network.views.labels``).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..i18n import labeller
from .models import RelationKind, Ring, Sector

#: How close someone is to the family: the map's rings, from the middle out.
RINGS = {Ring.CLOSE: _l("Close to us"), Ring.MIDDLE: _l("In between"), Ring.FAR: _l("Further away")}
#: The parts of life: the map's sectors, as the forms and the list under the map name them.
SECTORS = {
    Sector.FAMILY: _l("Family and relatives"),
    Sector.FRIENDS: _l("Friends and neighbours"),
    Sector.SCHOOL: _l("School and daycare"),
    Sector.HEALTH: _l("Health"),
    Sector.AUTHORITIES: _l("Municipality and authorities"),
    Sector.LEISURE: _l("Leisure"),
}
#: Short names of the parts of life, for the map's rim.
SECTOR_SHORT = {
    Sector.FAMILY: _l("Family"),
    Sector.FRIENDS: _l("Friends"),
    Sector.SCHOOL: _l("School"),
    Sector.HEALTH: _l("Health"),
    Sector.AUTHORITIES: _l("Municipality"),
    Sector.LEISURE: _l("Leisure"),
}
#: A relation in the family tree between two names, as the form offers it ("Sara" is a parent of "Noah").
RELATIONS = {
    RelationKind.PARENT: _l("is a parent of"),
    RelationKind.SIBLING: _l("is a sibling of"),
    RelationKind.PARTNER: _l("is in a couple with"),
}
#: The same as a sentence.
RELATION_SENTENCES = {
    RelationKind.PARENT: _l("%(a)s is a parent of %(b)s"),
    RelationKind.SIBLING: _l("%(a)s and %(b)s are siblings"),
    RelationKind.PARTNER: _l("%(a)s and %(b)s are a couple"),
}
#: What a kept version of the map was made by (``NetworkRevision.change``).
MAP_CHANGES = {
    "person_added": _l("Someone was added"),
    "person_moved": _l("Someone was moved"),
    "person_changed": _l("Details were changed"),
    "person_removed": _l("Someone was taken off the map"),
}


def relation_sentence(kind: RelationKind | str, a: str, b: str) -> str:
    """A relation in the family tree as a sentence in the reader's language: "Sara is a parent of Noah"."""
    return str(RELATION_SENTENCES[RelationKind(kind)]) % {"a": a, "b": b}


#: What a kept version of the map was made by, in the reader's language (an unknown key as it is); also the template
#: filter of the same name.
map_change = labeller(MAP_CHANGES)
FILTERS = {"relation_sentence": relation_sentence, "map_change": map_change}
