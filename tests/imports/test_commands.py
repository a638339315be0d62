"""`firmdesk import` and `firmdesk export` on the command line."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.imports.helpers import DATA, counts

pytestmark = pytest.mark.django_db


def run_import(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_import_prints_what_it_added(firm, firm_admin):
    code, out, _ = run_import(
        "contacts",
        str(DATA / "firmdesk_contacts.csv"),
        "--firm",
        firm.slug,
        "--user",
        firm_admin.email,
    )
    assert code == 0
    assert "added 5 contacts" in out
    assert "Read as UTF-8, 6 rows" in out


def test_a_bad_file_exits_1_and_lists_the_lines(firm):
    code, _, err = run_import(
        "contacts", str(DATA / "firmdesk_bad_row.csv"), "--firm", firm.slug
    )
    assert code == 1
    assert "Nothing was imported" in err
    assert "Line 4: the role “plaintif” is not one we know" in err
    assert counts(firm)["contacts"] == 0


def test_dry_run_on_the_command_line(firm):
    code, out, _ = run_import(
        "contacts",
        str(DATA / "firmdesk_contacts.csv"),
        "--firm",
        firm.slug,
        "--dry-run",
    )
    assert code == 0
    assert "Nothing was written (dry run)" in out
    assert counts(firm)["contacts"] == 0


def test_generic_layout_with_map_options(firm):
    code, out, _ = run_import(
        "contacts",
        str(DATA / "practicepanther_contacts.csv"),
        "--firm",
        firm.slug,
        "--layout",
        "generic",
        "--map",
        "first_name=Contact: FirstName",
        "--map",
        "last_name=Contact: LastName",
        "--map",
        "company=Contact: CompanyName",
        "--json",
    )
    assert code == 0
    result = json.loads(out)
    assert result["ok"] and result["contacts_created"] == 2


def test_a_map_without_equals_sign_is_explained(firm):
    with pytest.raises(CommandError, match="our column, “=”"):
        run_import(
            "contacts",
            str(DATA / "practicepanther_contacts.csv"),
            "--firm",
            firm.slug,
            "--layout",
            "generic",
            "--map",
            "name",
        )


def test_unknown_firm_and_missing_file(firm):
    with pytest.raises(CommandError, match="No firm"):
        run_import("contacts", str(DATA / "firmdesk_contacts.csv"), "--firm", "nope")
    with pytest.raises(CommandError, match="Cannot read"):
        run_import("contacts", "/nonexistent.csv", "--firm", firm.slug)


def test_user_must_be_a_member_of_the_firm(firm, outsider):
    with pytest.raises(CommandError, match="not a member"):
        run_import(
            "contacts",
            str(DATA / "firmdesk_contacts.csv"),
            "--firm",
            firm.slug,
            "--user",
            outsider.email,
        )


def test_export_to_the_screen(firm):
    run_import("contacts", str(DATA / "firmdesk_contacts.csv"), "--firm", firm.slug)
    out = io.StringIO()
    call_command("export", "contacts", "--firm", firm.slug, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("kind,name,aliases,email,phone")
    assert len(lines) == 7
