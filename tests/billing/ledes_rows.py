"""An invoice with its lines, written straight to the tables (the invoice
builder is another part's): two fees, an expense and a fee discount."""

import datetime
from decimal import Decimal

from firmdesk.billing.models import (
    BillingSettings,
    ClientBillingTerms,
    Invoice,
    InvoiceLine,
    MatterBilling,
)
from firmdesk.engagements.models import Engagement
from firmdesk.matters.models import Contact
from tests import factories as f

D = Decimal
DAY = datetime.date(2026, 3, 2)


def ledes_invoice(
    matter,
    *,
    number="INV-0042",
    client_name="Acme Logistics Inc.",
    client_code="ACME01",
    law_firm_id="12-3456789",
    negative_only=False,
    status=Invoice.Status.APPROVED,
    lines=None,
):
    firm = matter.firm
    BillingSettings.unscoped.update_or_create(
        firm=firm, defaults={"law_firm_id": law_firm_id}
    )
    client = Contact.unscoped.create(firm=firm, kind="organization", name=client_name)
    ClientBillingTerms.unscoped.create(
        firm=firm,
        client=client,
        client_code=client_code,
        ledes=True,
        adjustments_negative_only=negative_only,
    )
    MatterBilling.unscoped.update_or_create(
        firm=firm, matter=matter, defaults={"client_matter_id": "CL-778"}
    )
    invoice = Invoice.unscoped.create(
        firm=firm,
        matter=matter,
        client=client,
        number=number,
        status=status,
        period_start=datetime.date(2026, 2, 1),
        period_end=datetime.date(2026, 2, 28),
        issued_on=DAY,
        description="Services for February 2026",
    )
    rows = lines if lines is not None else default_lines()
    for position, row in enumerate(rows, start=1):
        InvoiceLine.unscoped.create(
            firm=firm, invoice=invoice, position=position, **row
        )
    invoice.total = sum((row["total"] for row in rows), D("0.00"))
    invoice.save(update_fields=["total"])
    return invoice


def default_lines():
    return [
        fee("Draft motion to dismiss", D("1.50"), D("300.00")),
        fee(
            "Call with client about the | hearing",
            D("0.40"),
            D("300.00"),
            adjustment=D("-20.00"),
            task_code="L120",
            activity_code="A106",
        ),
        expense("Copies of the exhibits", D("100"), D("0.10")),
        adjustment("IF", D("-50.00"), "Courtesy discount"),
    ]


def fee(description, hours, rate, *, adjustment=D("0.00"), **codes):
    codes = {"task_code": "L240", "activity_code": "A103", **codes}
    return {
        "kind": "F",
        "date": datetime.date(2026, 2, 10),
        "description": description,
        "units": hours,
        "unit_cost": rate,
        "adjustment": adjustment,
        "total": (hours * rate).quantize(D("0.01")) + adjustment,
        "timekeeper_code": "OO",
        "timekeeper_name": "Owen Ortiz",
        "timekeeper_classification": "PARTNR",
        **codes,
    }


def expense(description, quantity, unit_cost, *, code="E101"):
    return {
        "kind": "E",
        "date": datetime.date(2026, 2, 12),
        "description": description,
        "units": quantity,
        "unit_cost": unit_cost,
        "total": (quantity * unit_cost).quantize(D("0.01")),
        "expense_code": code,
    }


def adjustment(kind, amount, description):
    return {
        "kind": kind,
        "date": datetime.date(2026, 2, 28),
        "description": description,
        "adjustment": amount,
        "total": amount,
    }


def billing_assistant(provider, engagement, matter):
    """Provider staff with billing in the engagement and the assignment,
    granted ``matter`` (the shared ``assistant`` has no billing)."""
    Engagement.unscoped.filter(pk=engagement.pk).update(
        functions=[*engagement.functions, "billing"]
    )
    user = f.member(
        provider, ["assistant"], email="billing@northstar.test", full_name="Bea Lund"
    )
    f.assign(engagement, user, functions=("billing",))
    f.grant(engagement, matter, user)
    return user
