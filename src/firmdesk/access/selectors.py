"""The scoped query API: ``access_<entity>(scope, public_id, *, for_write=False)``.

A row outside the scope and a row that does not exist give the same 404, so a
URL never tells anyone that something exists. Apps above ``access`` in the
import order (work, scheduling, ...) define their own ``access_<entity>`` in
their selectors with ``access_object`` below.
"""

from django.core.exceptions import ValidationError
from django.http import Http404

from firmdesk.engagements.models import Engagement
from firmdesk.matters.models import Matter


def access_object(model, scope, public_id, *, for_write=False, queryset=None):
    qs = queryset if queryset is not None else model.objects.in_scope(scope)
    if for_write:
        qs = qs.select_for_update()
    try:
        return qs.get(public_id=public_id)
    except (model.DoesNotExist, ValidationError, ValueError):
        raise Http404(f"No {model._meta.verbose_name} here.") from None


def access_matter(scope, public_id, *, for_write=False) -> Matter:
    return access_object(Matter, scope, public_id, for_write=for_write)


def access_engagement(scope, public_id, *, for_write=False) -> Engagement:
    """Engagements are the firm's business: firm members only."""
    if not scope.is_firm_member:
        raise Http404("No engagement here.")
    return access_object(Engagement, scope, public_id, for_write=for_write)
