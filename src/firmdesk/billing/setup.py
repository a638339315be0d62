"""Billing set-up: the firm's billing settings, its timekeepers, a matter's
terms and rates, and a client's terms.

Who may do what: everyone who does the firm's billing (its own people, and
outside staff whose engagement and assignment cover billing) reads these
rows; a firm admin changes the settings and the timekeepers; the firm's
attorneys and admins change a matter's or a client's terms. Every change runs
in one transaction with an audit event that keeps the values before and after.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from anyascii import anyascii
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError
from firmdesk.engagements.models import Assignment, Engagement
from firmdesk.orgs.models import PROVIDER_STAFF_ROLES, Membership, Role

from .models import (
    BillingSettings,
    ClientBillingTerms,
    MatterBilling,
    MatterRate,
    Timekeeper,
)
from .money import money
from .rates import billing_settings

BILLING = "billing"
INCREMENTS = (Decimal("0.10"), Decimal("0.25"), Decimal("0.05"))
CURRENCIES = (
    ("USD", "US dollar (USD)"),
    ("CAD", "Canadian dollar (CAD)"),
    ("EUR", "Euro (EUR)"),
    ("GBP", "Pound sterling (GBP)"),
    ("AUD", "Australian dollar (AUD)"),
)
# LEDES 1998B separates fields with "|" and ends lines with "[]": a value
# holding either would break the file the client's e-billing system reads.
LEDES_UNSAFE = re.compile(r"[|\[\]]")
TAX_ID = re.compile(r"^[0-9-]+$")
PREFIX = re.compile(r"^[A-Za-z0-9-]*$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

# The rules of billing.rates.terms_for, one sentence each, shown on the pages
# that set the rates (most specific first).
RATE_RULES = (
    "A timekeeper's own rate on a matter wins over every other rate.",
    "Otherwise the matter's rate for everyone applies.",
    "Otherwise the timekeeper's default rate applies.",
    "Time on a matter marked not billable is recorded but not billed.",
    "Outside staff time is billed only when the firm's settings say so: at "
    "the person's own default rate when one is set, else at the firm's "
    "outside staff rate; matter rates do not change it.",
    "What outside staff time costs the firm is the engagement's hourly price, "
    "or else the person's cost rate.",
)


# --- Who may ---------------------------------------------------------------


def may_read_setup(scope) -> bool:
    """The firm's people and the outside staff who do its billing."""
    return scope.works_on(BILLING)


def may_edit_settings(scope) -> bool:
    return scope.is_firm_admin


def may_edit_terms(scope) -> bool:
    return scope.is_firm_member and scope.has_role(Role.ATTORNEY, Role.FIRM_ADMIN)


def _require(allowed: bool, what: str) -> None:
    if not allowed:
        raise ServiceError(f"You cannot change {what}.")


# --- Audit with before and after -------------------------------------------


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _snapshot(obj, names) -> dict:
    return {name: _plain(getattr(obj, name)) for name in names}


def _changes(before: dict, after: dict) -> tuple[dict, dict]:
    """Only what changed; a new row has nothing before."""
    changed = [k for k in after if not before or before.get(k) != after[k]]
    return {k: before[k] for k in changed if k in before}, {
        k: after[k] for k in changed
    }


def _audit(scope, action, obj, summary, before, after, matter=None):
    audit_record(
        org=scope.firm,
        actor=scope.user,
        action=action,
        obj=obj,
        matter=matter,
        summary=summary,
        detail={"before": before, "after": after},
    )


# --- Checks shared by forms and services -----------------------------------


def parse_reminder_days(text: str) -> list[int]:
    """``"7, 30, 60"`` → ``[7, 30, 60]``; a ServiceError names what is wrong."""
    days = []
    for piece in re.split(r"[,\s;]+", text.strip()):
        if not piece:
            continue
        if not piece.isdigit():
            raise ServiceError(
                f"“{piece}” is not a number of days. Write whole days separated "
                "by commas, such as 7, 30, 60.",
                field="reminder_days",
            )
        day = int(piece)
        if not 1 <= day <= 365:
            raise ServiceError(
                f"{day} is outside 1 to 365 days past due.", field="reminder_days"
            )
        days.append(day)
    if len(set(days)) != len(days):
        raise ServiceError(
            "A day appears twice; write each day once.", field="reminder_days"
        )
    return sorted(days)


def check_tax_id(value: str) -> str:
    value = value.strip()
    if value and (not TAX_ID.match(value) or len(value.replace("-", "")) != 9):
        raise ServiceError(
            "A taxpayer ID has 9 digits, with dashes if you like (12-3456789). "
            "Leave it empty if the firm does not e-bill.",
            field="law_firm_id",
        )
    return value


def check_ledes_text(value: str, field: str, label: str) -> str:
    value = value.strip()
    if LEDES_UNSAFE.search(value):
        raise ServiceError(
            f"The {label} cannot contain |, [ or ]: e-billing files use them "
            "to separate fields.",
            field=field,
        )
    return value


# --- Firm billing settings -------------------------------------------------

SETTING_FIELDS = (
    "increment",
    "max_hours_per_day",
    "vague_phrases",
    "law_firm_id",
    "invoice_prefix",
    "next_invoice_number",
    "payment_terms_days",
    "reminder_days",
    "bill_outside_staff_time",
    "outside_staff_rate",
    "currency",
    "remit_to",
    "invoice_footer",
    "accent_color",
)


@dataclass
class SettingsData:
    increment: Decimal
    max_hours_per_day: Decimal
    vague_phrases: list[str]
    law_firm_id: str
    invoice_prefix: str
    payment_terms_days: int
    reminder_days: list[int]
    bill_outside_staff_time: bool
    outside_staff_rate: Decimal
    currency: str
    remit_to: str
    invoice_footer: str
    accent_color: str
    # None leaves the number as it is (the form was not asked to change it).
    next_invoice_number: int | None = None


def _check_settings(data: SettingsData) -> None:
    if data.increment not in INCREMENTS:
        raise ServiceError("Choose 0.1, 0.25 or 0.05 hours.", field="increment")
    if not Decimal("1") <= data.max_hours_per_day <= Decimal("24"):
        raise ServiceError(
            "Give a number of hours from 1 to 24.", field="max_hours_per_day"
        )
    data.law_firm_id = check_tax_id(data.law_firm_id)
    if not PREFIX.match(data.invoice_prefix) or len(data.invoice_prefix) > 10:
        raise ServiceError(
            "Use up to 10 letters, digits or dashes, such as HO- or 2026-.",
            field="invoice_prefix",
        )
    if not 0 <= data.payment_terms_days <= 365:
        raise ServiceError(
            "Give 0 (due on receipt) to 365 days.", field="payment_terms_days"
        )
    if data.outside_staff_rate < 0:
        raise ServiceError("A rate cannot be negative.", field="outside_staff_rate")
    if data.bill_outside_staff_time and not data.outside_staff_rate:
        raise ServiceError(
            "Give the hourly rate outside staff time is billed at, or choose not "
            "to bill it.",
            field="outside_staff_rate",
        )
    if data.currency not in dict(CURRENCIES):
        raise ServiceError("Choose a currency from the list.", field="currency")
    if not COLOUR.match(data.accent_color):
        raise ServiceError(
            "Give a colour as # and six hex digits, such as #1f3a5f.",
            field="accent_color",
        )


def settings_update(*, scope, data: SettingsData) -> BillingSettings:
    _require(may_edit_settings(scope), "the firm's billing settings")
    _check_settings(data)
    billing_settings(scope.firm)  # made with the defaults on first use
    with transaction.atomic():
        # Locked, so an invoice numbered meanwhile is seen before the check.
        current = BillingSettings.objects.for_firm(scope.firm).select_for_update().get()
        if (
            data.next_invoice_number is not None
            and data.next_invoice_number < current.next_invoice_number
        ):
            raise ServiceError(
                f"The next invoice number can only go up: it is "
                f"{current.next_invoice_number} now, so numbers already used are "
                "never given twice.",
                field="next_invoice_number",
            )
        before = _snapshot(current, SETTING_FIELDS)
        for name in SETTING_FIELDS:
            value = getattr(data, name)
            if name == "next_invoice_number" and value is None:
                continue
            if name == "outside_staff_rate":
                value = money(value)
            setattr(current, name, value)
        current.full_clean()
        current.save()
        old, new = _changes(before, _snapshot(current, SETTING_FIELDS))
        if new:
            _audit(
                scope,
                "billing.settings_changed",
                current,
                f"Billing settings changed: {', '.join(sorted(new))}",
                old,
                new,
            )
    return current


# --- Timekeepers -----------------------------------------------------------

TIMEKEEPER_FIELDS = (
    "code",
    "classification",
    "default_rate",
    "cost_rate",
    "outside_staff",
    "active",
)


@dataclass(frozen=True)
class Person:
    """Someone who may record time for the firm."""

    user: object
    outside_staff: bool
    roles: tuple[str, ...]
    engagement: Engagement | None = None


def _current_assignments(firm, today):
    return (
        Assignment.objects.for_firm(firm)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .exclude(engagement__status=Engagement.Status.ENDED)
        .select_related("user", "engagement")
    )


def people_of_firm(firm) -> list[Person]:
    """The firm's active members and the provider staff assigned to it now."""
    today = timezone.localdate(timezone=firm.tz)
    people: dict[int, Person] = {}
    for membership in Membership.objects.filter(
        organization=firm, is_active=True
    ).select_related("user"):
        people[membership.user_id] = Person(
            membership.user, False, tuple(membership.roles)
        )
    staff_roles = dict(
        Membership.objects.filter(
            user__in=_current_assignments(firm, today).values("user"),
            is_active=True,
            organization__kind="provider",
        ).values_list("user_id", "roles")
    )
    for assignment in _current_assignments(firm, today):
        roles = tuple(staff_roles.get(assignment.user_id, ()))
        if assignment.user_id in people or not set(roles) & PROVIDER_STAFF_ROLES:
            continue
        people[assignment.user_id] = Person(
            assignment.user, True, roles, assignment.engagement
        )
    return sorted(people.values(), key=lambda p: p.user.full_name.lower())


def timekeepers_of_firm(firm):
    return (
        Timekeeper.objects.for_firm(firm)
        .select_related("user")
        .order_by("-active", "user__full_name")
    )


def people_without_timekeeper(firm) -> list[Person]:
    have = set(Timekeeper.objects.for_firm(firm).values_list("user_id", flat=True))
    return [p for p in people_of_firm(firm) if p.user.pk not in have]


def initials(name: str, email: str = "") -> str:
    """``"Grace Hale"`` → ``"GH"``; letters of other scripts are spelled in
    Latin letters, and a name without letters falls back on the e-mail."""
    # A Chinese, Japanese or Korean name is written without spaces, one
    # syllable a character: each character gives an initial.
    parts = [
        piece
        for word in name.split()
        for piece in (list(word) if ord(max(word)) >= 0x2E80 else [word])
    ]
    spelled = (re.sub(r"[^A-Za-z]", "", anyascii(part)) for part in parts)
    letters = "".join(s[0] for s in spelled if s)[:3].upper()
    if not letters:
        letters = re.sub(r"[^A-Za-z]", "", email.split("@")[0])[:2].upper()
    return letters or "TK"


def unique_code(wanted: str, taken: set[str]) -> str:
    """``wanted``, or ``wanted`` with the lowest number that makes it new."""
    taken_upper = {t.upper() for t in taken}
    if wanted.upper() not in taken_upper:
        return wanted
    n = 2
    while f"{wanted}{n}".upper() in taken_upper:
        n += 1
    return f"{wanted}{n}"


def _classification(person: Person) -> str:
    c = Timekeeper.Classification
    if person.outside_staff:
        return c.PARALEGAL if Role.PARALEGAL in person.roles else c.LEGAL_ASSISTANT
    if Role.ATTORNEY in person.roles:
        return c.PARTNER if Role.FIRM_ADMIN in person.roles else c.ASSOCIATE
    return c.LEGAL_ASSISTANT


def _cost_rate(person: Person) -> Decimal:
    engagement = person.engagement
    if engagement is not None and engagement.pricing_model == "hourly":
        return money(engagement.price)
    return money(0)


def timekeepers_add_missing(*, scope) -> list[Timekeeper]:
    """A timekeeper row for everyone who may record time and has none: a code
    from their initials (made unique), a classification from their role, and
    for outside staff the engagement's hourly price as the cost."""
    _require(may_edit_settings(scope), "the timekeepers")
    made = []
    with transaction.atomic():
        taken = set(
            Timekeeper.objects.for_firm(scope.firm).values_list("code", flat=True)
        )
        for person in people_without_timekeeper(scope.firm):
            code = unique_code(
                initials(person.user.full_name, person.user.email), taken
            )
            taken.add(code)
            keeper = Timekeeper(
                firm=scope.firm,
                user=person.user,
                code=code,
                classification=_classification(person),
                cost_rate=_cost_rate(person),
                outside_staff=person.outside_staff,
            )
            keeper.full_clean()
            keeper.save()
            made.append(keeper)
            _audit(
                scope,
                "billing.timekeeper_added",
                keeper,
                f"Timekeeper {code} added for {person.user}",
                {},
                _snapshot(keeper, TIMEKEEPER_FIELDS),
            )
    return made


def timekeeper_update(
    *,
    scope,
    timekeeper: Timekeeper,
    code: str,
    classification: str,
    default_rate: Decimal,
    cost_rate: Decimal,
    active: bool,
) -> Timekeeper:
    """Change a timekeeper; whether they are outside staff follows from who
    they are and is not changed here."""
    _require(may_edit_settings(scope), "the timekeepers")
    code = check_ledes_text(code, "code", "code").upper()
    if not code:
        raise ServiceError("Give the timekeeper a code, such as GH.", field="code")
    if len(code) > 20:
        raise ServiceError("Use up to 20 characters.", field="code")
    if classification not in Timekeeper.Classification.values:
        raise ServiceError("Choose a classification.", field="classification")
    for field, value in (("default_rate", default_rate), ("cost_rate", cost_rate)):
        if value < 0:
            raise ServiceError("A rate cannot be negative.", field=field)
    with transaction.atomic():
        taken = (
            Timekeeper.objects.for_firm(scope.firm)
            .filter(code__iexact=code)
            .exclude(pk=timekeeper.pk)
            .select_related("user")
            .first()
        )
        if taken is not None:
            raise ServiceError(
                f"{taken.user} already has the code {taken.code}; codes are "
                "unique in the firm.",
                field="code",
            )
        before = _snapshot(timekeeper, TIMEKEEPER_FIELDS)
        timekeeper.code = code
        timekeeper.classification = classification
        timekeeper.default_rate = money(default_rate)
        timekeeper.cost_rate = money(cost_rate)
        timekeeper.active = active
        timekeeper.full_clean()
        timekeeper.save()
        old, new = _changes(before, _snapshot(timekeeper, TIMEKEEPER_FIELDS))
        if new:
            _audit(
                scope,
                "billing.timekeeper_changed",
                timekeeper,
                f"Timekeeper {timekeeper.code} changed: {', '.join(sorted(new))}",
                old,
                new,
            )
    return timekeeper


# --- A matter's terms ------------------------------------------------------

MATTER_FIELDS = ("rate", "client_matter_id", "billable")


def matter_terms(firm, matter) -> MatterBilling | None:
    return MatterBilling.objects.for_firm(firm).filter(matter=matter).first()


def matter_rates(scope, matter):
    return (
        MatterRate.objects.in_scope(scope)
        .filter(matter=matter)
        .select_related("timekeeper__user")
        .order_by("timekeeper__code")
    )


def matter_terms_save(
    *, scope, matter, rate: Decimal | None, client_matter_id: str, billable: bool
) -> MatterBilling:
    _require(may_edit_terms(scope), "a matter's billing terms")
    client_matter_id = check_ledes_text(
        client_matter_id, "client_matter_id", "client's matter ID"
    )
    if rate is not None and rate < 0:
        raise ServiceError("A rate cannot be negative.", field="rate")
    with transaction.atomic():
        terms = (
            MatterBilling.objects.for_firm(scope.firm)
            .select_for_update()
            .filter(matter=matter)
            .first()
        )
        before = _snapshot(terms, MATTER_FIELDS) if terms else {}
        if terms is None:
            terms = MatterBilling(firm=scope.firm, matter=matter)
        terms.rate = None if rate is None else money(rate)
        terms.client_matter_id = client_matter_id
        terms.billable = billable
        terms.full_clean()
        terms.save()
        old, new = _changes(before, _snapshot(terms, MATTER_FIELDS))
        if new:
            _audit(
                scope,
                "billing.matter_terms_changed",
                terms,
                f"Billing terms of {matter.number} changed: {', '.join(sorted(new))}",
                old,
                new,
                matter=matter,
            )
    return terms


def matter_rate_set(*, scope, matter, timekeeper: Timekeeper, rate) -> MatterRate:
    """One timekeeper's rate on the matter, added or changed."""
    _require(may_edit_terms(scope), "a matter's billing terms")
    if timekeeper.firm_id != scope.firm.pk:
        raise ServiceError("Choose a timekeeper of this firm.", field="timekeeper")
    if timekeeper.outside_staff:
        raise ServiceError(
            "Outside staff time is billed at the firm's outside staff rate, not "
            "at a matter rate; change it on the timekeeper or in the settings.",
            field="timekeeper",
        )
    if rate < 0:
        raise ServiceError("A rate cannot be negative.", field="rate")
    with transaction.atomic():
        row = (
            MatterRate.objects.for_firm(scope.firm)
            .select_for_update()
            .filter(matter=matter, timekeeper=timekeeper)
            .first()
        )
        before = {"rate": _plain(row.rate)} if row else {}
        if row is None:
            row = MatterRate(firm=scope.firm, matter=matter, timekeeper=timekeeper)
        row.rate = money(rate)
        row.full_clean()
        row.save()
        _audit(
            scope,
            "billing.matter_rate_set",
            row,
            f"Rate of {timekeeper.code} on {matter.number} set to {row.rate}",
            before,
            {"timekeeper": timekeeper.code, "rate": _plain(row.rate)},
            matter=matter,
        )
    return row


def matter_rate_remove(*, scope, rate: MatterRate) -> None:
    _require(may_edit_terms(scope), "a matter's billing terms")
    matter, code = rate.matter, rate.timekeeper.code
    with transaction.atomic():
        _audit(
            scope,
            "billing.matter_rate_removed",
            rate,
            f"Rate of {code} on {matter.number} removed",
            {"timekeeper": code, "rate": _plain(rate.rate)},
            {},
            matter=matter,
        )
        rate.delete()


# --- A client's terms ------------------------------------------------------

CLIENT_FIELDS = (
    "client_code",
    "requires_utbms",
    "ledes",
    "adjustments_negative_only",
    "billing_email",
    "note",
)


def client_terms(firm, contact) -> ClientBillingTerms | None:
    return ClientBillingTerms.objects.for_firm(firm).filter(client=contact).first()


def client_terms_save(*, scope, client, **values) -> ClientBillingTerms:
    _require(may_edit_terms(scope), "a client's billing terms")
    values["client_code"] = check_ledes_text(
        values.get("client_code", ""), "client_code", "client code"
    )
    if values.get("ledes") and not values["client_code"]:
        raise ServiceError(
            "A client who e-bills needs a client code: the ID their e-billing "
            "system knows them by.",
            field="client_code",
        )
    with transaction.atomic():
        terms = (
            ClientBillingTerms.objects.for_firm(scope.firm)
            .select_for_update()
            .filter(client=client)
            .first()
        )
        before = _snapshot(terms, CLIENT_FIELDS) if terms else {}
        if terms is None:
            terms = ClientBillingTerms(firm=scope.firm, client=client)
        for name in CLIENT_FIELDS:
            setattr(terms, name, values.get(name, getattr(terms, name)))
        terms.full_clean()
        terms.save()
        old, new = _changes(before, _snapshot(terms, CLIENT_FIELDS))
        if new:
            _audit(
                scope,
                "billing.client_terms_changed",
                terms,
                f"Billing terms of {client.name} changed: {', '.join(sorted(new))}",
                old,
                new,
            )
    return terms
