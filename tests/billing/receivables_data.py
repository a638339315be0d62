"""Invoices as the receivables pages meet them, written directly: the invoice
builder is another part of issue 17."""

import datetime
from decimal import Decimal

from firmdesk.billing.models import Invoice
from firmdesk.matters.models import Contact, MatterParty
from tests import factories as f

_numbers = iter(range(1, 10**6))


def client_of(firm, matter, name):
    contact = Contact.unscoped.create(firm=firm, kind="organization", name=name)
    MatterParty.unscoped.create(
        firm=firm, matter=matter, contact=contact, role="client"
    )
    return contact


def invoice(
    firm,
    matter,
    *,
    client=None,
    total="1000.00",
    paid="0.00",
    status=Invoice.Status.SENT,
    due_on=None,
    issued_on=None,
    number=None,
):
    due_on = due_on or datetime.date(2026, 3, 1)
    return Invoice.unscoped.create(
        firm=firm,
        matter=matter,
        client=client,
        number=number or f"INV-{next(_numbers):05d}",
        status=status,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 31),
        issued_on=issued_on or due_on - datetime.timedelta(days=30),
        due_on=due_on,
        total=Decimal(total),
        paid=Decimal(paid),
    )


def billing_assistant(provider, engagement, matter, *, email="bill@northstar.test"):
    """Outside staff who do the firm's billing, granted ``matter``."""
    if "billing" not in engagement.functions:
        engagement.functions = [*engagement.functions, "billing"]
        engagement.save(update_fields=["functions"])
    user = f.member(provider, ["assistant"], email=email, full_name="Ben Okoro")
    f.assign(engagement, user, functions=("billing",))
    f.grant(engagement, matter, user)
    return user
