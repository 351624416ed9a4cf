"""The meetings' choices in words: one source for the screens, the forms, the calendar and the family's data.

Templates use the filters in ``FILTERS`` (registered by the app): ``{{ meeting.type|meeting_type }}``. Each takes
the enum or its stored value (the family's data export keeps values).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..i18n import labeller
from .models import Answer, MeetingMode, MeetingType

#: The meeting types of the methods.
MEETING_TYPES = {
    MeetingType.STARTUP: _l("Start meeting"),
    MeetingType.HOME_VISIT: _l("Home visit"),
    MeetingType.FOLLOW_UP: _l("Follow-up meeting"),
    MeetingType.NETWORK: _l("Network meeting"),
    MeetingType.WORK: _l("Work meeting without the family"),
    MeetingType.CASE_TEAM: _l("Case team meeting at the school"),
    MeetingType.GO_ALONG: _l("Going along to another office"),
    MeetingType.PHONE: _l("Phone follow-up"),
}
#: How the meeting is held.
MEETING_MODES = {
    MeetingMode.IN_PERSON: _l("We meet"),
    MeetingMode.PHONE: _l("By phone"),
    MeetingMode.VIDEO: _l("By video"),
}
#: A family member's reply to the invitation, after their name ("Sara is coming").
ANSWERS = {Answer.COMING: _l("is coming"), Answer.CANNOT: _l("cannot come")}


#: Each in the reader's language, from the enum or its stored value; also the template filters of the same names.
meeting_type = labeller(MEETING_TYPES)
meeting_mode = labeller(MEETING_MODES)
meeting_answer = labeller(ANSWERS)
FILTERS = {"meeting_type": meeting_type, "meeting_mode": meeting_mode, "meeting_answer": meeting_answer}
