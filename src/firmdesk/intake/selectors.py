"""Reading intake for its pages: who may own a lead, who may take on its
client. Always through a Scope or for one firm."""

from django.db.models import Q
from django.utils import timezone

from firmdesk.engagements.models import Assignment
from firmdesk.engagements.selectors import live_engagements
from firmdesk.orgs.models import Membership

from .models import Lead


def first_response_running() -> Q:
    """Leads whose first-response clock runs: open, not yet answered, with an
    agreed time to answer by (late ones included: their clock still runs)."""
    return Q(
        status__in=Lead.OPEN_STATUSES,
        first_response_at__isnull=True,
        response_due_at__isnull=False,
    )


def first_response_overdue(now) -> Q:
    """Running clocks past their agreed time: the lead lists' "overdue" filter
    and the count on Today, one definition for both."""
    return first_response_running() & Q(response_due_at__lt=now)


def lead_owner_choices(*, scope) -> list[tuple]:
    """Who may own a lead: the firm's people and the current intake staff of
    its live engagements, labelled so."""
    today = timezone.localdate(timezone=scope.firm.tz)
    people = {}
    for m in Membership.objects.filter(
        organization=scope.firm, is_active=True, user__is_active=True
    ).select_related("user"):
        people[m.user_id] = (m.user, f"{m.user.full_name} (in-house)")
    for a in (
        Assignment.objects.in_scope(scope)
        .filter(
            engagement__in=live_engagements(scope=scope, function="intake"),
            user__is_active=True,
        )
        .select_related("user", "engagement__provider")
    ):
        if (
            "intake" in (a.functions or [])
            and a.is_current(today)
            and a.user_id not in people
        ):
            people[a.user_id] = (
                a.user,
                f"{a.user.full_name} ({a.engagement.provider.name})",
            )
    return sorted(people.values(), key=lambda p: p[1])


def firm_attorneys(*, firm) -> list:
    """The firm's active attorneys by name: who may take on a retained client."""
    return sorted(
        (
            m.user
            for m in Membership.objects.filter(
                organization=firm, is_active=True, user__is_active=True
            ).select_related("user")
            if "attorney" in (m.roles or [])
        ),
        key=lambda u: u.full_name,
    )
