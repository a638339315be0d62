"""Background work of billing: the follow-up schedule of late invoices.

Each firm's reminders are made once a day, on the firm's own date: the sweep
runs every hour so that a firm gets its day's reminders within the hour after
its own midnight, wherever it is. What it makes is keyed by (invoice, step) in
``PaymentReminder``'s unique constraint, so a second run, a retry or a second
worker makes nothing twice.
"""

import datetime
import logging

from django.utils import timezone
from django_tasks import task

from firmdesk.common.errors import ServiceError
from firmdesk.jobs.schedule import scheduled
from firmdesk.orgs.models import Organization

from .rates import billing_settings
from .receivables import (
    firm_today,
    firms_with_open_invoices,
    reminder_make,
    reminder_steps,
    reminders_due,
)

logger = logging.getLogger(__name__)


def payment_reminders_run(now: datetime.datetime | None = None) -> int:
    """Make every reminder due by ``now`` in every firm; returns how many."""
    now = now or timezone.now()
    made = 0
    firms = Organization.objects.filter(
        kind=Organization.Kind.FIRM, pk__in=firms_with_open_invoices()
    )
    for firm in firms:
        today = firm_today(firm, now)
        steps = reminder_steps(billing_settings(firm))
        for invoice_id, step in reminders_due(firm=firm, today=today, steps=steps):
            try:
                made += (
                    reminder_make(invoice_id=invoice_id, step=step, today=today)
                    is not None
                )
            except ServiceError as error:
                # The task service refused (a rule of work, such as an
                # engagement that no longer covers the matter): logged, and
                # tried again on the next run.
                logger.warning(
                    "Payment reminder for invoice %s not made: %s",
                    invoice_id,
                    error.message,
                )
            except Exception:
                # Rolled back whole; one broken invoice must not keep every
                # later one of every firm without its reminder.
                logger.exception("Payment reminder for invoice %s failed", invoice_id)
    return made


@scheduled(every=datetime.timedelta(hours=1))
@task()
def make_payment_reminders() -> int:
    """The follow-up schedule: a reminder task, with its letter, for each open
    invoice that has reached one of the firm's steps (days past due)."""
    return payment_reminders_run()
