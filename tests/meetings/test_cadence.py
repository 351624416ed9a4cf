"""Follow-up cadence: month ends, leap years, phase rhythms, overdue rules."""

from __future__ import annotations

from datetime import date

from familyapp.families.models import Cadence, CaseType, Family, Phase
from familyapp.meetings.cadence import follow_up, next_after, rule, suggested_months


def family(case_type=CaseType.SUPPORT, cadence=Cadence.CASE_TYPE, phase=Phase.DEVELOPMENT, start=date(2026, 1, 31)):
    return Family(name="F", case_type=case_type, cadence=cadence, phase=phase, start_date=start)


def test_case_type_sets_the_default_rule():
    assert rule(family(CaseType.SUPPORT)) is Cadence.THREE_MONTHS
    assert rule(family(CaseType.INVESTIGATION)) is Cadence.SIX_WEEKS
    assert rule(family(CaseType.SUPPORT, Cadence.SIX_WEEKS)) is Cadence.SIX_WEEKS


def test_next_after_each_rule():
    assert next_after(date(2026, 11, 30), family()) == date(2027, 2, 28)
    assert next_after(date(2026, 11, 30), family(CaseType.INVESTIGATION)) == date(2027, 1, 11)
    assert next_after(date(2026, 11, 30), family(cadence=Cadence.PHASE, phase=Phase.START)) == date(2026, 12, 7)
    assert next_after(date(2026, 11, 30), family(cadence=Cadence.PHASE, phase=Phase.MAINTENANCE)) == date(2026, 12, 28)


def test_follow_up_counts_from_the_last_contact_or_the_start():
    f = family(CaseType.INVESTIGATION, start=date(2026, 10, 1))
    assert follow_up(f, None, None, date(2026, 11, 1)).due == date(2026, 11, 12)
    assert follow_up(f, date(2026, 11, 10), None, date(2026, 11, 25)).due == date(2026, 12, 22)


def test_overdue_unless_a_meeting_is_planned_in_time():
    f = family(CaseType.INVESTIGATION, start=date(2026, 9, 1))
    late = follow_up(f, None, None, date(2026, 11, 25))
    assert late.overdue and late.days_left < 0
    assert follow_up(f, None, date(2026, 10, 10), date(2026, 11, 25)).overdue is False
    assert follow_up(f, None, date(2026, 12, 1), date(2026, 11, 25)).overdue is True


def test_suggested_months_for_a_year():
    assert len(suggested_months(family(), date(2026, 11, 25))) == 3  # every 3 months, within 12 months
    assert len(suggested_months(family(CaseType.INVESTIGATION), date(2026, 11, 25))) == 8


def test_consultant_sets_the_cadence_and_the_home_shows_the_next_follow_up(client, world, login):
    from sqlalchemy import select

    from familyapp import db
    from familyapp.audit import AuditEvent

    login(world.consultant_a)
    client.post(f"/families/{world.family_a.id}/cadence", data={"cadence": "three_months"})
    assert db.session.get(Family, world.family_a.id).cadence is Cadence.THREE_MONTHS
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "family.cadence_changed")) is not None
    client.post(f"/families/{world.family_a.id}/cadence", data={"cadence": "weekly"})
    assert db.session.get(Family, world.family_a.id).cadence is Cadence.THREE_MONTHS
    login(world.parent_a)
    page = client.get(f"/families/{world.family_a.id}/").get_data(as_text=True)
    assert "follow-up" in page.lower() and "Change follow-up" not in page


def test_municipal_default_from_the_config(app, monkeypatch):
    monkeypatch.setitem(app.config, "CADENCE_DEFAULTS", {"support": "six_weeks"})
    with app.app_context():
        assert rule(family(CaseType.SUPPORT)) is Cadence.SIX_WEEKS
        assert rule(family(CaseType.INVESTIGATION)) is Cadence.SIX_WEEKS
        assert rule(family(CaseType.SUPPORT, Cadence.THREE_MONTHS)) is Cadence.THREE_MONTHS


def test_cadence_defaults_come_from_the_environment(monkeypatch, tmp_path):
    from familyapp.config import from_environment

    monkeypatch.setenv("CADENCE_SUPPORT", "phase")
    monkeypatch.setenv("CADENCE_INVESTIGATION", "every-day")  # unknown values are ignored
    assert from_environment(str(tmp_path))["CADENCE_DEFAULTS"] == {"support": "phase"}


def _sql_follow_ups(families, last_contact, next_planned, today) -> dict:
    """``due_sql`` and ``overdue_sql`` for these families in one statement: {family id: (due, overdue)}."""
    from sqlalchemy import Date, literal, select

    from familyapp import db
    from familyapp.meetings.cadence import due_sql, overdue_sql

    due = due_sql(literal(last_contact, Date), families[0].municipality_id)
    stmt = select(Family.id, due, overdue_sql(due, literal(next_planned, Date), today)).where(
        Family.id.in_([f.id for f in families])
    )
    return {fid: (d, bool(late)) for fid, d, late in db.session.execute(stmt)}


def test_the_sql_rules_agree_with_follow_up(ctx):
    """The caseload orders and filters by ``due_sql``/``overdue_sql``: for every rule, phase and case type, month
    ends and a leap year, with and without a planned meeting, they say what ``follow_up`` says."""
    from itertools import product

    from familyapp import db

    families = [
        family(kind, choice, phase, start=date(2024, 1, 31))
        for kind, choice, phase in product(CaseType, Cadence, Phase)
    ]
    db.session.add_all(families)
    db.session.flush()
    lasts = (None, date(2026, 11, 30), date(2024, 2, 29), date(2026, 8, 31), date(2026, 12, 31), date(2027, 2, 28))
    for last, nxt, today in product(lasts, (None, date(2027, 1, 11), date(2027, 6, 1)), (date(2027, 1, 12),)):
        found = _sql_follow_ups(families, last, nxt, today)
        for f in families:
            expected = follow_up(f, last, nxt, today)
            assert found[f.id] == (expected.due, expected.overdue), (f.case_type, f.cadence, f.phase, last, nxt)


def test_the_sql_rules_follow_the_municipal_default(app, ctx, monkeypatch):
    monkeypatch.setitem(app.config, "CADENCE_DEFAULTS", {"support": "phase", "investigation": "three_months"})
    from familyapp import db

    families = [family(kind, Cadence.CASE_TYPE, Phase.START) for kind in CaseType]
    db.session.add_all(families)
    db.session.flush()
    found = _sql_follow_ups(families, date(2026, 11, 30), None, date(2026, 12, 1))
    assert [found[f.id][0] for f in families] == [date(2026, 12, 7), date(2027, 2, 28)]
    assert [found[f.id][0] for f in families] == [
        follow_up(f, date(2026, 11, 30), None, date(2026, 12, 1)).due for f in families
    ]


def test_the_sql_rules_follow_the_municipalitys_own_rules(ctx):
    """A municipality's own rule per case type (set by its admin) is the rule of its families on the usual rule,
    in SQL as in ``follow_up``; a family's own choice stays; empty (or a value that is no such rule) falls back to
    the installation's."""
    from itertools import product

    from familyapp import db
    from familyapp.meetings.cadence import Rules, rules_of
    from familyapp.tenancy import Municipality

    families = [
        family(kind, choice, Phase.START) for kind in CaseType for choice in (Cadence.CASE_TYPE, Cadence.SIX_WEEKS)
    ]
    db.session.add_all(families)
    db.session.flush()
    municipality = db.session.get(Municipality, families[0].municipality_id)
    last, today = date(2026, 11, 30), date(2026, 12, 1)
    # "case_type" is no rule for a case type: stored by hand, it counts as not set, in SQL as in Python.
    for support, investigation in product((None, "case_type", "six_weeks", "three_months", "phase"), repeat=2):
        municipality.cadence_support, municipality.cadence_investigation = support, investigation
        db.session.flush()
        found = _sql_follow_ups(families, last, None, today)
        for f in families:
            assert rules_of(f) == Rules(support, investigation)
            assert found[f.id][0] == follow_up(f, last, None, today, rules_of(f)).due, (f.case_type, support)
    # The last round: every family on the usual rule follows the phase's rhythm (a week at the start).
    assert {found[f.id][0] for f in families if f.cadence is Cadence.CASE_TYPE} == {date(2026, 12, 7)}
    assert {found[f.id][0] for f in families if f.cadence is Cadence.SIX_WEEKS} == {date(2027, 1, 11)}
