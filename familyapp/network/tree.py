"""The simple family tree (genogram-light): generations worked out from "parent of", "sibling" and "partner"
relations. Pure functions; no symbols, just rows of people with who they are to each other."""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import RelationKind


@dataclass
class Node:
    """A person in the tree: a household member or a private person on the map."""

    key: str
    name: str
    #: Who they are, in the family's words ("mor", "mormor", "barn").
    relation: str
    household: bool = False
    child: bool = False
    #: Names of the people related to this one.
    parents: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    siblings: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Row:
    """One generation; ``offset`` 0 is the household's children, -1 their parents' generation, and so on."""

    offset: int
    nodes: list[Node]


@dataclass(frozen=True)
class Tree:
    """The generations joined to the household, and those not (yet) joined to it, oldest first (offset 0)."""

    rows: list[Row]
    apart: list[Row]


def _generations(keys: set[str], edges: list[tuple[RelationKind, str, str]]) -> tuple[dict[str, int], list[list[str]]]:
    """A generation number per connected node: a parent is one above its child, siblings and partners level."""
    links: dict[str, list[tuple[str, int]]] = {k: [] for k in keys}
    for kind, a, b in edges:
        step = 1 if kind is RelationKind.PARENT else 0
        links[a].append((b, step))
        links[b].append((a, -step))
    gen: dict[str, int] = {}
    components = []
    for start in sorted(keys):
        if start in gen or not links[start]:
            continue
        gen[start], todo, members = 0, [start], [start]
        while todo:
            here = todo.pop()
            for there, step in links[here]:
                if there not in gen:  # the first way found wins; contradictory data still gives a tree
                    gen[there] = gen[here] + step
                    todo.append(there)
                    members.append(there)
        components.append(members)
    return gen, components


def build(nodes: dict[str, Node], edges: list[tuple[RelationKind, str, str]]) -> Tree:
    """The family tree as generations, oldest first; only people with at least one relation.

    A group of related people joined to the household is aligned on it: its children at offset 0, or else its
    adults at -1. A group with nobody from the household goes apart, its oldest at offset 0, so it is never
    mistaken for the household's own generations.

    :param nodes: every person that may appear, by key.
    :param edges: (kind, a, b) with both keys in ``nodes``; for PARENT, ``a`` is the parent.
    :return: a Tree; each node's relations are filled in with names.
    """
    gen, components = _generations(set(nodes), edges)
    for kind, a, b in edges:
        if kind is RelationKind.PARENT:
            nodes[a].children.append(nodes[b].name)
            nodes[b].parents.append(nodes[a].name)
        else:
            (nodes[a].siblings if kind is RelationKind.SIBLING else nodes[a].partners).append(nodes[b].name)
            (nodes[b].siblings if kind is RelationKind.SIBLING else nodes[b].partners).append(nodes[a].name)
    joined: dict[str, int] = {}
    apart: dict[str, int] = {}
    for members in components:
        children = [gen[k] for k in members if nodes[k].household and nodes[k].child]
        adults = [gen[k] for k in members if nodes[k].household and not nodes[k].child]
        if children or adults:
            shift, target = (-children[0] if children else -1 - adults[0]), joined
        else:
            shift, target = -min(gen[k] for k in members), apart
        for k in members:
            target[k] = gen[k] + shift
    return Tree(rows=_rows(nodes, joined), apart=_rows(nodes, apart))


def _rows(nodes: dict[str, Node], offsets: dict[str, int]) -> list[Row]:
    by_offset: dict[int, list[Node]] = {}
    for key, offset in offsets.items():
        by_offset.setdefault(offset, []).append(nodes[key])
    return [
        Row(offset, sorted(by_offset[offset], key=lambda n: (not n.household, n.name.casefold())))
        for offset in sorted(by_offset)
    ]
