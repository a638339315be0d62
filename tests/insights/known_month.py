"""A small known data set, written straight into the roll-up
(``WorkDay``, ``BillableDay``) and a time audit, as ``insights.rollup`` and
the time-audit pages would leave them. The tests of each figure work it out
by hand from these numbers.

March 2025, firm A ("hale-ortiz"), three engagements with one provider:

============  ========  ===========================================  ===========
engagement    pricing   WorkDay rows (day: what)                     in-house/h
============  ========  ===========================================  ===========
hourly        $30/h     3rd: 4 done, 3 with due, 2 on time; 3          $45
                        reviews, 1 returned (typo); 150 min staff;
                        leads 10, 30 min; 2 feedback answers, 9
                        points; 1 breach.
                        17th: 2 done, 2 with due, 2 on time; 2
                        reviews, 1 returned (formatting); 90 min;
                        lead 5 min.
per_task      $20/task  10th: 5 done, 5 with due, 3 on time; 4          $50
                        reviews, 2 returned (typo, other); 120 min;
                        lead 40 min; 2 breaches.
                        31st: a provider bill reconciled at $95.50.
monthly       $1,000    no rows (live all month)                       $40
(none)        in-house  5th: 7 done, all 7 late; 3 reviews, 3
                        returned; leads 60, 20 min; 1 answer, 3 points.
============  ========  ===========================================  ===========

Around it: the hourly engagement's rows of 28 February and 1 April, and
firm B's row of 3 March, which March must not count.

May 2025 (``known_may``): the baseline from the latest closed time audit
(Owen 4.50 billable hours a day, Grace 1.50; Ida is not an attorney), and
the attorneys' billable days.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from firmdesk.engagements.models import Engagement
from firmdesk.insights.models import BillableDay, TimeAudit, TimeAuditEntry, WorkDay
from tests import factories as f

MARCH = datetime.date(2025, 3, 1)
MAY = datetime.date(2025, 5, 1)


def march(n: int) -> datetime.date:
    return datetime.date(2025, 3, n)


@dataclass
class KnownMonth:
    hourly: Engagement
    per_task: Engagement
    monthly: Engagement


def known_month(firm, other_firm, provider) -> KnownMonth:
    def priced(name, pricing, price, inhouse):
        return f.engagement(
            firm,
            provider,
            name=name,
            pricing_model=pricing,
            price=Decimal(price),
            inhouse_hourly_cost=Decimal(inhouse),
        )

    hourly = priced("Northstar by the hour", "hourly", "30", "45")
    per_task = priced("Northstar by the task", "per_task", "20", "50")
    monthly = priced("Northstar retainer", "monthly", "1000", "40")
    rows = [
        WorkDay(
            engagement=hourly,
            day=march(3),
            finished=4,
            finished_with_due=3,
            finished_on_time=2,
            reviewed=3,
            returned=1,
            returned_reasons={"typo": 1},
            staff_minutes=150,
            lead_response_minutes=[10, 30],
            feedback_answers=2,
            feedback_rating_sum=9,
            breaches=1,
        ),
        WorkDay(
            engagement=hourly,
            day=march(17),
            finished=2,
            finished_with_due=2,
            finished_on_time=2,
            reviewed=2,
            returned=1,
            returned_reasons={"formatting": 1},
            staff_minutes=90,
            lead_response_minutes=[5],
        ),
        WorkDay(
            engagement=per_task,
            day=march(10),
            finished=5,
            finished_with_due=5,
            finished_on_time=3,
            reviewed=4,
            returned=2,
            returned_reasons={"typo": 1, "other": 1},
            staff_minutes=120,
            lead_response_minutes=[40],
            breaches=2,
        ),
        WorkDay(
            engagement=per_task, day=march(31), bills=1, billed_cost=Decimal("95.50")
        ),
        WorkDay(
            engagement=None,
            day=march(5),
            finished=7,
            finished_with_due=7,
            reviewed=3,
            returned=3,
            returned_reasons={"typo": 3},
            lead_response_minutes=[60, 20],
            feedback_answers=1,
            feedback_rating_sum=3,
        ),
        # Next to March, not in it.
        WorkDay(
            engagement=hourly,
            day=datetime.date(2025, 2, 28),
            finished=9,
            finished_with_due=9,
            reviewed=9,
            returned=9,
            staff_minutes=600,
            lead_response_minutes=[999],
        ),
        WorkDay(
            engagement=hourly,
            day=datetime.date(2025, 4, 1),
            finished=9,
            finished_with_due=9,
            finished_on_time=9,
            reviewed=9,
            staff_minutes=600,
            lead_response_minutes=[999],
        ),
    ]
    for row in rows:
        row.firm = firm
        row.save()
    elsewhere = f.engagement(other_firm, provider, name="Brandt's own")
    WorkDay.objects.create(
        firm=other_firm,
        engagement=elsewhere,
        day=march(3),
        finished=50,
        finished_with_due=50,
        reviewed=50,
        returned=50,
        staff_minutes=6000,
        lead_response_minutes=[1, 1, 1],
        feedback_answers=10,
        feedback_rating_sum=10,
        breaches=50,
        bills=1,
        billed_cost=Decimal("5000"),
    )
    return KnownMonth(hourly=hourly, per_task=per_task, monthly=monthly)


def _audit(firm, title, start, closed_at):
    return TimeAudit.objects.create(
        firm=firm,
        title=title,
        start_date=start,
        end_date=start + datetime.timedelta(days=13),
        closed_at=closed_at,
    )


def _entry(audit, person, day, category, hours):
    TimeAuditEntry.objects.create(
        firm=audit.firm,
        audit=audit,
        person=person,
        date=day,
        category=category,
        hours=Decimal(hours),
    )


def known_may(firm, *, owen, grace, ida) -> None:
    """Owen and Grace are attorneys (Grace also the firm's admin), Ida is
    in-house staff. The firm closes on 2 May 2025; 26 May is Memorial Day."""
    firm.closure_days = ["2025-05-02"]
    firm.save(update_fields=["closure_days"])
    aware = datetime.datetime(2025, 2, 20, 18, 0, tzinfo=datetime.UTC)
    older = _audit(
        firm, "Autumn audit", datetime.date(2024, 11, 4), aware.replace(year=2024)
    )
    _entry(older, owen, datetime.date(2024, 11, 4), "billable", "8")
    latest = _audit(firm, "February audit", datetime.date(2025, 2, 3), aware)
    feb3, feb4 = datetime.date(2025, 2, 3), datetime.date(2025, 2, 4)
    _entry(latest, owen, feb3, "billable", "4")
    _entry(latest, owen, feb3, "scheduling", "3")
    _entry(latest, owen, feb4, "billable", "5")
    _entry(latest, grace, feb3, "billable", "3")
    _entry(latest, grace, feb4, "crm", "2")
    _entry(latest, ida, feb3, "billable", "8")
    still_open = _audit(firm, "Open audit", datetime.date(2025, 3, 3), None)
    _entry(still_open, owen, datetime.date(2025, 3, 3), "billable", "1")
    _entry(still_open, grace, datetime.date(2025, 3, 3), "billable", "12")

    def billable(person, day, minutes):
        BillableDay.objects.create(firm=firm, person=person, day=day, minutes=minutes)

    for day in (5, 6, 7, 8, 9, 12, 13, 14, 15, 16):
        billable(owen, datetime.date(2025, 5, day), 600)
    for day in (19, 20, 21, 22, 23):
        billable(grace, datetime.date(2025, 5, day), 480)
    billable(ida, datetime.date(2025, 5, 5), 480)
    billable(owen, datetime.date(2025, 6, 2), 600)
