"""The time audit (insights/time_audit.py): starting, recording, closing and
reopening an audit, importing a file, and the results worked out by hand."""

import codecs
import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.common.errors import ServiceError
from firmdesk.insights import time_audit
from firmdesk.insights.figures import audit_baseline
from firmdesk.insights.models import TimeAudit, TimeAuditEntry

D = Decimal
MON = datetime.date(2026, 3, 2)
TUE = datetime.date(2026, 3, 3)
WED = datetime.date(2026, 3, 4)
FRI = datetime.date(2026, 3, 6)


@pytest.fixture
def admin_scope(firm, firm_admin):
    return resolve_scope(firm_admin, firm)


@pytest.fixture
def attorney_scope(firm, attorney):
    return resolve_scope(attorney, firm)


@pytest.fixture
def staff_scope(firm, firm_staff):
    return resolve_scope(firm_staff, firm)


@pytest.fixture
def audit(attorney_scope, firm_staff):
    return time_audit.audit_create(
        scope=attorney_scope, title="First week of March", start_date=MON, end_date=FRI
    )


def entries(audit, **filters):
    return TimeAuditEntry.objects.for_firm(audit.firm).filter(audit=audit, **filters)


def last_event(firm, action):
    return AuditEvent.objects.filter(org=firm, action=action).order_by("-id").first()


def record(scope, audit, person, day, **hours):
    return time_audit.audit_hours_record(
        scope=scope,
        audit=audit,
        person=person,
        days={day: {c: D(h) for c, h in hours.items()}},
    )


# --- Hours as people write them -------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "hours"),
    [
        ("1.5", D("1.50")),
        ("1:30", D("1.50")),
        ("1:20", D("1.33")),
        (" 2 ", D("2.00")),
        ("0.25", D("0.25")),
        ("", D("0")),
        ("24", D("24")),
    ],
)
def test_hours_are_read_as_decimals_or_hours_and_minutes(typed, hours):
    assert time_audit.read_hours(typed) == hours


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("abc", "write them like 1.5 or 1:30"),
        ("1,5", "write them like 1.5 or 1:30"),
        ("-1", "below zero"),
        ("25", "24 hours at most"),
        ("0.001", "0.01 or more"),
    ],
)
def test_hours_that_cannot_be_read_say_what_to_write(typed, says):
    with pytest.raises(ServiceError) as error:
        time_audit.read_hours(typed)
    assert says in error.value.message


@given(st.integers(min_value=0, max_value=24 * 60))
def test_hours_and_minutes_are_the_minutes_over_sixty_to_the_hundredth(minutes):
    typed = f"{minutes // 60}:{minutes % 60:02d}"
    expected = (D(minutes) / 60).quantize(D("0.01"), rounding="ROUND_HALF_UP")
    assert time_audit.read_hours(typed) == expected


# --- Starting an audit ----------------------------------------------------------------


def test_attorney_starts_an_audit_and_it_is_audited(firm, attorney, audit):
    assert audit.firm == firm and audit.created_by == attorney
    assert audit.closed_at is None
    event = last_event(firm, "insights.time_audit_created")
    assert event.actor == attorney and "First week of March" in event.summary
    assert time_audit.audit_days(audit) == [
        MON + datetime.timedelta(n) for n in range(5)
    ]


def test_an_audit_runs_one_day_to_two_weeks(attorney_scope):
    one_day = time_audit.audit_create(
        scope=attorney_scope, title="Monday", start_date=MON, end_date=MON
    )
    assert time_audit.audit_days(one_day) == [MON]
    two_weeks = time_audit.audit_create(
        scope=attorney_scope,
        title="Two weeks",
        start_date=MON,
        end_date=MON + datetime.timedelta(days=13),
    )
    assert len(time_audit.audit_days(two_weeks)) == 14


@pytest.mark.parametrize(
    ("title", "start", "end", "field", "says"),
    [
        ("Too long", MON, MON + datetime.timedelta(days=14), "end_date", "15 days"),
        ("Backwards", FRI, MON, "end_date", "swap them"),
        ("   ", MON, FRI, "title", "Give the audit a name"),
    ],
)
def test_a_bad_audit_is_refused_with_what_to_fix(
    firm, attorney_scope, title, start, end, field, says
):
    with pytest.raises(ServiceError) as error:
        time_audit.audit_create(
            scope=attorney_scope, title=title, start_date=start, end_date=end
        )
    assert error.value.field == field and says in error.value.message
    assert not TimeAudit.objects.for_firm(firm).exists()


def test_in_house_staff_cannot_start_an_audit(firm, staff_scope):
    with pytest.raises(ServiceError):
        time_audit.audit_create(
            scope=staff_scope, title="X", start_date=MON, end_date=FRI
        )
    assert not TimeAudit.objects.for_firm(firm).exists()


# --- Recording hours ------------------------------------------------------------------


def test_staff_record_their_own_day(firm, firm_staff, staff_scope, audit):
    changed = record(staff_scope, audit, firm_staff, MON, reception="4", crm="3.5")
    assert changed == 2
    assert time_audit.recorded_hours(audit, firm_staff) == {
        (MON, "reception"): D("4"),
        (MON, "crm"): D("3.5"),
    }
    event = last_event(firm, "insights.time_audit_hours_recorded")
    assert event.actor == firm_staff and "their own hours" in event.summary


def test_recording_a_day_again_replaces_it(firm_staff, staff_scope, audit):
    record(staff_scope, audit, firm_staff, MON, reception="4", crm="3.5")
    record(staff_scope, audit, firm_staff, MON, reception="5")
    assert time_audit.recorded_hours(audit, firm_staff) == {(MON, "reception"): D("5")}
    assert entries(audit, person=firm_staff).count() == 1


def test_a_cell_left_as_it_was_keeps_its_note_and_nothing_is_audited(
    firm, firm_staff, staff_scope, audit
):
    record(staff_scope, audit, firm_staff, MON, reception="4")
    entries(audit).update(note="phones all morning")
    before = AuditEvent.objects.filter(org=firm).count()
    assert record(staff_scope, audit, firm_staff, MON, reception="4.00") == 0
    assert entries(audit).get().note == "phones all morning"
    assert AuditEvent.objects.filter(org=firm).count() == before


def test_other_days_are_left_alone(firm_staff, staff_scope, audit):
    record(staff_scope, audit, firm_staff, MON, reception="4")
    record(staff_scope, audit, firm_staff, TUE, billable="1")
    assert time_audit.recorded_hours(audit, firm_staff) == {
        (MON, "reception"): D("4"),
        (TUE, "billable"): D("1"),
    }


def test_an_attorney_records_for_staff_and_the_record_says_so(
    firm, attorney, firm_staff, attorney_scope, audit
):
    record(attorney_scope, audit, firm_staff, MON, reception="2")
    assert entries(audit, person=firm_staff).count() == 1
    event = last_event(firm, "insights.time_audit_hours_recorded")
    assert event.actor == attorney
    assert "for Ida Lane" in event.summary
    assert event.detail["person"] == str(firm_staff.public_id)


def test_staff_cannot_record_for_someone_else(attorney, staff_scope, audit):
    with pytest.raises(ServiceError) as error:
        record(staff_scope, audit, attorney, MON, billable="8")
    assert "someone else" in error.value.message
    assert not entries(audit).exists()


def test_hours_are_only_for_the_firms_own_people(attorney_scope, audit, assistant):
    with pytest.raises(ServiceError) as error:
        record(attorney_scope, audit, assistant, MON, scheduling="8")
    assert "not one of the firm's own people" in error.value.message


def test_a_day_holds_24_hours_at_most(firm_staff, staff_scope, audit):
    with pytest.raises(ServiceError) as error:
        record(staff_scope, audit, firm_staff, MON, reception="20", crm="4.01")
    assert "24.01 h" in error.value.message
    assert not entries(audit).exists()
    record(staff_scope, audit, firm_staff, MON, reception="20", crm="4")
    assert entries(audit).count() == 2


def test_hours_only_within_the_audits_days(firm_staff, staff_scope, audit):
    with pytest.raises(ServiceError) as error:
        record(
            staff_scope, audit, firm_staff, FRI + datetime.timedelta(days=1), crm="1"
        )
    assert "not a day of this audit" in error.value.message
    assert not entries(audit).exists()


def test_a_closed_audit_takes_no_hours(
    attorney, firm_staff, attorney_scope, staff_scope, audit
):
    record(attorney_scope, audit, attorney, MON, billable="6")
    time_audit.audit_close(scope=attorney_scope, audit=audit)
    with pytest.raises(ServiceError) as error:
        record(staff_scope, audit, firm_staff, MON, reception="2")
    assert "closed" in error.value.message
    assert not entries(audit, person=firm_staff).exists()


# --- Closing and reopening: the baseline ----------------------------------------------


def test_an_audit_with_no_hours_cannot_be_closed(attorney_scope, audit):
    with pytest.raises(ServiceError) as error:
        time_audit.audit_close(scope=attorney_scope, audit=audit)
    assert "Nobody has recorded any hours" in error.value.message
    audit.refresh_from_db()
    assert audit.closed_at is None


def test_closing_makes_the_audit_the_baseline_and_reopening_hands_it_back(
    firm, attorney, firm_staff, attorney_scope, audit
):
    earlier = time_audit.audit_create(
        scope=attorney_scope,
        title="Last autumn",
        start_date=datetime.date(2025, 10, 6),
        end_date=datetime.date(2025, 10, 10),
    )
    record(attorney_scope, earlier, attorney, datetime.date(2025, 10, 6), billable="2")
    time_audit.audit_close(scope=attorney_scope, audit=earlier)
    assert audit_baseline(firm).audit == earlier

    # The attorney bills 3 h on Monday and 4 h on Tuesday: 3.5 a day recorded.
    record(attorney_scope, audit, attorney, MON, billable="3", other="5")
    record(attorney_scope, audit, attorney, TUE, billable="4", documents="4")
    record(attorney_scope, audit, firm_staff, MON, billable="1")  # not an attorney
    time_audit.audit_close(scope=attorney_scope, audit=audit)
    baseline = audit_baseline(firm)
    assert baseline.audit == audit
    assert baseline.per_day == {attorney.pk: D("3.50")}
    assert last_event(firm, "insights.time_audit_closed").actor == attorney

    time_audit.audit_reopen(scope=attorney_scope, audit=audit)
    audit.refresh_from_db()
    assert audit.closed_at is None
    assert audit_baseline(firm).audit == earlier
    assert last_event(firm, "insights.time_audit_reopened").actor == attorney


def test_staff_can_neither_close_nor_reopen(
    attorney, attorney_scope, staff_scope, audit
):
    record(attorney_scope, audit, attorney, MON, billable="6")
    with pytest.raises(ServiceError):
        time_audit.audit_close(scope=staff_scope, audit=audit)
    time_audit.audit_close(scope=attorney_scope, audit=audit)
    with pytest.raises(ServiceError):
        time_audit.audit_reopen(scope=staff_scope, audit=audit)
    audit.refresh_from_db()
    assert audit.closed_at is not None


# --- Results, by hand -----------------------------------------------------------------


@pytest.fixture
def known_week(attorney, firm_staff, attorney_scope, audit):
    """Owen (attorney): Monday billable 3, scheduling 2, data entry 1, other 2;
    Tuesday billable 4, documents 2.5, calls 1.5; nothing the rest of the week.
    Ida (staff): Monday calls 4, data entry 3.5; Tuesday calls 6, billable 0.5."""
    record(
        attorney_scope,
        audit,
        attorney,
        MON,
        billable="3",
        scheduling="2",
        crm="1",
        other="2",
    )
    record(
        attorney_scope,
        audit,
        attorney,
        TUE,
        billable="4",
        documents="2.5",
        reception="1.5",
    )
    record(attorney_scope, audit, firm_staff, MON, reception="4", crm="3.5")
    record(attorney_scope, audit, firm_staff, TUE, reception="6", billable="0.5")
    return audit


def test_results_per_person_worked_out_by_hand(attorney, firm_staff, known_week):
    results = time_audit.audit_results(known_week)
    ida, owen = results.people  # by name
    assert (owen.person, ida.person) == (attorney, firm_staff)
    # Owen: 2 days; billable 7 → 3.5 a day; non-billable 9 → 4.5; 16 → 8.
    assert owen.days == 2
    assert owen.billable_per_day == D("3.50")
    assert owen.non_billable_per_day == D("4.50")
    assert owen.total_per_day == D("8.00")
    assert owen.utilisation == D("43.8")  # 7 / 16 = 43.75 %
    assert owen.billed_of_eight == D("3.5")
    # Ida: 2 days; billable 0.5 → 0.25 a day; non-billable 13.5 → 6.75.
    assert ida.days == 2
    assert ida.billable_per_day == D("0.25")
    assert ida.non_billable_per_day == D("6.75")
    assert ida.utilisation == D("3.6")  # 0.5 / 14 = 3.57 %
    assert ida.hours == {"reception": D("10"), "crm": D("3.5"), "billable": D("0.5")}


def test_results_for_the_firm_worked_out_by_hand(known_week):
    results = time_audit.audit_results(known_week)
    firm = results.firm
    # 4 person-days; billable 7.5 → 1.875 → 1.88 (half up); non-billable 22.5.
    assert firm.days == 4
    assert firm.billable_per_day == D("1.88")
    assert firm.non_billable_per_day == D("5.63")
    assert firm.total_per_day == D("7.50")
    assert firm.utilisation == D("25.0")
    assert firm.billed_of_eight == D("2.0")
    assert results.attorneys.days == 2 and results.attorneys.utilisation == D("43.8")
    assert results.categories == [
        "billable",
        "scheduling",
        "documents",
        "reception",
        "crm",
        "other",
    ]


def test_the_largest_non_billable_work_comes_first_as_candidates(known_week):
    results = time_audit.audit_results(known_week)
    ranked = [(s.category, s.hours) for s in results.non_billable_ranked]
    # calls 1.5 + 4 + 6; data entry 1 + 3.5; documents 2.5; then the two
    # 2-hour categories in the list's order.
    assert ranked == [
        ("reception", D("11.5")),
        ("crm", D("4.5")),
        ("documents", D("2.5")),
        ("scheduling", D("2")),
        ("other", D("2")),
    ]
    assert results.non_billable_ranked[0].percent_of_non_billable == D("51.1")
    assert [s.category for s in results.candidates] == ["reception", "crm", "documents"]
    assert not results.non_billable_ranked[-1].hand_off  # "other" is not a function


def test_three_of_eight_hours(attorney, attorney_scope, audit):
    """An attorney who bills 3 of every 8 hours recorded, all week: the
    industry's picture (Clio 2023: about 3.0 of 8 hours, 37 %)."""
    for n in range(5):
        day = MON + datetime.timedelta(days=n)
        record(attorney_scope, audit, attorney, day, billable="3", crm="2", other="3")
    results = time_audit.audit_results(audit)
    assert results.firm.days == 5
    assert results.firm.billable_per_day == D("3.00")
    assert results.firm.total_per_day == D("8.00")
    assert results.firm.billed_of_eight == D("3.0")
    assert results.firm.utilisation == D("37.5")
    assert results.reference.billed_of_eight == D("3.0")
    assert results.reference.utilisation_percent == D("37")
    assert "Clio Legal Trends Report 2023" in results.reference.source


def test_no_hours_no_figures(audit):
    results = time_audit.audit_results(audit)
    assert not results.has_hours
    assert results.firm.utilisation is None and results.firm.billable_per_day is None
    assert results.people == [] and results.candidates == []


def test_the_chart_stacks_each_category_per_person_without_script(known_week):
    chart = time_audit.audit_results(known_week).chart()
    assert "<script" not in chart.svg
    assert chart.data_uri.startswith("data:image/svg+xml;base64,")
    assert (
        "Ida Lane: billable client work 0.25 h, calls and messages 5 h, data entry "
        "and records 1.75 h (all: 7 h); Owen Ortiz: billable client work 3.5 h,"
    ) in chart.alt


CELLS = st.dictionaries(
    st.tuples(
        st.integers(min_value=1, max_value=3),  # person
        st.integers(min_value=0, max_value=4),  # day
        st.sampled_from(time_audit.AuditCategory.values),
    ),
    st.integers(min_value=1, max_value=400).map(lambda n: D(n) / 100),
    max_size=25,
)
PEOPLE = {
    n: SimpleNamespace(full_name=f"P{n}", email=f"p{n}@x.test") for n in (1, 2, 3)
}


@given(cells=CELLS, attorneys=st.sets(st.sampled_from([1, 2, 3])))
def test_the_firm_line_is_the_sum_of_its_people(cells, attorneys):
    rows = [
        (p, MON + datetime.timedelta(days=d), c, h) for (p, d, c), h in cells.items()
    ]
    results = time_audit.summarise(None, rows, PEOPLE, attorneys)
    firm = results.firm
    assert firm.total == sum(cells.values(), D(0))
    assert firm.days == len({(p, d) for p, d, _ in cells})
    assert firm.total == sum((line.total for line in results.people), D(0))
    assert firm.days == sum(line.days for line in results.people)
    assert firm.billable + firm.non_billable == firm.total
    assert results.attorneys.total == sum(
        (h for (p, _, _), h in cells.items() if p in attorneys), D(0)
    )
    for line in [*results.people, firm] if cells else []:
        assert line.days <= 5 * (3 if line is firm else 1)
        assert D(0) <= line.utilisation <= D(100)
        # Per-day figures are each rounded to the cent: they add up within it.
        assert abs(
            line.billable_per_day + line.non_billable_per_day - line.total_per_day
        ) <= D("0.01")
    shares = [share.hours for share in results.non_billable_ranked]
    assert shares == sorted(shares, reverse=True)
    assert sum(shares, D(0)) == firm.non_billable


# --- Import ---------------------------------------------------------------------------

HEADER = "person e-mail,date,category,hours,note\n"


def csv_file(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode("utf-8")


GOOD = csv_file(
    "attorney@hale.test,3/2/2026,billable,5.5,",
    "attorney@hale.test,3/2/2026,Scheduling and calendars,1:30,court dates",
    "STAFF@hale.test,2026-03-03,CRM,2,",
    "staff@hale.test,3/3/2026,calls and messages,4,phones",
)


def do_import(scope, audit, content, **kwargs):
    return time_audit.audit_import(
        scope=scope, audit=audit, file=content, filename="week.csv", **kwargs
    )


def test_checking_a_file_writes_nothing_and_previews_it(
    firm, firm_staff, attorney_scope, audit
):
    result = do_import(attorney_scope, audit, GOOD, dry_run=True)
    assert result.ok and result.rows == 4 and result.added == 4
    assert result.hours == D("13.00")
    assert [r.category for r in result.preview] == [
        "billable",
        "scheduling",
        "crm",
        "reception",
    ]
    assert result.preview[2].person == firm_staff
    assert result.preview[1].hours == D("1.50")
    assert "would add 4 rows (13 h)" in result.summary()
    assert not entries(audit).exists()
    assert last_event(firm, "insights.time_audit_imported") is None


def test_importing_writes_every_row_and_is_audited(
    firm, attorney, firm_staff, attorney_scope, audit
):
    result = do_import(attorney_scope, audit, GOOD)
    assert result.ok and result.added == 4
    assert time_audit.recorded_hours(audit, attorney) == {
        (MON, "billable"): D("5.5"),
        (MON, "scheduling"): D("1.5"),
    }
    assert entries(audit, category="scheduling").get().note == "court dates"
    assert all(e.import_ref.startswith("row:") for e in entries(audit))
    event = last_event(firm, "insights.time_audit_imported")
    assert event.actor == attorney and event.detail["added"] == 4
    assert "Imported “week.csv”: added 4 rows (13 h)" in result.summary()


def test_importing_the_same_file_again_adds_nothing(attorney_scope, audit):
    do_import(attorney_scope, audit, GOOD)
    again = do_import(attorney_scope, audit, GOOD)
    assert again.ok and again.added == 0 and again.already_imported == 4
    assert entries(audit).count() == 4


def test_two_identical_rows_are_two_entries_and_still_import_once(
    attorney, attorney_scope, audit
):
    twice = csv_file(
        "attorney@hale.test,3/2/2026,billable,2,",
        "attorney@hale.test,3/2/2026,billable,2,",
    )
    assert do_import(attorney_scope, audit, twice).added == 2
    assert do_import(attorney_scope, audit, twice).added == 0
    assert time_audit.recorded_hours(audit, attorney) == {(MON, "billable"): D("4")}


def test_a_file_with_problems_imports_nothing_and_lists_every_one(
    firm, attorney_scope, audit
):
    bad = csv_file(
        "attorney@hale.test,3/2/2026,billable,5.5,",
        "nobody@hale.test,3/2/2026,billable,1,",
        "attorney@hale.test,3/9/2026,billable,1,",
        "attorney@hale.test,3/3/2026,golf,1,",
        "attorney@hale.test,3/3/2026,billable,lots,",
        "staff@hale.test,3/3/2026,crm,0,",
    )
    result = do_import(attorney_scope, audit, bad)
    assert not result.ok
    assert [e.line for e in result.errors] == [3, 4, 5, 6, 7]
    text = [str(e) for e in result.errors]
    assert "nobody@hale.test" in text[0]
    assert "not a day of this audit" in text[1]
    assert "“golf” is not a category" in text[2] and "crm (Data entry" in text[2]
    assert "write them like 1.5 or 1:30" in text[3]
    assert "empty or 0" in text[4]
    assert "Nothing was imported" in result.summary()
    assert not entries(audit).exists()
    assert last_event(firm, "insights.time_audit_imported") is None


def test_a_windows_1252_file_from_excel_is_read(attorney, attorney_scope, audit):
    content = HEADER + "attorney@hale.test,3/2/2026,Other,1,Café with a référent\n"
    result = do_import(attorney_scope, audit, content.encode("cp1252"))
    assert result.ok and result.encoding == "Windows-1252"
    assert entries(audit).get().note == "Café with a référent"


def test_a_utf8_file_with_a_byte_order_mark_is_read(attorney_scope, audit):
    result = do_import(attorney_scope, audit, codecs.BOM_UTF8 + GOOD)
    assert result.ok and result.added == 4


def test_a_file_without_the_columns_says_which_are_missing(attorney_scope, audit):
    result = do_import(attorney_scope, audit, b"who,when,hours\nx,3/2/2026,1\n")
    assert not result.ok
    assert result.errors[0].line == 1
    assert "missing: person, date, category" in result.errors[0].message


def test_a_day_over_24_hours_across_rows_and_saved_hours_is_refused(
    attorney, attorney_scope, audit
):
    record(attorney_scope, audit, attorney, MON, billable="20")
    result = do_import(
        attorney_scope,
        audit,
        csv_file(
            "attorney@hale.test,3/2/2026,crm,2,",
            "attorney@hale.test,3/2/2026,other,2.5,",
        ),
    )
    assert not result.ok
    assert result.errors[0].line == 3
    assert "24.5 h with what is already recorded (lines 2, 3)" in str(result.errors[0])
    assert time_audit.recorded_hours(audit, attorney) == {(MON, "billable"): D("20")}


def test_hours_typed_on_the_page_win_over_a_file(attorney, attorney_scope, audit):
    record(attorney_scope, audit, attorney, MON, billable="6")
    result = do_import(attorney_scope, audit, GOOD)
    assert result.ok and result.kept_typed == 1 and result.added == 3
    assert "typed on the page" in result.summary()
    assert time_audit.recorded_hours(audit, attorney)[(MON, "billable")] == D("6")


def test_changing_imported_hours_on_the_page_survives_a_second_import(
    attorney, attorney_scope, audit
):
    do_import(attorney_scope, audit, GOOD)
    record(attorney_scope, audit, attorney, MON, billable="6", scheduling="1.5")
    again = do_import(attorney_scope, audit, GOOD)
    assert again.added == 0
    assert time_audit.recorded_hours(audit, attorney) == {
        (MON, "billable"): D("6"),
        (MON, "scheduling"): D("1.5"),
    }


def test_a_closed_audit_takes_no_import(attorney, attorney_scope, audit):
    record(attorney_scope, audit, attorney, TUE, billable="1")
    time_audit.audit_close(scope=attorney_scope, audit=audit)
    result = do_import(attorney_scope, audit, GOOD)
    assert not result.ok and "Reopen it" in result.errors[0].message
    assert entries(audit).count() == 1


def test_staff_cannot_import(staff_scope, audit):
    with pytest.raises(ServiceError):
        do_import(staff_scope, audit, GOOD)
    assert not entries(audit).exists()


def test_provider_staff_are_not_people_of_the_firm_in_a_file(
    attorney_scope, audit, assistant
):
    result = do_import(
        attorney_scope, audit, csv_file("assistant@northstar.test,3/2/2026,crm,1,")
    )
    assert not result.ok and "assistant@northstar.test" in result.errors[0].message


def test_wed_is_within_the_audit(attorney_scope, audit):
    # A row for any day from the first to the last is taken.
    result = do_import(
        attorney_scope, audit, csv_file("attorney@hale.test,3/4/2026,crm,1,")
    )
    assert result.ok and result.preview[0].date == WED
