"""The commands as a person runs them: through the full command-line path,
which also runs Django's system checks (call_command skips that step)."""

import json

import pytest
from django.core.management import execute_from_command_line

from firmdesk.conflicts import services as conflicts
from firmdesk.matters.models import Matter, MatterParty


@pytest.fixture
def adverse(firm, firm_admin):
    robert = conflicts.contact_save(
        firm=firm, actor=firm_admin, kind="person", name="Robert Smith"
    )
    old = Matter.unscoped.create(
        firm=firm, number="M-2024-031", title="Old case", status="closed"
    )
    MatterParty.unscoped.create(firm=firm, matter=old, contact=robert, role="adverse")
    return robert


def test_conflicts_check_json(firm, adverse, capsys):
    execute_from_command_line(
        ["firmdesk", "conflicts", "check", "--firm", firm.slug, "Bob Smyth", "--json"]
    )
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["name"] == "Bob Smyth"
    assert hits[0]["matter"] == "M-2024-031"
    assert {"contact", "role", "score", "reason"} <= hits[0].keys()


def test_audit_verify_runs_from_the_command_line(firm, adverse, capsys):
    execute_from_command_line(["firmdesk", "audit", "verify", "--firm", firm.slug])
    assert "chain intact" in capsys.readouterr().out
