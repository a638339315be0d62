"""The access rule's conditions, written once.

DESIGN.md, "The access rule": provider staff reach a firm's data only while their
provider's engagement with the firm is live, they are assigned to it now with a
function it covers, they have signed its confidentiality agreement, they are not
absent and have not left; then need-to-know narrows the matters. The Scope
resolver (``access.scope``), task routing (``work.routing``) and the engagement
page's "Access now" column all decide through ``staff_reasons``, so the three
cannot drift apart, and each shows the same words for what is missing.

``access_check`` answers for one person, one firm and optionally one matter or
task: whether they have access now, and every reason they lack it.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from firmdesk.orgs.models import StaffProfile

ENGAGEMENT_NOT_LIVE = "is on an engagement that is not active"
LEFT = "has left the provider"
NOT_ASSIGNED = "is not assigned to the engagement now"
NO_FUNCTION = "has no function the engagement covers"
NO_AGREEMENT = "has not signed the confidentiality agreement"
AGREEMENT_EXPIRED = "has a confidentiality agreement that has expired"
AGREEMENT_CHANGED = (
    "signed an earlier text of the confidentiality agreement: the firm changed "
    "it, so they must read and sign it again"
)
ABSENT = "is absent today"
NOT_IN_FIRM = "is neither a member of the firm nor staff of a provider it engages"
SCREENED = "is screened from the matter"
NOT_GRANTED = "does not have the matter opened to them"
NO_CONSENT = "the client has not consented to outside help on the matter"
TASK_HIDDEN = "was not given the task and cannot see its matter"


def staff_reasons(
    *,
    engagement,
    assignment,
    profile_status: str | None,
    agreed_until: datetime.date | None,
    agreement_signed: bool | None = None,
    earlier_text: bool = False,
    absent: bool,
    today: datetime.date,
) -> list[str]:
    """Every reason a provider staff member may not work for the engagement's
    firm today (empty: they may). ``agreed_until`` is the last day the latest
    agreement they signed on the engagement's current text holds
    (``datetime.date.max``: no expiry; None: none on it;
    ``engagements.agreement_texts.standings``); ``earlier_text`` says they
    signed an earlier text, ``agreement_signed`` tells an expired agreement
    from none where the caller knows."""
    reasons = []
    if not engagement.is_live(today):
        reasons.append(ENGAGEMENT_NOT_LIVE)
    if profile_status != StaffProfile.Status.ACTIVE:
        reasons.append(LEFT)
    if assignment is None or not assignment.is_current(today):
        reasons.append(NOT_ASSIGNED)
    elif not set(assignment.functions) & set(engagement.functions):
        reasons.append(NO_FUNCTION)
    if agreed_until is None and earlier_text:
        reasons.append(AGREEMENT_CHANGED)
    elif agreed_until is None or agreed_until < today:
        expired = agreed_until is not None or agreement_signed
        reasons.append(AGREEMENT_EXPIRED if expired else NO_AGREEMENT)
    if absent:
        reasons.append(ABSENT)
    return reasons


def matter_reasons(scope, matter) -> list[str]:
    """Why ``scope`` may not see ``matter`` (need-to-know), empty if it may."""
    if matter.firm_id != scope.firm.pk:
        return [NOT_IN_FIRM]
    reasons = []
    if matter.pk in scope.screened_matter_ids:
        reasons.append(SCREENED)
    if scope.is_firm_member:
        return reasons
    if not scope.all_matters and matter.pk not in scope.granted_matter_ids:
        reasons.append(NOT_GRANTED)
    if scope.consent_required and matter.client_consent_on is None:
        reasons.append(NO_CONSENT)
    return reasons


@dataclass
class AccessCheck:
    user: object
    firm: object
    scope: object | None
    reasons: list[str] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.reasons


def access_check(
    user, firm, *, matter=None, task=None, today: datetime.date | None = None
) -> AccessCheck:
    """Whether ``user`` may act for ``firm`` now (and see ``matter`` or
    ``task``), with every reason they may not, in the words the pages use."""
    from .scope import _staff_of, _StaffFacts, active_memberships, resolve_scope

    day = today or timezone.localdate(timezone=firm.tz)
    scope = resolve_scope(user, firm, today=today)
    check = AccessCheck(user=user, firm=firm, scope=scope)
    if scope is None:
        memberships = active_memberships(user)
        staff = _staff_of(memberships)
        if staff:
            facts = _StaffFacts.load(user, memberships, firms=[firm], live_only=False)
            for provider, _ in staff:
                for reasons in facts.reasons(firm, provider, day):
                    check.reasons.extend(r for r in reasons if r not in check.reasons)
        if not check.reasons:
            check.reasons.append(NOT_IN_FIRM)
        return check
    if matter is not None:
        check.reasons.extend(matter_reasons(scope, matter))
    if task is not None and not (
        type(task).objects.in_scope(scope).filter(pk=task.pk).exists()
    ):
        check.reasons.append(TASK_HIDDEN)
    return check
