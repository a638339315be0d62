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


class _GuardedLink:
    """Wraps Django's descriptor of a foreign key: while a page is drawn, a
    row the viewer may not open comes back as ``hidden``. A row of a list may
    carry the answer already, computed by its scoped query from the same rule
    (``known``, e.g. ``matter_visible``), for the link named ``field``."""

    hidden: object
    known = ""
    field = ""

    def __init__(self, inner):
        self.inner = inner

    def visible(self, scope, row) -> bool:
        raise NotImplementedError

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        row = self.inner.__get__(instance, cls)
        request = drawing_for.get()
        if row is None or request is None:
            return row
        known = instance.__dict__.get(self.known)
        if known is not None and self.inner.field.name == self.field:
            return row if known else self.hidden
        scope = viewer_scope(request, row.firm_id)
        if scope is not None and self.visible(scope, row):
            return row
        return self.hidden

    def __set__(self, instance, value):
        self.inner.__set__(instance, value)

    def __getattr__(self, name):
        return getattr(self.inner, name)


class GuardedMatterLink(_GuardedLink):
    """A foreign key to Matter (work.selectors annotates ``matter_visible``)."""

    hidden = HIDDEN_MATTER
    known, field = "matter_visible", "matter"

    def visible(self, scope, row) -> bool:
        return scope.can_see_matter(row)


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


class GuardedTaskLink(_GuardedLink):
    """A foreign key to Task on a row that is not seen through that task
    (``NeedToKnow.through_task``): billing's time entries, expenses and
    reminders. A list may annotate ``task_visible`` to spare the query per row."""

    hidden = HIDDEN_TASK
    known, field = "task_visible", "task"

    def visible(self, scope, row) -> bool:
        return row.__class__.objects.in_scope(scope).filter(pk=row.pk).exists()


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
