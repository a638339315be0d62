from django import template

from firmdesk.orgs.models import Function

register = template.Library()


@register.filter
def function_labels(values) -> str:
    """``["scheduling", "documents"]`` → "Scheduling, Document preparation"."""
    labels = dict(Function.choices)
    return ", ".join(labels.get(v, v) for v in values or [])
