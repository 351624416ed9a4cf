"""What the tests of Mine oplysninger (export.py, export_rows.py, mydata_views.py) share: addresses, people on the
map, the JSON download, a meeting the parent has answered, and the rows of "who has looked"."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from sqlalchemy import select

from familyapp import db
from familyapp.gate.models import ConsentTemplate
from familyapp.meetings import services as meeting_services
from familyapp.meetings.models import Answer
from familyapp.network.models import NetworkPerson
from tests import factories


def url(family, rest=""):
    return f"/families/{family.id}{rest}"


def on_map(family, name) -> NetworkPerson:
    stmt = select(NetworkPerson).where(NetworkPerson.family_id == family.id, NetworkPerson.name == name)
    return db.session.scalar(stmt)


def template(key) -> ConsentTemplate:
    return db.session.scalar(select(ConsentTemplate).where(ConsentTemplate.key == key, ConsentTemplate.active))


def download(client, family) -> tuple[dict, str]:
    response = client.get(url(family, "/my-data.json"))
    assert response.status_code == 200 and response.mimetype == "application/json"
    text = response.get_data(as_text=True)
    return json.loads(text), text


def meeting_words(family, parent, consultant, days: int, text: str = "Kan vi tale om skolen?"):
    """A coming meeting the parent has replied to, asked a question for and suggested Bente for."""
    starts = db.utcnow().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=days)
    meeting = factories.make_meeting(family, parent, consultant, starts_at=starts)
    meeting_services.reply(family, meeting, parent, Answer.CANNOT, "Arbejde", "Om eftermiddagen", now=db.utcnow())
    meeting_services.add_question(family, meeting, parent, text, now=db.utcnow())
    bente = on_map(family, "Bente")
    if bente is not None:
        meeting_services.suggest_participants(family, meeting, parent, [bente], now=db.utcnow())
    return meeting


def who_looked_rows(page: str) -> list[str]:
    if 'class="plain-list who-looked"' not in page:
        return []
    listing = page.split('class="plain-list who-looked"')[1].split("</ol>")[0]
    return re.findall(r"<li>", listing)
