"""A page cannot draw a matter its viewer may not open, whatever the template.

Rows reach a page through the viewer's Scope, but a row links to its matter (a
task's, an event's, a lead's, a message's) and the matter may be one the viewer
may not open: a task given to someone with task-only access, a lead retained into
a matter they were not given. Templates used to check a flag the view set
(``show_matter``); a new template could forget it. Now, while a page is drawn
(``common.rendering.drawing_for``), following any link to a Matter checks the
viewer's Scope and, where they may not open it, gives ``HIDDEN_MATTER`` instead:
it draws as "a matter you cannot open", has no number, title or public id (so a
``{% url %}`` to it fails loudly rather than linking), and ``is_hidden`` is true.
Services and jobs run outside any render and follow links as usual.

Installed on every foreign key to Matter when the apps load
(``AccessConfig.ready``).
"""

from django.apps import apps

from firmdesk.common.rendering import drawing_for
from firmdesk.matters.models import Matter

from .scope import scopes_for_request


class HiddenMatter:
    """What a page draws for a matter its viewer may not open."""

    is_hidden = True
    pk = id = public_id = None
    number = title = practice_area = description = status = ""

    def __str__(self):
        return "a matter you cannot open"

    def get_status_display(self):
        return ""


HIDDEN_MATTER = HiddenMatter()


def viewer_scope(request, firm_id):
    scope = getattr(request, "scope", None)
    if scope is not None and scope.firm.pk == firm_id:
        return scope
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    for scope in scopes_for_request(request):
        if scope.firm.pk == firm_id:
            return scope
    return None


class GuardedMatterLink:
    """Wraps Django's descriptor of a foreign key to Matter."""

    def __init__(self, inner):
        self.inner = inner

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        matter = self.inner.__get__(instance, cls)
        request = drawing_for.get()
        if matter is None or request is None:
            return matter
        # A row of a queue page carries the answer already, computed by its
        # scoped query from the same rule (work.selectors: matter_visible).
        known = instance.__dict__.get("matter_visible")
        if known is not None and self.inner.field.name == "matter":
            return matter if known else HIDDEN_MATTER
        scope = viewer_scope(request, matter.firm_id)
        if scope is not None and scope.can_see_matter(matter):
            return matter
        return HIDDEN_MATTER

    def __set__(self, instance, value):
        self.inner.__set__(instance, value)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def guard_matter_links() -> list[str]:
    """Install the guard on every foreign key to Matter; returns their names."""
    guarded = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                field.many_to_one
                and field.concrete
                and field.related_model is Matter
                and not isinstance(model.__dict__.get(field.name), GuardedMatterLink)
            ):
                setattr(
                    model, field.name, GuardedMatterLink(getattr(model, field.name))
                )
                guarded.append(f"{model._meta.label}.{field.name}")
    return guarded


class HiddenTask:
    """What a page draws for a task its viewer may not open (a time entry or
    reminder of a matter they may see links to a task of another function)."""

    is_hidden = True
    pk = id = public_id = None
    title = instructions = status = function = ""

    def __str__(self):
        return "a task you cannot open"

    def get_status_display(self):
        return ""


HIDDEN_TASK = HiddenTask()


class GuardedTaskLink:
    """Wraps the descriptor of a foreign key to Task on a row that is not seen
    through that task (``NeedToKnow.through_task``): billing's time entries,
    expenses and reminders. While a page is drawn, a task the viewer may not
    open is drawn as ``HIDDEN_TASK``. A list's selector may annotate
    ``task_visible`` to spare the query per row."""

    def __init__(self, inner):
        self.inner = inner

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        task = self.inner.__get__(instance, cls)
        request = drawing_for.get()
        if task is None or request is None:
            return task
        known = instance.__dict__.get("task_visible")
        if known is not None and self.inner.field.name == "task":
            return task if known else HIDDEN_TASK
        scope = viewer_scope(request, task.firm_id)
        if scope is not None and (
            task.__class__.objects.in_scope(scope).filter(pk=task.pk).exists()
        ):
            return task
        return HIDDEN_TASK

    def __set__(self, instance, value):
        self.inner.__set__(instance, value)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def guard_task_links() -> list[str]:
    """Install the task guard on every foreign key to Task whose row is not
    seen through that very task; returns their names."""
    from firmdesk.common.models import NeedToKnow

    task_model = apps.get_model("work", "Task")
    guarded = []
    for model in apps.get_models():
        declared = model.__dict__.get("need_to_know")
        for field in model._meta.get_fields():
            if not (
                field.many_to_one
                and field.concrete
                and field.related_model is task_model
            ):
                continue
            if declared is not None and (declared.kind, declared.path) == (
                NeedToKnow.THROUGH_TASK,
                field.name,
            ):
                continue
            if not isinstance(model.__dict__.get(field.name), GuardedTaskLink):
                setattr(model, field.name, GuardedTaskLink(getattr(model, field.name)))
                guarded.append(f"{model._meta.label}.{field.name}")
    return guarded
