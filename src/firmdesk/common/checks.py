"""System checks of the access rule's declarations (``manage.py check``; the
suite runs them in tests/common/test_need_to_know.py).

Every concrete tenant model says how need-to-know applies to it
(``common.models.NeedToKnow``). One that says nothing would be read firm-wide
by ``in_scope`` — what the ethical screen on conflict checks once was — so it
is an error, not a default.
"""

from django.apps import apps
from django.core import checks
from django.core.exceptions import FieldDoesNotExist

from .models import NeedToKnow, TenantModel

HINT = (
    "Add need_to_know = NeedToKnow.through_matter('matter') (or through_task, "
    "through, by_rule(..., why=...), whole_firm(why=...)) to the model; see "
    "docs/architecture.md, 'The access rule in code'."
)


def tenant_models(models=None) -> list:
    models = apps.get_models() if models is None else models
    return [
        m
        for m in models
        if issubclass(m, TenantModel) and not m._meta.abstract and not m._meta.proxy
    ]


def _problem(model) -> str | None:
    declared = model.__dict__.get("need_to_know")
    if declared is None:
        return "declares no need-to-know"
    if not isinstance(declared, NeedToKnow):
        return "has a need_to_know that is not a NeedToKnow declaration"
    if (
        declared.kind in (NeedToKnow.RULE, NeedToKnow.WHOLE_FIRM)
        and not (declared.why or "").strip()
    ):
        return f"declares need-to-know as {declared.kind!r} without saying why"
    if declared.kind == NeedToKnow.RULE and not callable(declared.rule):
        return "declares a need-to-know rule that cannot be called"
    if declared.path:
        try:
            field = model._meta.get_field(declared.path)
        except FieldDoesNotExist:
            return f"declares need-to-know through {declared.path!r}, no such field"
        target = field.related_model
        if target is None or isinstance(target, str):
            return f"declares need-to-know through {declared.path!r}, not a link"
        if not issubclass(target, TenantModel):
            return (
                f"declares need-to-know through {declared.path!r}, which is not "
                "client data"
            )
        wanted = {
            NeedToKnow.THROUGH_MATTER: "matters.Matter",
            NeedToKnow.THROUGH_TASK: "work.Task",
        }.get(declared.kind)
        if wanted and target._meta.label != wanted:
            return (
                f"declares need-to-know {declared.kind} through {declared.path!r}, "
                f"which leads to {target._meta.label}"
            )
    return None


@checks.register(checks.Tags.security)
def check_need_to_know(app_configs=None, models=None, **kwargs):
    errors = []
    for model in tenant_models(models):
        problem = _problem(model)
        if problem:
            errors.append(
                checks.Error(
                    f"{model._meta.label} is client data but {problem}.",
                    hint=HINT,
                    obj=model,
                    id="firmdesk.E001",
                )
            )
    return errors
