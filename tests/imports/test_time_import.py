"""Importing time entries and expenses from other systems' files: whole or
nothing, every problem by line and column, and never twice."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.billing import importing
from firmdesk.billing.importing import (
    detect_layout,
    parse_amount,
    parse_hours,
    settle_date_order,
    time_import,
)
from firmdesk.billing.models import (
    Expense,
    MatterBilling,
    MatterRate,
    TimeEntry,
    Timekeeper,
)
from firmdesk.conflicts.importing import CellProblem
from tests import factories as f

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "time"


def _file(name: str) -> bytes:
    return (DATA / name).read_bytes()


@pytest.fixture
def people(firm, attorney, firm_staff, matter):
    Timekeeper.unscoped.create(
        firm=firm, user=attorney, code="OO", default_rate=Decimal("300.00")
    )
    return attorney, firm_staff


@pytest.fixture
def scope(people, attorney, firm):
    return resolve_scope(attorney, firm)


def run(scope, name, **kwargs):
    return time_import(
        scope=scope, actor=scope.user, file=_file(name), filename=name, **kwargs
    )


def entries(firm):
    return TimeEntry.unscoped.filter(firm=firm).order_by("date")


def test_clio_activities_template_imports_time_and_expenses(scope, firm, attorney):
    result = run(scope, "clio_activities.csv")
    assert result.ok, result.errors
    assert result.layout == "clio"
    assert (result.time_entries, result.expenses) == (3, 1)
    first, second, third = entries(firm)
    assert first.date == datetime.date(2026, 3, 14)
    assert first.matter.number == "M-2026-001"  # from “M-2026-001 - Lopez”
    assert (first.hours, first.rate) == (Decimal("1.50"), Decimal("350.00"))
    assert first.status == TimeEntry.Status.SUBMITTED
    assert first.source == TimeEntry.Source.IMPORT
    assert first.created_by == attorney
    # No price in the file: the timekeeper's own rate.
    assert second.rate == Decimal("300.00")
    assert second.timekeeper == attorney  # matched by e-mail, any case
    assert third.timekeeper.full_name == "Ida Lane"
    assert third.billable is False  # non_billable = yes
    expense = Expense.unscoped.get(firm=firm)
    assert (expense.quantity, expense.unit_cost) == (Decimal("1"), Decimal("1045"))
    assert expense.status == Expense.Status.SUBMITTED
    assert expense.description == "Court filing fee for the motion"


def test_mycase_export_with_bom_keeps_its_ids_and_what_was_billed(scope, firm):
    result = run(scope, "mycase_time_entries.csv")
    assert result.ok, result.errors
    assert result.layout == "mycase"
    assert result.encoding == "UTF-8 with byte-order mark"
    rows = {e.import_ref: e for e in entries(firm)}
    assert set(rows) == {"mycase:90001", "mycase:90002", "mycase:90003"}
    # Matched by the case's title, as MyCase names it.
    assert {e.matter.number for e in rows.values()} == {"M-2026-001"}
    # Already on a MyCase invoice: imported as billed, so not billed again.
    assert rows["mycase:90003"].status == TimeEntry.Status.BILLED
    assert rows["mycase:90001"].status == TimeEntry.Status.SUBMITTED
    assert result.already_billed == 1


def test_mycase_expenses_file_imports_expenses(scope, firm):
    result = run(scope, "mycase_expenses.csv")
    assert result.ok, result.errors
    assert (result.time_entries, result.expenses) == (0, 2)
    copies, courier = Expense.unscoped.filter(firm=firm).order_by("date")
    assert copies.amount == Decimal("18.00")
    assert courier.billable is False


def test_bill4time_file_saved_by_excel_in_windows_1252(scope, firm):
    result = run(scope, "bill4time_time_entries.csv")
    assert result.ok, result.errors
    assert result.layout == "bill4time"
    assert result.encoding == "Windows-1252"
    newer, older = entries(firm).order_by("-date")
    assert newer.narrative == "Prepare for deposition of José Müller"
    assert older.status == TimeEntry.Status.BILLED  # "Billing Complete"


def test_timesolv_hours_as_hours_and_minutes(scope, firm):
    result = run(scope, "timesolv_time.csv")
    assert result.ok, result.errors
    long, short = entries(firm)
    assert (long.hours, long.minutes, long.task_code) == (Decimal("1.50"), 90, "L310")
    assert (short.hours, short.minutes, short.billable) == (Decimal("0.20"), 12, False)


def test_ambiguous_dates_ask_for_the_order_and_then_read_it(scope, firm):
    mapping = {
        "date": "Worked on",
        "timekeeper": "Staff",
        "matter": "File no",
        "hours": "Time spent",
        "narrative": "Notes",
    }
    result = run(scope, "other_day_first.csv", mapping=mapping)
    assert not result.ok and result.needs_date_order
    assert "could be read two ways" in str(result.errors[0])
    assert not entries(firm).exists()

    result = run(scope, "other_day_first.csv", mapping=mapping, date_order="day_first")
    assert result.ok, result.errors
    assert [e.date for e in entries(firm)] == [
        datetime.date(2026, 4, 3),
        datetime.date(2026, 4, 5),
    ]


def test_unknown_columns_ask_for_a_mapping(scope):
    result = run(scope, "other_day_first.csv")
    assert not result.ok and result.needs_mapping
    assert result.header[0] == "Worked on"


def test_one_bad_row_imports_nothing_and_every_problem_is_named(scope, firm):
    result = run(scope, "clio_bad_rows.csv")
    assert not result.ok
    text = [str(e) for e in result.errors]
    assert text[0].startswith("Line 3: no matter you can see has the number")
    line_4 = [t for t in text if t.startswith("Line 4:")]
    assert any("four-digit year" in t for t in line_4)
    assert any("Nobody Known" in t and "full name" in t for t in line_4)
    assert any("the hours “abc” are not a number" in t for t in line_4)
    assert any("“1.250,00” is not an amount" in t for t in line_4)
    line_5 = [t for t in text if t.startswith("Line 5:")]
    assert any("type “Lunch”" in t for t in line_5)
    assert any("non-billable column says “maybe”" in t for t in line_5)
    assert not entries(firm).exists()
    assert not AuditEvent.objects.filter(action="time.imported").exists()
    assert "Nothing was imported" in result.summary()


def test_the_same_file_twice_adds_nothing_the_second_time(scope, firm):
    for name in ("clio_activities.csv", "mycase_time_entries.csv"):
        first = run(scope, name)
        assert first.ok and first.already_imported == 0
        again = run(scope, name)
        assert again.ok, again.errors
        assert (again.time_entries, again.expenses) == (0, 0)
        assert again.already_imported == first.time_entries + first.expenses
    assert entries(firm).count() == 6
    assert Expense.unscoped.filter(firm=firm).count() == 1


def test_two_identical_rows_without_ids_stay_two_entries(scope, firm):
    line = "M-2026-001,03/14/2026,Call,Call with client,300,0.2,,Owen Ortiz,\n"
    text = _file("clio_activities.csv").decode().splitlines()[0] + "\n" + line * 2
    result = time_import(scope=scope, actor=None, file=text.encode())
    assert result.ok and result.time_entries == 2
    again = time_import(scope=scope, actor=None, file=text.encode())
    assert again.already_imported == 2 and again.time_entries == 0
    assert entries(firm).count() == 2


def test_a_repeated_source_id_in_one_file_is_an_error(scope, firm):
    text = _file("mycase_time_entries.csv").decode("utf-8-sig")
    lines = text.splitlines()
    result = time_import(
        scope=scope, actor=None, file="\n".join([*lines, lines[1]]).encode()
    )
    assert [str(e) for e in result.errors] == [
        "Line 5: the id “90001” is also on line 2; each entry must appear once"
    ]


def test_dry_run_previews_and_writes_nothing(scope, firm):
    result = run(scope, "clio_activities.csv", dry_run=True)
    assert result.ok and not result.written
    assert [p.line for p in result.preview] == [2, 3, 4, 5]
    assert result.preview[0].amount == Decimal("525.00")
    assert result.preview[3].kind == "expense"
    assert "ready to import" in result.summary()
    assert not entries(firm).exists()
    assert not AuditEvent.objects.filter(action="time.imported").exists()


def test_import_is_audited_with_the_file_and_counts(scope, firm, attorney):
    run(scope, "clio_activities.csv")
    event = AuditEvent.objects.get(action="time.imported")
    assert event.actor == attorney
    assert event.detail["time_entries"] == 3 and event.detail["layout"] == "clio"


def test_matters_of_another_firm_are_unknown(scope, other_matter):
    text = "matter,date,quantity,activity_user\nB-2026-001,03/14/2026,1,Owen Ortiz\n"
    result = time_import(scope=scope, actor=None, file=text.encode())
    assert "no matter you can see" in str(result.errors[0])


def test_provider_staff_time_goes_under_their_engagement(
    firm, people, provider, engagement, matter
):
    engagement.functions = [*engagement.functions, "billing"]
    engagement.save()
    staff = f.member(provider, ["paralegal"], email="pat@northstar.test")
    staff.full_name = "Pat Reyes"
    staff.save()
    f.assign(engagement, staff, functions=("billing",))
    f.grant(engagement, matter)
    scope = resolve_scope(staff, firm)
    assert scope is not None and scope.works_on("billing")
    text = "matter,date,quantity,activity_user\nM-2026-001,03/14/2026,0.5,Pat Reyes\n"
    result = time_import(scope=scope, actor=staff, file=text.encode())
    assert result.ok, result.errors
    entry = TimeEntry.unscoped.get(firm=firm)
    assert entry.engagement == engagement and entry.outside_staff


def test_people_without_billing_may_not_import(firm, assistant):
    scope = resolve_scope(assistant, firm)
    with pytest.raises(PermissionError):
        time_import(scope=scope, actor=assistant, file=b"matter\n")


@pytest.mark.parametrize(
    ("header", "layout"),
    [
        ("matter,date,note,price,quantity,type,activity_user", "clio"),
        ("Date,Activity,Time,Rate,User,Case Name,MyCase ID", "mycase"),
        ("Client Name,Project Name,User,Billable Hours,Date of Work", "bill4time"),
        ("Date,For,Matter,Task Code,Billable Type,Hours,Description", "timesolv"),
        ("When,Who,What", None),
    ],
)
def test_layout_is_detected_from_the_header(header, layout):
    assert detect_layout(header.split(",")) == layout


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("$1,250.00", Decimal("1250.00")),
        ("1250", Decimal("1250")),
        (" $ 95.5 ", Decimal("95.5")),
        ("(12.50)", Decimal("-12.50")),
        ("", None),
    ],
)
def test_amounts_accept_dollar_signs_and_thousands(text, amount):
    assert parse_amount(text, "rate") == amount


@pytest.mark.parametrize("text", ["1.250,00", "12,50", "$$", "1,25,000"])
def test_amounts_refuse_what_could_be_misread(text):
    with pytest.raises(CellProblem):
        parse_amount(text, "rate")


@given(st.integers(min_value=0, max_value=24 * 60))
def test_hours_and_minutes_agree_with_decimal_hours(minutes):
    hours, kept = parse_hours(f"{minutes // 60}:{minutes % 60:02d}")
    assert kept == minutes
    assert abs(hours - Decimal(minutes) / 60) <= Decimal("0.005")


@given(st.dates(min_value=datetime.date(1990, 1, 1)))
def test_a_day_past_the_twelfth_settles_the_order(day):
    us, day_first = day.strftime("%m/%d/%Y"), day.strftime("%d/%m/%Y")
    if day.day > 12:
        assert settle_date_order([us], "") == ("us", False)
        assert settle_date_order([day_first], "") == ("day_first", False)
    assert importing.parse_date(us, "us") == day
    assert importing.parse_date(day_first, "day_first") == day


def test_matter_rates_win_and_many_matters_cost_few_queries(
    scope, firm, attorney, django_assert_max_num_queries
):
    keeper = Timekeeper.unscoped.get(firm=firm, user=attorney)
    matters = [
        f.MatterFactory(firm=firm, number=f"R-{n:03d}", title=f"Matter {n}")
        for n in range(40)
    ]
    MatterRate.unscoped.create(
        firm=firm, matter=matters[0], timekeeper=keeper, rate=Decimal("410.00")
    )
    MatterBilling.unscoped.create(firm=firm, matter=matters[1], billable=False)
    rows = "".join(f"{m.number},03/14/2026,0.5,Owen Ortiz\n" for m in matters)
    text = "matter,date,quantity,activity_user\n" + rows
    with django_assert_max_num_queries(40):
        result = time_import(scope=scope, actor=None, file=text.encode())
    assert result.ok and result.time_entries == 40
    by_number = {e.matter.number: e for e in entries(firm).select_related("matter")}
    assert by_number["R-000"].rate == Decimal("410.00")
    assert by_number["R-001"].billable is False
    assert by_number["R-002"].rate == Decimal("300.00")
