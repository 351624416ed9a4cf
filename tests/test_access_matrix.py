"""Every route for every role (TECH-NOTES 3.4): expected status, security headers, and no state change on GET
(no table's row count changes, but for the audit of a read: tests/dbutil.py).

A new route that is not listed here fails test_every_route_is_in_the_matrix.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from familyapp import db
from familyapp.families.models import Assignment
from familyapp.gate.models import ConsentRecord, ConsentRequest, PartnerLink
from familyapp.meetings.models import Meeting
from familyapp.network.models import AgencyCase, KinRelation, NetworkPerson
from familyapp.plans.models import Agreement, Goal, GoalStep, PlanRevision, ReadinessItem
from familyapp.scales.models import ScaleResponse
from tests import factories
from tests.dbutil import snapshot, writes_since

ROLES = [
    "parent_a",
    "parent_b",
    "consultant_a",
    "consultant_b",
    "admin",
    "anonymous",
    "co_consultant_a",
    "leader",
    "consultant_other",
    "admin_other",
    "operator",
]
RANDOM = "5b0e7c1e-1d49-4c1a-9d0b-0d6c0a4a7c11"


def _s(
    parent_a,
    parent_b,
    consultant_a,
    consultant_b,
    admin,
    anonymous,
    *,
    co=None,
    leader=None,
    admin_other=None,
    operator=None,
):
    """Expected status per role. Family A's co-consultant gets what its primary consultant gets, and the team
    leader what another family's consultant gets (no content), unless said otherwise. Another municipality's
    consultant gets what another family's consultant gets; its admin what the admin gets where nothing of family
    A's municipality is named (their own start page and forms), unless said otherwise."""
    co = consultant_a if co is None else co
    leader = consultant_b if leader is None else leader
    admin_other = admin if admin_other is None else admin_other
    # The national operator: what the team leader gets (no family content), unless said otherwise.
    operator = leader if operator is None else operator
    codes = (parent_a, parent_b, consultant_a, consultant_b, admin, anonymous, co, leader, consultant_b, admin_other)
    codes += (operator,)
    return dict(zip(ROLES, codes, strict=True))


def everyone(code):
    return _s(code, code, code, code, code, code)


def signed_in(code, anonymous=302):
    return _s(code, code, code, code, code, anonymous)


FAMILY_A_CONTENT = _s(200, 404, 200, 404, 404, 302)
#: Vouching for a family's logins: its primary consultant only; its co-consultant is told why not (403).
VOUCH_A = lambda code: _s(404, 404, code, 404, 404, 302, co=403)  # noqa: E731
ADMIN_ONLY = lambda code: _s(404, 404, 404, 404, code, 302)  # noqa: E731
OPERATOR_ONLY = lambda code: _s(404, 404, 404, 404, 404, 302, co=404, operator=code)  # noqa: E731
#: An admin's page of family A or consultant A: another municipality's admin finds nothing there.
ADMIN_OF_A = lambda code: _s(404, 404, 404, 404, code, 302, admin_other=404)  # noqa: E731
FAMILY_A_CHANGE = lambda code: _s(code, 404, code, 404, 404, 302)  # noqa: E731
CONSULTANT_A = lambda code: _s(404, 404, code, 404, 404, 302)  # noqa: E731
FAMILY_MEMBER_A = lambda code: _s(code, 404, 404, 404, 404, 302)  # noqa: E731
P = "/families/{A}/plan"
M = "/families/{A}/meetings"
W = "/families/{A}/yearwheel"
N = "/families/{A}/network"
S = "/families/{A}/scales"
C = "/families/{A}/consent"
PARENT_A_ONLY = _s(302, 404, 404, 404, 404, 302)

#: endpoint -> (method, url template, expected status per role). {A} is family A; {person} an adult of A;
#: {consultant} consultant A; {assignment} consultant A's assignment to family A.
MATRIX = {
    "overview.index": ("GET", "/", everyone(302)),
    "overview.home": ("GET", "/families/{A}/", FAMILY_A_CONTENT),
    "overview.caseload": ("GET", "/caseload", _s(404, 404, 200, 200, 404, 302, leader=404)),
    "overview.people": ("GET", "/families/{A}/people", CONSULTANT_A(200)),
    "overview.add_adult": ("POST", "/families/{A}/people/adults", VOUCH_A(400)),
    "overview.give_login": ("POST", "/families/{A}/people/{person}/login", VOUCH_A(302)),
    "overview.add_child": ("POST", "/families/{A}/people/children", CONSULTANT_A(400)),
    "overview.set_interpreter": ("POST", "/families/{A}/people/{person}/interpreter", CONSULTANT_A(302)),
    # Parent A has no passkey in the world: a first activation, shown at once (tests/recovery/test_views.py).
    "overview.new_activation": ("POST", "/families/{A}/people/{person}/activation", VOUCH_A(200)),
    "overview.change_phase": ("POST", "/families/{A}/phase", CONSULTANT_A(302)),
    "overview.change_cadence": ("POST", "/families/{A}/cadence", CONSULTANT_A(302)),
    "plans.detail": ("GET", P, FAMILY_A_CONTENT),
    "plans.words": ("GET", P + "/words", FAMILY_A_CONTENT),
    "plans.add_goal": ("POST", P + "/goals", FAMILY_A_CHANGE(400)),
    "plans.edit_goal": ("GET", P + "/goals/{goal}", CONSULTANT_A(200)),
    "plans.delete_goal": ("POST", P + "/goals/{goal}/delete", CONSULTANT_A(302)),
    "plans.add_step": ("POST", P + "/goals/{goal}/steps", FAMILY_A_CHANGE(400)),
    "plans.toggle_step": ("POST", P + "/steps/{step}/done", FAMILY_A_CHANGE(302)),
    "plans.delete_step": ("POST", P + "/steps/{step}/delete", CONSULTANT_A(302)),
    "plans.add_agreement": ("POST", P + "/agreements", CONSULTANT_A(400)),
    "plans.edit_agreement": ("GET", P + "/agreements/{agreement}", CONSULTANT_A(200)),
    "plans.toggle_agreement": ("POST", P + "/agreements/{agreement}/done", FAMILY_A_CHANGE(302)),
    "plans.delete_agreement": ("POST", P + "/agreements/{agreement}/delete", CONSULTANT_A(302)),
    "plans.history": ("GET", P + "/history", FAMILY_A_CONTENT),
    "plans.revision": ("GET", P + "/history/{revision}", FAMILY_A_CONTENT),
    "plans.print_view": ("GET", P + "/print", FAMILY_A_CONTENT),
    "plans.readiness": ("GET", P + "/readiness", FAMILY_A_CONTENT),
    "plans.delete_readiness": ("POST", P + "/readiness/{item}/delete", CONSULTANT_A(302)),
    "meetings.index": ("GET", M, FAMILY_A_CONTENT),
    "meetings.detail": ("GET", M + "/{meeting}", FAMILY_A_CONTENT),
    "meetings.reply": ("POST", M + "/{meeting}/reply", FAMILY_MEMBER_A(400)),
    "meetings.add_question": ("POST", M + "/{meeting}/questions", FAMILY_MEMBER_A(400)),
    "meetings.suggest": ("POST", M + "/{meeting}/suggestions", FAMILY_MEMBER_A(400)),
    "meetings.new": ("GET", M + "/new", CONSULTANT_A(200)),
    "meetings.edit": ("GET", M + "/{meeting}/edit", CONSULTANT_A(200)),
    "meetings.cancel": ("POST", M + "/{meeting}/cancel", CONSULTANT_A(302)),
    "meetings.referat": ("GET", M + "/{meeting}/referat", CONSULTANT_A(200)),
    "meetings.meeting_ics": ("GET", M + "/{meeting}/calendar.ics", FAMILY_A_CONTENT),
    "calendar.settings": ("GET", "/calendar", signed_in(200)),
    "calendar.revoke": ("POST", "/calendar/revoke", signed_in(302)),
    "calendar.feed": ("GET", "/calendar/not-a-token.ics", everyone(404)),
    "yearwheel.wheel": ("GET", W, FAMILY_A_CONTENT),
    "yearwheel.add": ("POST", W + "/activities", CONSULTANT_A(400)),
    # The world has no activities: a random id is a 404 for everyone; tests/yearwheel covers the real ones.
    "yearwheel.move": ("POST", W + "/activities/" + RANDOM + "/move", CONSULTANT_A(404)),
    "yearwheel.link": ("POST", W + "/activities/" + RANDOM + "/meeting", CONSULTANT_A(404)),
    "yearwheel.remove": ("POST", W + "/activities/" + RANDOM + "/delete", CONSULTANT_A(404)),
    "yearwheel.suggestions": ("GET", W + "/suggestions", CONSULTANT_A(200)),
    "yearwheel.accept_suggestions": ("POST", W + "/suggestions/accept", CONSULTANT_A(302)),
    "network.index": ("GET", N, FAMILY_A_CONTENT),
    "network.add_person": ("POST", N + "/people", FAMILY_A_CHANGE(400)),
    # {netperson} is the grandmother, whom the family hides from its co-consultant: for them she does not exist.
    "network.edit_person": ("GET", N + "/people/{netperson}", {**FAMILY_A_CONTENT, "co_consultant_a": 404}),
    "network.remove_person": ("POST", N + "/people/{netperson}/delete", _s(302, 404, 302, 404, 404, 302, co=404)),
    "network.history": ("GET", N + "/history", FAMILY_A_CONTENT),
    "network.family_tree": ("GET", N + "/family-tree", FAMILY_A_CONTENT),
    "network.add_relation": ("POST", N + "/family-tree/relations", FAMILY_A_CHANGE(400)),
    "network.remove_relation": (
        "POST",
        N + "/family-tree/relations/{relation}/delete",
        _s(302, 404, 302, 404, 404, 302, co=404),  # the relation is to the hidden grandmother
    ),
    "network.cases": ("GET", N + "/cases", FAMILY_A_CONTENT),
    "network.add_case": ("POST", N + "/cases", CONSULTANT_A(400)),
    "network.edit_case": ("GET", N + "/cases/{case}", CONSULTANT_A(200)),
    "network.remove_case": ("POST", N + "/cases/{case}/delete", CONSULTANT_A(302)),
    "scales.index": ("GET", S, FAMILY_A_CONTENT),
    # A made-up window key is nobody's window: a 404 for everyone; tests/scales covers real windows.
    "scales.fill": ("GET", S + "/fill/wellbeing.m." + RANDOM, _s(404, 404, 404, 404, 404, 302)),
    "scales.draft": ("POST", S + "/fill/wellbeing.m." + RANDOM + "/draft", _s(404, 404, 404, 404, 404, 302)),
    "scales.decline": ("POST", S + "/fill/wellbeing.m." + RANDOM + "/decline", _s(404, 404, 404, 404, 404, 302)),
    "scales.answer": ("GET", S + "/answers/{response}", FAMILY_A_CONTENT),
    "scales.discussed": ("POST", S + "/answers/{response}/discussed", CONSULTANT_A(302)),
    "scales.settings": ("POST", S + "/settings", FAMILY_MEMBER_A(302)),
    "review.queue": ("GET", "/review", _s(404, 404, 200, 200, 404, 302, leader=404)),
    "consent.index": ("GET", C, FAMILY_A_CONTENT),
    "consent.ask": ("POST", C + "/requests", CONSULTANT_A(400)),
    # Parent A has given this consent already: giving again is refused with a message (a redirect).
    "consent.give": ("POST", C + "/requests/{request}/give", PARENT_A_ONLY),
    "consent.withdraw": ("POST", C + "/requests/{request}/withdraw", PARENT_A_ONLY),
    "consent.receipt": ("GET", C + "/records/{record}", FAMILY_A_CONTENT),
    "consent.make_link": ("POST", C + "/links", CONSULTANT_A(400)),
    "consent.revoke_link": ("POST", C + "/links/{link}/revoke", CONSULTANT_A(302)),
    "partner.view": ("GET", "/partner/not-a-token", everyone(410)),
    "overview.my_data": ("GET", "/families/{A}/my-data", FAMILY_MEMBER_A(200)),
    "overview.my_data_json": ("GET", "/families/{A}/my-data.json", FAMILY_MEMBER_A(200)),
    "overview.my_data_section": ("GET", "/families/{A}/my-data/meetings", FAMILY_MEMBER_A(200)),
    "overview.who_looked": ("GET", "/families/{A}/who-looked", FAMILY_A_CONTENT),
    # The world's meeting is a follow-up, not a network meeting: nothing to invite to.
    "meetings.mark_seen": ("POST", M + "/{meeting}/seen", CONSULTANT_A(302)),
    "consent.send_invitations": ("POST", M + "/{meeting}/invitations", _s(404, 404, 404, 404, 404, 302)),
    "overview.set_custody": ("POST", "/families/{A}/people/{person}/custody", VOUCH_A(302)),
    "recovery.confirm": ("POST", f"/recoveries/{RANDOM}/confirm", _s(404, 404, 404, 404, 404, 302)),
    "recovery.hand_out": ("POST", f"/recoveries/{RANDOM}/hand-out", _s(404, 404, 404, 404, 404, 302)),
    "recovery.read_notices": ("POST", "/recoveries/notices/read", signed_in(302)),
    # A new professional's login, confirmed by the team leader or a second admin (tests/admin/test_views.py).
    "recovery.confirm_login": ("POST", f"/recoveries/logins/{RANDOM}/confirm", _s(404, 404, 404, 404, 404, 302)),
    "leader.index": ("GET", "/leader/", _s(404, 404, 404, 404, 404, 302, co=404, leader=200, operator=404)),
    "operator.index": ("GET", "/operator/", OPERATOR_ONLY(200)),
    "operator.add_municipality": ("POST", "/operator/municipalities", OPERATOR_ONLY(400)),
    "operator.add_admin": ("POST", "/operator/admins", OPERATOR_ONLY(400)),
    "signin.confirm_begin": ("POST", "/auth/confirm/begin", signed_in(200)),
    "signin.confirm_finish": ("POST", "/auth/confirm/finish", signed_in(400)),
    "admin.index": ("GET", "/admin/", ADMIN_ONLY(200)),
    "admin.consultant": ("GET", "/admin/consultants/{consultant}", ADMIN_OF_A(200)),
    "admin.add_consultant": ("POST", "/admin/consultants", ADMIN_ONLY(400)),
    "admin.municipality": ("POST", "/admin/municipality", ADMIN_ONLY(302)),
    "admin.consultant_activation": ("POST", "/admin/consultants/{consultant}/activation", ADMIN_OF_A(200)),
    "admin.add_family": ("POST", "/admin/families", ADMIN_ONLY(400)),
    "admin.family": ("GET", "/admin/families/{A}", ADMIN_OF_A(200)),
    "admin.assign": ("POST", "/admin/families/{A}/assignments", ADMIN_OF_A(400)),
    "admin.unassign": ("POST", "/admin/families/{A}/assignments/{assignment}/delete", ADMIN_OF_A(302)),
    "signin.login": ("GET", "/auth/login", signed_in(302, anonymous=200)),
    "signin.login_begin": ("POST", "/auth/login/begin", everyone(200)),
    "signin.login_finish": ("POST", "/auth/login/finish", everyone(400)),
    "signin.logout": ("POST", "/auth/logout", everyone(302)),
    "signin.activate": ("GET", "/auth/activate", everyone(200)),
    "signin.activate_link": ("GET", "/auth/activate/not-a-real-token", everyone(404)),
    "signin.register": ("GET", "/auth/activate/register", everyone(302)),
    "signin.register_begin": ("POST", "/auth/activate/register/begin", everyone(400)),
    "signin.register_finish": ("POST", "/auth/activate/register/finish", everyone(400)),
    "signin.passkeys": ("GET", "/auth/passkeys", signed_in(200)),
    "signin.rename_passkey": ("POST", f"/auth/passkeys/{RANDOM}/rename", signed_in(404)),
    "signin.delete_passkey": ("POST", f"/auth/passkeys/{RANDOM}/delete", signed_in(404)),
    "language.switch": ("POST", "/language", everyone(302)),
    "language.choose": ("GET", "/language", everyone(200)),
    "reminders.settings": ("GET", "/reminders", _s(200, 200, 404, 404, 404, 302)),
    "reminders.save": ("POST", "/reminders", _s(302, 302, 404, 404, 404, 302)),
    "reminders.subscribe": ("POST", "/reminders/subscribe", _s(400, 400, 404, 404, 404, 302)),
    "reminders.unsubscribe": ("POST", "/reminders/unsubscribe", _s(200, 200, 404, 404, 404, 302)),
    "pwa.manifest": ("GET", "/manifest.webmanifest", everyone(200)),
    "pwa.service_worker": ("GET", "/sw.js", everyone(200)),
    "pwa.offline": ("GET", "/offline", everyone(200)),
    "pwa.install": ("GET", "/install", everyone(200)),
    # The probes of a load balancer: the process is up; the database answers at this release's schema.
    "health.healthz": ("GET", "/healthz", everyone(200)),
    "health.readyz": ("GET", "/readyz", everyone(200)),
    "pwa.favicon": ("GET", "/favicon.ico", everyone(200)),
}
# The consultant's "mark as seen" on a meeting (opening the meeting used to do it, and a GET writes nothing).


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert endpoints - set(MATRIX) == set(), "add the new routes to MATRIX in tests/test_access_matrix.py"
    assert set(MATRIX) - endpoints == set()


def test_state_changing_routes_are_post_only(app):
    for rule in app.url_map.iter_rules():
        method = MATRIX.get(rule.endpoint, ("GET",))[0]
        if method == "POST":
            assert "GET" not in rule.methods, rule


def _url(template: str, world) -> str:
    def first(model):
        return db.session.scalar(select(model.id).where(model.family_id == world.family_a.id).limit(1))

    return template.format(
        A=world.family_a.id,
        person=world.parent_a.person_id,
        consultant=world.consultant_a.id,
        assignment=first(Assignment),
        goal=first(Goal),
        step=first(GoalStep),
        agreement=first(Agreement),
        revision=first(PlanRevision),
        item=first(ReadinessItem),
        meeting=first(Meeting),
        # By name: on PostgreSQL a row's place on disk (what an unordered LIMIT 1 returns) moves as tests run.
        netperson=db.session.scalar(
            select(NetworkPerson.id).where(NetworkPerson.family_id == world.family_a.id, NetworkPerson.name == "Bente")
        ),
        relation=first(KinRelation),
        case=first(AgencyCase),
        response=first(ScaleResponse),
        request=first(ConsentRequest),
        record=first(ConsentRecord),
        link=first(PartnerLink),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_access(app, client, world, endpoint, role):
    method, template, expected = MATRIX[endpoint]
    user = world.by_role(role)
    if user is not None:
        factories.sign_in(client, user)
    before = snapshot()  # every table's row count (tests/dbutil.py)
    response = client.open(_url(template, world), method=method)
    assert response.status_code == expected[role], f"{method} {template} as {role}"
    headers = response.headers
    assert "object-src 'none'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    if method == "GET":
        assert writes_since(before) == [], "a GET request wrote more than the audit of a read"


@pytest.mark.parametrize("template", ["/families/{B}/", "/families/{B}/network", "/families/{B}/people"])
def test_consultant_of_a_cannot_reach_family_b(client, world, template):
    factories.sign_in(client, world.consultant_a)
    assert client.get(template.format(B=world.family_b.id)).status_code == 404


@pytest.mark.parametrize("bad", ["not-a-uuid", "1", "'; drop table families; --", str(uuid.uuid4())])
def test_malformed_and_unknown_ids_are_404(client, world, bad):
    factories.sign_in(client, world.consultant_a)
    assert client.get(f"/families/{bad}/").status_code == 404
    assert client.get(f"/families/{bad}/people").status_code == 404
