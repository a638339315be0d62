"""The access rule (DESIGN.md, "The access rule"), resolved once per request.

A Scope says who is acting, for which firm, in which roles, and which of the
firm's matters they may see. Every query of client data goes through one.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from firmdesk.engagements.models import (
    Assignment,
    ConfidentialityAgreement,
    Engagement,
    MatterGrant,
)
from firmdesk.matters.models import Matter, MatterScreen
from firmdesk.orgs.models import (
    FIRM_ROLES,
    PROVIDER_STAFF_ROLES,
    Absence,
    Function,
    Membership,
    Organization,
    StaffProfile,
)

ALL_FUNCTIONS = frozenset(Function.values)


@dataclass(frozen=True)
class Scope:
    user: object
    firm: Organization
    roles: frozenset[str]
    is_firm_member: bool
    functions: frozenset[str] = ALL_FUNCTIONS
    engagement: Engagement | None = None
    all_matters: bool = True
    granted_matter_ids: frozenset[int] = field(default_factory=frozenset)
    screened_matter_ids: frozenset[int] = field(default_factory=frozenset)
    consent_required: bool = False

    @property
    def is_provider_staff(self) -> bool:
        return not self.is_firm_member

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_firm_admin(self) -> bool:
        return self.is_firm_member and "firm_admin" in self.roles

    def has_function(self, function: str) -> bool:
        return function in self.functions

    def matter_q(self, via: str | None = None) -> Q:
        """A filter for rows whose matter this scope may see.

        ``via`` is the path to the Matter (``"matter"`` for a foreign key), or
        None when filtering Matter itself.
        """
        key = "pk" if via is None else f"{via}_id"
        consent = "client_consent_on" if via is None else f"{via}__client_consent_on"
        q = Q()
        if self.screened_matter_ids:
            q &= ~Q(**{f"{key}__in": self.screened_matter_ids})
        if self.is_firm_member:
            return q
        if not self.all_matters:
            q &= Q(**{f"{key}__in": self.granted_matter_ids})
        if self.consent_required:
            q &= Q(**{f"{consent}__isnull": False})
        return q

    def can_see_matter(self, matter: Matter) -> bool:
        if matter.firm_id != self.firm.pk or matter.pk in self.screened_matter_ids:
            return False
        if self.is_firm_member:
            return True
        if self.consent_required and matter.client_consent_on is None:
            return False
        return self.all_matters or matter.pk in self.granted_matter_ids


def _screened(firm: Organization, user) -> frozenset[int]:
    return frozenset(
        MatterScreen.objects.for_firm(firm)
        .filter(user=user)
        .values_list("matter_id", flat=True)
    )


def resolve_scope(user, firm: Organization, *, today: datetime.date | None = None):
    """The Scope through which ``user`` acts for ``firm``, or None: no access.

    Provider staff need all of: an active (or pilot) engagement between their
    provider and the firm, a current assignment to it, a valid signed
    confidentiality agreement for it, a function in its scope, no recorded
    absence today, and a profile not marked as left. Need-to-know then limits
    the matters (grants, or every matter if the firm opened them all).
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if firm is None or not firm.is_firm:
        return None
    today = today or timezone.localdate(timezone=firm.tz)
    memberships = list(
        Membership.objects.filter(user=user, is_active=True).select_related(
            "organization"
        )
    )
    for membership in memberships:
        if membership.organization_id == firm.pk:
            roles = frozenset(membership.roles) & FIRM_ROLES
            if roles:
                return Scope(
                    user=user,
                    firm=firm,
                    roles=roles,
                    is_firm_member=True,
                    screened_matter_ids=_screened(firm, user),
                )
    for membership in memberships:
        provider = membership.organization
        roles = frozenset(membership.roles) & PROVIDER_STAFF_ROLES
        if provider.is_firm or not roles:
            continue
        scope = _provider_scope(user, firm, provider, roles, today)
        if scope is not None:
            return scope
    return None


def _provider_scope(user, firm, provider, roles, today):
    profile = StaffProfile.objects.filter(user=user, organization=provider).first()
    if profile is None or not profile.is_active:
        return None
    if Absence.objects.filter(user=user, start__lte=today, end__gte=today).exists():
        return None
    engagements = [
        e
        for e in Engagement.objects.for_firm(firm).filter(
            provider=provider,
            status__in=[Engagement.Status.PILOT, Engagement.Status.ACTIVE],
        )
        if e.is_live(today)
    ]
    for engagement in engagements:
        assignment = (
            Assignment.objects.for_firm(firm)
            .filter(engagement=engagement, user=user)
            .first()
        )
        if assignment is None or not assignment.is_current(today):
            continue
        functions = frozenset(assignment.functions) & frozenset(engagement.functions)
        if not functions:
            continue
        agreements = ConfidentialityAgreement.objects.for_firm(firm).filter(
            engagement=engagement, signer=user
        )
        if not any(a.is_valid(today) for a in agreements):
            continue
        granted = frozenset(
            MatterGrant.objects.for_firm(firm)
            .filter(engagement=engagement)
            .filter(Q(user=user) | Q(user__isnull=True))
            .values_list("matter_id", flat=True)
        )
        return Scope(
            user=user,
            firm=firm,
            roles=roles,
            is_firm_member=False,
            functions=functions,
            engagement=engagement,
            all_matters=engagement.all_matters,
            granted_matter_ids=granted,
            screened_matter_ids=_screened(firm, user),
            consent_required=firm.require_client_consent,
        )
    return None


def firms_for_user(user, *, today: datetime.date | None = None) -> list[Scope]:
    """Every firm this user may act for now, one Scope each (the firm switcher)."""
    if user is None or not user.is_authenticated:
        return []
    org_ids = set(
        Membership.objects.filter(user=user, is_active=True).values_list(
            "organization_id", flat=True
        )
    )
    candidate_firms = Organization.objects.filter(
        Q(pk__in=org_ids, kind=Organization.Kind.FIRM)
        | Q(
            pk__in=Engagement.unscoped.filter(
                provider_id__in=org_ids,
                status__in=[Engagement.Status.PILOT, Engagement.Status.ACTIVE],
                assignments__user=user,
            ).values("firm_id")
        )
    ).order_by("name")
    scopes = []
    for firm in candidate_firms:
        scope = resolve_scope(user, firm, today=today)
        if scope is not None:
            scopes.append(scope)
    return scopes
