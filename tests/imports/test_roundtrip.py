"""Export in the FirmDesk layout, import into an empty firm: the same contacts,
aliases, employer links, matters and parties come back."""

import csv
import io

import pytest
from django.core.management import call_command

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.conflicts.exporting import export_contacts_csv
from firmdesk.conflicts.importing import FIRMDESK_COLUMNS, import_file
from firmdesk.matters.models import Contact, Matter, MatterParty, MatterScreen
from tests import factories as f
from tests.imports.helpers import counts, run, snapshot

pytestmark = pytest.mark.django_db


def fill(firm):
    run(firm, "firmdesk_contacts.csv")
    run(firm, "clio_contacts_export.csv", layout="clio")
    run(firm, "mycase_clients.csv", layout="mycase")
    run(firm, "mycase_companies.csv", layout="mycase")
    run(firm, "mycase_cases.csv", kind="matters", layout="mycase")


def exported(**kwargs) -> str:
    stream = io.StringIO(newline="")
    export_contacts_csv(stream=stream, **kwargs)
    return stream.getvalue()


def test_export_then_import_into_an_empty_firm_gives_the_same_data(firm, other_firm):
    fill(firm)
    text = exported(firm=firm)
    assert text.startswith("\ufeff" + ",".join(FIRMDESK_COLUMNS))
    result = import_file(
        firm=other_firm, actor=None, kind="contacts", file=text.encode("utf-8")
    )
    assert result.ok, result.errors
    assert snapshot(other_firm) == snapshot(firm)
    assert counts(other_firm) == counts(firm)


def test_one_row_per_contact_in_a_role_and_one_for_a_contact_without(firm):
    run(firm, "firmdesk_contacts.csv")
    rows = list(csv.DictReader(io.StringIO(exported(firm=firm, excel_bom=False))))
    by_name = {}
    for row in rows:
        by_name.setdefault(row["name"], []).append(row)
    assert len(rows) == 6
    assert {r["matter_number"] for r in by_name["Robert Smith"]} == {
        "M-2019-014",
        "M-2022-007",
    }
    (peggy,) = by_name["Margaret Jones"]
    assert peggy["matter_number"] == peggy["role"] == ""
    assert peggy["aliases"] == "Margaret Baker (maiden); Peggy Jones"
    assert peggy["prospective"] == "yes"
    assert peggy["phone"] == "'+19175550123"
    assert by_name["Robert Smith"][0]["company"] == "Globex Corporation"


def test_cells_excel_would_run_as_formulas_are_escaped_and_read_back(firm, other_firm):
    import_file(
        firm=firm,
        actor=None,
        kind="contacts",
        file=b'kind,name\nperson,"=HYPERLINK(""http://x.example"",""Jo"")"\n',
    )
    text = exported(firm=firm)
    assert "'=HYPERLINK" in text
    import_file(firm=other_firm, actor=None, kind="contacts", file=text.encode())
    assert Contact.unscoped.get(firm=other_firm).name.startswith("=HYPERLINK(")


def test_provider_staff_export_only_what_their_scope_shows(firm, matter, assistant):
    fill(firm)
    granted = Contact.unscoped.get(firm=firm, name="Thomas Wright")
    MatterParty.unscoped.create(
        firm=firm, matter=matter, contact=granted, role="witness"
    )
    scope = resolve_scope(assistant, firm)
    rows = list(csv.DictReader(io.StringIO(exported(scope=scope, excel_bom=False))))
    assert {(r["name"], r["matter_number"]) for r in rows} == {
        ("Thomas Wright", "M-2026-001")
    }
    event = AuditEvent.objects.filter(org=firm, action="contacts.exported").last()
    assert event.actor == assistant
    assert event.detail == {"rows": 1, "scoped": True}


def test_a_screened_matter_is_left_out_of_a_members_export(firm, attorney):
    run(firm, "firmdesk_contacts.csv")
    screened = Matter.unscoped.get(firm=firm, number="M-2019-014")
    MatterScreen.unscoped.create(firm=firm, matter=screened, user=attorney)
    text = exported(scope=resolve_scope(attorney, firm))
    assert "M-2019-014" not in text
    assert "M-2022-007" in text


def test_the_export_and_import_commands_round_trip(firm, other_firm, tmp_path):
    fill(firm)
    out = tmp_path / "contacts.csv"
    err = io.StringIO()
    call_command(
        "export", "contacts", "--firm", firm.slug, "--out", str(out), stderr=err
    )
    assert "Wrote" in err.getvalue()
    stdout = io.StringIO()
    call_command(
        "import",
        "contacts",
        str(out),
        "--firm",
        other_firm.slug,
        stdout=stdout,
        stderr=io.StringIO(),
    )
    assert "Imported “contacts.csv”" in stdout.getvalue()
    assert snapshot(other_firm) == snapshot(firm)


def test_an_empty_firm_exports_just_the_header(db):
    empty = f.OrganizationFactory(slug="empty-firm")
    assert exported(firm=empty, excel_bom=False).strip() == ",".join(FIRMDESK_COLUMNS)
