"""Delegated work: the firm's written procedures (playbooks), the tasks that follow
them, the attorney's review, comments and flags, service-level breaches and
recurring work."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from firmdesk.common.models import NeedToKnow, TenantModel
from firmdesk.orgs.models import Function

USER = settings.AUTH_USER_MODEL


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


def _playbook_visible(scope, prefix: str = "") -> Q:
    """Firm members see every procedure; outside staff those of their functions."""
    if scope.is_firm_member:
        return Q()
    return Q(**{f"{prefix}function__in": scope.functions})


class Playbook(TenantModel):
    """A written procedure for one kind of work. Its text lives in versions:
    editing writes a new version, and a task keeps the one it was created with."""

    function = models.CharField(max_length=20, choices=Function.choices)
    key = models.SlugField(
        max_length=60, blank=True, help_text="The starter procedure it came from."
    )
    is_active = models.BooleanField(default=True)
    current_version = models.ForeignKey(
        "PlaybookVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        indexes = [models.Index(fields=["firm", "function", "is_active"])]

    def __str__(self):
        return self.current_version.title if self.current_version else self.key

    @staticmethod
    def scope_filter(scope) -> Q:
        return _playbook_visible(scope)

    need_to_know = NeedToKnow.by_rule(
        scope_filter,
        why="Procedures name no client: firm members see every one, provider "
        "staff those of the functions they work on.",
    )


class PlaybookVersion(TenantModel):
    playbook = models.ForeignKey(
        Playbook, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    steps = models.TextField(help_text="Markdown: the steps, in order.")
    definition_of_done = models.JSONField(
        default=list, help_text="Checklist items; each becomes a tick box on a task."
    )
    common_mistakes = models.TextField(blank=True)
    templates = models.TextField(blank=True)
    examples = models.TextField(blank=True)
    output_leaves_firm = models.BooleanField(
        default=False,
        help_text="The result goes outside the firm: an attorney always reviews it.",
    )
    review_required = models.BooleanField(
        default=True, help_text="An attorney reviews the work before it is done."
    )
    turnaround_hours = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Business hours to finish, when the engagement sets none.",
    )
    edited_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    change_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["playbook", "number"], name="one_number_per_playbook_version"
            )
        ]

    def __str__(self):
        return f"{self.title} (version {self.number})"

    @property
    def function(self) -> str:
        return self.playbook.function

    @property
    def needs_review(self) -> bool:
        return self.output_leaves_firm or self.review_required

    @staticmethod
    def scope_filter(scope) -> Q:
        return _playbook_visible(scope, "playbook__")

    need_to_know = NeedToKnow.by_rule(
        scope_filter, why="A version is seen by whoever sees its playbook."
    )


class PlaybookAcknowledgement(TenantModel):
    """A staff member has read a procedure (at a version) before doing the work."""

    playbook = models.ForeignKey(
        Playbook, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    version = models.ForeignKey(
        PlaybookVersion, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "user"], name="one_acknowledgement_per_version"
            )
        ]
        indexes = [models.Index(fields=["firm", "user", "playbook"])]

    @staticmethod
    def scope_filter(scope) -> Q:
        if scope.is_firm_member:
            return Q()
        return Q(user=scope.user)

    need_to_know = NeedToKnow.by_rule(
        scope_filter,
        why="Firm members see who read which procedure; provider staff their "
        "own acknowledgements.",
    )


class Recurrence(TenantModel):
    """A task that comes back: every weekday, weekly on a day, or monthly on a date."""

    class Frequency(models.TextChoices):
        WEEKDAYS = "weekdays", "Every working day (Monday to Friday)"
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"

    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True)
    function = models.CharField(max_length=20, choices=Function.choices)
    matter = models.ForeignKey(
        "matters.Matter", null=True, blank=True, on_delete=models.CASCADE
    )
    engagement = models.ForeignKey(
        "engagements.Engagement", null=True, blank=True, on_delete=models.CASCADE
    )
    priority = models.CharField(
        max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    requester = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    weekday = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Monday is 0 (weekly only)."
    )
    day_of_month = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="1 to 31; in shorter months the last day (monthly only).",
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    last_created_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["firm", "is_active"])]

    def __str__(self):
        return self.title

    @staticmethod
    def scope_filter(scope) -> Q:
        if scope.is_firm_member:
            return Q()
        # Outside staff see tasks, not the firm's schedule of future work.
        return Q(pk__in=[])

    need_to_know = NeedToKnow.by_rule(
        scope_filter,
        why="The firm's schedule of future work is the firm's: provider staff "
        "see the tasks it makes, not the schedule.",
    )


class Task(TenantModel):
    """A delegated work item, done under a playbook version and reviewed before
    anything leaves the firm."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Waiting for review"
        RETURNED = "returned", "Returned for changes"
        APPROVED = "approved", "Approved"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    class ExtraCost(models.TextChoices):
        NO = "", "In the base price"
        PENDING = "pending", "Extra cost: waiting for a firm admin"
        APPROVED = "approved", "Extra cost: approved"
        DECLINED = "declined", "Extra cost: declined"

    class DueSource(models.TextChoices):
        NONE = "", "No due time"
        SERVICE_LEVEL = "sla", "From the engagement's turnaround"
        MANUAL = "manual", "Set by hand"

    matter = models.ForeignKey(
        "matters.Matter",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    engagement = models.ForeignKey(
        "engagements.Engagement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
        help_text="The outside team doing the work; empty for in-house work.",
    )
    function = models.CharField(max_length=20, choices=Function.choices)
    playbook_version = models.ForeignKey(
        PlaybookVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.OPEN
    )
    priority = models.CharField(
        max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    requester = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assignee = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tasks",
    )
    due_at = models.DateTimeField(null=True, blank=True)
    due_source = models.CharField(
        max_length=6, choices=DueSource.choices, default="", blank=True
    )
    # Only which items are ticked: their texts are the definition of done of
    # the task's playbook version, which never changes once published. Kept
    # in the row, the texts made a task twice as wide, and a team's month of
    # finished work twice as many table pages to read.
    checklist_ticked = models.JSONField(
        default=list,
        blank=True,
        help_text="Positions of the ticked definition-of-done items, from 0.",
    )
    minutes_logged = models.PositiveIntegerField(default=0)
    attachments = models.ManyToManyField(
        "documents.Document", blank=True, related_name="tasks"
    )
    review_required = models.BooleanField(default=True)
    output_leaves_firm = models.BooleanField(default=False)
    extra_cost = models.CharField(
        max_length=10, choices=ExtraCost.choices, default="", blank=True
    )
    extra_cost_decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    needs_routing = models.BooleanField(
        default=False, help_text="Waiting for someone to be available."
    )
    routing_note = models.CharField(max_length=500, blank=True)
    # Named by the person delegating while the work waits for a firm admin to
    # approve its extra cost: the task goes to them once it is approved.
    proposed_assignee = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handover_note = models.TextField(blank=True)
    routed_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When it last became approved, done or cancelled; empty while open.",
    )
    rework_count = models.PositiveIntegerField(default=0)
    sla_warned_at = models.DateTimeField(null=True, blank=True)
    sla_breached_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    recurrence = models.ForeignKey(
        Recurrence, null=True, blank=True, on_delete=models.SET_NULL
    )
    recurrence_date = models.DateField(null=True, blank=True)
    revision = models.PositiveIntegerField(
        default=1, help_text="Goes up with every change; guards against lost updates."
    )

    class Meta:
        ordering = ["due_at", "-created_at"]
        indexes = [
            models.Index(fields=["firm", "assignee", "status", "due_at"]),
            # Open work by due date, carrying what the access rule and the
            # page order read: on PostgreSQL the team queue's keys and count
            # across eleven firms come from this index alone (an index-only
            # scan, 4 ms) instead of 2,400 table pages (9 ms). SQLite ignores
            # include.
            models.Index(
                fields=["firm", "status", "due_at"],
                include=[
                    "function",
                    "assignee",
                    "engagement",
                    "matter",
                    "created_at",
                    "id",
                ],
                name="work_task_by_due_covering",
            ),
            models.Index(fields=["firm", "engagement", "status", "due_at"]),
            # A matter's tasks; and the work on the matters a team is granted,
            # by status (SQLite looks the grants up matter by matter).
            models.Index(fields=["firm", "matter", "status", "closed_at"]),
            # Finished work is listed by a window ("the last 30 days"): the
            # firm's list, an assistant's own queue, an engagement's team queue.
            models.Index(fields=["firm", "status", "closed_at"]),
            models.Index(fields=["firm", "assignee", "status", "closed_at"]),
            # Provider staff see only their functions: with the function in the
            # index a team's finished work of one kind is read without the rest.
            models.Index(
                fields=["firm", "engagement", "status", "function", "closed_at"]
            ),
            # The API's task list, newest first and paged by (created_at, id):
            # without it the firm's tasks are sorted on every page.
            models.Index(
                fields=["firm", "created_at", "id"], name="work_task_firm_created"
            ),
            models.Index(
                fields=["firm", "due_at"],
                name="work_task_open_due",
                condition=Q(status__in=["open", "in_progress", "returned"]),
            ),
            models.Index(
                fields=["firm"],
                name="work_task_needs_routing",
                condition=Q(needs_routing=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recurrence", "recurrence_date"],
                name="one_task_per_recurrence_date",
            )
        ]

    def __str__(self):
        return self.title

    OPEN_STATUSES = ("open", "in_progress", "submitted", "returned")
    FINISHED_STATUSES = ("approved", "done", "cancelled")
    # The assignee's move: work not yet handed in.
    WORKING_STATUSES = ("open", "in_progress", "returned")

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def delivered_at(self):
        """When the accepted work was handed in: the submission the attorney
        approved, or completion of work that needs no review. The attorney's
        own review time does not count against the team; rework does."""
        if self.status in (self.Status.APPROVED, self.Status.DONE):
            return self.submitted_at or self.completed_at
        return None

    @property
    def on_time(self) -> bool | None:
        """None while unfinished or without a due time."""
        if self.due_at is None or self.delivered_at is None:
            return None
        return self.delivered_at <= self.due_at

    def is_overdue(self, now) -> bool:
        return (
            self.due_at is not None
            and self.status in self.WORKING_STATUSES
            and self.due_at < now
        )

    @property
    def checklist_items(self) -> list[str]:
        """The definition of done this task is worked to (its playbook
        version's; none without a playbook)."""
        version = self.playbook_version
        return list(version.definition_of_done) if version is not None else []

    @property
    def checklist(self) -> list[dict]:
        """Each definition-of-done item with whether it is ticked."""
        return self.checklist_of(self.checklist_items, self.checklist_ticked)

    @staticmethod
    def checklist_of(done_means, ticked) -> list[dict]:
        """``checklist`` from a definition of done (none: ``None``) and the
        positions ticked, for a row read as values (the API's lists)."""
        ticked = set(ticked)
        return [
            {"text": text, "done": index in ticked}
            for index, text in enumerate(done_means or [])
        ]

    @property
    def checklist_done(self) -> int:
        return len(self.checklist_ticked)

    @staticmethod
    def scope_filter(scope, prefix: str = "") -> Q:
        """Firm members: every task not on a screened matter. Provider staff: tasks
        in their functions that are theirs (task-only access), or of their
        engagement on a matter they may see."""
        p = prefix
        if scope.is_firm_member:
            if not scope.screened_matter_ids:
                return Q()
            # Q() | x is just x in Django, so the screened case is built apart.
            return scope.matter_q(f"{p}matter") | Q(**{f"{p}matter__isnull": True})
        visible = Q(**{f"{p}assignee": scope.user}) | (
            Q(**{f"{p}matter__isnull": False, f"{p}engagement": scope.engagement})
            & scope.matter_q(f"{p}matter")
        )
        q = Q(**{f"{p}function__in": scope.functions}) & visible
        if scope.screened_matter_ids:
            q &= ~Q(**{f"{p}matter_id__in": scope.screened_matter_ids})
        if scope.consent_required:
            # Even task-only access needs the client's consent on the matter.
            q &= Q(**{f"{p}matter__isnull": True}) | Q(
                **{f"{p}matter__client_consent_on__isnull": False}
            )
        return q

    need_to_know = NeedToKnow.by_rule(
        scope_filter,
        why="Firm members see every task not on a matter they are screened "
        "from; provider staff tasks in their functions that were given to "
        "them or belong to a matter they may see.",
    )


class Review(TenantModel):
    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned for changes"

    class Reason(models.TextChoices):
        FACTUAL_ERROR = "factual_error", "Factual error"
        MISSED_INSTRUCTION = "missed_instruction", "Missed instruction"
        FORMATTING = "formatting", "Formatting"
        WRONG_TEMPLATE = "wrong_template", "Wrong template"
        TYPO = "typo", "Typo"
        OTHER = "other", "Other"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.CharField(
        max_length=20, choices=Reason.choices, blank=True, default=""
    )
    comment = models.TextField(blank=True)
    reset_items = models.JSONField(
        default=list,
        blank=True,
        help_text="On a return: positions (from 0) of the checklist items the "
        "reviewer named to redo, whose ticks were removed.",
    )
    approved_version = models.ForeignKey(
        "documents.DocumentVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="On an approval: the version of the attached file the reviewer "
        "approved; empty when the work has no file or none was approved.",
    )

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["firm", "decision", "created_at"])]

    need_to_know = NeedToKnow.through_task("task")

    @property
    def is_return(self) -> bool:
        return self.decision == self.Decision.RETURNED


class Comment(TenantModel):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()

    class Meta:
        ordering = ["created_at"]

    need_to_know = NeedToKnow.through_task("task")


class Flag(TenantModel):
    class Kind(models.TextChoices):
        BLOCKED = "blocked", "Blocked: needs information"
        URGENT = "urgent", "Urgent"
        QUESTION = "question", "Question for the attorney"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    note = models.TextField(blank=True)
    raised_by = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["firm", "resolved_at"])]

    need_to_know = NeedToKnow.through_task("task")

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class SlaBreach(TenantModel):
    """A task that was not finished by its due time: kept for the record even
    after the task is done or its due time moves."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="breaches")
    engagement = models.ForeignKey(
        "engagements.Engagement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    function = models.CharField(max_length=20, choices=Function.choices)
    assignee = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["task", "due_at"], name="one_breach_per_due_time"
            )
        ]
        indexes = [models.Index(fields=["firm", "engagement", "due_at"])]

    need_to_know = NeedToKnow.through_task("task")
