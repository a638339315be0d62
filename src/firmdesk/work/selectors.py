from firmdesk.access.selectors import access_object

from .models import Task


def access_task(scope, public_id, *, for_write=False) -> Task:
    return access_object(Task, scope, public_id, for_write=for_write)


def tasks_for_scope(scope):
    return Task.objects.in_scope(scope).select_related("matter", "assignee")
