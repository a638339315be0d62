"""Two visitors asking for the same consultation slot at the same moment: the
database lets one in and the other is told, with the next free slot.

Only PostgreSQL runs the two requests truly side by side; SQLite's IMMEDIATE
transactions let one writer in at a time, so the race cannot happen there.
"""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from firmdesk.intake import services
from firmdesk.intake.models import Booking, Lead
from firmdesk.scheduling import availability

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises writers: two bookings cannot race there",
    ),
    pytest.mark.django_db(transaction=True),
]


def _free_slot(attorney, firm) -> datetime.datetime:
    """A slot in the attorney's working hours a week or more from now (10:00 or
    11:00 in New York), skipping holidays and weekends."""
    day = timezone.now().date() + datetime.timedelta(days=7)
    for _ in range(30):
        start = datetime.datetime.combine(day, datetime.time(15), tzinfo=datetime.UTC)
        end = start + datetime.timedelta(minutes=services.CONSULTATION_MINUTES)
        if availability.is_free(attorney, firm, start, end):
            return start
        day += datetime.timedelta(days=1)
    raise AssertionError("no working day in 30 days")


def _lead(firm, name):
    return Lead.unscoped.create(
        firm=firm,
        source=Lead.Source.BOOKING,
        name=name,
        email=f"{name.split()[0].lower()}@example.com",
        received_at=timezone.now(),
    )


def test_two_simultaneous_requests_for_one_slot_give_one_booking(firm, attorney):
    start = _free_slot(attorney, firm)
    leads = [_lead(firm, "Maria Lopez"), _lead(firm, "Sam Reed")]
    barrier = threading.Barrier(len(leads), timeout=30)
    outcomes = []

    def ask(lead):
        try:
            barrier.wait()
            services.booking_request(lead=lead, attorney=attorney, start=start)
            outcomes.append(("booked", lead.name, None))
        except services.SlotTaken as error:
            outcomes.append(("taken", lead.name, error.next_slot))
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(lead,)) for lead in leads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(o[0] for o in outcomes) == ["booked", "taken"]
    (booking,) = Booking.objects.for_firm(firm).filter(attorney=attorney)
    (winner,) = [name for kind, name, _ in outcomes if kind == "booked"]
    (next_slot,) = [slot for kind, _, slot in outcomes if kind == "taken"]
    assert booking.start == start and booking.lead.name == winner
    assert next_slot is not None and next_slot.start > start
