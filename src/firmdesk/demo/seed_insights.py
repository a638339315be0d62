"""Insights for ``firmdesk seed``: each firm's time audit, and the roll-up.

* Every firm ran a two-week time audit before its engagements began (it is
  closed, so it is the baseline hours recovered are measured against): each
  attorney and in-house staff member recorded every working day, about 3 of
  8 hours billable for attorneys (the industry's figure) and the rest spread
  over the eight functions a firm can hand off.
* Then the roll-up (``insights.rollup.rebuild``) is built from everything the
  earlier seeders wrote, by bulk writes: the seeders write rows in bulk, which
  the services' refresh never sees.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from firmdesk.insights.models import AuditCategory, TimeAudit, TimeAuditEntry

from .seed_writer import new

ADMIN_CATEGORIES = [c.value for c in AuditCategory if c != AuditCategory.BILLABLE]
QUARTER = Decimal("0.25")


def _quarters(rng, total: Decimal, parts: int) -> list[Decimal]:
    """``total`` hours cut into ``parts`` pieces of whole quarter hours."""
    units = int(total / QUARTER)
    cuts = sorted(rng.randint(0, units) for _ in range(parts - 1))
    edges = [0, *cuts, units]
    return [QUARTER * (b - a) for a, b in zip(edges, edges[1:], strict=False)]


def seed_time_audits(ctx) -> None:
    end = ctx.today - datetime.timedelta(days=ctx.rng.randint(400, 430))
    start = end - datetime.timedelta(days=13)
    firms = sorted(set(ctx.attorneys) | set(ctx.firm_staff))
    audits = ctx.bulk(
        TimeAudit,
        (
            new(
                TimeAudit,
                firm_id=firm_id,
                title="Two-week time audit before outsourcing",
                start_date=start,
                end_date=end,
                closed_at=timezone.make_aware(
                    datetime.datetime.combine(
                        end + datetime.timedelta(days=1), datetime.time(9)
                    )
                ),
            )
            for firm_id in firms
        ),
        label="time audits",
        total=len(firms),
        keep=lambda audit: (audit.firm_id, audit.pk),
    )
    days = [
        start + datetime.timedelta(days=n)
        for n in range(14)
        if (start + datetime.timedelta(days=n)).weekday() < 5
    ]

    def entries():
        for firm_id, audit_id in audits:
            people = [(u, True) for u in ctx.attorneys.get(firm_id, [])] + [
                (u, False) for u in ctx.firm_staff.get(firm_id, [])
            ]
            for person, is_attorney in people:
                for day in days:
                    day_hours = Decimal(ctx.rng.choice(["8", "8.5", "9"]))
                    billable = (
                        QUARTER * ctx.rng.randint(9, 15) if is_attorney else Decimal(0)
                    )
                    if billable:
                        yield new(
                            TimeAuditEntry,
                            firm_id=firm_id,
                            audit_id=audit_id,
                            person_id=person,
                            date=day,
                            category=AuditCategory.BILLABLE,
                            hours=billable,
                        )
                    chosen = ctx.rng.sample(ADMIN_CATEGORIES, 4)
                    for category, hours in zip(
                        chosen,
                        _quarters(ctx.rng, day_hours - billable, len(chosen)),
                        strict=True,
                    ):
                        if hours:
                            yield new(
                                TimeAuditEntry,
                                firm_id=firm_id,
                                audit_id=audit_id,
                                person_id=person,
                                date=day,
                                category=category,
                                hours=hours,
                            )

    people = sum(
        len(ctx.attorneys.get(f, [])) + len(ctx.firm_staff.get(f, [])) for f in firms
    )
    ctx.bulk(
        TimeAuditEntry,
        entries(),
        label="time-audit entries",
        total=people * len(days) * 5,
    )


def seed_insights(ctx) -> None:
    seed_time_audits(ctx)
