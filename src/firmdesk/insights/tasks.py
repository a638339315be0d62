"""Background work of insights: the review reports, produced and sent to each
firm's admins when a month ends.

The sweep runs every hour, so each firm gets its reports within the hour
after its own midnight on the first of the month, wherever it is, and a run
missed (no worker, a failure) is made up by the next one during the month.
A report is made once per engagement and month (the unique constraint) and
sent once (``delivered_at``, set under a row lock in the same transaction as
the notifications), so a second run, a retry or a second worker sends nothing
twice.
"""

import datetime
import logging

from django.utils import timezone
from django_tasks import task

from firmdesk.jobs.schedule import scheduled
from firmdesk.orgs.models import Organization

from .models import MonthlyReport
from .reports import month_just_ended, report_build, report_deliver, reports_due

logger = logging.getLogger(__name__)


def monthly_reports_run(now: datetime.datetime | None = None) -> int:
    """Produce and send every review due by ``now`` in every firm; returns
    how many reports were sent."""
    now = now or timezone.now()
    sent = 0
    for firm in Organization.objects.filter(kind=Organization.Kind.FIRM):
        today = timezone.localdate(now, timezone=firm.tz)
        delivered = set(
            MonthlyReport.objects.for_firm(firm)
            .filter(month=month_just_ended(today), delivered_at__isnull=False)
            .values_list("engagement_id", flat=True)
        )
        for engagement, month in reports_due(firm, today):
            if engagement.pk in delivered:
                continue
            try:
                report = report_build(
                    firm=firm, engagement=engagement, month=month, today=today
                )
                sent += report_deliver(report)
            except Exception:
                # Rolled back whole and tried again next hour; one broken
                # report must not hold up every other firm's.
                logger.exception(
                    "Review report of engagement %s for %s failed", engagement.pk, month
                )
    return sent


@scheduled(every=datetime.timedelta(hours=1))
@task()
def send_monthly_reports() -> int:
    """The monthly (or quarterly) review of each engagement, to the firm's
    admins."""
    return monthly_reports_run()


# The pilot reminders live in their own module; the worker finds jobs here.
from . import pilot_tasks  # noqa: E402, F401
