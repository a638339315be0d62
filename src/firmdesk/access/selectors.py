"""The scoped query API: ``access_<entity>(scope, public_id, *, for_write=False)``.

A row outside the scope and a row that does not exist give the same 404, so a
URL never tells anyone that something exists. Apps above ``access`` in the
import order (work, scheduling, ...) define their own ``access_<entity>`` in
their selectors with ``access_object`` below.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404

from firmdesk.engagements.models import Assignment, Engagement
from firmdesk.matters.models import Matter

from .system import provider_side


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


def current_assignments_of_provider(*, provider, today: datetime.date):
    """The provider's own view of where its staff work, across firms.

    Provider-side pages are not client data of one firm, so they read across
    firms here (never in a view); they show only firm names, never firm data.
    """
    return (
        provider_side(Assignment, provider=provider)
        .filter(
            engagement__status__in=[Engagement.Status.PILOT, Engagement.Status.ACTIVE],
            start_date__lte=today,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("firm")
    )
