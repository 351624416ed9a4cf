"""Reading the network map page in tests: the people in the SVG and in the list."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from sqlalchemy import select

from familyapp import db
from familyapp.network.models import NetworkPerson

SVG = "{http://www.w3.org/2000/svg}"


def map_svg(page: str, svg_id: str = "netmap") -> ET.Element:
    """The map's SVG element, parsed as XML (it must be well-formed)."""
    match = re.search(rf'<svg class="netmap" id="{svg_id}".*?</svg>', page, re.S)
    assert match, f"no map {svg_id} on the page"
    return ET.fromstring(match.group(0))


def svg_people(page: str, svg_id: str = "netmap") -> dict[str, tuple[str, str, str]]:
    """Person id -> (full name in the tooltip, ring, sector) as the drawing has them."""
    result = {}
    for g in map_svg(page, svg_id).iter(f"{SVG}g"):
        if "nm-person" in (g.get("class") or ""):
            result[g.get("data-person")] = (g.find(f"{SVG}title").text, g.get("data-ring"), g.get("data-sector"))
    return result


def list_people(page: str) -> dict[str, tuple[str, str]]:
    """Person id -> (ring, sector) as the list under the map has them."""
    return {
        pid: (ring, sector)
        for pid, ring, sector in re.findall(
            r'<li id="person-[^"]+" data-person="([^"]+)" data-ring="([^"]+)" data-sector="([^"]+)"', page
        )
    }


def person_named(family, name: str) -> NetworkPerson:
    return db.session.scalar(
        select(NetworkPerson).where(NetworkPerson.family_id == family.id, NetworkPerson.name == name)
    )


def private(name="Hanne", relation="nabo", ring="close", sector="friends", **extra) -> dict:
    """Form data for a private person (prefix "private")."""
    data = {"kind": "private", "name": name, "relation": relation, "ring": ring, "sector": sector, **extra}
    return {(k if k == "kind" else f"private-{k}"): v for k, v in data.items()}


def professional(name="Per Psykolog", relation="psykolog", decides="no", ring="far", sector="school", **extra) -> dict:
    """Form data for a professional (prefix "professional")."""
    data = {
        "kind": "professional",
        "name": name,
        "relation": relation,
        "decides": decides,
        "ring": ring,
        "sector": sector,
        **extra,
    }
    return {(k if k == "kind" else f"professional-{k}"): v for k, v in data.items()}
