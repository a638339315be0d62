"""The pre-bill review pages: the queue, an entry's page, the actions."""

from decimal import Decimal

import pytest
from django.urls import reverse

from firmdesk.billing.models import EntryChange, TimeEntry
from tests.billing.review_helpers import billing_assistant, entry, expense
from tests.factories import sign_in

__all__ = ["billing_assistant"]

S = TimeEntry.Status


def _queue(firm, **query):
    url = reverse("billing:review_queue", kwargs={"firm_slug": firm.slug})
    return url, query


def _row(firm, row, kind="time"):
    return reverse(
        "billing:review_row",
        kwargs={"firm_slug": firm.slug, "kind": kind, "row_id": row.public_id},
    )


def _action(firm, row, action, kind="time"):
    return reverse(
        "billing:review_action",
        kwargs={
            "firm_slug": firm.slug,
            "kind": kind,
            "row_id": row.public_id,
            "action": action,
        },
    )


@pytest.fixture
def signed_in(client, attorney):
    client.force_login(attorney)
    return client


def test_queue_groups_by_matter_and_shows_each_flag_beside_its_entry(
    signed_in, firm, matter, attorney
):
    entry(firm, matter, attorney, narrative="Attention to file", hours=Decimal("0.30"))
    expense(firm, matter, attorney)
    url, query = _queue(firm)
    body = signed_in.get(url).content.decode()
    assert "M-2026-001 · Lopez v. Acme" in body
    assert "Vague narrative" in body and "“attention to file” does not tell" in body
    assert "Filing fee, Superior Court" in body
    assert "2 waiting, 1 with flags." in body
    assert "Approve the 1 without flags" in body


def test_queue_filters_by_flag_and_matter(signed_in, firm, matter, attorney):
    entry(firm, matter, attorney, narrative="Attention to file", hours=Decimal("0.30"))
    entry(firm, matter, attorney, narrative="Draft discovery responses to Acme")
    url, _ = _queue(firm)
    body = signed_in.get(url, {"flag": "none"}).content.decode()
    assert "Draft discovery responses" in body and "Attention to file" not in body
    body = signed_in.get(url, {"matter": "not-a-matter"}).content.decode()
    assert "2 waiting" in body  # a stale filter shows everything


def test_queue_says_what_to_do_when_empty(signed_in, firm):
    url, _ = _queue(firm)
    assert "Nothing is waiting for review" in signed_in.get(url).content.decode()


def test_queue_takes_a_fixed_number_of_queries(
    signed_in, firm, matter, attorney, django_assert_max_num_queries
):
    for i in range(3):
        entry(firm, matter, attorney, narrative=f"Draft section {i} of the brief")
    expense(firm, matter, attorney)
    url, _ = _queue(firm)
    signed_in.get(url)
    with django_assert_max_num_queries(30) as few:
        signed_in.get(url)
    for i in range(20):
        entry(firm, matter, attorney, narrative=f"Prepare exhibit {i} list")
        expense(firm, matter, attorney)
    with django_assert_max_num_queries(len(few.captured_queries)):
        signed_in.get(url)


def test_entry_page_offers_every_action_with_nothing_chosen(
    signed_in, firm, matter, attorney
):
    row = entry(firm, matter, attorney, hours=Decimal("0.25"))
    body = signed_in.get(_row(firm, row)).content.decode()
    for label in ("Approve", "Edit", "Write down", "Write off", "Send back to"):
        assert f'<summary class="fw-semibold">{label}' in body
    assert " open>" not in body
    assert "Off the increment" in body
    assert "No review steps yet." in body


def test_approving_a_flagged_entry_without_a_note_keeps_the_form_and_says_why(
    signed_in, firm, matter, attorney
):
    row = entry(firm, matter, attorney, hours=Decimal("0.25"))
    response = signed_in.post(_action(firm, row, "approve"), {"note": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "This entry is flagged. Say in a short note why" in body
    assert 'class="border rounded p-2 mb-2" open' in body
    assert TimeEntry.unscoped.get(pk=row.pk).status == S.SUBMITTED


def test_approve_with_a_note_then_history_shows_it(signed_in, firm, matter, attorney):
    row = entry(firm, matter, attorney, hours=Decimal("0.25"))
    response = signed_in.post(
        _action(firm, row, "approve"), {"note": "Client bills in quarters"}
    )
    assert response.status_code == 303
    assert TimeEntry.unscoped.get(pk=row.pk).status == S.REVIEWED
    body = signed_in.get(_row(firm, row)).content.decode()
    assert "Client bills in quarters" in body
    assert "Flags it was approved with: increment" in body


def test_edit_keeps_what_was_typed_on_error(signed_in, firm, matter, attorney):
    row = entry(firm, matter, attorney)
    response = signed_in.post(
        _action(firm, row, "edit"),
        {"narrative": "Draft a fuller reply", "hours": "abc", "rate": "200"},
    )
    body = response.content.decode()
    assert "Draft a fuller reply" in body and "Enter a number" in body
    assert (
        TimeEntry.unscoped.get(pk=row.pk).narrative
        == "Draft reply to the motion to dismiss"
    )


def test_edit_is_recorded_field_by_field(signed_in, firm, matter, attorney):
    row = entry(firm, matter, attorney)
    signed_in.post(
        _action(firm, row, "edit"),
        {
            "narrative": row.narrative,
            "hours": "1.2",
            "rate": "200",
            "task_code": "L240",
            "activity_code": "A103",
            "billable": "on",
        },
    )
    body = signed_in.get(_row(firm, row)).content.decode()
    assert "Hours: 1.00 → 1.20" in body
    assert "Task code: (empty) → L240" in body


def test_write_down_needs_an_amount_or_hours(signed_in, firm, matter, attorney):
    row = entry(firm, matter, attorney)
    body = signed_in.post(
        _action(firm, row, "write_down"), {"note": "too long"}
    ).content.decode()
    assert "Fill in the amount to take off or the hours to bill." in body
    signed_in.post(
        _action(firm, row, "write_down"), {"to_hours": "0.5", "note": "too long"}
    )
    assert TimeEntry.unscoped.get(pk=row.pk).amount == Decimal("100.00")


def test_write_off_asks_for_confirmation(signed_in, firm, matter, attorney):
    row = entry(firm, matter, attorney)
    body = signed_in.post(
        _action(firm, row, "write_off"), {"note": "duplicate"}
    ).content.decode()
    assert "Tick the box" in body
    assert not TimeEntry.unscoped.get(pk=row.pk).written_off
    signed_in.post(_action(firm, row, "write_off"), {"note": "dup", "confirm": "on"})
    assert TimeEntry.unscoped.get(pk=row.pk).written_off


def test_send_back_then_the_page_says_it_is_with_the_timekeeper(
    signed_in, firm, matter, attorney, firm_staff
):
    row = entry(firm, matter, firm_staff)
    signed_in.post(_action(firm, row, "send_back"), {"reason": "Add the UTBMS codes"})
    body = signed_in.get(_row(firm, row)).content.decode()
    assert "back with the timekeeper" in body
    assert "Sent back to the timekeeper" in body and "Add the UTBMS codes" in body


def test_expense_page_and_write_down_by_amount(signed_in, firm, matter, attorney):
    row = expense(firm, matter, attorney)
    page = signed_in.get(_row(firm, row, "expense")).content.decode()
    assert "bill it as this many hours" not in page
    signed_in.post(
        _action(firm, row, "write_down", "expense"), {"amount": "35", "note": "cap"}
    )
    assert EntryChange.unscoped.get(expense=row).action == "written_down"


def test_bulk_approve_from_the_queue(signed_in, firm, matter, attorney):
    clean = entry(firm, matter, attorney)
    flagged = entry(firm, matter, attorney, narrative="Review", hours=Decimal("0.3"))
    response = signed_in.post(
        reverse("billing:review_bulk_approve", kwargs={"firm_slug": firm.slug}),
        {"matter": str(matter.public_id)},
        follow=True,
    )
    assert "Approved 1 unflagged entry of M-2026-001" in response.content.decode()
    assert TimeEntry.unscoped.get(pk=clean.pk).status == S.REVIEWED
    assert TimeEntry.unscoped.get(pk=flagged.pk).status == S.SUBMITTED


def test_provider_staff_see_why_they_cannot_review_their_own_time(
    client, firm, matter, billing_assistant
):
    own = entry(firm, matter, billing_assistant, narrative="Enter March time entries")
    sign_in(client, billing_assistant)
    body = client.get(_row(firm, own)).content.decode()
    assert "You cannot review your own time" in body
    assert "Approve: ready to bill" not in body
    response = client.post(_action(firm, own, "approve"), {"note": "mine"})
    assert "You cannot review your own time" in response.content.decode()
    assert TimeEntry.unscoped.get(pk=own.pk).status == S.SUBMITTED


def test_people_without_billing_get_404(client, firm, matter, attorney, assistant):
    row = entry(firm, matter, attorney)
    sign_in(client, assistant)
    url, _ = _queue(firm)
    assert client.get(url).status_code == 404
    assert client.get(_row(firm, row)).status_code == 404
    assert client.post(_action(firm, row, "approve"), {}).status_code == 404


def test_unknown_kind_or_action_is_404(signed_in, firm, matter, attorney):
    row = entry(firm, matter, attorney)
    assert signed_in.get(_row(firm, row, "invoice")).status_code == 404
    assert signed_in.post(_action(firm, row, "delete"), {}).status_code == 404
