"""Which rate an hour is billed at, and what it costs the firm.

The order, most specific first: the timekeeper's rate on the matter
(``MatterRate``), the matter's rate for everyone (``MatterBilling.rate``), the
timekeeper's own rate (``Timekeeper.default_rate``). Outside staff time is
billed at the firm's outside-staff rate when the firm bills it at all
(``BillingSettings.bill_outside_staff_time``), and costs the firm the
engagement's hourly price.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction

from .models import BillingSettings, MatterBilling, MatterRate, Timekeeper
from .money import ZERO


@dataclass(frozen=True)
class Terms:
    rate: Decimal
    cost_rate: Decimal
    billable: bool
    outside_staff: bool


def billing_settings(firm) -> BillingSettings:
    """The firm's billing settings, made with the defaults on first use."""
    found = BillingSettings.objects.for_firm(firm).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return BillingSettings.objects.create(
                firm=firm,
                max_hours_per_day=Decimal("10.00"),
                vague_phrases=list(DEFAULT_VAGUE_PHRASES),
                reminder_days=[7, 30, 60],
            )
    except IntegrityError:  # made by another request meanwhile
        return BillingSettings.objects.for_firm(firm).get()


DEFAULT_VAGUE_PHRASES = (
    "attention to file",
    "attention to matter",
    "review",
    "review file",
    "work on file",
    "work on matter",
    "various",
    "misc",
    "miscellaneous",
    "follow up",
    "research",
    "prepare",
    "conference",
    "emails",
)


def terms_for(*, firm, user, matter=None, engagement=None) -> Terms:
    """The rate, cost and billability of ``user``'s time on ``matter`` for
    ``firm``. ``engagement`` is set for provider staff working under one."""
    settings = billing_settings(firm)
    keeper = Timekeeper.objects.for_firm(firm).filter(user=user).first()
    outside = engagement is not None or bool(keeper and keeper.outside_staff)
    cost = ZERO
    if engagement is not None and engagement.pricing_model == "hourly":
        cost = engagement.price
    elif keeper is not None:
        cost = keeper.cost_rate
    if outside:
        billable = settings.bill_outside_staff_time
        rate = settings.outside_staff_rate if billable else ZERO
        if billable and keeper is not None and keeper.default_rate:
            rate = keeper.default_rate
        return Terms(rate, cost, billable, True)
    rate = keeper.default_rate if keeper is not None else ZERO
    billable = True
    if matter is not None:
        matter_terms = (
            MatterBilling.objects.for_firm(firm).filter(matter=matter).first()
        )
        if matter_terms is not None:
            billable = matter_terms.billable
            if matter_terms.rate is not None:
                rate = matter_terms.rate
        if keeper is not None:
            own = (
                MatterRate.objects.for_firm(firm)
                .filter(matter=matter, timekeeper=keeper)
                .values_list("rate", flat=True)
                .first()
            )
            if own is not None:
                rate = own
    return Terms(rate, cost, billable, False)


__all__ = ["Terms", "billing_settings", "terms_for"]
