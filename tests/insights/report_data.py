"""A known month for the review report: March 2026 of firm A's engagement,
written straight into the roll-up (WorkDay, BillableDay) with a closed time
audit as the attorneys' baseline, and the figures worked out by hand.

The engagement is priced by the hour (45.00) with an in-house cost of 70.00
an hour; no provider bill, so the month's cost is estimated.

March: two days of work.
  tasks finished       12 + 8 = 20; with a due time 10 + 6 = 16; on time 8 + 5 = 13
  on time              13 / 16 = 81.25 %  → 81.3 %
  reviews              12 + 8 = 20; returned 3 + 1 = 4 → rework 20.0 %
  outside staff time   900 + 600 minutes = 25 h
  cost (estimated)     45.00 × 25 = 1,125.00 → per task 56.25, per hour 45.00
  in-house             70.00 × 25 = 1,750.00 → per task 87.50; saving 625.00
  leads answered       12, 25, 37, 41, 90 minutes → median 37, 90th pct 90
February: 5 tasks finished, all on time; nothing else.
"""

import datetime
import io
from decimal import Decimal

from django.utils import timezone
from pypdf import PdfReader

from firmdesk.insights.models import (
    BillableDay,
    TimeAudit,
    TimeAuditEntry,
    WorkDay,
)

MARCH = datetime.date(2026, 3, 1)
FEBRUARY = datetime.date(2026, 2, 1)
# What March's report says, word for word, on the page and in the PDF.
MARCH_SAYS = (
    "On time 81.3%",
    "Cost per task $56.25",
    "in-house $87.50",
    "Intake first response 37 min",
    "Factual error 2",
)


def pdf_text(pdf: bytes) -> str:
    """The PDF's words, one space between each (a cell wraps where it likes)."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def price_engagement(engagement) -> None:
    engagement.pricing_model = "hourly"
    engagement.price = Decimal("45.00")
    engagement.inhouse_hourly_cost = Decimal("70.00")
    engagement.save(update_fields=["pricing_model", "price", "inhouse_hourly_cost"])


def known_months(firm, engagement) -> None:
    price_engagement(engagement)
    day = WorkDay.unscoped.create
    day(
        firm=firm,
        engagement=engagement,
        day=datetime.date(2026, 3, 10),
        finished=12,
        finished_with_due=10,
        finished_on_time=8,
        reviewed=12,
        returned=3,
        returned_reasons={"factual_error": 2, "formatting": 1},
        staff_minutes=900,
        lead_response_minutes=[90, 12, 37],
        breaches=1,
    )
    day(
        firm=firm,
        engagement=engagement,
        day=datetime.date(2026, 3, 20),
        finished=8,
        finished_with_due=6,
        finished_on_time=5,
        reviewed=8,
        returned=1,
        returned_reasons={"missed_instruction": 1},
        staff_minutes=600,
        lead_response_minutes=[41, 25],
    )
    day(
        firm=firm,
        engagement=engagement,
        day=datetime.date(2026, 2, 16),
        finished=5,
        finished_with_due=5,
        finished_on_time=5,
    )


def baseline(firm, attorney) -> None:
    """A closed audit in which ``attorney`` billed 3 hours a day on two days,
    and 100 billable hours in March."""
    audit = TimeAudit.unscoped.create(
        firm=firm,
        title="January audit",
        start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2026, 1, 16),
        closed_at=timezone.now(),
    )
    for date in (datetime.date(2026, 1, 5), datetime.date(2026, 1, 6)):
        for category, hours in (("billable", "3.00"), ("scheduling", "5.00")):
            TimeAuditEntry.unscoped.create(
                firm=firm,
                audit=audit,
                person=attorney,
                date=date,
                category=category,
                hours=Decimal(hours),
            )
    BillableDay.unscoped.create(
        firm=firm, person=attorney, day=datetime.date(2026, 3, 11), minutes=6000
    )
