"""The family tree (genogram-light): the family and its consultant record who is whose parent, sibling or
partner, among the household and the private people on the map."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from .. import db
from ..access import FamilyView, family_screen_or_404
from ..families import queries as family_queries
from ..families.models import PersonKind as HouseholdKind
from . import queries, services, tree
from .forms import RelationForm
from .models import PersonKind, RelationKind
from .views import bp, save


def _nodes(view: FamilyView) -> dict[str, tree.Node]:
    """Everyone who can be in the tree for this viewer: the household, and the private people on the map."""
    people, _consultants = family_queries.household(view.family)
    nodes = {}
    for person, _user, membership in people:
        child = person.kind is HouseholdKind.CHILD
        relation = membership.relation if membership else _("child")
        nodes[services.node_key("p", person.id)] = tree.Node(
            services.node_key("p", person.id), person.name, relation, household=True, child=child
        )
    for p in queries.list_people(view):
        if p.kind is PersonKind.PRIVATE:
            nodes[services.node_key("n", p.id)] = tree.Node(services.node_key("n", p.id), p.name, p.relation)
    return nodes


def _form(nodes: dict, **kwargs) -> RelationForm:
    form = RelationForm(**kwargs)
    choices = [SelectChoice("", _("Choose"))] + [
        SelectChoice(key, f"{n.name} ({n.relation})" if n.relation else n.name) for key, n in nodes.items()
    ]
    form.a.choices, form.b.choices = choices, list(choices)
    return form


def _page(view: FamilyView, form=None, status: int = 200):
    nodes = _nodes(view)
    relations = queries.tree_relations(view.family)
    family_tree = tree.build(nodes, [(r.kind, r.a_key, r.b_key) for r in relations])
    return render_template(
        "network/tree.html",
        view=view,
        family=view.family,
        rows=family_tree.rows,
        apart=family_tree.apart,
        nodes=nodes,
        relations=relations,
        form=form or _form(nodes, formdata=None),
    ), status


@bp.get("/family-tree")
@login_required
def family_tree(family_id: str):
    """The family tree: generations, and who is whose parent, sibling or partner."""
    return _page(family_screen_or_404(family_id, "family_tree"))


@bp.post("/family-tree/relations")
@login_required
def add_relation(family_id: str):
    """Record a relation between two people in the tree."""
    view = family_screen_or_404(family_id)
    nodes = _nodes(view)
    form = _form(nodes)
    if form.validate_on_submit():
        kind = RelationKind(form.kind.data)
        done = save(
            form,
            lambda: services.add_relation(
                view.family, kind, form.a.data, form.b.data, actor=current_user, visible=set(nodes)
            ),
        )
        if done is not None:
            flash(_("The relation is added to the family tree."), "success")
            return redirect(url_for("network.family_tree", family_id=view.family.id))
    return _page(view, form=form, status=400)


@bp.post("/family-tree/relations/<relation_id>/delete")
@login_required
def remove_relation(family_id: str, relation_id: str):
    """Take a relation out of the family tree."""
    view = family_screen_or_404(family_id)
    relation = queries.get_tree_relation_or_404(view, relation_id)
    services.remove_relation(view.family, relation, actor=current_user)
    db.session.commit()
    flash(_("The relation is removed."), "success")
    return redirect(url_for("network.family_tree", family_id=view.family.id))
