"""Rows the invoice tests bill: reviewed time and expenses written straight to
the database (the time, expense and review pages are built in other parts),
a timekeeper, and provider staff who do billing."""

import datetime
from decimal import Decimal

from firmdesk.access.scope import resolve_scope
from firmdesk.billing.models import Expense, TimeEntry, Timekeeper
from firmdesk.billing.rates import billing_settings
from firmdesk.matters.models import Contact, MatterParty
from firmdesk.orgs.models import StaffProfile
from tests import factories as f

JAN_1 = datetime.date(2026, 1, 1)
JAN_31 = datetime.date(2026, 1, 31)
REVIEWED = TimeEntry.Status.REVIEWED


def scope_of(user, firm):
    scope = resolve_scope(user, firm, today=datetime.date(2026, 2, 1))
    assert scope is not None, f"{user} may not act for {firm}"
    return scope


def styled(firm, **fields):
    """The firm's billing settings with a prefix, terms and a style."""
    settings = billing_settings(firm)
    values = {
        "invoice_prefix": "HO-",
        "next_invoice_number": 1001,
        "payment_terms_days": 30,
        "remit_to": "Hale & Ortiz LLP\nOperating account 000123\nFirst Bank of NY",
        "invoice_footer": "Thank you. Questions: billing@hale.test",
        "accent_color": "#7a1f3d",
        **fields,
    }
    for name, value in values.items():
        setattr(settings, name, value)
    settings.save()
    return settings


def keeper(firm, user, code, *, outside=False, rate="300.00", classification=None):
    return Timekeeper.unscoped.create(
        firm=firm,
        user=user,
        code=code,
        classification=classification
        or (
            Timekeeper.Classification.LEGAL_ASSISTANT
            if outside
            else Timekeeper.Classification.PARTNER
        ),
        default_rate=Decimal(rate),
        outside_staff=outside,
    )


def client_of(firm, matter, name="Maria Lopez"):
    contact = Contact.unscoped.create(firm=firm, kind="person", name=name)
    MatterParty.unscoped.create(
        firm=firm, matter=matter, contact=contact, role="client"
    )
    return contact


def entry(firm, matter, user, *, day=None, hours="1.50", rate="300.00", **fields):
    values = {
        "date": day or datetime.date(2026, 1, 15),
        "hours": Decimal(hours),
        "rate": Decimal(rate),
        "narrative": "Drafted motion to compel discovery responses",
        "task_code": "L350",
        "activity_code": "A103",
        "status": REVIEWED,
        **fields,
    }
    return TimeEntry.unscoped.create(
        firm=firm, matter=matter, timekeeper=user, **values
    )


def expense(firm, matter, user, *, day=None, quantity="1", unit_cost="48.20", **fields):
    values = {
        "date": day or datetime.date(2026, 1, 20),
        "description": "Court filing fee",
        "expense_code": "E112",
        "quantity": Decimal(quantity),
        "unit_cost": Decimal(unit_cost),
        "status": REVIEWED,
        **fields,
    }
    return Expense.unscoped.create(firm=firm, matter=matter, incurred_by=user, **values)


def billing_staff(provider, engagement, matter, *, email="biller@northstar.test"):
    """Outside staff whose engagement and assignment cover billing, granted
    ``matter``."""
    engagement.functions = sorted({*engagement.functions, "billing"})
    engagement.save(update_fields=["functions"])
    user = f.member(provider, ["assistant"], email=email, full_name="Bea Kowalski")
    StaffProfile.objects.filter(user=user).update(
        functions=["scheduling", "documents", "billing"]
    )
    f.assign(engagement, user, functions=("billing",))
    f.grant(engagement, matter, user)
    return user
