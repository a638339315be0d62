"""Reading delegated work: always through a Scope (one firm) or a list of Scopes
(the cross-firm queues of provider staff, each firm through its own rule)."""

import datetime

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from firmdesk.access.scope import matter_q_across
from firmdesk.access.selectors import access_object
from firmdesk.access.system import through_scoped
from firmdesk.engagements.models import Assignment
from firmdesk.orgs.models import Function, Membership

from . import routing
from .models import (
    Comment,
    Flag,
    Playbook,
    PlaybookAcknowledgement,
    Review,
    SlaBreach,
    Task,
)

ROW_RELATED = ("firm", "matter", "assignee")
# What a row of a task table shows, and no more: fifty rows with every column of
# the task, its firm (working hours and closures as JSON), its matter and its
# people cost more Python than the query took. A page that reads another field
# loads it row by row, which the list pages' query-count tests catch.
ROW_FIELDS = (
    "firm_id",
    "public_id",
    "matter_id",
    "assignee_id",
    "title",
    "function",
    "priority",
    "status",
    "due_at",
    "revision",
    "rework_count",
    "submitted_at",
    "created_at",
    "firm__name",
    "firm__slug",
    "matter__firm_id",
    "matter__number",
    "matter__client_consent_on",
    "assignee__full_name",
    "assignee__email",
)

SORTS = {
    "due": ("due_at", "-created_at"),
    "-due": ("-due_at", "-created_at"),
    "created": ("-created_at",),
    "priority": ("priority_rank", "due_at"),
    "firm": ("firm__name", "due_at"),
    "title": ("title",),
}


def access_task(scope, public_id, *, for_write=False) -> Task:
    return access_object(Task, scope, public_id, for_write=for_write)


def access_playbook(scope, public_id) -> Playbook:
    return access_object(
        Playbook,
        scope,
        public_id,
        queryset=Playbook.objects.in_scope(scope).select_related("current_version"),
    )


def access_flag(scope, task, public_id) -> Flag:
    return access_object(
        Flag, scope, public_id, queryset=Flag.objects.in_scope(scope).filter(task=task)
    )


def tasks_for_scope(scope):
    return Task.objects.in_scope(scope).select_related("matter", "assignee")


def tasks_with_document(scope, document):
    """The tasks ``document`` is attached to that the scope may see (the
    document's page lists them)."""
    return tasks_for_scope(scope).filter(attachments=document).order_by("-created_at")


def _matter_visible(scopes):
    """True on a row whose matter the viewer may see in that row's firm (its
    number is shown), False for task-only access: each firm's rule, worked out
    in the query rather than row by row afterwards."""
    return Case(
        When(Q(matter__isnull=False) & matter_q_across(scopes, "matter"), then=True),
        default=False,
        output_field=BooleanField(),
    )


def _with_row_data(qs, scopes):
    open_flags = through_scoped(Flag).filter(
        task=OuterRef("pk"), resolved_at__isnull=True
    )
    return (
        qs.select_related(*ROW_RELATED)
        .only(*ROW_FIELDS)
        .annotate(
            has_open_flag=Exists(open_flags),
            matter_visible=_matter_visible(scopes),
            priority_rank=Case(
                When(priority="urgent", then=Value(0)),
                When(priority="high", then=Value(1)),
                When(priority="normal", then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            ),
        )
    )


FINISHED_DAYS_DEFAULT = 30


def finished_since(window, now: datetime.datetime) -> datetime.datetime | None:
    """The start of the window of finished work a list shows: a number of days
    ("30", the default when none is given), or None for "any"."""
    if window == "any":
        return None
    try:
        days = int(window) if window else FINISHED_DAYS_DEFAULT
    except (TypeError, ValueError):
        days = FINISHED_DAYS_DEFAULT
    return now - datetime.timedelta(days=max(days, 1))


def filter_tasks(qs, params: dict, *, now: datetime.datetime, user=None, scopes=()):
    """Apply the queue filters a page offers; unknown values are ignored.

    ``scopes``: the search matches a matter number only on matters the viewer
    may see, so someone with task-only access cannot probe the number of the
    matter behind their task."""
    status = params.get("status", "open")
    if status == "open":
        qs = qs.filter(status__in=Task.OPEN_STATUSES)
    elif status == "overdue":
        qs = qs.filter(status__in=Task.WORKING_STATUSES, due_at__lt=now)
    elif status in Task.Status.values:
        qs = qs.filter(status=status)
    since = finished_since(params.get("finished"), now)
    if since is not None and status in Task.FINISHED_STATUSES:
        qs = qs.filter(closed_at__gte=since)
    elif since is not None and status == "all":
        qs = qs.filter(Q(status__in=Task.OPEN_STATUSES) | Q(closed_at__gte=since))
    if params.get("function") in Function.values:
        qs = qs.filter(function=params["function"])
    if params.get("priority") in {"low", "normal", "high", "urgent"}:
        qs = qs.filter(priority=params["priority"])
    if params.get("firm"):
        qs = qs.filter(firm__slug=params["firm"])
    if params.get("flagged"):
        qs = qs.filter(
            Exists(
                through_scoped(Flag).filter(
                    task=OuterRef("pk"), resolved_at__isnull=True
                )
            )
        )
    who = params.get("assignee")
    if who == "me" and user is not None:
        qs = qs.filter(assignee=user)
    elif who == "none":
        qs = qs.filter(assignee__isnull=True)
    q = (params.get("q") or "").strip()
    if q:
        by_number = Q(matter__number__icontains=q)
        if scopes:
            seen = Q(pk__in=[])
            for scope in scopes:
                seen |= Q(firm=scope.firm) & scope.matter_q("matter")
            by_number &= seen
        qs = qs.filter(Q(title__icontains=q) | by_number)
    return qs


def sort_tasks(qs, sort: str):
    return qs.order_by(*SORTS.get(sort, SORTS["due"]))


def task_rows(scope):
    """One firm's tasks with what a table row shows."""
    return _with_row_data(Task.objects.in_scope(scope), [scope])


def task_for_page(scope, public_id) -> Task:
    """One task with everything its page shows in the same query."""
    return access_object(
        Task,
        scope,
        public_id,
        queryset=Task.objects.in_scope(scope).select_related(
            "matter",
            "assignee",
            "requester",
            "engagement__provider",
            "extra_cost_decided_by",
            "playbook_version__playbook__current_version",
        ),
    )


def given_to(scopes, user):
    """The tasks given to ``user`` across the firms of ``scopes``: the rows of
    My queue, without what its table shows (a count, or a short table)."""
    return Task.objects.in_scopes(scopes).filter(assignee=user)


def queue_mine(scopes, user):
    """Everything given to ``user`` across the firms they may act for now."""
    return _with_row_data(given_to(scopes, user), scopes)


def queue_team(scopes):
    """The provider team's work the person may see, across the firms they serve."""
    return _with_row_data(Task.objects.in_scopes(scopes), scopes)


def brief_rows(qs):
    """``qs`` with what a short task table shows (``web/_task_table.html``:
    task, kind of work, status, assignee, due) and no more. The queues' rows
    (``_with_row_data``) also work out, firm by firm, whether each matter may be
    shown, and their flags and priority: a query as large again to build, for
    columns a short table does not have."""
    return qs.select_related("assignee").only(*BRIEF_FIELDS)


BRIEF_FIELDS = (
    "firm_id",
    "public_id",
    "title",
    "function",
    "status",
    "due_at",
    "assignee__full_name",
    "assignee__email",
)


def queue_review(scope, *, user=None):
    """Work waiting for review in one firm; ``user`` narrows it to theirs
    (requested by them, or on a matter they are responsible for)."""
    return _with_row_data(
        _waiting_for_review(Task.objects.in_scope(scope), user), [scope]
    )


def waiting_for_review(scopes, *, user=None):
    """Work waiting for review across the firms of ``scopes`` in one query, each
    firm through its own Scope: the review queue's rows, without what its
    table shows (Today counts them)."""
    return _waiting_for_review(Task.objects.in_scopes(scopes), user)


def _waiting_for_review(qs, user):
    qs = qs.filter(status="submitted")
    if user is not None:
        qs = qs.filter(Q(requester=user) | Q(matter__responsible_attorney=user))
    return qs


def task_timeline(scope, task):
    """Reviews, comments and flags of a task, oldest first, as one list."""
    items = [
        *Review.objects.in_scope(scope)
        .filter(task=task)
        .select_related("reviewer", "approved_version__document__current_version"),
        *Comment.objects.in_scope(scope).filter(task=task).select_related("author"),
        *Flag.objects.in_scope(scope)
        .filter(task=task)
        .select_related("raised_by", "resolved_by"),
    ]
    return sorted(items, key=lambda item: item.created_at)


def playbooks_for_scope(scope):
    return (
        Playbook.objects.in_scope(scope)
        .select_related("current_version")
        .order_by("function", "created_at")
    )


# --- Weekly review ---------------------------------------------------------------


def engagement_week_review(scope, engagement, *, start, end, now) -> dict:
    """The lists of an engagement's week (``start`` ≤ t < ``end``, aware), as
    the viewer may see them: work finished, work returned, work overdue now,
    open flags and service-level breaches.

    The week's figures (on-time rate, rework rate and its reasons, response
    and approval times) are not worked out here: the weekly review reads them
    from the insights roll-up, with the dashboard's formulas, so no figure is
    computed two ways. A fixed number of queries however much work there was."""
    tasks = Task.objects.in_scope(scope).filter(engagement=engagement)
    done = list(
        tasks.filter(status__in=[Task.Status.APPROVED, Task.Status.DONE])
        .annotate(finished=Coalesce("approved_at", "completed_at"))
        .filter(finished__gte=start, finished__lt=end)
        .select_related("assignee", "matter")
        .order_by("finished")
    )
    returned = list(
        Review.objects.in_scope(scope)
        .filter(
            task__engagement=engagement,
            decision=Review.Decision.RETURNED,
            created_at__gte=start,
            created_at__lt=end,
        )
        .select_related("task", "reviewer")
        .order_by("created_at")
    )
    return {
        "done": done,
        "returned": returned,
        "overdue": list(
            tasks.filter(status__in=Task.WORKING_STATUSES, due_at__lt=now)
            .select_related("assignee", "matter")
            .order_by("due_at")
        ),
        "open_flags": list(
            Flag.objects.in_scope(scope)
            .filter(task__engagement=engagement, resolved_at__isnull=True)
            .select_related("task", "raised_by")
            .order_by("created_at")
        ),
        "breaches": list(
            SlaBreach.objects.in_scope(scope)
            .filter(engagement=engagement, due_at__gte=start, due_at__lt=end)
            .select_related("task", "assignee")
            .order_by("due_at")
        ),
    }


def acknowledged_versions(scope, user) -> dict[int, int]:
    """Playbook id → the latest version number ``user`` acknowledged."""
    latest: dict[int, int] = {}
    rows = (
        PlaybookAcknowledgement.objects.in_scope(scope)
        .filter(user=user)
        .values_list("playbook_id", "version__number")
    )
    for playbook_id, number in rows:
        latest[playbook_id] = max(number, latest.get(playbook_id, 0))
    return latest


def assignable_people(*, scope, engagements) -> list[tuple]:
    """Who work can be given to by hand: the firm's people (in-house work) and
    the staff assigned to ``engagements``, labelled so, by label."""
    today = timezone.localdate(timezone=scope.firm.tz)
    people = {}
    for m in (
        Membership.objects.filter(
            organization=scope.firm, is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("user__full_name")
    ):
        people[m.user_id] = (m.user, f"{m.user.full_name} (in-house)")
    for a in (
        Assignment.objects.in_scope(scope)
        .filter(engagement__in=engagements)
        .select_related("user", "engagement__provider")
        .order_by("user__full_name")
    ):
        if a.is_current(today) and a.user_id not in people:
            people[a.user_id] = (
                a.user,
                f"{a.user.full_name} ({a.engagement.provider.name})",
            )
    return sorted(people.values(), key=lambda p: p[1])


def reassign_choices(*, scope, task: Task, now) -> tuple[list, list]:
    """Who ``task`` can go to now, labelled, and everyone else of its team with
    the reasons they cannot. In-house work goes to any of the firm's people."""
    if task.engagement_id is None:
        people = [
            (m.user, m.user.full_name)
            for m in Membership.objects.filter(
                organization=scope.firm, is_active=True, user__is_active=True
            )
            .select_related("user")
            .order_by("user__full_name")
            if m.user_id != task.assignee_id
        ]
        return people, []
    eligible, others = [], []
    for c in routing.candidates(task, now):
        if c.user.pk == task.assignee_id:
            continue
        if c.eligible:
            hours = "working now" if c.in_hours else f"outside hours, {c.local_time}"
            label = f"{c.user.full_name} ({c.open_tasks} open; {hours})"
            eligible.append((c.user, label))
        else:
            others.append((c.user, ", ".join(c.problems)))
    return eligible, others
