"""The demo's insights at Hale & Ortiz: the planning it did before it
outsourced, and the roll-up its dashboard reads.

What there is to see:

* a closed two-week time audit from before the engagement with Northstar:
  the attorneys billed about 3 of their 8–9 hours a day, and the rest went
  to calendars, intake, data entry, billing and the like (the baseline of
  "hours recovered");
* the attorneys' own time since: about 4 billable hours on each working day
  of the last ten weeks, still in draft as a busy week's time often is, so
  the dashboard shows the hours recovered;
* a fit assessment of seven kinds of task, calendar and data entry among the
  first to hand off, and one that is no candidate;
* a cost comparison of an in-house legal assistant against Northstar's
  hourly price, from the BLS paralegal median;
* a scorecard comparing Northstar with a provider not on FirmDesk;
* the roll-up built from the demo's work, so the dashboard and the weekly
  review have figures at once.

Rows are found by a natural key and made only when missing, so loading the
demo again changes nothing. Dates count from the day the demo was first
loaded.
"""

import datetime
from decimal import Decimal

from firmdesk.access.system import loader as rows_of
from firmdesk.billing.models import TimeEntry
from firmdesk.billing.rates import terms_for
from firmdesk.engagements.models import Engagement
from firmdesk.insights.models import (
    AuditCategory,
    CostComparison,
    Criterion,
    FitAssessment,
    Scorecard,
    ScorecardCandidate,
    TimeAudit,
    TimeAuditEntry,
)
from firmdesk.orgs.business_hours import BusinessCalendar
from firmdesk.orgs.models import Function, Organization

FIRM = "hale-ortiz"
D = Decimal

# A working day of each person in the audit: category → hours.
DAYS = {
    "admin": {
        AuditCategory.BILLABLE: "3.00",
        AuditCategory.SCHEDULING: "1.25",
        AuditCategory.BILLING: "1.50",
        AuditCategory.CRM: "0.75",
        AuditCategory.OTHER: "1.50",
    },
    "attorney": {
        AuditCategory.BILLABLE: "2.75",
        AuditCategory.SCHEDULING: "1.50",
        AuditCategory.INTAKE: "1.25",
        AuditCategory.RECEPTION: "1.00",
        AuditCategory.DOCUMENTS: "1.00",
        AuditCategory.OTHER: "0.50",
    },
    "associate": {
        AuditCategory.BILLABLE: "3.50",
        AuditCategory.DOCUMENTS: "2.00",
        AuditCategory.RESEARCH: "1.25",
        AuditCategory.CASE_MANAGEMENT: "1.25",
    },
    "staff": {
        AuditCategory.SCHEDULING: "2.50",
        AuditCategory.RECEPTION: "2.50",
        AuditCategory.CRM: "2.00",
        AuditCategory.BILLING: "1.00",
    },
}

FIT = [
    # task type, function, four answers, touches revenue, needs supervision, h/week
    ("Calendar and court-date entry", Function.SCHEDULING, (1, 1, 1, 1), 0, 0, "6"),
    ("Entering new contacts and matters", Function.CRM, (1, 1, 0, 1), 0, 0, "4"),
    ("Answering and logging calls", Function.RECEPTION, (1, 1, 1, 1), 0, 0, "8"),
    ("First call with new leads", Function.INTAKE, (1, 0, 1, 1), 1, 0, "5"),
    ("Drafting routine letters", Function.DOCUMENTS, (1, 0, 1, 1), 0, 1, "4"),
    ("Pre-bill review and invoices", Function.BILLING, (1, 1, 0, 1), 1, 1, "3"),
    ("Case strategy memos", Function.RESEARCH, (0, 0, 0, 0), 0, 1, "3"),
]


# The attorneys' days since outsourcing: hours a working day, in turn, and
# what the time was for.
SINCE_DAYS = 70  # all of last month, whatever day the demo is loaded
DAY_HOURS = ("3.8", "4.1", "3.6", "4.4", "3.9")
NARRATIVES = (
    "Drafted the motion for summary judgment, statement of facts",
    "Prepared for and took the deposition of the plant manager",
    "Reviewed the opposing party's expert report and noted questions",
    "Call with the client on the settlement offer and next steps",
    "Revised the estate plan documents after the client's comments",
)


def _attorney_time(loader, firm, matters) -> int:
    """Each attorney's billable time on the firm's open days of the last ten
    weeks (two entries a day, in draft); made once."""
    attorneys = [
        loader.person(f"{m}@{FIRM}.example") for m in ("admin", "attorney", "associate")
    ]
    if rows_of(TimeEntry).filter(firm=firm, narrative__in=NARRATIVES).exists():
        return 0
    clock = BusinessCalendar.for_organization(firm)
    days = [
        loader.days_ago(n)
        for n in range(SINCE_DAYS, 0, -1)
        if clock.is_open_day(loader.days_ago(n))
    ]
    rows = []
    for who, person in enumerate(attorneys):
        matter = matters[who % len(matters)]
        terms = terms_for(firm=firm, user=person, matter=matter)
        for n, day in enumerate(days):
            hours = D(DAY_HOURS[(n + who) % len(DAY_HOURS)])
            first = (hours * D("0.6")).quantize(D("0.1"))
            for part, narrative in (
                (first, NARRATIVES[(n + who) % len(NARRATIVES)]),
                (hours - first, NARRATIVES[(n + who + 2) % len(NARRATIVES)]),
            ):
                rows.append(
                    TimeEntry(
                        firm=firm,
                        timekeeper=person,
                        matter=matter,
                        date=day,
                        hours=part,
                        rate=terms.rate,
                        cost_rate=terms.cost_rate,
                        billable=terms.billable,
                        narrative=narrative,
                        status=TimeEntry.Status.DRAFT,
                        created_by=person,
                    )
                )
    rows_of(TimeEntry).bulk_create(rows)
    return len(rows)


def _working_days(start: datetime.date, days: int) -> list[datetime.date]:
    every = (start + datetime.timedelta(days=n) for n in range(days))
    return [day for day in every if day.weekday() < 5]


def insights_load(loader, matters) -> int:
    """Add the demo's insights; return how many rows it had to create."""
    before = loader.created
    firm = loader.orgs[FIRM]

    def ensure(model, lookup, values, summary):
        return loader.ensure(
            model,
            {"firm": firm, **lookup},
            values,
            org=firm,
            action="demo.insights",
            summary=summary,
        )

    def person(mailbox):
        return loader.person(f"{mailbox}@{FIRM}.example")

    start = loader.days_ago(200)
    audit = ensure(
        TimeAudit,
        {"title": "Where our time goes (before outsourcing)"},
        {
            "start_date": start,
            "end_date": start + datetime.timedelta(days=13),
            "created_by": person("admin"),
            "closed_at": loader.at(firm, start + datetime.timedelta(days=14), 9),
        },
        "Time audit",
    )
    entries = [
        TimeAuditEntry(
            firm=firm,
            audit=audit,
            person=person(mailbox),
            date=day,
            category=category,
            hours=D(hours),
        )
        for mailbox, spread in DAYS.items()
        for day in _working_days(audit.start_date, 14)
        for category, hours in spread.items()
    ]
    if not rows_of(TimeAuditEntry).filter(audit=audit).exists():
        rows_of(TimeAuditEntry).bulk_create(entries)
        loader.created += len(entries)

    for task_type, function, answers, revenue, supervision, hours in FIT:
        ensure(
            FitAssessment,
            {"task_type": task_type},
            {
                "function": function,
                "no_law_degree": bool(answers[0]),
                "falling_behind": bool(answers[1]),
                "billable_lost": bool(answers[2]),
                "instructions_possible": bool(answers[3]),
                "touches_revenue": bool(revenue),
                "needs_supervision": bool(supervision),
                "hours_per_week": D(hours),
                "created_by": person("admin"),
            },
            "Fit assessment",
        )

    northstar = Organization.objects.get(slug="northstar")
    engagement = (
        rows_of(Engagement)
        .filter(firm=firm, provider=northstar)
        .exclude(status=Engagement.Status.ENDED)
        .order_by("created_at")
        .first()
    )
    ensure(
        CostComparison,
        {"title": "Legal assistant: in-house or Northstar"},
        {
            "function": Function.SCHEDULING,
            "hours_per_year": D("1880"),
            "tasks_per_year": 2400,
            "salary": D("61010.00"),
            "benefits_percent": D("30.00"),
            "office_space": D("6000.00"),
            "equipment": D("2500.00"),
            "recruiting": D("4000.00"),
            "training": D("3000.00"),
            "turnover_percent": D("20.00"),
            "pricing": CostComparison.Pricing.HOURLY,
            "hourly_rate": engagement.price if engagement else D("32.00"),
            "created_by": person("admin"),
        },
        "Cost comparison",
    )

    scorecard = ensure(
        Scorecard,
        {"title": "Choosing a support provider"},
        {
            "weights": {
                Criterion.EXPERIENCE: 4,
                Criterion.VETTING: 5,
                Criterion.AVAILABILITY: 4,
                Criterion.TECHNOLOGY: 2,
                Criterion.REFERENCES: 3,
                Criterion.PRICING: 3,
                Criterion.SECURITY: 5,
            },
            "created_by": person("admin"),
        },
        "Provider scorecard",
    )
    for name, provider, scores in (
        ("Northstar Legal Support", northstar, [4, 5, 4, 4, 4, 3, 5]),
        ("Atlas Virtual Paralegals", None, [3, 3, 5, 3, 4, 5, 3]),
    ):
        ensure(
            ScorecardCandidate,
            {"scorecard": scorecard, "name": name},
            {
                "provider": provider,
                "scores": dict(zip(Criterion.values, scores, strict=True)),
            },
            "Scorecard candidate",
        )
    created = loader.created - before + _attorney_time(loader, firm, matters[FIRM])
    loader.created = before  # the caller adds what this returns
    return created
