"""LEDES 1998B: every file FirmDesk writes passes its own validator and reads
back to the same totals, and the validator names the line and the field of
each thing an e-billing system rejects."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from firmdesk.audit.models import AuditEvent
from firmdesk.billing import ledes
from firmdesk.billing.ledes import (
    FIELDS,
    HEADER,
    LedesInvoice,
    LedesLine,
    export_text,
    parse,
    validate,
)
from firmdesk.billing.models import Invoice
from firmdesk.billing.money import line_amount
from firmdesk.billing.utbms import ACTIVITY_CODES, EXPENSE_CODES, TASK_CODES

from .ledes_rows import adjustment, expense, fee, ledes_invoice

D = Decimal

# --- Property tests over generated invoices ----------------------------------

cents = st.integers(min_value=-(10**9), max_value=10**9).map(lambda n: D(n) / 100)
positive_cents = st.integers(min_value=0, max_value=10**7).map(lambda n: D(n) / 100)
hours = st.integers(min_value=1, max_value=2400).map(lambda n: D(n) / 100)
days = st.dates(
    min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2099, 12, 31)
)
# Any text at all, including |, [], line breaks and letters outside ASCII.
texts = st.text(
    alphabet=st.one_of(
        st.sampled_from("|[]\r\n\t ,$€é—“”ß"), st.characters(codec="utf-8")
    ),
    max_size=40,
)
ids = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-", min_size=1, max_size=20)


@st.composite
def ledes_lines(draw):
    kind = draw(st.sampled_from(["F", "E", "IF", "IE"]))
    day = draw(days)
    text = draw(texts.filter(lambda t: ledes.clean(t)))
    if kind in ("IF", "IE"):
        amount = draw(cents)
        return LedesLine(kind, day, text, amount, adjustment=amount)
    units = draw(hours)
    cost = draw(positive_cents)
    change = draw(cents)
    common = {"units": units, "unit_cost": cost, "adjustment": change}
    total = line_amount(units, cost, change)
    if kind == "E":
        code = draw(st.sampled_from(sorted(EXPENSE_CODES)))
        return LedesLine(kind, day, text, total, expense_code=code, **common)
    return LedesLine(
        kind,
        day,
        text,
        total,
        task_code=draw(st.sampled_from(["", *sorted(TASK_CODES)])),
        activity_code=draw(st.sampled_from(["", *sorted(ACTIVITY_CODES)])),
        timekeeper_id=draw(ids),
        timekeeper_name=draw(texts),
        timekeeper_classification=draw(st.sampled_from(["", "PARTNR", "PT"])),
        **common,
    )


@st.composite
def ledes_invoices(draw):
    count = draw(st.integers(min_value=1, max_value=4))
    numbers = draw(st.lists(ids, min_size=count, max_size=count, unique=True))
    invoices = []
    for number in numbers:
        start = draw(days)
        invoices.append(
            LedesInvoice(
                number=number,
                date=draw(days),
                client_id=draw(ids),
                law_firm_matter_id=number,  # one client per matter, as in life
                billing_start=start,
                billing_end=start + datetime.timedelta(days=draw(st.integers(0, 90))),
                law_firm_id=draw(ids),
                lines=draw(st.lists(ledes_lines(), min_size=1, max_size=6)),
                description=draw(texts),
                client_matter_id=draw(texts),
            )
        )
    return invoices


@given(ledes_invoices())
def test_every_exported_file_passes_the_validator(invoices):
    text = export_text(invoices)

    assert validate(text) == []


@given(ledes_invoices())
def test_every_exported_file_parses_back_to_the_same_totals(invoices):
    parsed = parse(export_text(invoices))

    assert [p.number for p in parsed] == [i.number for i in invoices]
    for invoice, back in zip(invoices, parsed, strict=True):
        assert back.line_totals == [line.total for line in invoice.lines]
        assert back.total == sum(back.line_totals) == invoice.total


@given(ledes_invoices())
def test_every_line_is_ascii_with_24_fields_and_ends_with_brackets(invoices):
    rows = export_text(invoices).split("\r\n")

    assert rows[0] == "LEDES1998B[]"
    assert rows[1] == HEADER
    assert rows[-1] == ""
    assert len(rows) - 3 == sum(len(i.lines) for i in invoices)
    for row in rows[2:-1]:
        assert row.isascii() and row.endswith("[]")
        assert len(row[:-2].split("|")) == 24


@given(texts)
def test_clean_text_is_one_safe_ascii_field(text):
    cleaned = ledes.clean(text)

    assert cleaned.isascii()
    assert not set(cleaned) & set("|[]\r\n\t")
    assert cleaned == cleaned.strip()


# --- A good file, and each thing the validator rejects ------------------------


def _good():
    lines = [
        LedesLine(
            "F",
            datetime.date(2026, 2, 10),
            "Draft motion",
            D("450.00"),
            units=D("1.50"),
            unit_cost=D("300.00"),
            task_code="L240",
            activity_code="A103",
            timekeeper_id="OO",
            timekeeper_name="Owen Ortiz",
        ),
        LedesLine(
            "E",
            datetime.date(2026, 2, 12),
            "Copies",
            D("10.00"),
            units=D("100"),
            unit_cost=D("0.10"),
            expense_code="E101",
        ),
        LedesLine("IF", datetime.date(2026, 2, 28), "Discount", D("-50.00")),
    ]
    invoice = LedesInvoice(
        number="INV-1",
        date=datetime.date(2026, 3, 2),
        client_id="ACME01",
        law_firm_matter_id="M-2026-001",
        billing_start=datetime.date(2026, 2, 1),
        billing_end=datetime.date(2026, 2, 28),
        law_firm_id="12-3456789",
        lines=lines,
    )
    return export_text([invoice])


def _with(text, line, field, value):
    """``text`` with ``field`` of file line ``line`` (1-based) set to ``value``."""
    rows = text.split("\r\n")
    values = rows[line - 1][:-2].split("|")
    values[FIELDS.index(field)] = value
    rows[line - 1] = "|".join(values) + "[]"
    return "\r\n".join(rows)


def _where(problems):
    return {(p.line, p.field) for p in problems}


def test_the_good_file_is_clean_and_as_the_format_requires():
    text = _good()

    assert validate(text) == []
    rows = text.split("\r\n")
    assert rows[2] == (
        "20260302|INV-1|ACME01|M-2026-001|410.00|20260201|20260228||1|F|1.50|0.00|"
        "450.00|20260210|L240||A103|OO|Draft motion|12-3456789|300.00|Ortiz, Owen||[]"
    )
    assert rows[4] == (
        "20260302|INV-1|ACME01|M-2026-001|410.00|20260201|20260228||3|IF||-50.00|"
        "-50.00|20260228|||||Discount|12-3456789||||[]"
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("LINE_ITEM_DATE", "2026-02-10"),
        ("LINE_ITEM_DATE", "02/10/2026"),
        ("LINE_ITEM_DATE", "2026210"),
        ("INVOICE_DATE", "20261301"),
        ("BILLING_START_DATE", "20260230"),
    ],
)
def test_a_wrong_or_impossible_date_is_named_by_line_and_field(field, value):
    problems = validate(_with(_good(), 3, field, value))

    assert (3, field) in _where(problems)
    assert value in str(problems)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("$450.00", "currency symbol"),
        ("1,450.00", "comma"),
        ("450.00 ", "space"),
        ("USD450", "characters other than digits"),
        ("450.001", "more than 2 decimals"),
    ],
)
def test_an_amount_with_a_symbol_comma_or_space_is_named(value, words):
    problems = validate(_with(_good(), 3, "LINE_ITEM_TOTAL", value))

    line_total = [p for p in problems if p.field == "LINE_ITEM_TOTAL" and p.line == 3]
    assert line_total and words in line_total[0].message


def test_a_line_total_that_does_not_reconcile_is_named():
    problems = validate(_with(_good(), 3, "LINE_ITEM_TOTAL", "460.00"))

    assert (3, "LINE_ITEM_TOTAL") in _where(problems)
    assert "1.50 × 300.00 + 0.00 = 450.00" in str(problems)


def test_an_invoice_total_that_is_not_the_sum_of_the_lines_is_named():
    text = _good()
    for line in (3, 4, 5):
        text = _with(text, line, "INVOICE_TOTAL", "400.00")

    problems = validate(text)

    assert [(p.line, p.field) for p in problems] == [(3, "INVOICE_TOTAL")]
    assert "add up to 410.00" in problems[0].message


def test_an_invoice_total_that_changes_between_lines_is_named():
    problems = validate(_with(_good(), 4, "INVOICE_TOTAL", "400.00"))

    assert (4, "INVOICE_TOTAL") in _where(problems)


@pytest.mark.parametrize("cut", ["drop", "add"])
def test_a_wrong_number_of_fields_is_named_by_line(cut):
    rows = _good().split("\r\n")
    rows[3] = (
        rows[3].replace("|Copies|", "|")
        if cut == "drop"
        else rows[3].replace("|Copies|", "|Copies|extra|")
    )

    problems = validate("\r\n".join(rows))

    assert [(p.line, p.field) for p in problems] == [(4, "")]
    assert ("23 fields" if cut == "drop" else "25 fields") in problems[0].message


def test_a_description_broken_over_two_lines_is_caught():
    rows = _good().split("\r\n")
    rows[2] = rows[2].replace("Draft motion", "Draft\r\nmotion")

    problems = validate("\r\n".join(rows))

    assert {p.line for p in problems} >= {3, 4}
    assert "does not end with []" in str(problems)


def test_the_first_line_and_the_header_must_be_exact():
    rows = _good().split("\r\n")
    rows[0] = "LEDES98B[]"
    rows[1] = rows[1].replace("INVOICE_TOTAL", "INVOICE_AMOUNT")

    problems = validate("\r\n".join(rows))

    assert (1, "") in _where(problems)
    assert (2, "INVOICE_TOTAL") in _where(problems)


def test_an_empty_file_and_a_file_without_items_are_rejected():
    assert validate("")[0].line == 1
    assert "no line items" in str(validate("LEDES1998B[]\r\n" + HEADER + "\r\n"))


def test_required_fields_must_not_be_blank():
    problems = validate(_with(_good(), 3, "LAW_FIRM_ID", ""))

    assert (3, "LAW_FIRM_ID") in _where(problems)


def test_line_numbers_must_run_1_2_3_within_an_invoice():
    problems = validate(_with(_good(), 4, "LINE_ITEM_NUMBER", "5"))

    assert (4, "LINE_ITEM_NUMBER") in _where(problems)


def test_unknown_utbms_codes_and_missing_codes_are_named():
    text = _with(_good(), 3, "LINE_ITEM_TASK_CODE", "L999")
    text = _with(text, 3, "LINE_ITEM_ACTIVITY_CODE", "A101X")
    text = _with(text, 4, "LINE_ITEM_EXPENSE_CODE", "")
    text = _with(text, 3, "TIMEKEEPER_ID", "")

    assert _where(validate(text)) >= {
        (3, "LINE_ITEM_TASK_CODE"),
        (3, "LINE_ITEM_ACTIVITY_CODE"),
        (4, "LINE_ITEM_EXPENSE_CODE"),
        (3, "TIMEKEEPER_ID"),
    }


def test_an_unknown_line_type_is_named():
    problems = validate(_with(_good(), 4, "EXP/FEE/INV_ADJ_TYPE", "X"))

    assert (4, "EXP/FEE/INV_ADJ_TYPE") in _where(problems)


def test_only_the_first_invoice_date_counts():
    problems = validate(_with(_good(), 5, "INVOICE_DATE", "20260303"))

    assert [(p.line, p.field) for p in problems] == [(5, "INVOICE_DATE")]
    assert "line 3" in problems[0].message


def test_only_the_first_client_of_a_matter_counts():
    problems = validate(_with(_good(), 4, "CLIENT_ID", "OTHER"))

    assert (4, "CLIENT_ID") in _where(problems)


def test_an_invoice_adjustment_keeps_its_amount_in_adjustment_and_total():
    problems = validate(_with(_good(), 5, "LINE_ITEM_ADJUSTMENT_AMOUNT", "-40.00"))

    assert (5, "LINE_ITEM_TOTAL") in _where(problems)


def test_positive_adjustments_are_refused_only_for_clients_who_say_so():
    text = _good()
    for line in (3, 4, 5):
        text = _with(text, line, "INVOICE_TOTAL", "510.00")
    text = _with(text, 5, "LINE_ITEM_ADJUSTMENT_AMOUNT", "50.00")
    text = _with(text, 5, "LINE_ITEM_TOTAL", "50.00")

    assert validate(text) == []
    assert validate(text, negative_adjustments_only={"OTHER"}) == []
    assert _where(validate(text, negative_adjustments_only={"ACME01"})) == {
        (5, "LINE_ITEM_ADJUSTMENT_AMOUNT")
    }
    assert validate(text, negative_adjustments_only=True)


def test_a_file_with_lf_line_ends_is_read_too():
    assert validate(_good().replace("\r\n", "\n")) == []


def test_problems_read_line_field_message():
    problem = validate(_with(_good(), 3, "LINE_ITEM_DATE", "2026-02-10"))[0]

    assert str(problem).startswith("line 3, LINE_ITEM_DATE: “2026-02-10” is not")


def test_timekeeper_names_are_written_last_first():
    assert ledes.last_first("Owen Ortiz") == "Ortiz, Owen"
    assert ledes.last_first("Mary Anne van der Berg") == "van der Berg, Mary Anne"
    assert ledes.last_first("Ortiz, Owen") == "Ortiz, Owen"
    assert ledes.last_first("Cher") == "Cher"


# --- From the database ---------------------------------------------------------


@pytest.mark.django_db
def test_an_invoice_is_written_from_its_lines_and_terms(matter):
    invoice = ledes_invoice(matter)

    result = ledes.ledes_export(
        firm=matter.firm, invoices=[invoice], actor=None, where="a test"
    )

    assert result.ok, result.problems
    rows = result.text.split("\r\n")
    first = rows[2][:-2].split("|")
    assert first[:8] == [
        "20260302",
        "INV-0042",
        "ACME01",
        "M-2026-001",
        "510.00",
        "20260201",
        "20260228",
        "Services for February 2026",
    ]
    assert first[19] == "12-3456789"
    assert first[21] == "Ortiz, Owen"
    assert first[23] == "CL-778"
    assert "about the / hearing" in rows[3]
    assert parse(result.text)[0].total == invoice.total == D("510.00")


@pytest.mark.django_db
def test_a_client_without_a_code_gets_one_from_its_name(matter):
    invoice = ledes_invoice(matter, client_code="", client_name="Société Générale S.A.")

    result = ledes.ledes_export(
        firm=matter.firm, invoices=[invoice], actor=None, where="a test"
    )

    assert result.text.split("\r\n")[2].split("|")[2] == "SOCIETEGENERALESA"


@pytest.mark.django_db
def test_a_clean_export_is_audited_and_a_refused_one_is_not(matter, firm):
    good = ledes_invoice(matter)
    ledes.ledes_export(firm=firm, invoices=[good], actor=None, where="a test")
    settings_blank = ledes_invoice(matter, number="INV-0044", law_firm_id="")

    refused = ledes.ledes_export(
        firm=firm, invoices=[settings_blank], actor=None, where="a test"
    )

    assert not refused.ok
    assert {p.field for p in refused.problems} == {"LAW_FIRM_ID"}
    events = AuditEvent.objects.filter(org=firm, action="invoice.ledes_exported")
    assert [e.summary for e in events] == [
        "Exported invoice INV-0042 as LEDES 1998B from a test"
    ]


@pytest.mark.django_db
def test_a_void_invoice_or_one_without_lines_is_not_exported(matter):
    void = ledes_invoice(matter, status=Invoice.Status.VOID)
    empty = ledes_invoice(matter, number="INV-0050", lines=[])

    assert (
        "void"
        in ledes.ledes_export(
            firm=matter.firm, invoices=[void], actor=None, where="a test"
        ).refused
    )
    assert (
        "no lines"
        in ledes.ledes_export(
            firm=matter.firm, invoices=[empty], actor=None, where="a test"
        ).refused
    )


@pytest.mark.django_db
def test_a_client_that_takes_only_discounts_refuses_a_premium(matter):
    invoice = ledes_invoice(
        matter,
        negative_only=True,
        lines=[
            fee("Urgent filing", D("1.00"), D("300.00"), adjustment=D("25.00")),
            expense("Court fee", D("1"), D("405.00"), code="E112"),
            adjustment("IE", D("-5.00"), "Rounding"),
        ],
    )

    result = ledes.ledes_export(
        firm=matter.firm, invoices=[invoice], actor=None, where="a test"
    )

    assert [(p.line, p.field) for p in result.problems] == [
        (3, "LINE_ITEM_ADJUSTMENT_AMOUNT")
    ]


def test_a_problem_in_an_invoice_field_is_reported_once_not_on_every_line():
    text = _good()
    for line in (3, 4, 5):
        text = _with(text, line, "LAW_FIRM_ID", "")

    assert [(p.line, p.field) for p in validate(text)] == [(3, "LAW_FIRM_ID")]


@pytest.mark.django_db
def test_a_draft_not_issued_yet_is_dated_the_day_its_file_is_made(matter):
    invoice = ledes_invoice(matter, status=Invoice.Status.DRAFT)
    Invoice.unscoped.filter(pk=invoice.pk).update(issued_on=None)
    invoice.refresh_from_db()

    with time_machine.travel(datetime.datetime(2026, 3, 10, 3, 0, tzinfo=datetime.UTC)):
        batch = ledes.invoice_ledes([invoice])

    # 03:00 UTC is still 9 March in New York, the firm's zone.
    assert batch.invoices[0].date == datetime.date(2026, 3, 9)
