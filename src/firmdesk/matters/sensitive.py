"""A contact's sensitive fields (issue 20): date of birth, tax ID, government
ID and bank details. Stored encrypted (common/encrypted.py), shown masked,
unmasked one field at a time by the roles that need them, every unmasking and
every change audited by field name, never by value.

Who (docs/security-sensitive.md):

- provider staff never see these fields, not even masked;
- every firm member sees the masks and may enter or replace values (the form
  never shows the stored ones, so entering is not reading);
- attorneys and firm admins may unmask every field; in-house staff only the
  bank details (refunds, trust payments), never identity numbers.
"""

import datetime
import re
from dataclasses import dataclass

from django.db import transaction

from firmdesk.audit.services import audit_record, audit_record_read
from firmdesk.common.errors import ServiceError

from .models import Contact, TaxIdKind

IDENTITY_FIELDS = ("date_of_birth", "tax_id", "gov_id_number")
BANK_FIELDS = ("bank_name", "bank_routing", "bank_account")
FIELDS = IDENTITY_FIELDS + BANK_FIELDS
# Plain companions that say what a number is; changed with the numbers.
KIND_FIELDS = ("tax_id_kind", "gov_id_kind")

LABELS = {
    "date_of_birth": "Date of birth",
    "tax_id": "Tax ID number",
    "gov_id_number": "Government ID number",
    "bank_name": "Bank name",
    "bank_routing": "Routing number",
    "bank_account": "Account number",
}

DOT = "•"


# --- Who ------------------------------------------------------------------------


def may_see_masked(scope) -> bool:
    return scope.is_firm_member


def may_edit(scope) -> bool:
    return scope.is_firm_member


def may_unmask(scope, field: str) -> bool:
    if field not in FIELDS or not scope.is_firm_member:
        return False
    if scope.has_role("firm_admin", "attorney"):
        return True
    return field in BANK_FIELDS


# --- Checking what is typed -------------------------------------------------------


def _digits(value: str) -> str:
    return re.sub(r"[\s\-.]", "", value or "")


def check_ssn(value: str) -> str:
    """An SSN as 123-45-6789. The SSA never issues area 000, 666 or 900-999,
    group 00 or serial 0000."""
    digits = _digits(value)
    if not re.fullmatch(r"\d{9}", digits):
        raise ServiceError(
            "An SSN has 9 digits, written like 123-45-6789.", field="tax_id"
        )
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
        raise ServiceError(
            "This is not a number the Social Security Administration issues "
            "(it starts with 000, 666 or 9, or has 00 or 0000 in it). Check it "
            "against the card; if it starts with 9 it may be an ITIN.",
            field="tax_id",
        )
    return f"{area}-{group}-{serial}"


# IRS campus prefixes in use; 00, 07-09, 17-19, 28-29, 49, 69, 70, 78-79, 89,
# 96 and 97 are never issued.
EIN_PREFIXES = frozenset(
    f"{n:02d}"
    for n in (
        *range(1, 7),
        *range(10, 17),
        *range(20, 28),
        *range(30, 49),
        *range(50, 69),
        *range(71, 78),
        *range(80, 89),
        *range(90, 96),
        98,
        99,
    )
)


def check_ein(value: str) -> str:
    digits = _digits(value)
    if not re.fullmatch(r"\d{9}", digits):
        raise ServiceError(
            "An EIN has 9 digits, written like 12-3456789.", field="tax_id"
        )
    if digits[:2] not in EIN_PREFIXES:
        raise ServiceError(
            f"No EIN starts with {digits[:2]}: check the first two digits against "
            "the IRS letter or a tax return.",
            field="tax_id",
        )
    return f"{digits[:2]}-{digits[2:]}"


def _itin_group_ok(group: int) -> bool:
    return 50 <= group <= 65 or 70 <= group <= 88 or 90 <= group <= 92 or group >= 94


def check_itin(value: str) -> str:
    digits = _digits(value)
    if not re.fullmatch(r"\d{9}", digits):
        raise ServiceError(
            "An ITIN has 9 digits, written like 912-70-1234.", field="tax_id"
        )
    if digits[0] != "9" or not _itin_group_ok(int(digits[3:5])):
        raise ServiceError(
            "An ITIN starts with 9 and its fourth and fifth digits are 50-65, "
            "70-88, 90-92 or 94-99. Check it against the IRS letter.",
            field="tax_id",
        )
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


def check_tax_id(kind: str, value: str) -> str:
    value = (value or "").strip()
    if kind == TaxIdKind.SSN:
        return check_ssn(value)
    if kind == TaxIdKind.EIN:
        return check_ein(value)
    if kind == TaxIdKind.ITIN:
        return check_itin(value)
    if not kind:
        raise ServiceError(
            "Say what kind of tax number this is (SSN, EIN, ITIN or other).",
            field="tax_id_kind",
        )
    if not 4 <= len(value) <= 40:
        raise ServiceError(
            "A tax number has between 4 and 40 characters.", field="tax_id"
        )
    return value


def routing_checksum_ok(digits: str) -> bool:
    """The ABA checksum: 3×(d1+d4+d7) + 7×(d2+d5+d8) + (d3+d6+d9) ends in 0."""
    d = [int(c) for c in digits]
    total = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + d[2] + d[5] + d[8]
    return total % 10 == 0


def _routing_prefix_ok(prefix: int) -> bool:
    # Federal Reserve districts (00-12), thrifts (21-32), electronic (61-72),
    # traveller's cheques (80).
    return prefix <= 12 or 21 <= prefix <= 32 or 61 <= prefix <= 72 or prefix == 80


def check_routing(value: str) -> str:
    digits = _digits(value)
    if not re.fullmatch(r"\d{9}", digits):
        raise ServiceError(
            "A US routing number has 9 digits (bottom left of a check).",
            field="bank_routing",
        )
    if not _routing_prefix_ok(int(digits[:2])):
        raise ServiceError(
            f"No US routing number starts with {digits[:2]}: check the first "
            "two digits.",
            field="bank_routing",
        )
    if not routing_checksum_ok(digits):
        raise ServiceError(
            "This routing number fails its check digit: one digit is probably "
            "mistyped or two are swapped. Copy it again from a check or the "
            "bank's letter.",
            field="bank_routing",
        )
    return digits


def check_account(value: str) -> str:
    digits = _digits(value)
    if not re.fullmatch(r"\d{4,17}", digits):
        raise ServiceError(
            "A US bank account number has 4 to 17 digits, without letters.",
            field="bank_account",
        )
    return digits


def check_gov_id(kind: str, value: str) -> str:
    value = " ".join((value or "").split()).upper()
    if not kind:
        raise ServiceError(
            "Say what kind of ID this is (driver's license, passport, ...).",
            field="gov_id_kind",
        )
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9 \-]{2,38}[A-Z0-9]", value):
        raise ServiceError(
            "An ID number has 4 to 40 letters and digits (spaces and dashes "
            "allowed between them).",
            field="gov_id_number",
        )
    return value


def check_date_of_birth(value: datetime.date, *, today: datetime.date) -> datetime.date:
    if value > today:
        raise ServiceError(
            "A date of birth cannot be in the future.", field="date_of_birth"
        )
    if value.year < 1900:
        raise ServiceError(
            "A date of birth before 1900 is surely a typo: check the year.",
            field="date_of_birth",
        )
    return value


def check_bank_name(value: str) -> str:
    value = " ".join((value or "").split())
    if not 2 <= len(value) <= 100:
        raise ServiceError(
            "Give the bank's name (2 to 100 characters).", field="bank_name"
        )
    return value


# --- Masks ------------------------------------------------------------------------


def _last4(value: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", value)[-4:]


def mask(contact: Contact, field: str) -> str:
    """What a page shows in place of the value: enough to tell two apart and
    check with the client ("the one ending 6789?"), never the whole."""
    value = getattr(contact, field)
    if not value:
        return ""
    if field == "date_of_birth":
        return f"**/**/{value.year}"
    if field == "bank_name":
        return value
    last = _last4(value)
    if field == "tax_id":
        if contact.tax_id_kind in (TaxIdKind.SSN, TaxIdKind.ITIN):
            return f"{DOT * 3}-{DOT * 2}-{last}"
        if contact.tax_id_kind == TaxIdKind.EIN:
            return f"{DOT * 2}-{DOT * 3}{last}"
    return f"{DOT * 4}{last}"


def shown(value) -> str:
    """The value as the unmask page shows it (dates as 05/02/1984)."""
    if isinstance(value, datetime.date):
        return value.strftime("%m/%d/%Y")
    return value


@dataclass(frozen=True)
class MaskedField:
    name: str
    label: str
    masked: str
    kind: str
    may_unmask: bool


def masked_fields(scope, contact: Contact) -> list[MaskedField]:
    """The fields a page shows this viewer, masked; none for provider staff."""
    if not may_see_masked(scope):
        return []
    kinds = {
        "tax_id": contact.get_tax_id_kind_display() if contact.tax_id else "",
        "gov_id_number": (
            contact.get_gov_id_kind_display() if contact.gov_id_number else ""
        ),
    }
    return [
        MaskedField(
            name=name,
            label=LABELS[name],
            masked=mask(contact, name),
            kind=kinds.get(name, ""),
            # The bank's name shows in full: there is nothing to unmask.
            may_unmask=bool(getattr(contact, name))
            and name != "bank_name"
            and may_unmask(scope, name),
        )
        for name in FIELDS
    ]


# --- Services ---------------------------------------------------------------------


def contact_sensitive_reveal(*, scope, contact: Contact, field: str):
    """The value of one field for a viewer who may unmask it, audited as
    ``contact.sensitive_viewed`` naming the field (never the value)."""
    if not may_unmask(scope, field):
        raise ServiceError("You may not see this field unmasked.")
    with transaction.atomic():
        audit_record_read(
            org=scope.firm,
            actor=scope.user,
            action="contact.sensitive_viewed",
            obj=contact,
            summary=f"Unmasked the {LABELS[field].lower()} of {contact.name}",
            detail={"field": field},
        )
    return getattr(contact, field)


@dataclass(frozen=True)
class SensitiveChange:
    """What the form asks: new values (None: keep), fields to remove, and the
    kinds of the two numbers."""

    values: dict
    remove: frozenset[str] = frozenset()
    tax_id_kind: str | None = None
    gov_id_kind: str | None = None


def check_change(
    contact, change: SensitiveChange, *, today: datetime.date
) -> tuple[dict, list[ServiceError]]:
    """The new values of the fields that change, each checked, and every
    problem found (a ServiceError naming its field), so a form can mark them
    all at once."""
    tax_kind = contact.tax_id_kind if change.tax_id_kind is None else change.tax_id_kind
    gov_kind = contact.gov_id_kind if change.gov_id_kind is None else change.gov_id_kind
    checks = {
        "date_of_birth": lambda v: check_date_of_birth(v, today=today),
        "tax_id": lambda v: check_tax_id(tax_kind, v),
        "gov_id_number": lambda v: check_gov_id(gov_kind, v),
        "bank_name": check_bank_name,
        "bank_routing": check_routing,
        "bank_account": check_account,
    }
    typed = {n: v for n, v in change.values.items() if v not in (None, "")}
    problems = [
        ServiceError(
            f"Type a new {LABELS[name].lower()} or tick “Remove”, not both.",
            field=name,
        )
        for name in sorted(change.remove & set(typed))
    ]
    # A kind changed without a new number: the stored number must fit it.
    kept = {n: getattr(contact, n) for n in FIELDS if n not in change.remove}
    if change.tax_id_kind not in (None, contact.tax_id_kind) and kept.get("tax_id"):
        typed.setdefault("tax_id", contact.tax_id)
    if change.gov_id_kind not in (None, contact.gov_id_kind) and kept.get(
        "gov_id_number"
    ):
        typed.setdefault("gov_id_number", contact.gov_id_number)
    new = {}
    for name, value in typed.items():
        try:
            new[name] = checks[name](value)
        except ServiceError as problem:
            problems.append(problem)
    for name in change.remove:
        new[name] = None if name == "date_of_birth" else ""
    if change.tax_id_kind not in (None, contact.tax_id_kind):
        new["tax_id_kind"] = tax_kind
    if change.gov_id_kind not in (None, contact.gov_id_kind):
        new["gov_id_kind"] = gov_kind
    changed = {
        name: value
        for name, value in new.items()
        if name in KIND_FIELDS or getattr(contact, name) != value
    }
    return changed, problems


def contact_sensitive_update(
    *, scope, contact: Contact, change: SensitiveChange, today: datetime.date
) -> list[str]:
    """Set, replace or remove sensitive fields; the names of those changed.
    Audited as ``contact.sensitive_changed`` with the field names only."""
    if not may_edit(scope):
        raise ServiceError("Only the firm's own people change these fields.")
    unknown = (set(change.values) | set(change.remove)) - set(FIELDS)
    if unknown:
        raise ServiceError("There is no such field on a contact.")
    new, problems = check_change(contact, change, today=today)
    if problems:
        raise problems[0]
    if not new:
        return []
    with transaction.atomic():
        # Two saves at once: one after the other, each writing its own fields.
        list(
            Contact.objects.for_firm(scope.firm)
            .select_for_update()
            .filter(pk=contact.pk)
            .values_list("pk", flat=True)
        )
        for name, value in new.items():
            setattr(contact, name, value)
        contact.save(update_fields=[*new, "updated_at"])
        changed = [name for name in FIELDS + KIND_FIELDS if name in new]
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="contact.sensitive_changed",
            obj=contact,
            summary=(
                f"Changed the sensitive details of {contact.name}: "
                + ", ".join(_label(n) for n in changed)
            ),
            detail={"fields": changed},
        )
    return changed


def _label(name: str) -> str:
    if name in LABELS:
        return LABELS[name].lower()
    return {"tax_id_kind": "kind of tax ID", "gov_id_kind": "kind of ID"}[name]
