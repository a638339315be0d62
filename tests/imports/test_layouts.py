"""Each layout reads a small realistic file (data/) into contacts, aliases,
employer links, pre-existing matters and parties."""

import datetime

import pytest

from firmdesk.matters.models import (
    Contact,
    ContactAlias,
    ContactRelationship,
    Matter,
    MatterParty,
)
from tests.imports.helpers import counts, run

pytestmark = pytest.mark.django_db


def contact(firm, name) -> Contact:
    return Contact.unscoped.get(firm=firm, name=name)


def roles(firm, name) -> set[tuple[str, str]]:
    return set(
        MatterParty.unscoped.filter(firm=firm, contact__name=name).values_list(
            "matter__number", "role"
        )
    )


def employers(firm, name) -> set[str]:
    return set(
        ContactRelationship.unscoped.filter(
            firm=firm, to_contact__name=name, kind="employer"
        ).values_list("from_contact__name", flat=True)
    )


# --- FirmDesk ----------------------------------------------------------------


def test_firmdesk_layout_reads_contacts_in_their_roles(firm):
    result = run(firm, "firmdesk_contacts.csv")
    assert result.ok, result.errors
    assert result.written
    assert counts(firm) | {"keys": 0} == {
        "contacts": 5,
        "aliases": 5,
        "relationships": 1,
        "matters": 2,
        "parties": 5,
        "keys": 0,
    }
    bob = contact(firm, "Robert Smith")
    assert bob.kind == "person"
    assert bob.emails == ["rsmith@example.com"]
    assert bob.phones == ["+12125550101"]
    assert bob.address == "12 Hudson St, New York, NY 10013"
    assert roles(firm, "Robert Smith") == {
        ("M-2019-014", "client"),
        ("M-2022-007", "related"),
    }
    assert employers(firm, "Robert Smith") == {"Globex Corporation"}
    assert set(
        ContactAlias.unscoped.filter(contact__name="ACME, Inc.").values_list(
            "name", "kind"
        )
    ) == {("Acme Corp", "former"), ("ACI", "acronym")}
    peggy = contact(firm, "Margaret Jones")
    assert peggy.is_prospective
    assert peggy.phones == ["+19175550123"]
    assert peggy.notes.startswith("Asked about a lease dispute")
    assert not peggy.parties.exists()
    assert contact(firm, "Dana O'Neil").phones == ["+12125550150"]


def test_imported_matters_are_pre_existing_with_a_note(firm):
    run(firm, "firmdesk_contacts.csv")
    matter = Matter.unscoped.get(firm=firm, number="M-2019-014")
    assert matter.status == Matter.Status.PRE_EXISTING
    assert matter.title == "Smith v. Acme Corp"
    assert matter.practice_area == "Litigation"
    assert matter.opened_on == datetime.date(2019, 3, 4)
    assert matter.closed_on == datetime.date(2021, 6, 30)
    assert "Imported from “firmdesk_contacts.csv” on " in matter.note
    assert "exempt from the conflict check" in matter.note
    assert "Status in the old system: closed." in matter.note


def test_a_contact_on_several_rows_is_one_contact(firm):
    result = run(firm, "firmdesk_contacts.csv")
    assert result.rows_merged == 1
    assert Contact.unscoped.filter(firm=firm, name="Robert Smith").count() == 1


# --- Clio --------------------------------------------------------------------


def test_clio_contacts_template_with_byte_order_mark(firm):
    result = run(firm, "clio_contacts_template.csv", layout="clio")
    assert result.ok, result.errors
    assert result.encoding == "UTF-8 with byte-order mark"
    jose = contact(firm, "José García")
    assert jose.kind == "person"
    assert jose.emails == ["jose@garcia-construction.example"]
    assert jose.phones == ["+15185550142"]
    assert jose.address == "400 Main St, Albany, NY, 12207"
    assert employers(firm, "José García") == {"García Construction LLC"}
    assert contact(firm, "García Construction LLC").kind == "organization"
    assert contact(firm, "Siobhán O’Connor").phones == ["+17165550177"]
    bank = contact(firm, "Hudson Valley Bank")
    assert bank.kind == "organization"
    assert bank.phones == ["+18455550100"]


def test_clio_contacts_export_saved_by_excel_in_windows_1252(firm):
    result = run(firm, "clio_contacts_export.csv", layout="clio")
    assert result.ok, result.errors
    assert result.encoding == "Windows-1252"
    renee = contact(firm, "Renée Dubois")
    assert renee.emails == ["renee@lesamis.example", "renee.work@lesamis.example"]
    assert renee.phones == ["+12125550188", "+16465550111"]
    # The company named on Renée's row and the company's own row are one contact.
    bistro = contact(firm, "“Les Amis” Bistro")
    assert bistro.kind == "organization"
    assert bistro.emails == ["info@lesamis.example"]
    assert employers(firm, "Renée Dubois") == {"“Les Amis” Bistro"}
    assert contact(firm, "Zoë Müller").kind == "person"
    assert counts(firm)["contacts"] == 3


def test_clio_matters_template_links_clients_already_imported(firm):
    run(firm, "clio_contacts_template.csv", layout="clio")
    result = run(firm, "clio_matters_template.csv", kind="matters", layout="clio")
    assert result.ok, result.errors
    assert result.contacts_created == 0
    assert result.contacts_matched == 2
    matter = Matter.unscoped.get(firm=firm, number="00012-García")
    assert matter.status == Matter.Status.PRE_EXISTING
    assert matter.title == "García v. Hudson Valley Bank - breach of contract"
    assert matter.opened_on == datetime.date(2017, 4, 12)
    assert matter.closed_on == datetime.date(2018, 11, 30)
    assert "Status in the old system: closed." in matter.note
    assert matter.note.endswith("Settled.")
    assert roles(firm, "José García") == {("00012-García", "client")}
    assert roles(firm, "Hudson Valley Bank") == {("00031-Hudson", "client")}


def test_clio_matters_export_headers(firm):
    result = run(firm, "clio_matters_export.csv", kind="matters", layout="clio")
    assert result.ok, result.errors
    assert set(
        Matter.unscoped.filter(firm=firm).values_list("number", "practice_area")
    ) == {("00044-Patel", "Family"), ("00045-Northwind", "Real Estate")}
    assert contact(firm, "Priya Patel").kind == "person"
    assert contact(firm, "Northwind Traders Inc.").kind == "organization"
    assert roles(firm, "Priya Patel") == {("00044-Patel", "client")}


# --- MyCase ------------------------------------------------------------------


def test_mycase_people_companies_and_cases(firm):
    people = run(firm, "mycase_clients.csv", layout="mycase")
    assert people.ok, people.errors
    assert people.encoding == "Windows-1252"
    chloe = contact(firm, "Chloé A. Lefèvre")
    assert chloe.date_of_birth == datetime.date(1985, 7, 4)
    assert chloe.phones == ["+15855550123", "+15855550190"]
    assert chloe.address == "9 Elm St, Apt 2, Rochester, NY, 14604, US"
    assert "Referred by “Dr. Adams”" in chloe.notes
    assert employers(firm, "Chloé A. Lefèvre") == {"Northwind Traders Inc."}

    companies = run(firm, "mycase_companies.csv", layout="mycase")
    assert companies.ok, companies.errors
    # Northwind was named as Chloé's employer: the company row completes it.
    northwind = contact(firm, "Northwind Traders Inc.")
    assert northwind.emails == ["legal@northwind.example"]
    assert Contact.unscoped.filter(firm=firm, name__startswith="Northwind").count() == 1

    cases = run(firm, "mycase_cases.csv", kind="matters", layout="mycase")
    assert cases.ok, cases.errors
    assert cases.contacts_created == 0
    assert roles(firm, "Chloé A. Lefèvre") == {("2024-LL-01", "client")}
    assert roles(firm, "Northwind Traders Inc.") == {("2024-LL-01", "client")}
    assert roles(firm, "Thomas Wright") == {
        ("2024-LL-01", "adverse"),
        ("MyCase-2002", "witness"),
    }
    assert roles(firm, "Wright & Sons Realty") == {("2024-LL-01", "adverse")}
    deposition = Matter.unscoped.get(firm=firm, number="MyCase-2002")
    assert deposition.closed_on == datetime.date(2023, 6, 30)
    assert "Status in the old system: closed." in deposition.note
    lease = Matter.unscoped.get(firm=firm, number="2024-LL-01")
    assert lease.description == "Commercial lease for the Rochester warehouse"
    assert "Status in the old system: open." in lease.note


# --- Generic (PracticePanther and others) --------------------------------------

PRACTICEPANTHER = {
    "first_name": "Contact: FirstName",
    "last_name": "Contact: LastName",
    "company": "Contact: CompanyName",
    "email": "Contact: Email",
    "phone": "Contact: MobileNumber",
}


def test_generic_layout_reads_the_columns_it_is_told(firm):
    result = run(
        firm,
        "practicepanther_contacts.csv",
        layout="generic",
        mapping={**PRACTICEPANTHER, "address": "Contact: City"},
    )
    assert result.ok, result.errors
    li = contact(firm, "Li Wei")
    assert li.phones == ["+861055550100"]
    assert li.address == "Beijing"
    assert contact(firm, "Blue Harbor Shipping Ltd").kind == "organization"


def test_generic_layout_without_a_mapping_asks_for_one(firm):
    result = run(firm, "practicepanther_contacts.csv", layout="generic")
    assert not result.ok
    assert "needs a column mapping" in result.errors[0].message
    assert "“Contact: FirstName”" in result.errors[0].message


def test_a_mapping_to_a_missing_column_names_the_columns_there_are(firm):
    result = run(
        firm,
        "practicepanther_contacts.csv",
        layout="generic",
        mapping={"name": "Display Name"},
    )
    assert str(result.errors[0]).startswith(
        "Line 1: The mapping says “name” is in the column “Display Name”, but the "
        "file has no such column."
    )


def test_the_wrong_layout_suggests_the_right_one(firm):
    result = run(firm, "clio_contacts_template.csv")
    assert not result.ok
    assert "look like the Clio layout" in result.errors[0].message
    assert counts(firm)["contacts"] == 0


def test_semicolon_separated_file_is_read(firm):
    from firmdesk.conflicts.importing import import_file

    result = import_file(
        firm=firm,
        actor=None,
        kind="contacts",
        file=b"kind;name;email\nperson;Ana Lima;ana@example.com\n",
    )
    assert result.ok, result.errors
    assert contact(firm, "Ana Lima").emails == ["ana@example.com"]


def test_an_uploaded_file_is_read_with_its_name(firm):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from firmdesk.conflicts.importing import import_file

    upload = SimpleUploadedFile(
        "from-the-page.csv", b"kind,name\norganization,Initech LLC\n"
    )
    result = import_file(firm=firm, actor=None, kind="contacts", file=upload)
    assert result.ok and result.filename == "from-the-page.csv"


def test_progress_is_reported_stage_by_stage(firm):
    calls = []
    run(
        firm,
        "firmdesk_contacts.csv",
        progress=lambda stage, done, total: calls.append((stage, done, total)),
    )
    stages = list(dict.fromkeys(stage for stage, _, _ in calls))
    assert stages == [
        "Checking rows",
        "Saving contacts",
        "Saving matters",
        "Saving parties",
        "Indexing for conflict checks",
    ]
    assert ("Saving contacts", 5, 5) in calls
    assert calls[-1] == ("Indexing for conflict checks", 5, 5)
