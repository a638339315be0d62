from django.conf import settings
from django.db import models
from django.db.models import Q

from firmdesk.common.models import TenantModel
from firmdesk.orgs.models import Function


class Task(TenantModel):
    """A delegated work item. The smallest form the access rule needs; issue 4
    adds playbooks, review, routing and service levels."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Waiting for review"
        RETURNED = "returned", "Returned"
        APPROVED = "approved", "Approved"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    matter = models.ForeignKey(
        "matters.Matter",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    function = models.CharField(max_length=20, choices=Function.choices)
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.OPEN
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tasks",
    )
    due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "-created_at"]
        indexes = [
            models.Index(fields=["firm", "assignee", "status"]),
            models.Index(fields=["firm", "matter"]),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.DONE, self.Status.CANCELLED)

    @staticmethod
    def scope_filter(scope) -> Q:
        """Firm members: every task not on a screened matter. Provider staff:
        tasks in their functions that are theirs (task-only access), or on a
        matter they may see."""
        if scope.is_firm_member:
            if not scope.screened_matter_ids:
                return Q()
            # Q() | x is just x in Django, so the screened case is built apart.
            return scope.matter_q("matter") | Q(matter__isnull=True)
        visible = Q(assignee=scope.user) | (
            Q(matter__isnull=False) & scope.matter_q("matter")
        )
        screened = (
            ~Q(matter_id__in=scope.screened_matter_ids)
            if scope.screened_matter_ids
            else Q()
        )
        return Q(function__in=scope.functions) & visible & screened
