import datetime

from django.db.models import Q

from .models import Assignment, Engagement


def current_assignments_of_provider(*, provider, today: datetime.date):
    """The provider's own view of where its staff work, across firms.

    Provider-side pages are not client data of one firm, so they read across
    firms here (never in a view); they show only firm names, never firm data.
    """
    return (
        Assignment.unscoped.filter(
            engagement__provider=provider,
            engagement__status__in=[Engagement.Status.PILOT, Engagement.Status.ACTIVE],
            start_date__lte=today,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("firm")
    )
