"""A file is imported whole or not at all, and every problem names its line."""

import pytest
from django.db import DatabaseError

from firmdesk.audit.models import AuditEvent
from firmdesk.conflicts import importing
from firmdesk.conflicts.importing import import_file
from firmdesk.matters.models import Contact
from tests.imports.helpers import counts, run

pytestmark = pytest.mark.django_db

NOTHING = {
    "contacts": 0,
    "aliases": 0,
    "relationships": 0,
    "matters": 0,
    "parties": 0,
    "keys": 0,
}


def test_one_bad_row_imports_nothing_and_names_the_line(firm):
    result = run(firm, "firmdesk_bad_row.csv")
    assert not result.ok
    assert not result.written
    assert [str(e) for e in result.errors] == [
        "Line 4: the role “plaintif” is not one we know; use one of: client, "
        "adverse, co_party, opposing_counsel, related, witness, expert."
    ]
    assert counts(firm) == NOTHING
    assert not AuditEvent.objects.filter(org=firm).exists()
    assert "Nothing was imported" in result.summary()


def test_every_problem_is_listed_with_its_line(firm):
    result = run(firm, "firmdesk_many_errors.csv")
    assert [e.line for e in result.errors] == [2, 2, 3, 4, 4, 6, 6]
    text = [str(e) for e in result.errors]
    assert text[0] == "Line 2: “ana@example” is not an e-mail address"
    assert "four-digit year" in text[1]
    assert "Did you mean “person”?" in text[2]
    assert "area code" in text[3]
    assert "the role of “Carla Dias” in matter M-2020-001 is empty" in text[4]
    assert text[5] == "Line 6: the name is empty"
    assert "month/day/year" in text[6]
    assert counts(firm) == NOTHING


def test_dry_run_writes_nothing_and_counts_what_would_be(firm):
    dry = run(firm, "firmdesk_contacts.csv", dry_run=True)
    assert dry.ok and dry.dry_run and not dry.written
    assert counts(firm) == NOTHING
    assert not AuditEvent.objects.filter(org=firm).exists()
    assert "Nothing was written (dry run)" in dry.summary()
    real = run(firm, "firmdesk_contacts.csv")
    for field in (
        "contacts_created",
        "aliases_created",
        "relationships_created",
        "matters_created",
        "parties_created",
    ):
        assert getattr(dry, field) == getattr(real, field), field


def test_dry_run_reports_problems_too(firm):
    result = run(firm, "firmdesk_bad_row.csv", dry_run=True)
    assert result.errors[0].line == 4


def test_one_audit_event_summarises_the_import(firm, firm_admin):
    run(firm, "firmdesk_contacts.csv", actor=firm_admin)
    events = list(AuditEvent.objects.filter(org=firm))
    assert len(events) == 1
    event = events[0]
    assert event.action == "contacts.imported"
    assert event.actor == firm_admin
    assert event.detail["file"] == "firmdesk_contacts.csv"
    assert event.detail["contacts_created"] == 5
    assert event.detail["parties_created"] == 5
    assert len(event.detail["sha256"]) == 64


def test_a_failure_while_saving_leaves_nothing_behind(firm, monkeypatch):
    def broken_index(**kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(importing, "contacts_index_bulk", broken_index)
    result = run(firm, "firmdesk_contacts.csv")
    assert not result.ok
    assert "nothing was written" in result.errors[0].message
    assert counts(firm) == NOTHING
    assert not AuditEvent.objects.filter(org=firm).exists()


def test_importing_the_same_file_again_adds_nothing(firm):
    run(firm, "firmdesk_contacts.csv")
    before = counts(firm)
    again = run(firm, "firmdesk_contacts.csv")
    assert again.ok
    assert again.contacts_created == 0
    assert again.contacts_matched == 5
    assert again.matters_created == 0
    assert again.matters_matched == 2
    assert again.parties_created == 0
    assert again.aliases_created == 0
    assert counts(firm) == before


def import_text(firm, text: str, **kwargs):
    return import_file(
        firm=firm, actor=None, kind="contacts", file=text.encode(), **kwargs
    )


HEADER = "kind,name,email,phone,aliases\n"


def test_same_name_and_email_is_one_contact_different_email_is_another(firm):
    result = import_text(
        firm,
        HEADER
        + "person,John Smith,js@a.example,,\n"
        + "person,JOHN  SMITH,JS@A.example,212-555-0100,\n"
        + "person,John Smith,john@b.example,,\n",
    )
    assert result.contacts_created == 2
    first = Contact.unscoped.get(firm=firm, emails=["js@a.example"])
    assert first.phones == ["+12125550100"]


def test_a_row_without_email_joins_the_contact_of_that_name(firm):
    import_text(firm, HEADER + "person,Ana Lima,ana@example.com,,\n")
    result = import_text(firm, HEADER + "person,Ana Lima,,,Ana Borges (maiden)\n")
    assert result.contacts_created == 0
    assert result.contacts_updated == 1
    ana = Contact.unscoped.get(firm=firm, name="Ana Lima")
    assert list(ana.aliases.values_list("name", "kind")) == [("Ana Borges", "maiden")]


def test_contacts_of_another_firm_are_never_matched(firm, other_firm):
    run(firm, "firmdesk_contacts.csv")
    result = run(other_firm, "firmdesk_contacts.csv")
    assert result.contacts_created == 5
    assert result.matters_created == 2
    assert counts(firm) == counts(other_firm)


def test_a_row_with_more_cells_than_the_header_is_refused(firm):
    result = import_text(firm, HEADER + "person,Smith, John,js@x.example,,Johnny\n")
    assert result.errors[0].line == 2
    assert "missing its quote marks" in result.errors[0].message


def test_an_empty_file_says_so(firm):
    result = import_text(firm, "")
    assert "empty" in result.errors[0].message
    result = import_text(firm, HEADER)
    assert "no rows" in result.errors[0].message


def test_a_person_may_work_for_several_companies(firm):
    from firmdesk.matters.models import ContactRelationship

    result = import_text(
        firm,
        "kind,name,company\nperson,Ana Lima,Globex Corporation; Initech LLC\n",
    )
    assert result.relationships_created == 2
    assert set(
        ContactRelationship.unscoped.filter(firm=firm).values_list(
            "from_contact__name", "kind", "to_contact__name"
        )
    ) == {
        ("Globex Corporation", "employer", "Ana Lima"),
        ("Initech LLC", "employer", "Ana Lima"),
    }


def test_dry_run_of_a_file_already_imported_adds_nothing(firm):
    run(firm, "firmdesk_contacts.csv")
    dry = run(firm, "firmdesk_contacts.csv", dry_run=True)
    assert (
        dry.contacts_created,
        dry.aliases_created,
        dry.relationships_created,
        dry.matters_created,
        dry.parties_created,
    ) == (0, 0, 0, 0, 0)
