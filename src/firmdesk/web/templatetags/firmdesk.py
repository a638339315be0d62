from django import template

from firmdesk.orgs.models import Function
from firmdesk.work.markdown import render_markdown

register = template.Library()


@register.filter
def function_labels(values) -> str:
    """``["scheduling", "documents"]`` → "Scheduling, Document preparation"."""
    labels = dict(Function.choices)
    return ", ".join(labels.get(v, v) for v in values or [])


@register.filter
def markdown(value) -> str:
    """User-typed Markdown → sanitised HTML (see ``firmdesk.work.markdown``)."""
    return render_markdown(value)
