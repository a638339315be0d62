import datetime

from django.db import transaction
from django.utils import timezone

from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError
from firmdesk.orgs.models import Membership

from .models import Matter, MatterParty, MatterScreen


def matter_screen_add(*, scope, matter, user, reason: str) -> MatterScreen:
    """Wall a firm member off a matter: from this commit it does not exist for
    them (the Scope leaves it out everywhere)."""
    if not scope.is_firm_admin:
        raise ServiceError("Only a firm admin sets up ethical screens.")
    if not reason.strip():
        raise ServiceError("Say why the screen is needed.", field="reason")
    if user.pk == scope.user.pk:
        raise ServiceError("You cannot screen yourself off a matter.", field="user")
    with transaction.atomic():
        screen, _ = MatterScreen.objects.for_firm(scope.firm).get_or_create(
            firm=scope.firm, matter=matter, user=user, defaults={"reason": reason}
        )
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="matter.screen_added",
            obj=screen,
            matter=matter,
            summary=f"{user} walled off {matter.number}: {reason}",
        )
    return screen


def matter_screen_remove(*, scope, screen: MatterScreen) -> None:
    if not scope.is_firm_admin:
        raise ServiceError("Only a firm admin removes ethical screens.")
    with transaction.atomic():
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="matter.screen_removed",
            obj=screen,
            matter=screen.matter,
            summary=f"Screen of {screen.user} off {screen.matter.number} removed",
        )
        screen.delete()


# --- Maintaining a matter ------------------------------------------------------
#
# Firm attorneys and firm admins maintain matters, as they decide conflict
# checks; in-house support staff and outside staff read them. Parties are
# added through conflicts.services (each new name is searched first).


def may_maintain(scope) -> bool:
    """Firm attorneys and admins edit, close and reopen matters and record
    the client's consent; support staff and provider staff do not."""
    return scope.is_firm_member and scope.has_role("attorney", "firm_admin")


def is_firm_attorney(user, firm) -> bool:
    return any(
        "attorney" in (m.roles or [])
        for m in Membership.objects.filter(user=user, organization=firm, is_active=True)
    )


def _check_may_maintain(scope, matter: Matter) -> None:
    if not may_maintain(scope):
        raise ServiceError("Only an attorney or admin of the firm changes a matter.")
    if matter.firm_id != scope.firm.pk:
        raise ServiceError("This matter belongs to another firm.")


def _today(scope) -> datetime.date:
    return timezone.localdate(timezone=scope.firm.tz)


def matter_update(
    *, scope, matter: Matter, title: str, practice_area: str, responsible_attorney
) -> Matter:
    """Change a matter's title, practice area and responsible attorney."""
    _check_may_maintain(scope, matter)
    title = " ".join((title or "").split())
    practice_area = " ".join((practice_area or "").split())
    if not title:
        raise ServiceError("Give the matter a title.", field="title")
    if responsible_attorney is not None and not is_firm_attorney(
        responsible_attorney, scope.firm
    ):
        raise ServiceError(
            f"{responsible_attorney} is not an attorney of {scope.firm}.",
            field="responsible_attorney",
        )
    wanted = {
        "title": title,
        "practice_area": practice_area,
        "responsible_attorney": responsible_attorney,
    }
    changes = {
        name: [str(getattr(matter, name) or ""), str(value or "")]
        for name, value in wanted.items()
        if getattr(matter, name) != value
    }
    if not changes:
        return matter
    with transaction.atomic():
        for name, value in wanted.items():
            setattr(matter, name, value)
        matter.save(update_fields=[*wanted, "updated_at"])
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="matter.updated",
            obj=matter,
            matter=matter,
            summary=f"Changed {matter.number}: {', '.join(changes)}",
            detail={"changes": changes},
        )
    return matter


def matter_close(*, scope, matter: Matter) -> Matter:
    """Close a matter: it leaves the pickers and the default list, stays
    searchable and in the conflict index. An imported ("pre-existing") matter
    keeps that status and gets its closing date, which is what closes it."""
    _check_may_maintain(scope, matter)
    if matter.is_closed:
        raise ServiceError(f"{matter.number} is already closed.")
    with transaction.atomic():
        if matter.status != Matter.Status.PRE_EXISTING:
            matter.status = Matter.Status.CLOSED
        matter.closed_on = _today(scope)
        matter.save(update_fields=["status", "closed_on", "updated_at"])
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="matter.closed",
            obj=matter,
            matter=matter,
            summary=f"Closed {matter.number}",
        )
    return matter


def matter_reopen(*, scope, matter: Matter) -> Matter:
    _check_may_maintain(scope, matter)
    if not matter.is_closed:
        raise ServiceError(f"{matter.number} is open.")
    with transaction.atomic():
        if matter.status == Matter.Status.CLOSED:
            matter.status = Matter.Status.OPEN
        matter.closed_on = None
        matter.save(update_fields=["status", "closed_on", "updated_at"])
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="matter.reopened",
            obj=matter,
            matter=matter,
            summary=f"Reopened {matter.number}",
        )
    return matter


def _consent_given(scope, given_on: datetime.date | None, how: str) -> str:
    """The consent's date and how it was given, checked; ``how`` tidied."""
    how = " ".join((how or "").split())
    if given_on is None:
        raise ServiceError("Give the date the client consented.", field="given_on")
    if given_on > _today(scope):
        raise ServiceError(
            "The consent date is in the future. Record consent once the client "
            "has given it.",
            field="given_on",
        )
    if not how:
        raise ServiceError(
            "Say how the client consented, for example “engagement letter "
            "signed 3 March”.",
            field="how",
        )
    return how


def _withdrawal_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ServiceError(
            "Say how the client withdrew consent, for example “phone call with "
            "the client, 4 May”.",
            field="reason",
        )
    return reason


def _record_consent(scope, matter, given_on, how, *, client=None) -> None:
    changing = matter.client_consent_on is not None
    matter.client_consent_on = given_on
    matter.client_consent_note = how[:300]
    matter.save(
        update_fields=["client_consent_on", "client_consent_note", "updated_at"]
    )
    detail = {"given_on": given_on.isoformat()}
    if client is not None:
        detail["client"] = str(client.public_id)
    audit_record(
        org=scope.firm,
        actor=scope.user,
        action="matter.consent_changed" if changing else "matter.consent_recorded",
        obj=matter,
        matter=matter,
        summary=f"Client consent to outside help on {matter.number}: "
        f"{given_on.isoformat()}, {how[:200]}"
        + (f" (recorded for every matter of {client.name})" if client else ""),
        detail=detail,
    )


def _withdraw_consent(scope, matter, reason, *, client=None) -> None:
    matter.client_consent_on = None
    matter.client_consent_note = ""
    matter.save(
        update_fields=["client_consent_on", "client_consent_note", "updated_at"]
    )
    audit_record(
        org=scope.firm,
        actor=scope.user,
        action="matter.consent_withdrawn",
        obj=matter,
        matter=matter,
        summary=f"Client consent to outside help on {matter.number} "
        f"withdrawn: {reason[:200]}"
        + (f" (withdrawn for every matter of {client.name})" if client else ""),
        detail={"client": str(client.public_id)} if client else None,
    )


def matter_consent_record(
    *, scope, matter: Matter, given_on: datetime.date, how: str
) -> Matter:
    """Record (or correct) the client's consent to outside help on the matter
    (ABA Formal Opinion 08-451). Where the firm requires it, outside staff
    see the matter from this commit."""
    _check_may_maintain(scope, matter)
    how = _consent_given(scope, given_on, how)
    with transaction.atomic():
        _record_consent(scope, matter, given_on, how)
    return matter


def matter_consent_withdraw(*, scope, matter: Matter, reason: str) -> Matter:
    """The client withdrew consent: where the firm requires consent, outside
    staff lose the matter, its tasks, events and documents from this commit
    (the Scope reads the consent on every query; nothing is cached). Pages
    call ``work.consent.consent_withdraw_matter``, which also takes the
    matter's outside tasks back to the firm in the same transaction."""
    _check_may_maintain(scope, matter)
    if matter.client_consent_on is None:
        raise ServiceError("No consent is recorded on this matter.")
    reason = _withdrawal_reason(reason)
    with transaction.atomic():
        _withdraw_consent(scope, matter, reason)
    return matter


# --- Consent by client -----------------------------------------------------------
#
# A client usually consents once, in the engagement letter, for all its
# matters. Consent stays recorded per matter (the access rule reads the
# matter's own date), so recording it for a client writes it on each of the
# client's open matters, and a matter opened later starts without it: the
# attorney records it there, or here again, knowing the client agreed to it.


def client_matters(*, scope, contact):
    """The matters ``contact`` is the client of, as ``scope`` sees them (a
    screened matter is not among them), newest first."""
    # A subquery, not a join: no duplicates to remove, so the rows can be
    # locked (PostgreSQL refuses FOR UPDATE with DISTINCT).
    client_of = MatterParty.objects.for_firm(scope.firm).filter(
        contact=contact, role=MatterParty.Role.CLIENT
    )
    return (
        Matter.objects.in_scope(scope)
        .filter(pk__in=client_of.values("matter_id"))
        .order_by("-created_at")
    )


def client_consent_record(
    *, scope, contact, given_on: datetime.date, how: str
) -> list[Matter]:
    """Record the client's consent on every open matter of the client at once
    (one transaction, one audit row per matter); returns the matters."""
    if not may_maintain(scope):
        raise ServiceError("Only an attorney or admin of the firm records consent.")
    how = _consent_given(scope, given_on, how)
    with transaction.atomic():
        matters = list(
            client_matters(scope=scope, contact=contact)
            .exclude(Matter.closed_q())
            .select_for_update()
        )
        if not matters:
            raise ServiceError(
                f"{contact.name} is not the client of any open matter you can "
                "see, so there is nothing to record consent on."
            )
        for matter in matters:
            _record_consent(scope, matter, given_on, how, client=contact)
    return matters


def client_consent_withdraw(*, scope, contact, reason: str) -> list[Matter]:
    """The client withdrew consent: remove it from every matter of the client
    that has it, open or closed (a closed matter's files are still client
    data), in one transaction with one audit row per matter; returns them.
    Pages call ``work.consent.consent_withdraw_client``."""
    if not may_maintain(scope):
        raise ServiceError("Only an attorney or admin of the firm withdraws consent.")
    reason = _withdrawal_reason(reason)
    with transaction.atomic():
        matters = list(
            client_matters(scope=scope, contact=contact)
            .filter(client_consent_on__isnull=False)
            .select_for_update()
        )
        if not matters:
            raise ServiceError(
                f"No consent is recorded on any matter of {contact.name}."
            )
        for matter in matters:
            _withdraw_consent(scope, matter, reason, client=contact)
    return matters
