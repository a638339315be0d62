"""Reception: the call log, routing each message to its recipient, and the rules
a firm sets for urgent and unanswered messages.

A message is written in one transaction with its audit event and the
notifications it raises: the recipient hears of every message, and the firm's
on-call attorney of every urgent one at once, day or night (e-mails leave only
after the commit). Nobody is told of a message they could not open: someone
screened off its matter, or no longer with the firm, is skipped.

The escalation of unacknowledged messages and the daily summary per recipient
are background jobs (``reception_tasks``).
"""

import datetime

from django.db import transaction
from django.db.models import F, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from firmdesk.access.scope import resolve_scope
from firmdesk.access.selectors import access_object
from firmdesk.audit.services import audit_record
from firmdesk.common import phones
from firmdesk.common.errors import ServiceError
from firmdesk.common.times import clock
from firmdesk.matters.models import Matter, MatterParty
from firmdesk.notify.services import notify
from firmdesk.orgs.models import Membership, Role

from .models import CallLog, ReceptionSettings

MAX_ESCALATE_AFTER_MINUTES = 24 * 60
# A phone's clock may run a little ahead of the server's; more than this is a typo.
FUTURE_SLACK = datetime.timedelta(minutes=5)
# The matter look-up of the call entry page.
LOOKUP_LIMIT = 8
LOOKUP_MIN_CHARS = 2


# --- Who may do what --------------------------------------------------------------


def may_take_calls(scope) -> bool:
    """Firm members, and provider staff whose engagement covers reception."""
    return scope.works_on("reception")


def _require_reception(scope) -> None:
    if not may_take_calls(scope):
        raise ServiceError(
            "Your engagement with this firm does not include reception, so you "
            "cannot take its calls."
        )


def may_acknowledge(scope, call: CallLog) -> bool:
    """The recipient, or whoever the message was escalated to. A message
    escalated to nobody in particular (no escalation contact was set) went to
    the firm's admins, so any of them may acknowledge it."""
    user_id = scope.user.pk
    if user_id in (call.recipient_id, call.escalated_to_id):
        return True
    return (
        call.escalated_at is not None
        and call.escalated_to_id is None
        and scope.is_firm_admin
    )


def _acknowledgeable_q(scope) -> Q:
    q = Q(recipient=scope.user) | Q(escalated_to=scope.user)
    if scope.is_firm_admin:
        q |= Q(escalated_at__isnull=False, escalated_to__isnull=True)
    return q


# --- People of the firm -----------------------------------------------------------


def firm_people(firm) -> list[tuple[object, frozenset[str]]]:
    """Active members of the firm with their roles, by name."""
    return [
        (m.user, frozenset(m.roles))
        for m in Membership.objects.filter(
            organization=firm, is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("user__full_name")
    ]


def _membership_roles(firm, user) -> frozenset[str] | None:
    """The user's roles at the firm; None unless an active member."""
    if user is None or not user.is_active:
        return None
    membership = Membership.objects.filter(
        organization=firm, user=user, is_active=True
    ).first()
    return frozenset(membership.roles) if membership else None


def firm_admins(firm) -> list:
    # Roles are a JSON list, which SQLite cannot search with __contains.
    return [user for user, roles in firm_people(firm) if Role.FIRM_ADMIN in roles]


def can_open_call(user, call: CallLog) -> bool:
    """Whether ``user`` could open the message now (the access rule, not a copy
    of it): a screen on its matter or access that ended means no."""
    if user is None:
        return False
    scope = resolve_scope(user, call.firm)
    return (
        scope is not None
        and CallLog.objects.in_scope(scope).filter(pk=call.pk).exists()
    )


# --- Settings ---------------------------------------------------------------------


def reception_settings(firm) -> ReceptionSettings:
    """The firm's settings, or the defaults (unsaved) when it has none yet."""
    found = (
        ReceptionSettings.objects.for_firm(firm)
        .select_related("on_call", "escalate_to")
        .first()
    )
    return found or ReceptionSettings(firm=firm)


def reception_settings_save(
    *, scope, actor, on_call, escalate_after_minutes, escalate_to
) -> ReceptionSettings:
    if not scope.is_firm_admin:
        raise ServiceError("Only a firm admin can change how messages are routed.")
    firm = scope.firm
    if on_call is not None:
        roles = _membership_roles(firm, on_call)
        if roles is None or not roles & {Role.ATTORNEY, Role.FIRM_ADMIN}:
            raise ServiceError(
                f"{on_call.full_name} is not an attorney of the firm; choose "
                "an attorney to be on call.",
                field="on_call",
            )
    if escalate_to is not None and _membership_roles(firm, escalate_to) is None:
        raise ServiceError(
            f"{escalate_to.full_name} is not an active member of the firm; choose "
            "someone of the firm.",
            field="escalate_to",
        )
    try:
        minutes = int(escalate_after_minutes)
    except (TypeError, ValueError):
        minutes = 0
    if not 1 <= minutes <= MAX_ESCALATE_AFTER_MINUTES:
        raise ServiceError(
            "Give the minutes as a whole number from 1 to 1440 (a day).",
            field="escalate_after_minutes",
        )
    with transaction.atomic():
        row = ReceptionSettings.objects.for_firm(
            firm
        ).select_for_update().first() or ReceptionSettings(firm=firm)
        row.on_call = on_call
        row.escalate_after_minutes = minutes
        row.escalate_to = escalate_to
        row.save()
        audit_record(
            org=firm,
            actor=actor,
            action="reception.settings_changed",
            obj=row,
            summary="Changed how reception routes messages",
            detail={
                "on_call": on_call.email if on_call else None,
                "escalate_after_minutes": minutes,
                "escalate_to": escalate_to.email if escalate_to else None,
            },
        )
    return row


# --- Phone numbers ----------------------------------------------------------------


def normalise_number(number: str, *, firm) -> tuple[str, str]:
    """``number`` as typed → (E.164, extension); ("", "") when left empty.

    A number without a country code is read as one of the firm's country (its
    jurisdiction, the US by default)."""
    typed = (number or "").strip()
    if not typed:
        return "", ""
    problem = ServiceError(
        f"“{typed}” is not a phone number we can read. Type it with its area code, "
        "such as (212) 555-0142, or with + and the country code for a number "
        "abroad, such as +44 20 7946 0958; or leave it empty if the caller "
        "withheld it.",
        field="number",
    )
    parsed = phones.parse_phone(
        typed, phones.firm_region(firm), strictness=phones.Strictness.VALID
    )
    if parsed is None:
        raise problem
    return phones.to_e164(parsed), parsed.extension or ""


def number_display(e164: str, *, firm) -> str:
    """As people read it: national format at home, international abroad."""
    return phones.phone_display(e164, phones.firm_region(firm))


# --- Taking a message -------------------------------------------------------------


def call_list_url(firm) -> str:
    return reverse("reception:call_list", kwargs={"firm_slug": firm.slug})


def call_url(call: CallLog) -> str:
    return f"{call_list_url(call.firm)}#call-{call.public_id}"


def call_summary_line(call: CallLog, *, firm, zone) -> str:
    """One line per message, as the notifications and summaries write it."""
    local = timezone.localtime(call.received_at, zone)
    parts = [f"{clock(local, zone)} – {call.caller_name}"]
    if call.number:
        parts.append(number_display(call.number, firm=firm))
    if call.matter_id:
        parts.append(f"matter {call.matter.number}")
    if call.urgency == CallLog.Urgency.URGENT:
        parts.append("URGENT")
    if call.callback_wanted:
        parts.append("wants a call back")
    return ", ".join(parts)


def call_notify(call: CallLog, user, *, kind: str, title: str, lead: str, key: str):
    body = "\n".join(
        [lead, call_summary_line(call, firm=call.firm, zone=user.tz), "", call.message]
    )
    return notify(
        user=user,
        firm=call.firm,
        about=call,
        kind=kind,
        title=title,
        body=body,
        url=call_url(call),
        key=key,
    )


def call_log(
    *,
    scope,
    actor,
    caller_name: str,
    number: str,
    matter,
    message: str,
    urgency: str,
    callback_wanted: bool,
    recipient,
    received_at: datetime.datetime | None = None,
) -> CallLog:
    """Record a message and tell its recipient (and, if urgent, the on-call
    attorney). Without a recipient it goes to the matter's responsible attorney."""
    _require_reception(scope)
    firm = scope.firm
    caller_name = (caller_name or "").strip()
    if not caller_name:
        raise ServiceError(
            "Write who called (“unknown caller” if they would not say).",
            field="caller_name",
        )
    e164, extension = normalise_number(number, firm=firm)
    # Browsers send a textarea's new lines as CRLF.
    message = (message or "").replace("\r\n", "\n").strip()
    if not message:
        raise ServiceError(
            "Write the message: what the caller wants, in their words.",
            field="message",
        )
    if extension:
        message = f"{message}\n\nExtension: {extension}"
    if urgency not in CallLog.Urgency.values:
        raise ServiceError("Choose normal or urgent.", field="urgency")
    if matter is not None and not scope.can_see_matter(matter):
        raise ServiceError(
            "That matter is not one you can see; choose it again from the list.",
            field="matter",
        )
    if recipient is None and matter is not None:
        recipient = matter.responsible_attorney
    if recipient is None:
        raise ServiceError("Choose who the message is for.", field="recipient")
    if _membership_roles(firm, recipient) is None:
        raise ServiceError(
            f"{recipient.full_name} is not an active member of the firm; choose "
            "someone of the firm.",
            field="recipient",
        )
    recipient_scope = resolve_scope(recipient, firm)
    if matter is not None and not (
        recipient_scope and recipient_scope.can_see_matter(matter)
    ):
        raise ServiceError(
            f"{recipient.full_name} is screened off this matter; choose someone "
            "else for the message.",
            field="recipient",
        )
    now = timezone.now()
    received_at = received_at or now
    if received_at > now + FUTURE_SLACK:
        raise ServiceError(
            "The time of the call is in the future; check it.", field="received_at"
        )
    with transaction.atomic():
        call = CallLog.objects.for_firm(firm).create(
            firm=firm,
            caller_name=caller_name[:200],
            number=e164,
            received_at=received_at,
            matter=matter,
            message=message,
            urgency=urgency,
            callback_wanted=bool(callback_wanted),
            taken_by=actor,
            recipient=recipient,
        )
        urgent = call.urgency == CallLog.Urgency.URGENT
        audit_record(
            org=firm,
            actor=actor,
            action="call.logged",
            obj=call,
            matter=matter,
            summary=f"{'Urgent message' if urgent else 'Message'} from "
            f"{caller_name} for {recipient.full_name}",
        )
        call_notify(
            call,
            recipient,
            kind="call.urgent" if urgent else "call.message",
            title=f"{'Urgent message' if urgent else 'Message'} from {caller_name}",
            lead=f"Taken by {actor.full_name}. Acknowledge it in FirmDesk."
            if actor
            else "Acknowledge it in FirmDesk.",
            key=f"call:{call.public_id}:recipient",
        )
        if urgent:
            on_call = reception_settings(firm).on_call
            if (
                on_call is not None
                and on_call.pk != recipient.pk
                and can_open_call(on_call, call)
            ):
                call_notify(
                    call,
                    on_call,
                    kind="call.urgent_on_call",
                    title=f"Urgent message from {caller_name} "
                    f"(for {recipient.full_name})",
                    lead="You are the on-call attorney: this message is urgent.",
                    key=f"call:{call.public_id}:on-call",
                )
    return call


def call_acknowledge(*, scope, call: CallLog, actor) -> CallLog:
    """The recipient (or whoever it escalated to) has the message. Doing it
    again changes nothing."""
    if not may_acknowledge(scope, call):
        raise ServiceError(
            "Only the person the message is for (or whoever it was escalated to) "
            "can acknowledge it."
        )
    with transaction.atomic():
        call = (
            CallLog.objects.in_scope(scope)
            .select_for_update(of=("self",))
            .select_related("matter")
            .get(pk=call.pk)
        )
        if call.acknowledged_at is not None:
            return call
        call.acknowledged_at = timezone.now()
        call.save(update_fields=["acknowledged_at", "updated_at"])
        audit_record(
            org=scope.firm,
            actor=actor,
            action="call.acknowledged",
            obj=call,
            matter=call.matter,
            summary=f"Acknowledged the message from {call.caller_name}",
        )
    return call


# --- Reading ----------------------------------------------------------------------


def access_call(scope, public_id, *, acknowledgeable=False) -> CallLog:
    """A message in the scope, or 404; ``acknowledgeable`` narrows it to the
    messages this person may acknowledge (so anyone else gets 404 too)."""
    rows = CallLog.objects.in_scope(scope)
    if acknowledgeable:
        rows = rows.filter(_acknowledgeable_q(scope))
    return access_object(CallLog, scope, public_id, queryset=rows)


def _with_people(rows):
    return rows.select_related("matter", "recipient", "taken_by", "escalated_to")


def calls_for_me(scope):
    """Messages for this person (or escalated to them), unacknowledged first."""
    return _with_people(
        CallLog.objects.in_scope(scope).filter(_acknowledgeable_q(scope))
    ).order_by(F("acknowledged_at").asc(nulls_first=True), "-received_at")


def calls_all(scope):
    return _with_people(CallLog.objects.in_scope(scope)).order_by("-received_at")


def calls_taken_today(scope):
    """Messages this person took since midnight, the firm's time."""
    today = timezone.localdate(timezone=scope.firm.tz)
    midnight = datetime.datetime.combine(today, datetime.time(0), scope.firm.tz)
    return _with_people(
        CallLog.objects.in_scope(scope).filter(
            taken_by=scope.user, received_at__gte=midnight
        )
    ).order_by("-received_at")


def matters_matching(*, scope, text: str) -> list:
    """The look-up under a message's matter field: open matters in the scope
    whose number, title or client's name has ``text``, the first few."""
    text = text.strip()
    if len(text) < LOOKUP_MIN_CHARS:
        return []
    visible = Matter.objects.in_scope(scope)
    by_client = MatterParty.objects.in_scope(scope).filter(
        role=MatterParty.Role.CLIENT, contact__name__icontains=text
    )
    clients = Prefetch(
        "parties",
        queryset=MatterParty.objects.in_scope(scope)
        .filter(role=MatterParty.Role.CLIENT)
        .select_related("contact"),
        to_attr="clients",
    )
    return list(
        visible.filter(
            Q(number__icontains=text)
            | Q(title__icontains=text)
            | Q(pk__in=by_client.values("matter_id"))
        )
        .exclude(Matter.closed_q())
        .select_related("responsible_attorney")
        .prefetch_related(clients)
        .order_by("number")[:LOOKUP_LIMIT]
    )
