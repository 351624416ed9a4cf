"""The consent gate's own rules (familyapp/gate.py) that need no database: when a record is a consent in force,
and what a permission allows. The gate over real requests and records: tests/consent/test_gate.py."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from familyapp import gate
from familyapp.gate.models import KINDS

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


def record(action="given", expires_at=None):
    return SimpleNamespace(action=action, expires_at=expires_at)


class TestActive:
    def test_a_given_consent_without_an_end_is_in_force(self):
        assert gate.active(record(), NOW)

    def test_a_given_consent_is_in_force_until_it_expires(self):
        assert gate.active(record(expires_at=NOW + timedelta(seconds=1)), NOW)
        assert not gate.active(record(expires_at=NOW), NOW)
        assert not gate.active(record(expires_at=NOW - timedelta(days=1)), NOW)

    @pytest.mark.parametrize("action", ["withdrawn", "refused", ""])
    def test_anything_but_a_given_consent_is_not(self, action):
        assert not gate.active(record(action=action), NOW)

    def test_no_record_is_no_consent(self):
        assert not gate.active(None, NOW)


class TestPermission:
    def test_it_allows_the_kinds_it_covers_and_nothing_else(self):
        permission = gate.Permission(frozenset({"plan", "referat"}), {})
        assert permission.allows("plan") and permission.allows("referat")
        assert not permission.allows("meetings") and not permission.allows("scales")

    def test_a_kind_the_gate_does_not_know_is_refused_even_when_listed(self):
        permission = gate.Permission(frozenset({"plan", "diagnoses"}), {})
        assert "diagnoses" not in gate.SHAREABLE
        assert not permission.allows("diagnoses")

    def test_an_invitation_is_for_one_meeting(self):
        meeting, other = uuid.uuid4(), uuid.uuid4()
        permission = gate.Permission(frozenset(), {}, frozenset({meeting}))
        assert permission.allows("meeting_invitation", meeting)
        assert not permission.allows("meeting_invitation", other)
        assert not permission.allows("meeting_invitation")  # which meeting must be said

    def test_an_invitation_shares_nothing_else(self):
        permission = gate.Permission(frozenset(), {}, frozenset({uuid.uuid4()}))
        assert not any(permission.allows(kind) for kind in gate.SHAREABLE)

    def test_nothing_is_allowed_by_default(self):
        empty = gate.Permission(frozenset(), {})
        assert not any(empty.allows(kind, uuid.uuid4()) for kind in KINDS)


def test_every_kind_a_consent_text_may_cover_is_known_to_the_gate():
    assert set(KINDS) == gate.SHAREABLE | {"meeting_invitation"}


def test_asking_about_nobody_needs_no_query(ctx, count_queries):
    with count_queries() as queries:
        assert gate.permissions(SimpleNamespace(id=uuid.uuid4()), set(), NOW) == {}
    assert queries == []
