"""Ageing of what clients owe, and collection notes (issue 17, item 6)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.billing import receivables as ar
from firmdesk.billing.models import CollectionNote, Invoice
from firmdesk.common.errors import ServiceError
from firmdesk.matters.models import MatterScreen
from tests import factories as f

from .receivables_data import billing_assistant, client_of, invoice

AS_OF = datetime.date(2026, 6, 30)
DAY = datetime.timedelta(days=1)


def _late(days):
    return AS_OF - days * DAY


@pytest.fixture
def scope(attorney, firm):
    return resolve_scope(attorney, firm)


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-5, "current"),
        (0, "current"),
        (1, "d1_30"),
        (30, "d1_30"),
        (31, "d31_60"),
        (60, "d31_60"),
        (61, "d61_90"),
        (90, "d61_90"),
        (91, "over_90"),
        (400, "over_90"),
    ],
)
def test_an_invoice_falls_in_the_bucket_of_its_days_past_due(
    firm, matter, scope, days, bucket
):
    invoice(firm, matter, total="100.00", due_on=_late(days))
    report = ar.ageing(scope, as_of=AS_OF)
    amounts = report.total.amounts
    assert amounts[bucket] == Decimal("100.00")
    assert sum(amounts.values()) == Decimal("100.00")
    assert ar.bucket_for(days).key == bucket


def test_ageing_counts_what_is_still_owed_on_open_invoices_only(firm, matter, scope):
    invoice(firm, matter, total="1000.00", paid="250.50", status="partly_paid")
    invoice(firm, matter, total="500.00", paid="500.00", status="paid")
    invoice(firm, matter, total="300.00", status="void")
    invoice(firm, matter, total="300.00", status="draft")
    invoice(firm, matter, total="300.00", status="approved")
    report = ar.ageing(scope, as_of=AS_OF)
    assert report.total.total == Decimal("749.50")
    assert report.total.invoices == 1


def test_an_invoice_issued_after_the_day_is_not_in_that_days_ageing(
    firm, matter, scope
):
    invoice(firm, matter, issued_on=AS_OF + DAY, due_on=AS_OF + 31 * DAY)
    assert ar.ageing(scope, as_of=AS_OF).clients == []
    assert ar.ageing(scope, as_of=AS_OF + DAY).total.total == Decimal("1000.00")


def test_an_invoice_without_a_due_date_is_aged_from_its_issue_date(firm, matter, scope):
    row = invoice(firm, matter, total="80.00")
    Invoice.unscoped.filter(pk=row.pk).update(due_on=None, issued_on=_late(45))
    assert ar.ageing(scope, as_of=AS_OF).total.amounts["d31_60"] == Decimal("80.00")


def test_ageing_groups_by_client_then_matter_with_totals(firm, attorney, scope):
    m1 = f.MatterFactory(firm=firm, number="M-1", title="Acme lease")
    m2 = f.MatterFactory(firm=firm, number="M-2", title="Acme suit")
    m3 = f.MatterFactory(firm=firm, number="M-3", title="Baker will")
    acme = client_of(firm, m1, "Acme Corp")
    baker = client_of(firm, m3, "Baker, Jane")
    invoice(firm, m1, client=acme, total="100.00", due_on=_late(10))
    invoice(firm, m1, client=acme, total="200.00", due_on=_late(100))
    invoice(firm, m2, client=acme, total="50.25", due_on=AS_OF)
    invoice(firm, m3, client=baker, total="70.00", due_on=_late(70))
    report = ar.ageing(scope, as_of=AS_OF)
    assert [c.label for c in report.clients] == ["Acme Corp", "Baker, Jane"]
    acme_row, baker_row = report.clients
    assert [m.matter_number for m in acme_row.matters] == ["M-1", "M-2"]
    assert acme_row.matters[0].amounts["d1_30"] == Decimal("100.00")
    assert acme_row.matters[0].amounts["over_90"] == Decimal("200.00")
    assert acme_row.total == Decimal("350.25")
    assert acme_row.invoices == 3
    assert baker_row.amounts["d61_90"] == Decimal("70.00")
    assert report.total.total == Decimal("420.25")
    assert report.total.cells == [
        Decimal("50.25"),
        Decimal("100.00"),
        Decimal("0.00"),
        Decimal("70.00"),
        Decimal("200.00"),
    ]


def test_ageing_takes_one_query_however_many_invoices(firm, scope):
    for n in range(12):
        m = f.MatterFactory(firm=firm)
        invoice(firm, m, client=client_of(firm, m, f"Client {n}"), due_on=_late(n * 9))
    scope.screened_matter_ids  # resolved with the scope, before the report
    with CaptureQueriesContext(connection) as queries:
        report = ar.ageing(scope, as_of=AS_OF)
    assert len(report.clients) == 12
    assert len(queries) == 1


def test_ageing_shows_nothing_of_a_matter_the_viewer_is_screened_from(
    firm, matter, attorney, firm_admin
):
    invoice(firm, matter, total="100.00")
    MatterScreen.unscoped.create(firm=firm, matter=matter, user=attorney)
    assert ar.ageing(resolve_scope(attorney, firm), as_of=AS_OF).clients == []
    assert ar.ageing(resolve_scope(firm_admin, firm), as_of=AS_OF).clients != []


def test_outside_staff_without_billing_may_not_collect(firm, matter, assistant):
    scope = resolve_scope(assistant, firm)
    assert not ar.may_collect(scope)
    row = invoice(firm, matter)
    with pytest.raises(Exception) as raised:
        ar.access_invoice_for_collection(scope, row.public_id)
    assert raised.type.__name__ == "Http404"


def test_outside_billing_staff_see_the_matters_granted_to_them_only(
    firm, matter, provider, engagement
):
    other = f.MatterFactory(firm=firm, number="M-9", title="Not granted")
    invoice(firm, matter, total="10.00")
    invoice(firm, other, total="20.00")
    clerk = billing_assistant(provider, engagement, matter)
    report = ar.ageing(resolve_scope(clerk, firm), as_of=AS_OF)
    assert report.total.total == Decimal("10.00")


def test_another_firms_invoices_never_show(
    firm, matter, other_firm, other_matter, scope
):
    invoice(other_firm, other_matter, total="999.00")
    assert ar.ageing(scope, as_of=AS_OF).clients == []


class TestAgeingProperties(TestCase):
    """Whatever the invoices, the buckets split what is owed exactly: each
    invoice's balance lands in the one bucket its days past due name."""

    @given(
        st.lists(
            st.tuples(
                st.integers(min_value=-60, max_value=400),
                st.decimals(min_value=1, max_value=100000, places=2),
                st.decimals(min_value=0, max_value=1, places=2),
                st.integers(min_value=0, max_value=2),
            ),
            max_size=8,
        )
    )
    def test_buckets_add_up_to_the_balances(self, rows):
        firm = f.OrganizationFactory(slug="prop-firm")
        user = f.member(firm, ["attorney"], email="prop@firm.test")
        matters = [f.MatterFactory(firm=firm) for _ in range(3)]
        expected = {b.key: Decimal("0.00") for b in ar.BUCKETS}
        for days, total, share, which in rows:
            paid = (total * share).quantize(Decimal("0.01"))
            invoice(
                firm,
                matters[which],
                total=str(total),
                paid=str(paid),
                status="partly_paid" if paid else "sent",
                due_on=_late(days),
                issued_on=_late(max(days, 0) + 30),
            )
            expected[ar.bucket_for(days).key] += total - paid
        report = ar.ageing(resolve_scope(user, firm), as_of=AS_OF)
        assert report.total.amounts == expected
        assert sum(c.total for c in report.clients) == report.total.total


# --- Collection notes ------------------------------------------------------------


def test_a_collection_note_is_kept_newest_first_and_audited(firm, matter, scope):
    row = invoice(firm, matter)
    first = ar.collection_note_add(scope=scope, invoice=row, text="Called AP.")
    second = ar.collection_note_add(
        scope=scope,
        invoice=row,
        text="  Promised payment Friday. ",
        next_step_on=ar.firm_today(firm) + DAY,
    )
    notes = list(ar.collection_notes_of(scope, row))
    assert notes == [second, first]
    assert second.text == "Promised payment Friday."
    assert second.author == scope.user
    event = AuditEvent.objects.filter(action="billing.collection_note_added").last()
    assert event.summary == f"Collection note on invoice {row.number}"


@pytest.mark.parametrize(
    ("text", "next_step", "field"),
    [("   ", None, "text"), ("x" * 4001, None, "text"), ("ok", -1, "next_step_on")],
)
def test_a_note_that_says_nothing_or_looks_back_is_refused(
    firm, matter, scope, text, next_step, field
):
    row = invoice(firm, matter)
    when = ar.firm_today(firm) + next_step * DAY if next_step else None
    with pytest.raises(ServiceError) as raised:
        ar.collection_note_add(scope=scope, invoice=row, text=text, next_step_on=when)
    assert raised.value.field == field
    assert not CollectionNote.unscoped.exists()


def test_outside_staff_without_billing_cannot_add_notes(firm, matter, assistant):
    row = invoice(firm, matter)
    with pytest.raises(ServiceError):
        ar.collection_note_add(
            scope=resolve_scope(assistant, firm), invoice=row, text="hi"
        )


def test_days_past_due_counts_calendar_days_in_the_firms_zone(firm):
    # 2 July 2026, 01:00 UTC is still 1 July in New York.
    moment = datetime.datetime(2026, 7, 2, 1, 0, tzinfo=datetime.UTC)
    today = ar.firm_today(firm, moment)
    assert today == datetime.date(2026, 7, 1)
    assert ar.days_past_due(datetime.date(2026, 6, 1), today) == 30


def test_an_invoice_with_no_dates_is_current(firm, matter, scope):
    row = invoice(firm, matter, total="40.00")
    Invoice.unscoped.filter(pk=row.pk).update(due_on=None, issued_on=None)
    assert ar.ageing(scope, as_of=AS_OF).total.amounts["current"] == Decimal("40.00")
