"""Planning a meeting: the form's choices (the family, its consultants, the people on the network map), the form
filled from a meeting, and the form turned into a meeting's data in UTC. Used by the meeting views."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from ..access import FamilyView, parse_id
from ..families import queries as family_queries
from ..network import queries as network_queries
from . import services
from .forms import MeetingForm
from .models import Meeting, MeetingMode, MeetingType, ParticipantKind

LOCAL = ZoneInfo("Europe/Copenhagen")


def map_choices(people) -> list[SelectChoice]:
    """People on the network map as checkbox choices: name, and who they are to the family."""
    return [SelectChoice(str(p.id), p.label) for p in people]


def offer_map(view: FamilyView, form: MeetingForm, meeting: Meeting | None) -> None:
    """The map people the consultant can invite: everyone on the map they may see, plus this meeting's
    participants who have left the map since (shown as such, so they can be kept or taken off). Participants
    hidden from this consultant (a co-consultant) are never loaded for them, so never offered, and stay as they
    are when the meeting is saved."""
    offered = {str(p.id): (p.label, services.participant_from_map(p)) for p in network_queries.list_people(view)}
    if meeting is not None:
        for part in meeting.participants:
            if part.network_person_id is None or str(part.network_person_id) in offered:
                continue
            label = _("%(name)s (no longer on the map)", name=part.name)
            offered[str(part.network_person_id)] = (label, services.participant_as_before(part))
    form.offered = {key: data for key, (_label, data) in offered.items()}
    form.network.choices = [SelectChoice(key, label) for key, (label, _data) in offered.items()]


def meeting_form(view: FamilyView, meeting: Meeting | None = None, **kwargs) -> MeetingForm:
    people, consultants = family_queries.household(view.family)
    form = MeetingForm(**kwargs)
    form.members.choices = [SelectChoice(str(p.id), p.name) for p, _u, _m in people]
    form.consultants.choices = [SelectChoice(str(a.consultant_id), a.consultant.name) for a in consultants]
    offer_map(view, form, meeting)
    return form


def local(day, time) -> datetime:
    """A date and time typed in Danish local time, as UTC (daylight saving handled by the zone)."""
    return datetime.combine(day, time, tzinfo=LOCAL).astimezone(UTC)


def exists_locally(day, time) -> bool:
    """False for a time the clocks skip when summer time starts (02:00-02:59 on the last Sunday of March)."""
    there_and_back = local(day, time).astimezone(LOCAL)
    return (there_and_back.date(), there_and_back.time().replace(tzinfo=None)) == (day, time)


def check_clock(form: MeetingForm) -> bool:
    """Add a field error for a start or end time that does not exist that day; True when both exist."""
    ok = True
    for field in (form.start, form.end):
        if field.data and form.day.data and not exists_locally(form.day.data, field.data):
            field.errors.append(_("This time does not exist that day: the clocks are moved forward. Choose another."))
            ok = False
    return ok


def meeting_data(view: FamilyView, form: MeetingForm) -> tuple[dict, list[dict]]:
    data = {
        "type": MeetingType(form.type.data),
        "starts_at": local(form.day.data, form.start.data),
        "ends_at": local(form.day.data, form.end.data),
        "mode": MeetingMode(form.mode.data),
        "place": form.place.data or "",
        "purpose": form.purpose.data or "",
        "preparation": form.preparation.data or "",
    }
    people, consultants = family_queries.household(view.family)
    relation = {p.id: (m.relation if m else _("child")) for p, _u, m in people}
    participants = [
        {"kind": "member", "person_id": parse_id(pid), "role": relation.get(parse_id(pid), "")}
        for pid in form.members.data
    ]
    participants += [
        {"kind": "consultant", "user_id": parse_id(uid), "role": _("family consultant")}
        for uid in form.consultants.data
    ]
    participants += [
        {"kind": "other", "name": o.form.name.data, "role": o.form.role.data or "", "decides": o.form.decides.data}
        for o in form.others
        if o.form.name.data
    ]
    participants += [form.offered[key] for key in dict.fromkeys(form.network.data)]
    return data, participants


def prefill(view: FamilyView, meeting: Meeting) -> MeetingForm:
    start, end = meeting.starts_at.astimezone(LOCAL), meeting.ends_at.astimezone(LOCAL)
    others = [
        {"name": p.name, "role": p.role, "decides": p.decides}
        for p in meeting.participants
        if p.kind is ParticipantKind.OTHER
    ]
    return meeting_form(
        view,
        meeting,
        obj=meeting,
        type=meeting.type.value,
        mode=meeting.mode.value,
        day=start.date(),
        start=start.time(),
        end=end.time(),
        members=[str(p.person_id) for p in meeting.participants if p.person_id],
        consultants=[str(p.user_id) for p in meeting.participants if p.user_id],
        network=[str(p.network_person_id) for p in meeting.participants if p.network_person_id],
        others=others + [{}] * (3 - len(others)),
    )
