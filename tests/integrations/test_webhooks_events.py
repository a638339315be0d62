"""Each domain event, made by the real service, records one delivery for an
endpoint that chose it, none for one that did not, and none at all when the
service's transaction rolls back."""

import datetime

import pytest
from django.db import transaction

from firmdesk.access.scope import resolve_scope
from firmdesk.billing import invoicing
from firmdesk.conflicts.services import conflict_check_run, conflict_decide, matter_open
from firmdesk.engagements.services import engagement_end
from firmdesk.intake import services as intake
from firmdesk.intake.public import booking_lead_create
from firmdesk.integrations.models import WebhookDelivery
from firmdesk.notify.hooks import EVENTS
from firmdesk.scheduling import services as scheduling
from firmdesk.scheduling.models import Court, DeadlineRule
from firmdesk.work import services as work
from tests import factories as f
from tests.billing.invoice_rows import client_of, entry, keeper, styled
from tests.isolation.fixtures_intake import make_form

from .conftest import make_endpoint

pytestmark = pytest.mark.django_db

FEB_1 = datetime.date(2026, 2, 1)


def scope(user, firm):
    return resolve_scope(user, firm, today=FEB_1)


def _task(firm, matter, assignee, status):
    return f.task(
        firm, matter=matter, assignee=assignee, status=status, review_required=True
    )


def submit(w):
    task = _task(w.firm, w.matter, w.assistant, "in_progress")
    work.task_submit(
        scope=scope(w.assistant, w.firm), task=task, revision=task.revision
    )


def approve(w):
    task = _task(w.firm, w.matter, w.assistant, "submitted")
    work.task_review(
        scope=scope(w.attorney, w.firm),
        task=task,
        revision=task.revision,
        approve=True,
        without_file=True,
    )


def return_(w):
    task = _task(w.firm, w.matter, w.assistant, "submitted")
    work.task_review(
        scope=scope(w.attorney, w.firm),
        task=task,
        revision=task.revision,
        approve=False,
        reason="typo",
        comment="The hearing is on the 4th, not the 14th.",
    )


def lead(w):
    intake.lead_create(
        scope=scope(w.firm_admin, w.firm),
        actor=w.firm_admin,
        source="phone",
        submission=intake.Submission(name="Dana Whitfield", phone="+12125550100"),
    )


def open_matter(w):
    admin = scope(w.firm_admin, w.firm)
    check = conflict_check_run(scope=admin, names=["Lucía Reyes"])
    check = conflict_decide(scope=admin, check=check, decision="clear", note="None.")
    matter_open(scope=admin, title="Reyes estate", check=check)


def deadline(w):
    scheduling.deadline_create(
        scope=scope(w.attorney, w.firm),
        actor=w.attorney,
        matter=w.matter,
        court=Court.objects.get(code="cand"),
        rule=DeadlineRule.objects.get(code="frcp-12a1Ai-answer"),
        trigger_date=datetime.date(2026, 3, 2),
    )


def _sent_invoice(w):
    styled(w.firm)
    keeper(w.firm, w.attorney, "OO", rate="350.00")
    client_of(w.firm, w.matter)
    entry(w.firm, w.matter, w.attorney, hours="2.00", rate="350.00")
    billing = scope(w.attorney, w.firm)
    invoice = invoicing.invoice_build(
        scope=billing,
        matter=w.matter,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 31),
    )
    invoicing.invoice_approve(scope=billing, invoice=invoice)
    return invoicing.invoice_send(scope=billing, invoice=invoice)


def send_invoice(w):
    _sent_invoice(w)


def pay(w):
    with transaction.atomic():
        invoice = _sent_invoice(w)
        # Only the payment is the change under test.
        WebhookDelivery.objects.for_firm(w.firm).delete()
    invoicing.payment_record(
        scope=scope(w.attorney, w.firm),
        invoice=invoice,
        kind="payment",
        amount="250.00",
        received_on=datetime.date(2026, 2, 20),
        method="check",
        reference="1042",
    )


def end_engagement(w):
    engagement_end(
        scope=scope(w.firm_admin, w.firm),
        engagement=w.engagement,
        reason="The pilot is over.",
    )


MAKE = {
    "task.submitted": submit,
    "task.approved": approve,
    "task.returned": return_,
    "lead.created": lead,
    "matter.opened": open_matter,
    "deadline.created": deadline,
    "invoice.sent": send_invoice,
    "payment.received": pay,
    "engagement.ended": end_engagement,
}


class World:
    def __init__(self, **fixtures):
        self.__dict__.update(fixtures)


@pytest.fixture
def world(firm, matter, attorney, firm_admin, assistant, engagement):
    return World(
        firm=firm,
        matter=matter,
        attorney=attorney,
        firm_admin=firm_admin,
        assistant=assistant,
        engagement=engagement,
    )


def deliveries(endpoint):
    return list(
        WebhookDelivery.objects.for_firm(endpoint.firm).filter(endpoint=endpoint)
    )


def test_every_event_has_a_service_that_publishes_it():
    assert set(MAKE) == set(EVENTS)


@pytest.mark.parametrize("event", list(MAKE))
def test_the_service_records_one_delivery_for_subscribers_only(world, event):
    subscribed, _ = make_endpoint(world.firm_admin, world.firm, [event])
    others, _ = make_endpoint(
        world.firm_admin, world.firm, [e for e in EVENTS if e != event]
    )

    MAKE[event](world)

    (delivery,) = deliveries(subscribed)
    assert delivery.event == event
    assert delivery.status == "pending"
    assert delivery.payload["event"] == event
    assert delivery.payload["id"] == str(delivery.public_id)
    assert delivery.payload["firm"] == "hale-ortiz"
    assert deliveries(others) == []


@pytest.mark.parametrize("event", list(MAKE))
def test_a_rolled_back_change_records_no_delivery(world, event):
    subscribed, _ = make_endpoint(world.firm_admin, world.firm, list(EVENTS))

    with pytest.raises(RuntimeError), transaction.atomic():
        MAKE[event](world)
        raise RuntimeError("the change fails after the event was published")

    assert deliveries(subscribed) == []


def test_a_returned_task_says_why(world):
    endpoint, _ = make_endpoint(world.firm_admin, world.firm, ["task.returned"])

    return_(world)

    data = deliveries(endpoint)[0].payload["data"]
    assert data["type"] == "task"
    assert data["reason"] == "typo"
    assert data["comment"] == "The hearing is on the 4th, not the 14th."


def test_a_payment_says_how_much_in_which_currency(world):
    endpoint, _ = make_endpoint(world.firm_admin, world.firm, ["payment.received"])

    pay(world)

    data = deliveries(endpoint)[0].payload["data"]
    assert (data["amount"], data["currency"]) == ("250.00", "USD")
    assert data["received_on"] == "2026-02-20"
    assert data["balance"] == "450.00"


def test_an_admin_screened_from_the_matter_is_not_sent_its_events(world):
    from firmdesk.matters.models import MatterScreen

    endpoint, _ = make_endpoint(world.firm_admin, world.firm, ["task.approved"])
    MatterScreen.objects.create(
        firm=world.firm, matter=world.matter, user=world.firm_admin
    )

    approve(world)

    assert deliveries(endpoint) == []


def _from_the_web_form(w):
    form = make_form(
        w.firm, title="Family law inquiry", slug="family", practice_area="Family law"
    )
    intake.lead_submit(
        form=form,
        submission=intake.Submission(name="Dana Whitfield", email="dana@example.com"),
        address="203.0.113.9",
    )


def _from_the_booking_page(w):
    booking_lead_create(
        firm=w.firm,
        submission=intake.Submission(name="Dana Whitfield", email="dana@example.com"),
        address="203.0.113.9",
    )


@pytest.mark.parametrize(
    "make, source",
    [
        (_from_the_web_form, "web_form"),
        (_from_the_booking_page, "booking"),
        (lead, "phone"),
    ],
)
def test_every_way_a_lead_comes_in_is_told(world, make, source):
    endpoint, _ = make_endpoint(world.firm_admin, world.firm, ["lead.created"])

    make(world)

    (delivery,) = deliveries(endpoint)
    assert delivery.payload["data"]["source"] == source
    assert delivery.payload["data"]["name"] == "Dana Whitfield"
