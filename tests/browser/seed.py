"""Seed a fresh world into the live server's database and print its ids and activation links as JSON.

Run as ``python -m tests.browser.seed`` with DATABASE_URL and WEBAUTHN_ORIGIN set, like the live server.
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta

from familyapp import create_app, db
from familyapp.auth.services import activation_display, issue_activation
from tests import factories


def main() -> None:
    app = create_app()
    with app.app_context():
        world = factories.make_world()
        out = {"family_a": str(world.family_a.id), "family_b": str(world.family_b.id), "links": {}}
        if "--meeting-tomorrow" in sys.argv:
            # A meeting in 30 hours: the wellbeing scale before it is open now.
            starts = db.utcnow().replace(microsecond=0) + timedelta(hours=30)
            meeting = factories.make_meeting(world.family_a, world.parent_a, world.consultant_a, starts_at=starts)
            out["meeting_tomorrow"] = str(meeting.id)
        for name in ("parent_a", "parent_b", "consultant_a", "consultant_b", "admin"):
            user = getattr(world, name)
            _a, token, code = issue_activation(user, actor=None)
            out["links"][name] = {**activation_display(token, code), "qr": None, "name": user.name}
        db.session.commit()
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
