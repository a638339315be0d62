"""What the landing pages count and list. Each count on Today is made by the
very selector and filters of the list it links to, so "3 overdue" opens a
list of those 3 (issue 16: a count and its list once used different filters).
"""

import datetime
import statistics
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from firmdesk.access.selectors import current_assignments_of_provider
from firmdesk.access.system import workload
from firmdesk.intake.models import Lead
from firmdesk.intake.selectors import first_response_overdue, first_response_running
from firmdesk.intake.services import may_work_leads
from firmdesk.orgs.business_hours import BusinessCalendar
from firmdesk.work import selectors as work
from firmdesk.work.models import Task
from firmdesk.work.services import may_review

RESPONSE_WINDOW_DAYS = 30


@dataclass
class Glance:
    """One count on Today and the list it opens (``rows``: that list's rows)."""

    key: str
    words: str
    url: str
    rows: object
    urgent: bool = False

    @property
    def count(self) -> int:
        if not hasattr(self, "_count"):
            self._count = self.rows.count()
        return self._count


def _link(name: str, args=(), **params) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(params)}" if params else url


def mine_open(scope, user, now):
    """Open tasks given to ``user`` in the scope's firm: My queue's rows for
    that firm (``?firm=<slug>``, status open by default)."""
    return work.filter_tasks(
        work.queue_mine([scope], user), {"status": "open"}, now=now, user=user
    )


def overdue(scope, now):
    """The task list's "overdue" filter."""
    return work.filter_tasks(work.task_rows(scope), {"status": "overdue"}, now=now)


def leads_waiting(scope):
    """Leads whose first-response clock runs, soonest due first."""
    return (
        Lead.objects.in_scope(scope)
        .filter(first_response_running())
        .select_related("owner")
        .order_by("response_due_at", "pk")
    )


def glances(scope, user, now) -> list[Glance]:
    """The counts at the top of a firm's Today, for what the person does there."""
    slug = scope.firm.slug
    found = [
        Glance(
            "mine",
            "open for you",
            _link("work:queue_mine", firm=slug),
            mine_open(scope, user, now),
        ),
        Glance(
            "overdue",
            "overdue",
            _link("work:task_list", [slug], status="overdue"),
            overdue(scope, now),
            urgent=True,
        ),
    ]
    if may_review(scope):
        found += [
            Glance(
                "review",
                "waiting for your review",
                _link("work:review_queue", [slug]),
                work.queue_review(scope, user=user),
            ),
            Glance(
                "review_all",
                "waiting for review in all",
                _link("work:review_queue", [slug], who="all"),
                work.queue_review(scope),
            ),
        ]
    if may_work_leads(scope):
        found.append(
            Glance(
                "leads_late",
                "leads late for a first response",
                _link("intake:lead_list", [slug], overdue="on"),
                Lead.objects.in_scope(scope).filter(first_response_overdue(now)),
                urgent=True,
            )
        )
    return found


# --- The provider admin's team page ------------------------------------------------


@dataclass
class TeamRow:
    person: object
    firm: object
    open: int = 0
    late: int = 0
    median_first_response_hours: float | None = None


def team_numbers(*, provider, now: datetime.datetime) -> list[TeamRow]:
    """Who of ``provider``'s staff works for which firm today, and for each:
    open and late tasks, and the median business hours to a first response
    over the last ``RESPONSE_WINDOW_DAYS`` days. Numbers only, never a row of
    a firm's data: a provider admin has no Scope in any firm."""
    today = timezone.localdate(timezone=provider.tz)
    assignments = current_assignments_of_provider(
        provider=provider, today=today
    ).select_related("user", "firm")
    rows = {(a.user_id, a.firm_id): TeamRow(a.user, a.firm) for a in assignments}
    if not rows:
        return []
    people = {user_id for user_id, _ in rows}
    tasks = workload(Task, assignees=people).filter(
        engagement__provider=provider, firm_id__in={firm for _, firm in rows}
    )
    for found in (
        tasks.filter(status__in=Task.OPEN_STATUSES)
        .values("assignee_id", "firm_id")
        .annotate(
            open=Count("pk"),
            late=Count(
                "pk", filter=Q(status__in=Task.WORKING_STATUSES, due_at__lt=now)
            ),
        )
    ):
        row = rows.get((found["assignee_id"], found["firm_id"]))
        if row is not None:
            row.open, row.late = found["open"], found["late"]
    since = now - datetime.timedelta(days=RESPONSE_WINDOW_DAYS)
    hours: dict[tuple, list[float]] = {}
    calendars = {}
    for user_id, firm_id, first, routed, created in tasks.filter(
        first_response_at__gte=since
    ).values_list(
        "assignee_id", "firm_id", "first_response_at", "routed_at", "created_at"
    ):
        row = rows.get((user_id, firm_id))
        if row is None:
            continue
        if firm_id not in calendars:
            calendars[firm_id] = BusinessCalendar.for_organization(row.firm)
        spent = calendars[firm_id].business_time_between(routed or created, first)
        hours.setdefault((user_id, firm_id), []).append(spent.total_seconds() / 3600)
    for key, values in hours.items():
        rows[key].median_first_response_hours = statistics.median(values)
    return sorted(rows.values(), key=lambda r: (r.person.full_name, r.firm.name))
