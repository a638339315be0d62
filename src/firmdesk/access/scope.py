"""The access rule (DESIGN.md, "The access rule"), resolved once per request.

A Scope says who is acting, for which firm, in which roles, and which of the
firm's matters they may see. Every query of client data goes through one.
"""

import datetime
import logging
import zoneinfo
from dataclasses import dataclass, field, replace
from functools import cached_property

from django.core.cache import cache
from django.db.models import CharField, DateField, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from firmdesk.common.models import kept_filters
from firmdesk.engagements.agreement_texts import standard_sha256
from firmdesk.engagements.models import (
    AgreementText,
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

from . import mark
from .rule import staff_reasons
from .system import rule_facts

logger = logging.getLogger(__name__)

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

    @cached_property
    def _grants(self):
        """The ids of the matters granted to this person, as a subquery: built
        once for the Scope's life (a request), since the cross-firm pages filter
        through every firm's several times a request. The grants themselves are
        read when the query runs, never kept; a query that uses this gets its
        own copy, so the one kept here is never evaluated."""
        return (
            rule_facts(MatterGrant)
            .filter(engagement=self.engagement)
            .filter(Q(user=self.user) | Q(user__isnull=True))
            .values("matter_id")
        )

    @cached_property
    def granted_matter_ids(self) -> frozenset[int]:
        """The matters opened to this person (need-to-know); read when a page
        asks about one matter. Lists filter with a subquery instead (matter_q)."""
        if self.engagement is None:
            return frozenset()
        return frozenset(self._grants.values_list("matter_id", flat=True))

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
            q &= Q(**{f"{key}__in": self._grants})
        if self.consent_required:
            q &= Q(**{f"{consent}__isnull": False})
        return q

    def can_see_matter(self, matter: Matter) -> bool:
        return self.may_see_matter(
            matter.pk, firm_id=matter.firm_id, consent_on=matter.client_consent_on
        )

    def may_see_matter(self, matter_id: int, *, firm_id: int, consent_on) -> bool:
        """``can_see_matter`` for a matter known by its key, its firm and its
        client's consent date, read as values on another row."""
        if firm_id != self.firm.pk or matter_id in self.screened_matter_ids:
            return False
        if self.is_firm_member:
            return True
        if self.consent_required and consent_on is None:
            return False
        return self.all_matters or matter_id in self.granted_matter_ids


def matter_q_across(scopes, via: str) -> Q:
    """For rows of the firms of ``scopes`` (already read through them), a filter
    true where the row's matter is one its firm's Scope may see: what
    ``Scope.matter_q(via)`` says firm by firm, in one filter however many firms.

    The cross-firm queues ask it of every row to tell whether to show the
    matter's number; twelve firms' ``matter_q`` OR'ed together carried twelve
    grant subqueries to build and compile on each request. Here the grants are
    one correlated subquery, each grant still paired with its own firm's
    engagement and person, as ``matter_q`` pairs them."""
    key = f"{via}_id"
    consent = f"{via}__client_consent_on"
    every = [s for s in scopes if s.is_firm_member or s.all_matters]
    granted = [s for s in scopes if not (s.is_firm_member or s.all_matters)]
    q = Q(firm_id__in=[s.firm.pk for s in every])
    if granted:

        def grants():
            theirs = Q(pk__in=[])
            for scope in granted:
                theirs |= Q(firm_id=scope.firm.pk, engagement=scope.engagement) & (
                    Q(user=scope.user) | Q(user__isnull=True)
                )
            return rule_facts(MatterGrant).filter(
                theirs, firm_id=OuterRef("firm_id"), matter_id=OuterRef(key)
            )

        # Built once a thread for equal Scopes, like the rows' own filters.
        q |= Q(
            Exists(
                kept_filters.query((MatterGrant, "across", tuple(granted), via), grants)
            )
        )
    for scope in scopes:
        if scope.screened_matter_ids:
            q &= ~Q(firm_id=scope.firm.pk) | ~Q(
                **{f"{key}__in": scope.screened_matter_ids}
            )
        if scope.consent_required and not scope.is_firm_member:
            q &= ~Q(firm_id=scope.firm.pk) | Q(**{f"{consent}__isnull": False})
    return q


def resolve_scope(
    user, firm: Organization | None, *, today: datetime.date | None = None
):
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


def active_memberships(user) -> list:
    """The user's active memberships with their organisations; each carries
    ``staff_status``, the status of the user's staff profile there (None: no
    profile), so provider staff need no query of their own for it."""
    profile_status = StaffProfile.objects.filter(
        user=OuterRef("user_id"), organization=OuterRef("organization_id")
    ).values("status")[:1]
    return list(
        Membership.objects.filter(user=user, is_active=True)
        .select_related("organization")
        .annotate(staff_status=Subquery(profile_status))
    )


def _staff_of(memberships) -> list:
    """(provider, staff roles) for each provider the user works for as staff."""
    return [
        (m.organization, frozenset(m.roles) & PROVIDER_STAFF_ROLES)
        for m in memberships
        if not m.organization.is_firm and frozenset(m.roles) & PROVIDER_STAFF_ROLES
    ]


def resolve_scopes(
    user, firms, *, today: datetime.date | None = None, memberships=None, facts=None
) -> dict:
    """``resolve_scope`` for several firms at once: {firm pk: Scope} for the firms
    the user may act for, in a fixed number of queries however many firms (the
    cross-firm queues and the firm switcher resolve every firm on each request).

    ``today`` defaults to each firm's own date; ``memberships``, the user's
    active memberships read in this request, saves reading them again, as
    ``facts`` (``_StaffFacts`` read for these firms or more) does.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return {}
    firms = [f for f in firms if f is not None and f.is_firm]
    if not firms:
        return {}
    if memberships is None:
        memberships = active_memberships(user)
    firm_roles = {
        m.organization_id: frozenset(m.roles) & FIRM_ROLES for m in memberships
    }
    screened: dict[int, set[int]] = {f.pk: set() for f in firms}
    for firm_id, matter_id in (
        rule_facts(MatterScreen)
        .filter(user=user, firm__in=firms)
        .values_list("firm_id", "matter_id")
    ):
        screened[firm_id].add(matter_id)
    staff = _staff_of(memberships)
    outside = [f for f in firms if not firm_roles.get(f.pk)]
    if facts is None and staff and outside:
        facts = _StaffFacts.load(user, memberships, firms=outside)
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
    """What decides a provider staff member's access, read once for all firms:
    the user's assignments to live engagements of their providers, each with
    its engagement and firm and how long the user's confidentiality agreement
    for it runs (one query), their absences (one more) and their staff
    profiles' status (on the memberships)."""

    user: object
    profile_status: dict
    absences: list
    assignments: list

    @classmethod
    def load(cls, user, memberships, *, firms=None, live_only=True) -> "_StaffFacts":
        provider_ids = [provider.pk for provider, _ in _staff_of(memberships)]
        # The engagement's current confidentiality text: its latest published
        # version, or the standard text (engagements.agreement_texts).
        current_sha = Coalesce(
            Subquery(
                rule_facts(AgreementText)
                .filter(engagement_id=OuterRef("engagement_id"))
                .order_by("-version")
                .values("sha256")[:1]
            ),
            Value(standard_sha256()),
            output_field=CharField(),
        )
        signed = rule_facts(ConfidentialityAgreement).filter(
            engagement_id=OuterRef("engagement_id"), signer_id=OuterRef("user_id")
        )
        # The latest day an agreement the user signed on the current text
        # holds (no expiry counts as for ever): valid today if that is today
        # or later. One signed on an earlier text does not count.
        agreed_until = (
            signed.filter(text_sha256=OuterRef("current_sha"))
            .annotate(until=Coalesce("expires_on", Value(datetime.date.max)))
            .order_by("-until")
            .values("until")[:1]
        )
        assignments = rule_facts(Assignment).filter(
            user=user, engagement__provider_id__in=provider_ids
        )
        if live_only:
            assignments = assignments.filter(
                engagement__status__in=[
                    Engagement.Status.PILOT,
                    Engagement.Status.ACTIVE,
                ]
            )
        assignments = (
            assignments.select_related("engagement", "engagement__firm")
            .annotate(current_sha=current_sha)
            .annotate(
                agreed_until=Subquery(agreed_until, output_field=DateField()),
                earlier_text=Exists(
                    signed.exclude(text_sha256=OuterRef("current_sha"))
                ),
            )
            .order_by()
        )
        if firms is not None:
            assignments = assignments.filter(firm__in=firms)
        # The latest engagement first (a firm with two live engagements of the
        # provider is served through the newer); sorted here, not in the query,
        # whose ORDER BY over the join cost more to build than to run.
        latest_first = sorted(
            assignments,
            key=lambda a: (a.engagement.created_at, a.engagement.pk),
            reverse=True,
        )
        return cls(
            user=user,
            profile_status={m.organization_id: m.staff_status for m in memberships},
            absences=list(Absence.objects.filter(user=user).order_by()),
            assignments=latest_first,
        )

    def firms(self) -> list:
        return [a.engagement.firm for a in self.assignments]

    def _each(self, firm, provider, today):
        """(assignment, every reason it gives no access today) for each of the
        user's assignments to an engagement between ``provider`` and ``firm``."""
        status = self.profile_status.get(provider.pk)
        absent = any(a.start <= today <= a.end for a in self.absences)
        for assignment in self.assignments:
            engagement = assignment.engagement
            if engagement.firm_id != firm.pk or engagement.provider_id != provider.pk:
                continue
            yield (
                assignment,
                staff_reasons(
                    engagement=engagement,
                    assignment=assignment,
                    profile_status=status,
                    agreed_until=assignment.agreed_until,
                    earlier_text=assignment.earlier_text,
                    absent=absent,
                    today=today,
                ),
            )

    def reasons(self, firm, provider, today) -> list[list[str]]:
        """For ``access.rule.access_check``: the reasons of each assignment."""
        return [reasons for _, reasons in self._each(firm, provider, today)]

    def scope(self, firm, provider, roles, today, screened) -> Scope | None:
        for assignment, reasons in self._each(firm, provider, today):
            if reasons:
                continue
            engagement = assignment.engagement
            return Scope(
                user=self.user,
                firm=firm,
                roles=roles,
                is_firm_member=False,
                functions=frozenset(assignment.functions)
                & frozenset(engagement.functions),
                engagement=engagement,
                all_matters=engagement.all_matters,
                screened_matter_ids=frozenset(screened),
                consent_required=firm.require_client_consent,
            )
        return None


def firms_for_user(
    user, *, today: datetime.date | None = None, memberships=None
) -> list[Scope]:
    """Every firm this user may act for now, one Scope each (the firm switcher),
    by name. ``memberships``: the user's active memberships
    (``active_memberships``), when the request has read them already."""
    return _firms_for_user(user, today=today, memberships=memberships)[1]


def _firms_for_user(user, *, today=None, memberships=None):
    """(every firm weighed, the Scopes of those the user may act for): the
    firms weighed are the ones whose date decides the answer."""
    if user is None or not user.is_authenticated:
        return [], []
    if memberships is None:
        memberships = active_memberships(user)
    firms = {m.organization_id: m.organization for m in memberships}
    firms = {pk: org for pk, org in firms.items() if org.is_firm}
    facts = None
    if _staff_of(memberships):
        facts = _StaffFacts.load(user, memberships)
        for firm in facts.firms():
            firms.setdefault(firm.pk, firm)
    ordered = sorted(firms.values(), key=lambda f: (f.name, f.pk))
    found = resolve_scopes(
        user, ordered, today=today, memberships=memberships, facts=facts
    )
    return ordered, [found[f.pk] for f in ordered if f.pk in found]


@dataclass(frozen=True)
class _Resolved:
    """What the access rule gives one user now, as kept across requests:
    their active memberships and their Scopes, with no user in them (each
    request puts its own in) and none of a Scope's cached grants (read when
    a query runs, never kept). ``days``: the date in each time zone of the
    firms weighed when it was worked out; agreements expire, absences start
    and engagements end with the firm's day, so a new day anywhere among
    them means working it out again."""

    memberships: list
    scopes: list[Scope]
    days: tuple[tuple[str, datetime.date], ...]

    @classmethod
    def work_out(cls, user) -> "_Resolved":
        # The days as they were before the facts were weighed: a day that
        # turns meanwhile makes the entry look old, never new.
        started = timezone.now()
        memberships = active_memberships(user)
        weighed, scopes = _firms_for_user(user, memberships=memberships)
        zones = {firm.time_zone for firm in weighed}
        return cls(
            memberships=memberships,
            scopes=[replace(scope, user=None) for scope in scopes],
            days=tuple(sorted((zone, _day_in(zone, started)) for zone in zones)),
        )

    def is_current(self) -> bool:
        now = timezone.now()
        return all(_day_in(zone, now) == day for zone, day in self.days)

    def scopes_for(self, user) -> list[Scope]:
        """The Scopes with ``user`` (the request's own) acting, each a new
        instance: nothing one request caches on a Scope reaches another."""
        return [replace(scope, user=user) for scope in self.scopes]


def _day_in(zone: str, moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment, timezone=zoneinfo.ZoneInfo(zone))


# The version names the shape of what is kept (``_Resolved``, ``Scope``,
# ``Membership``): a release that changes one changes it, so no process reads
# an entry pickled by another release.
CACHE_PREFIX = "firmdesk.access.v1"


# Entries under an old mark are never read again; they age out of the cache.
CACHE_SECONDS = 24 * 60 * 60


def _cache_key(user, token: str) -> str:
    return f"{CACHE_PREFIX}:{user.pk}:{token}"


def resolved_for(user) -> _Resolved:
    """What the access rule gives ``user`` now, kept across requests under
    (the user, the access mark) in Django's cache (``access.mark``). The mark
    is read first, so what is kept under it was worked out from facts as new
    as the mark or newer; no mark, nothing is kept. An inactive user's
    answer (no firms) is worked out each time from the user at hand."""
    if not user.is_active:
        return _Resolved.work_out(user)
    token = mark.current()
    if not token:
        return _Resolved.work_out(user)
    key = _cache_key(user, token)
    kept = _cache_call(cache.get, key)
    if isinstance(kept, _Resolved) and kept.is_current():
        return kept
    resolved = _Resolved.work_out(user)
    _cache_call(cache.set, key, resolved, timeout=CACHE_SECONDS)
    return resolved


def _cache_call(method, *args, **kwargs):
    """A call to the cache that a cache not answering (Redis down or
    restarting) turns into "nothing kept": access is then worked out from the
    database on every request, as before there was a cache, and pages keep
    answering. Logged, so the operator sees it."""
    try:
        return method(*args, **kwargs)
    except Exception:  # noqa: BLE001 - any cache backend's connection error
        logger.warning("The cache did not answer: access worked out afresh.")
        return None


def _resolved_for_request(request) -> _Resolved:
    if not hasattr(request, "_access_resolved"):
        request._access_resolved = resolved_for(request.user)
    return request._access_resolved


def memberships_for_request(request) -> list:
    """The user's active memberships, read once per request (kept across
    requests with the Scopes: ``resolved_for``)."""
    if not hasattr(request, "_memberships"):
        if request.user.is_authenticated:
            request._memberships = _resolved_for_request(request).memberships
        else:
            request._memberships = active_memberships(request.user)
    return request._memberships


def scopes_for_request(request) -> list[Scope]:
    """Every firm the user may act for now (``firms_for_user``), resolved once per
    request: the firm pages' Scope (``ScopeMiddleware``), the firm switcher and
    the cross-firm queues all come from this one list, kept across requests
    until an access fact or a firm's day changes (``resolved_for``)."""
    if not hasattr(request, "_firm_scopes"):
        if request.user.is_authenticated:
            resolved = _resolved_for_request(request)
            request._firm_scopes = resolved.scopes_for(request.user)
        else:
            request._firm_scopes = []
    return request._firm_scopes
