"""Rows of firm A (and firm B) that registry_security_incidents.py points at:
an incident with an affected matter and an open notice, one ready to close,
a report by the assistant; the same kinds in firm B for the foreign cases."""

import datetime

import pytest

from firmdesk.access.scope import resolve_scope
from firmdesk.compliance import incidents as svc

__all__ = [
    "incidents_incident",
    "incidents_notice",
    "incidents_closable",
    "incidents_report",
    "incidents_other_incident",
    "incidents_other_notice",
    "incidents_other_report",
]

DISCOVERED = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC)


def _incident(user, firm, title):
    return svc.incident_record(
        scope=resolve_scope(user, firm),
        title=title,
        kind="misdirected",
        description="A letter went to the wrong address.",
        discovered_at=DISCOVERED,
    )


def _notice(user, incident):
    return svc.notice_add(
        scope=resolve_scope(user, incident.firm),
        incident=incident,
        recipient_kind="insurer",
        recipient_name="Lawyers Mutual",
        days=30,
    )


@pytest.fixture
def incidents_incident(firm, firm_admin, matter, contact):
    incident = _incident(firm_admin, firm, "Letter sent to the wrong client")
    scope = resolve_scope(firm_admin, firm)
    svc.incident_matter_add(
        scope=scope, incident=incident, matter=matter, what_was_exposed="address"
    )
    svc.incident_findings_save(
        scope=scope,
        incident=incident,
        containment="Recipient deleted it",
        root_cause="",
        changes="",
    )
    return incident


@pytest.fixture
def incidents_notice(firm_admin, incidents_incident):
    return _notice(firm_admin, incidents_incident)


@pytest.fixture
def incidents_closable(firm, firm_admin):
    incident = _incident(firm_admin, firm, "Laptop left on a train")
    svc.incident_findings_save(
        scope=resolve_scope(firm_admin, firm),
        incident=incident,
        containment="Remote wipe",
        root_cause="Carried unlocked",
        changes="Disk encryption checked monthly",
    )
    return incident


@pytest.fixture
def incidents_report(firm, assistant):
    return _incident(assistant, firm, "I opened a file I was not meant to see")


@pytest.fixture
def incidents_other_incident(other_firm, outsider):
    return _incident(outsider, other_firm, "Brandt filing sent astray")


@pytest.fixture
def incidents_other_notice(outsider, incidents_other_incident):
    return _notice(outsider, incidents_other_incident)


@pytest.fixture
def incidents_other_report(other_firm, assistant):
    return _incident(assistant, other_firm, "Brandt filing seen by mistake")
