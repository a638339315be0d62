"""The pre-bill review's services and queries (billing/review.py)."""

from decimal import Decimal

import pytest
from django.http import Http404

from firmdesk.audit.models import AuditEvent
from firmdesk.billing import review
from firmdesk.billing.models import ClientBillingTerms, EntryChange, TimeEntry
from firmdesk.billing.rates import billing_settings
from firmdesk.common.errors import ServiceError
from firmdesk.matters.models import Contact, MatterParty
from firmdesk.notify.models import Notification
from tests import factories as f

from .review_helpers import billing_assistant, entry, expense, scope_of

__all__ = ["billing_assistant"]

S = TimeEntry.Status


@pytest.fixture
def reviewer(firm, attorney):
    return scope_of(attorney, firm)


def _changes(row):
    return list(EntryChange.unscoped.filter(time_entry=row).order_by("created_at"))


def _fresh(row):
    return type(row).unscoped.get(pk=row.pk)


# --- Flags from the database ----------------------------------------------------------


def test_flags_of_a_queue_take_a_fixed_number_of_queries(
    firm, matter, attorney, reviewer, django_assert_num_queries
):
    billing_settings(firm)  # made on first use
    few = [entry(firm, matter, attorney)]
    many = [
        entry(firm, matter, attorney, narrative=f"Draft clause {i} of the lease")
        for i in range(30)
    ]
    receipts = [expense(firm, matter, attorney) for _ in range(5)]
    # The rules, the days' other entries, the clients' UTBMS terms...
    with django_assert_num_queries(3):
        review.flags_of(scope=reviewer, entries=few)
    with django_assert_num_queries(3):
        review.flags_of(scope=reviewer, entries=many)
    # ... and the days' other expenses.
    with django_assert_num_queries(4):
        review.flags_of(scope=reviewer, entries=many, expenses=receipts)


def test_day_total_counts_entries_already_approved(firm, matter, attorney, reviewer):
    entry(firm, matter, attorney, hours=Decimal("8.00"), status=S.REVIEWED)
    late = entry(firm, matter, attorney, hours=Decimal("3.00"))
    codes = [x.code for x in review.row_flags(reviewer, late)]
    assert codes == ["long_day"]


def test_written_off_copy_is_not_a_duplicate(firm, matter, attorney, reviewer):
    entry(firm, matter, attorney, written_off=True, status=S.REVIEWED)
    kept = entry(firm, matter, attorney)
    assert review.row_flags(reviewer, kept) == []
    entry(firm, matter, attorney)
    assert [x.code for x in review.row_flags(reviewer, kept)] == ["duplicate"]


def test_missing_codes_follow_the_clients_terms(firm, matter, attorney, reviewer):
    row = entry(firm, matter, attorney)
    assert review.row_flags(reviewer, row) == []
    client = Contact.objects.create(firm=firm, name="Acme Corp", kind="organization")
    MatterParty.objects.create(
        firm=firm, matter=matter, contact=client, role=MatterParty.Role.CLIENT
    )
    ClientBillingTerms.objects.create(firm=firm, client=client, requires_utbms=True)
    [flag] = review.row_flags(reviewer, row)
    assert flag.code == "missing_code"


def test_queue_filters_by_flag(firm, matter, attorney, reviewer):
    clean = entry(firm, matter, attorney)
    vague = entry(
        firm, matter, attorney, narrative="Attention to file", hours=Decimal("0.30")
    )
    assert [r.row for r in review.queue(reviewer, flag="vague")] == [vague]
    assert [r.row for r in review.queue(reviewer, flag="none")] == [clean]


# --- Approve --------------------------------------------------------------------------


def test_approve_records_the_change_and_the_audit(firm, matter, attorney, reviewer):
    row = entry(firm, matter, attorney)
    review.entry_approve(scope=reviewer, row=row)
    assert _fresh(row).status == S.REVIEWED
    [change] = _changes(row)
    assert change.action == "approved" and change.by == attorney
    assert change.before == {"status": "submitted"}
    assert AuditEvent.objects.filter(
        org=firm, action="billing.time_approved", object_id=str(row.public_id)
    ).exists()


def test_a_flagged_entry_needs_a_note_to_be_approved(firm, matter, attorney, reviewer):
    row = entry(firm, matter, attorney, hours=Decimal("0.25"))
    with pytest.raises(ServiceError) as error:
        review.entry_approve(scope=reviewer, row=row)
    assert error.value.field == "note"
    assert _fresh(row).status == S.SUBMITTED and _changes(row) == []
    review.entry_approve(scope=reviewer, row=row, note="Client agreed to quarters")
    [change] = _changes(row)
    assert change.after["flags"] == ["increment"]
    assert change.note == "Client agreed to quarters"


def test_approving_twice_is_refused(firm, matter, attorney, reviewer):
    row = entry(firm, matter, attorney)
    review.entry_approve(scope=reviewer, row=row)
    with pytest.raises(ServiceError, match="already been approved"):
        review.entry_approve(scope=reviewer, row=row)


def test_billed_entries_cannot_be_changed(firm, matter, attorney, reviewer):
    row = entry(firm, matter, attorney, status=S.BILLED)
    with pytest.raises(ServiceError, match="invoice"):
        review.entry_write_off(scope=reviewer, row=row, note="too late")


# --- Edit, write down, write off, send back -------------------------------------------


def test_edit_records_each_changed_field(firm, matter, attorney, reviewer):
    row = entry(firm, matter, attorney)
    review.entry_edit(
        scope=reviewer,
        row=row,
        values={
            "narrative": CLEAN_NEW,
            "hours": "1.5",
            "task_code": "l210",
            "activity_code": "",
            "rate": "200.00",
            "billable": True,
        },
    )
    row = _fresh(row)
    assert (row.hours, row.task_code, row.narrative) == (
        Decimal("1.50"),
        "L210",
        CLEAN_NEW,
    )
    [change] = _changes(row)
    assert change.before == {
        "narrative": "Draft reply to the motion to dismiss",
        "hours": "1.00",
        "task_code": "",
    }
    assert change.after == {
        "narrative": CLEAN_NEW,
        "hours": "1.50",
        "task_code": "L210",
    }


CLEAN_NEW = "Draft reply to the motion to dismiss, section on standing"


def test_edit_refuses_an_unknown_code_and_saves_nothing(
    firm, matter, attorney, reviewer
):
    row = entry(firm, matter, attorney)
    with pytest.raises(ServiceError) as error:
        review.entry_edit(scope=reviewer, row=row, values={"task_code": "L999"})
    assert error.value.field == "task_code"
    assert _fresh(row).task_code == "" and _changes(row) == []


def test_edit_with_nothing_changed_says_so(firm, matter, attorney, reviewer):
    row = entry(firm, matter, attorney)
    with pytest.raises(ServiceError, match="Nothing was changed"):
        review.entry_edit(scope=reviewer, row=row, values={"hours": "1.00"})


def test_write_down_by_an_amount_and_to_hours(firm, matter, attorney, reviewer):
    row = entry(firm, matter, attorney, hours=Decimal("2.00"))  # $400
    review.entry_write_down(
        scope=reviewer, row=row, amount=Decimal("50"), note="first draft"
    )
    assert _fresh(row).adjustment == Decimal("-50.00")
    assert _fresh(row).amount == Decimal("350.00")
    review.entry_write_down(
        scope=reviewer, row=_fresh(row), to_hours="1.5", note="too long"
    )
    row = _fresh(row)
    assert row.amount == Decimal("300.00") and row.hours == Decimal("2.00")
    assert [c.action for c in _changes(row)] == ["written_down", "written_down"]
    assert _changes(row)[1].after["taken_off"] == "50.00"


def test_write_down_needs_a_note_and_a_sensible_amount(
    firm, matter, attorney, reviewer
):
    row = entry(firm, matter, attorney)
    with pytest.raises(ServiceError) as error:
        review.entry_write_down(scope=reviewer, row=row, amount=Decimal("10"), note=" ")
    assert error.value.field == "note"
    with pytest.raises(ServiceError) as error:
        review.entry_write_down(
            scope=reviewer, row=row, amount=Decimal("900"), note="x"
        )
    assert error.value.field == "amount"
    with pytest.raises(ServiceError) as error:
        review.entry_write_down(scope=reviewer, row=row, to_hours="3", note="x")
    assert error.value.field == "to_hours"
    assert _changes(row) == []


def test_write_off_bills_nothing_and_needs_a_note(firm, matter, attorney, reviewer):
    row = entry(firm, matter, attorney)
    with pytest.raises(ServiceError):
        review.entry_write_off(scope=reviewer, row=row, note="")
    review.entry_write_off(scope=reviewer, row=row, note="Duplicate of Monday's")
    row = _fresh(row)
    assert row.written_off and row.amount == 0 and row.status == S.REVIEWED


def test_send_back_makes_a_draft_and_tells_the_timekeeper(
    firm, matter, attorney, firm_staff
):
    row = entry(firm, matter, firm_staff)
    review.entry_send_back(
        scope=scope_of(attorney, firm), row=row, reason="Split the call from the memo"
    )
    assert _fresh(row).status == S.DRAFT
    [change] = _changes(row)
    assert change.action == "returned" and change.note == "Split the call from the memo"
    note = Notification.objects.get(user=firm_staff)
    assert "sent back" in note.title and "Split the call" in note.body
    # The link opens the timekeeper's own edit page for the entry.
    assert note.url == f"/f/{firm.slug}/billing/time/{row.public_id}/edit/"


def test_expenses_are_reviewed_the_same_way(firm, matter, attorney, reviewer):
    row = expense(firm, matter, attorney)
    review.entry_write_down(scope=reviewer, row=row, amount=Decimal("35"), note="cap")
    review.entry_approve(scope=reviewer, row=_fresh(row))
    row = _fresh(row)
    assert row.status == S.REVIEWED and row.amount == Decimal("400.00")
    assert EntryChange.unscoped.filter(expense=row).count() == 2


# --- Who reviews ----------------------------------------------------------------------


def test_provider_staff_with_billing_review_others_time_not_their_own(
    firm, matter, attorney, billing_assistant
):
    scope = scope_of(billing_assistant, firm)
    theirs = entry(firm, matter, attorney)
    own = entry(
        firm, matter, billing_assistant, narrative="Enter March time for review"
    )
    review.entry_approve(scope=scope, row=theirs)
    with pytest.raises(ServiceError, match="your own time"):
        review.entry_approve(scope=scope, row=own)
    assert _fresh(own).status == S.SUBMITTED


def test_provider_staff_without_billing_may_not_review(
    firm, matter, attorney, assistant
):
    scope = scope_of(assistant, firm)
    row = entry(firm, matter, attorney)
    with pytest.raises(Http404):
        review.entry_approve(scope=scope, row=row)
    with pytest.raises(Http404):
        review.access_review_row(scope, "time", row.public_id)


def test_other_firms_rows_are_not_found(
    firm, other_firm, other_matter, attorney, reviewer
):
    outsider_row = entry(other_firm, other_matter, f.member(other_firm, ["attorney"]))
    with pytest.raises(Http404):
        review.access_review_row(reviewer, "time", outsider_row.public_id)


# --- Bulk approve ---------------------------------------------------------------------


def test_bulk_approve_takes_only_unflagged_rows_of_the_matter(
    firm, matter, attorney, firm_staff, reviewer
):
    clean = entry(firm, matter, attorney)
    flagged = entry(firm, matter, attorney, narrative="Review", hours=Decimal("0.20"))
    receipt = expense(firm, matter, firm_staff)
    elsewhere = entry(firm, f.MatterFactory(firm=firm), attorney)
    assert review.entries_approve_unflagged(scope=reviewer, matter=matter) == 2
    assert _fresh(clean).status == S.REVIEWED
    assert _fresh(receipt).status == S.REVIEWED
    assert _fresh(flagged).status == S.SUBMITTED
    assert _fresh(elsewhere).status == S.SUBMITTED
    assert [c.action for c in _changes(clean)] == ["approved"]


def test_bulk_approve_skips_the_reviewers_own_time(
    firm, matter, attorney, billing_assistant
):
    own = entry(
        firm, matter, billing_assistant, narrative="Enter March time for review"
    )
    other = entry(firm, matter, attorney)
    scope = scope_of(billing_assistant, firm)
    assert review.entries_approve_unflagged(scope=scope, matter=matter) == 1
    assert _fresh(own).status == S.SUBMITTED and _fresh(other).status == S.REVIEWED


def test_nothing_to_write_down_on_time_the_client_is_not_billed_for(
    firm, matter, attorney, reviewer
):
    row = entry(firm, matter, attorney, billable=False)
    with pytest.raises(ServiceError, match="nothing to write down"):
        review.entry_write_down(scope=reviewer, row=row, amount=Decimal("5"), note="x")
    assert _changes(row) == []
