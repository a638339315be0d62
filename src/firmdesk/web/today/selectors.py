"""What the landing pages count and list. Each count on Today is made by the
very selector and filters of the list it links to, so "3 overdue" opens a
list of those 3 (issue 16: a count and its list once used different filters).
"""

import datetime
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
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
    """One count on Today and the list it opens."""

    key: str
    words: str
    url: str
    count: int
    urgent: bool = False


def _link(name: str, args=(), **params) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(params)}" if params else url


# Every selector here takes the Scopes of one or more firms and reads them all
# in one query, each firm through its own Scope: Today across firms costs the
# same number of queries for one firm as for eight (issue 22).


def mine_open(scopes, user, now):
    """Open tasks given to ``user`` in the scopes' firms: My queue's rows
    (``?firm=<slug>`` for one firm, status open by default), with what Today's
    short table shows."""
    return work.brief_rows(
        work.filter_tasks(
            work.given_to(scopes, user), {"status": "open"}, now=now, user=user
        )
    )


def overdue(scopes, now):
    """The task list's "overdue" filter, on each firm's task list."""
    return work.filter_tasks(
        Task.objects.in_scopes(scopes), {"status": "overdue"}, now=now
    )


def leads_waiting(scopes):
    """Leads whose first-response clock runs, soonest due first."""
    return (
        Lead.objects.in_scopes(scopes)
        .filter(first_response_running())
        .select_related("owner")
        .order_by("response_due_at", "pk")
    )


def first_of_each_firm(rows, shown: int, *order) -> dict[int, list]:
    """{firm pk: the first ``shown`` of ``rows`` in that firm, by ``order``},
    in one query however many firms ``rows`` spans. Each row carries
    ``in_firm``, how many of ``rows`` its firm has in all, so a count of the
    same rows needs no query of its own (``counts_of``)."""
    by_firm: dict[int, list] = {}
    place = Window(RowNumber(), partition_by=F("firm_id"), order_by=order)
    in_firm = Window(Count("pk"), partition_by=F("firm_id"))
    for row in (
        rows.annotate(place=place, in_firm=in_firm)
        .filter(place__lte=shown)
        .order_by(*order)
    ):
        by_firm.setdefault(row.firm_id, []).append(row)
    return by_firm


def counts_of(first: dict[int, list]) -> dict[int, int]:
    """{firm pk: how many rows} from ``first_of_each_firm``'s answer."""
    return {firm_id: rows[0].in_firm for firm_id, rows in first.items()}


def count_by_firm(rows) -> dict[int, int]:
    """{firm pk: how many of ``rows`` are that firm's}, in one query."""
    return dict(rows.order_by().values_list("firm_id").annotate(Count("pk")))


@dataclass(frozen=True)
class _Kind:
    """A kind of count on Today: who sees it, the list it opens (by firm
    slug), and that list's rows across the firms (``rows(scopes, user, now)``):
    the count is made by the very selector and filters of the list it links
    to, so "3 overdue" opens a list of those 3 (issue 16)."""

    key: str
    words: str
    shown: Callable
    link: Callable[[str], str]
    rows: Callable
    urgent: bool = False


def _everyone(scope) -> bool:
    return True


KINDS = (
    _Kind(
        "mine",
        "open for you",
        _everyone,
        lambda slug: _link("work:queue_mine", firm=slug),
        mine_open,
    ),
    _Kind(
        "overdue",
        "overdue",
        _everyone,
        lambda slug: _link("work:task_list", [slug], status="overdue"),
        lambda scopes, user, now: overdue(scopes, now),
        urgent=True,
    ),
    _Kind(
        "review",
        "waiting for your review",
        may_review,
        lambda slug: _link("work:review_queue", [slug]),
        lambda scopes, user, now: work.waiting_for_review(scopes, user=user),
    ),
    _Kind(
        "review_all",
        "waiting for review in all",
        may_review,
        lambda slug: _link("work:review_queue", [slug], who="all"),
        lambda scopes, user, now: work.waiting_for_review(scopes),
    ),
    _Kind(
        "leads_late",
        "leads late for a first response",
        may_work_leads,
        lambda slug: _link("intake:lead_list", [slug], overdue="on"),
        lambda scopes, user, now: Lead.objects.in_scopes(scopes).filter(
            first_response_overdue(now)
        ),
        urgent=True,
    ),
)


def glances(scopes, user, now, *, counted=None) -> dict[int, list[Glance]]:
    """{firm pk: the counts at the top of that firm's Today}, for what the
    person does there; one query per kind of count, however many firms.
    ``counted``: {kind key: {firm pk: count}} the page has counted already
    (from the very rows the count is of: ``counts_of``)."""
    counted = counted or {}
    found: dict[int, list[Glance]] = {scope.firm.pk: [] for scope in scopes}
    for kind in KINDS:
        theirs = [scope for scope in scopes if kind.shown(scope)]
        if not theirs:
            continue
        if kind.key in counted:
            counts = counted[kind.key]
        else:
            counts = count_by_firm(kind.rows(theirs, user, now))
        for scope in theirs:
            found[scope.firm.pk].append(
                Glance(
                    kind.key,
                    kind.words,
                    kind.link(scope.firm.slug),
                    counts.get(scope.firm.pk, 0),
                    urgent=kind.urgent,
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
