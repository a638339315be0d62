"""The access rule (DESIGN.md, "The access rule"), resolved once per request.

A Scope says who is acting, for which firm, in which roles, and which of the
firm's matters they may see. Every query of client data goes through one.
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

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
    screened_matter_ids: frozenset[int] = field(default_factory=frozenset)
    consent_required: bool = False

    def _grants(self):
        return (
            MatterGrant.unscoped.filter(engagement=self.engagement)
            .filter(Q(user=self.user) | Q(user__isnull=True))
            .values("matter_id")
        )

    @cached_property
    def granted_matter_ids(self) -> frozenset[int]:
        """The matters opened to this person (need-to-know); read when a page
        asks about one matter. Lists filter with a subquery instead (matter_q)."""
        if self.engagement is None:
            return frozenset()
        return frozenset(self._grants().values_list("matter_id", flat=True))

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

    def works_on(self, function: str) -> bool:
        """The firm's own people do every kind of work; provider staff the
        kinds their engagement and assignment cover."""
        return self.is_firm_member or self.has_function(function)

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
            # A subquery, not the ids: a team may be granted thousands of
            # matters, and a literal list costs more to build than to run.
            q &= Q(**{f"{key}__in": self._grants()})
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


def resolve_scope(user, firm: Organization, *, today: datetime.date | None = None):
    """The Scope through which ``user`` acts for ``firm``, or None: no access.

    Provider staff need all of: an active (or pilot) engagement between their
    provider and the firm, a current assignment to it, a valid signed
    confidentiality agreement for it, a function in its scope, no recorded
    absence today, and a profile not marked as left. Need-to-know then limits
    the matters (grants, or every matter if the firm opened them all).
    """
    if firm is None:
        return None
    return resolve_scopes(user, [firm], today=today).get(firm.pk)


def _active_memberships(user) -> list:
    return list(
        Membership.objects.filter(user=user, is_active=True).select_related(
            "organization"
        )
    )


def resolve_scopes(
    user, firms, *, today: datetime.date | None = None, memberships=None
) -> dict:
    """``resolve_scope`` for several firms at once: {firm pk: Scope} for the firms
    the user may act for, in a fixed number of queries however many firms (the
    cross-firm queues and the firm switcher resolve every firm on each request).

    ``today`` defaults to each firm's own date; ``memberships``, the user's
    active memberships read in this request, saves reading them again.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return {}
    firms = [f for f in firms if f is not None and f.is_firm]
    if not firms:
        return {}
    if memberships is None:
        memberships = _active_memberships(user)
    firm_roles = {
        m.organization_id: frozenset(m.roles) & FIRM_ROLES for m in memberships
    }
    screened: dict[int, set[int]] = {f.pk: set() for f in firms}
    for firm_id, matter_id in MatterScreen.unscoped.filter(
        user=user, firm__in=firms
    ).values_list("firm_id", "matter_id"):
        screened[firm_id].add(matter_id)
    staff = [
        (m.organization, frozenset(m.roles) & PROVIDER_STAFF_ROLES)
        for m in memberships
        if not m.organization.is_firm and frozenset(m.roles) & PROVIDER_STAFF_ROLES
    ]
    outside = [f for f in firms if not firm_roles.get(f.pk)]
    facts = _StaffFacts.load(user, outside, staff) if staff and outside else None
    scopes = {}
    for firm in firms:
        day = today or timezone.localdate(timezone=firm.tz)
        roles = firm_roles.get(firm.pk)
        if roles:
            scopes[firm.pk] = Scope(
                user=user,
                firm=firm,
                roles=roles,
                is_firm_member=True,
                screened_matter_ids=frozenset(screened[firm.pk]),
            )
            continue
        for provider, roles in staff if facts else ():
            scope = facts.scope(firm, provider, roles, day, screened[firm.pk])
            if scope is not None:
                scopes[firm.pk] = scope
                break
    return scopes


@dataclass
class _StaffFacts:
    """What decides a provider staff member's access, read once for all firms."""

    user: object
    profiles: dict
    absences: list
    engagements: list
    assignments: dict
    agreements: dict

    @classmethod
    def load(cls, user, firms, staff) -> "_StaffFacts":
        provider_ids = [provider.pk for provider, _ in staff]
        engagements = list(
            Engagement.unscoped.filter(
                firm__in=firms,
                provider_id__in=provider_ids,
                status__in=[Engagement.Status.PILOT, Engagement.Status.ACTIVE],
            ).order_by("-created_at")
        )
        ids = [e.pk for e in engagements]
        agreements: dict[int, list] = {}
        for agreement in ConfidentialityAgreement.unscoped.filter(
            engagement_id__in=ids, signer=user
        ):
            agreements.setdefault(agreement.engagement_id, []).append(agreement)
        return cls(
            user=user,
            profiles={
                p.organization_id: p
                for p in StaffProfile.objects.filter(
                    user=user, organization_id__in=provider_ids
                )
            },
            absences=list(Absence.objects.filter(user=user)),
            engagements=engagements,
            assignments={
                a.engagement_id: a
                for a in Assignment.unscoped.filter(engagement_id__in=ids, user=user)
            },
            agreements=agreements,
        )

    def scope(self, firm, provider, roles, today, screened) -> Scope | None:
        profile = self.profiles.get(provider.pk)
        if profile is None or not profile.is_active:
            return None
        if any(a.start <= today <= a.end for a in self.absences):
            return None
        for engagement in self.engagements:
            if engagement.firm_id != firm.pk or engagement.provider_id != provider.pk:
                continue
            if not engagement.is_live(today):
                continue
            assignment = self.assignments.get(engagement.pk)
            if assignment is None or not assignment.is_current(today):
                continue
            functions = frozenset(assignment.functions) & frozenset(
                engagement.functions
            )
            if not functions:
                continue
            if not any(
                a.is_valid(today) for a in self.agreements.get(engagement.pk, [])
            ):
                continue
            return Scope(
                user=self.user,
                firm=firm,
                roles=roles,
                is_firm_member=False,
                functions=functions,
                engagement=engagement,
                all_matters=engagement.all_matters,
                screened_matter_ids=frozenset(screened),
                consent_required=firm.require_client_consent,
            )
        return None


def firms_for_user(user, *, today: datetime.date | None = None) -> list[Scope]:
    """Every firm this user may act for now, one Scope each (the firm switcher)."""
    if user is None or not user.is_authenticated:
        return []
    memberships = _active_memberships(user)
    org_ids = {m.organization_id for m in memberships}
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
    firms = list(candidate_firms)
    found = resolve_scopes(user, firms, today=today, memberships=memberships)
    return [found[f.pk] for f in firms if f.pk in found]
