"""Import every model module so that the metadata (and Alembic) sees all tables."""

from .audit import AuditEvent
from .auth.models import Activation, Passkey, RateLimitHit, Role, User, UserSession
from .db import Base
from .families.models import Assignment, AssignmentRole, CaseType, Family, Membership, Person, PersonKind, Phase
from .gate.models import ConsentRecord, ConsentRequest, ConsentTemplate, PartnerLink
from .meetings.models import (
    CalendarFeed,
    Meeting,
    MeetingParticipant,
    MeetingQuestion,
    MeetingReply,
    MeetingSuggestion,
)
from .network.models import AgencyCase, KinRelation, NetworkPerson, NetworkRevision
from .plans.models import Agreement, Goal, GoalStep, Plan, PlanRevision, ReadinessItem
from .reminders.models import PushSubscription, ReminderSent, ReminderSetting
from .scales.models import ScaleDefinition, ScaleResponse, ScaleSetting
from .tenancy import Municipality
from .yearwheel.models import YearActivity

__all__ = [
    "Municipality",
    "PushSubscription",
    "ReminderSent",
    "ReminderSetting",
    "ConsentRecord",
    "ConsentRequest",
    "ConsentTemplate",
    "PartnerLink",
    "ScaleDefinition",
    "ScaleResponse",
    "ScaleSetting",
    "AgencyCase",
    "KinRelation",
    "NetworkPerson",
    "NetworkRevision",
    "Activation",
    "CalendarFeed",
    "Meeting",
    "MeetingParticipant",
    "MeetingQuestion",
    "MeetingReply",
    "MeetingSuggestion",
    "YearActivity",
    "Agreement",
    "Goal",
    "GoalStep",
    "Plan",
    "PlanRevision",
    "ReadinessItem",
    "Assignment",
    "AssignmentRole",
    "AuditEvent",
    "Base",
    "CaseType",
    "Family",
    "Membership",
    "Passkey",
    "Person",
    "PersonKind",
    "Phase",
    "RateLimitHit",
    "Role",
    "User",
    "UserSession",
]
