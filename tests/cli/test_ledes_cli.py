"""``firmdesk ledes export`` and ``firmdesk ledes check``: a file only when
the validator passes it, and every problem as ``line N, FIELD: message``."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from firmdesk.audit.models import AuditEvent
from firmdesk.billing.ledes import parse, validate
from tests.billing.ledes_rows import ledes_invoice

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("ledes", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_writes_a_checked_file(matter, tmp_path):
    ledes_invoice(matter)
    target = tmp_path / "inv.txt"

    _, said = run("export", "--firm", "hale-ortiz", "INV-0042", "-o", str(target))

    data = target.read_bytes()
    assert data.startswith(b"LEDES1998B[]\r\n")
    assert validate(data.decode("ascii")) == []
    assert parse(data.decode("ascii"))[0].total == Decimal("510.00")
    assert "Wrote 4 line item(s)" in said
    event = AuditEvent.objects.get(action="invoice.ledes_exported")
    assert event.actor is None and "command line" in event.summary


def test_export_of_several_invoices_prints_one_file(matter):
    ledes_invoice(matter)
    ledes_invoice(matter, number="INV-0043", client_name="Acme again")

    out, _ = run("export", "--firm", "hale-ortiz", "INV-0042", "INV-0043")

    assert [p.number for p in parse(out)] == ["INV-0042", "INV-0043"]


def test_export_refuses_a_file_with_problems_and_lists_them(matter, tmp_path):
    ledes_invoice(matter, law_firm_id="")
    target = tmp_path / "inv.txt"
    err = StringIO()

    with pytest.raises(CommandError, match="would have 1 problem"):
        call_command(
            "ledes",
            "export",
            "--firm",
            "hale-ortiz",
            "INV-0042",
            "-o",
            str(target),
            stderr=err,
        )

    assert "line 3, LAW_FIRM_ID: This field is required." in err.getvalue()
    assert not target.exists()
    assert not AuditEvent.objects.filter(action="invoice.ledes_exported").exists()


def test_export_finds_only_the_named_firms_invoices(matter, other_matter):
    ledes_invoice(other_matter, number="B-1")

    with pytest.raises(CommandError, match="has no invoice numbered B-1"):
        run("export", "--firm", "hale-ortiz", "B-1")
    with pytest.raises(CommandError, match="No firm with the slug"):
        run("export", "--firm", "nobody", "B-1")


def _file(tmp_path, text):
    path = tmp_path / "in.txt"
    path.write_text(text, encoding="utf-8", newline="")
    return str(path)


def _exported(matter):
    ledes_invoice(matter)
    out, _ = run("export", "--firm", "hale-ortiz", "INV-0042")
    return out


def test_check_says_a_clean_file_is_clean(matter, tmp_path):
    path = _file(tmp_path, _exported(matter))

    out, _ = run("check", path)

    assert out == f"{path}: no problems found.\n"


def test_check_lists_each_problem_by_line_and_field_and_exits_1(matter, tmp_path):
    text = _exported(matter).replace("|20260210|", "|2026-02-10|", 1)
    text = text.replace("|450.00|", "|$450.00|", 1)
    path = _file(tmp_path, text)
    out = StringIO()

    with pytest.raises(SystemExit) as exit_:
        call_command("ledes", "check", path, stdout=out)

    assert exit_.value.code == 1
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("line 3, LINE_ITEM_TOTAL: “$450.00” has a currency")
    assert "line 3, LINE_ITEM_DATE: “2026-02-10” is not a date written " in lines[1]
    assert lines[-1] == f"2 problem(s) in {path}."


def test_check_json(matter, tmp_path):
    path = _file(tmp_path, _exported(matter).replace("|F|", "|FEE|", 1))
    out = StringIO()

    with pytest.raises(SystemExit):
        call_command("ledes", "check", path, "--json", stdout=out)

    data = json.loads(out.getvalue())
    assert data["problems"] == [
        {
            "line": 3,
            "field": "EXP/FEE/INV_ADJ_TYPE",
            "message": "“FEE” is not a line type; use F (fee), E (expense), IF or "
            "IE (adjustment of fees or expenses).",
        }
    ]


def test_check_negative_adjustments_only(matter, tmp_path):
    text = _exported(matter).replace("|0.00|450.00|", "|10.00|460.00|", 1)
    text = text.replace("|510.00|", "|520.00|")
    path = _file(tmp_path, text)

    assert run("check", path)[0].endswith("no problems found.\n")
    with pytest.raises(SystemExit):
        run("check", path, "--negative-adjustments-only")


def test_check_of_a_missing_file_says_so(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("check", str(tmp_path / "nope.txt"))


def test_the_full_command_line_exits_1_on_problems_and_0_when_clean(
    matter, tmp_path, capsys
):
    # execute_from_command_line also runs Django's system checks, as a person's
    # run does (call_command skips them).
    good = _exported(matter)
    broken = tmp_path / "broken.txt"
    broken.write_text(good.replace("\n20260302|", "\n2026-03-02|", 1), newline="")

    execute_from_command_line(["firmdesk", "ledes", "check", _file(tmp_path, good)])
    assert capsys.readouterr().out.endswith("no problems found.\n")
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["firmdesk", "ledes", "check", str(broken)])

    assert exit_.value.code == 1
    assert capsys.readouterr().out.startswith(
        "line 3, INVOICE_DATE: “2026-03-02” is not a date"
    )
