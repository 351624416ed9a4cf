"""Command-line tasks for accounts and tenants: the professionals nobody else may create (a municipality's first
admin, its team leaders, the national operator) and the municipalities themselves."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from . import db, tenancy


def _create_professional(role_name: str, name: str, label: str, municipality) -> None:
    """Create a professional's login in a municipality (or a national one) and print its one-time activation."""
    from .auth.models import Role
    from .auth.services import activation_display, create_user, issue_activation

    with tenancy.entered(municipality):
        user = create_user(Role(role_name), name, actor=None)
        _a, token, code = issue_activation(user, actor=None)
        db.session.commit()
    shown = activation_display(token, code)
    click.echo(f"{label} {name} created. Activation link (valid 72 hours, single use):")
    click.echo(f"  {shown['url']}\n  code: {shown['code']}")


def _municipality(code: str | None):
    """The municipality named on the command line; without a name, the only one there is."""
    known = tenancy.municipalities()
    if code:
        found = [m for m in known if m.code == code.strip().lower()]
        if not found:
            raise click.ClickException(f"No municipality has the code {code!r}: see `flask municipality list`.")
        return found[0].id
    if len(known) == 1:
        return known[0].id
    if not known:
        raise click.ClickException("Add a municipality first: flask municipality add CODE NAME")
    codes = ", ".join(m.code for m in known)
    raise click.ClickException(f"Name the municipality with --municipality CODE ({codes}).")


_MUNICIPALITY_OPTION = click.option(
    "--municipality", "code", default=None, help="The municipality's code (needed when there are several)."
)


def register(app: Flask) -> None:
    """``create-admin``, ``create-leader`` and ``create-operator`` (the professionals nobody else may create), and
    ``municipality add|list``."""

    @app.cli.command("create-admin")
    @click.argument("name")
    @_MUNICIPALITY_OPTION
    def create_admin(name: str, code: str | None):
        """Create a municipality's administrator (cases, assignments, consultants' logins) and print a one-time
        activation."""
        _create_professional("admin", name, "Admin", _municipality(code))

    @app.cli.command("create-leader")
    @click.argument("name")
    @_MUNICIPALITY_OPTION
    def create_leader(name: str, code: str | None):
        """Create a team leader (confirms recoveries; no family content) and print a one-time activation. Only
        from the server: an admin who could make leaders could confirm their own recoveries."""
        _create_professional("leader", name, "Team leader", _municipality(code))

    @app.cli.command("create-operator")
    @click.argument("name")
    def create_operator(name: str):
        """Create a national operator (adds municipalities and their first admin; never a family's content) and
        print a one-time activation."""
        _create_professional("operator", name, "Operator", tenancy.NATIONAL)

    municipality = AppGroup("municipality", help="Municipalities (tenants).")
    app.cli.add_command(municipality)

    @municipality.command("add")
    @click.argument("code")
    @click.argument("name")
    @click.option("--phone", default=None, help="The number families may call (the switchboard).")
    def municipality_add(code: str, name: str, phone: str | None):
        """Add a municipality: CODE is short and stable (aarhus), NAME is shown (Aarhus Kommune)."""
        try:
            tenancy.add_municipality(code, name, phone)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        db.session.commit()
        click.echo(
            f"Municipality {name} ({code}) added. Its first admin: flask create-admin NAME --municipality {code}"
        )

    @municipality.command("list")
    def municipality_list():
        """The municipalities, by name."""
        for m in tenancy.municipalities():
            click.echo(f"  {m.code:<20} {m.name}")
