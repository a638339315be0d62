"""The public form sent twice at the same moment (a double click on a slow
connection): both sendings look for a lead of their form token, find none, and
store. The unique constraint on (firm, form token) lets one in; the other
answers the lead the first made, and nothing of it is stored.

Only PostgreSQL runs the two truly side by side; SQLite's IMMEDIATE
transactions let one writer in at a time, so the race cannot happen there.
"""

import threading

import pytest
from django.db import connection

from firmdesk.audit.models import AuditEvent
from firmdesk.intake import services
from firmdesk.intake.models import Lead
from tests.isolation.fixtures_intake import make_form

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises writers: two sendings cannot race there",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_simultaneous_sendings_of_one_form_make_one_lead(
    firm, engagement, monkeypatch
):
    form = make_form(firm, title="Injury", slug="injury", practice_area="Injury")
    token = "race" * 8
    barrier = threading.Barrier(2, timeout=30)
    looked = threading.local()
    lookup = services.lead_by_form_token

    def look_then_wait(firm, form_token):
        found = lookup(firm, form_token)
        if not getattr(looked, "once", False):
            # Both sendings have looked and found nothing before either stores.
            looked.once = True
            barrier.wait()
        return found

    monkeypatch.setattr(services, "lead_by_form_token", look_then_wait)
    answered = []

    def send(description):
        try:
            lead = services.lead_submit(
                form=form,
                submission=services.Submission(
                    name="Maria Lopez",
                    email="maria@example.com",
                    description=description,
                ),
                address="203.0.113.9",
                form_token=token,
            )
            answered.append(lead.pk)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=send, args=(text,)) for text in ("first", "second")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    (lead,) = Lead.objects.for_firm(firm)
    assert answered == [lead.pk, lead.pk]
    assert AuditEvent.objects.filter(action="intake.lead_received").count() == 1
