"""Contacts (issue 21): list, read, add and change the firm's contacts.

Contacts are written through ``conflicts.services.contact_save``, as the
contact pages do, so the conflict index changes in the same transaction.
Who sees a contact is the Scope's rule (``Contact.scope_filter``: provider
staff only those of matters they may see, a screened person none known only
through the matter they are screened from); who may add or change one is
``conflicts.services.may_edit_contacts``.

The encrypted sensitive fields (date of birth, tax ID, government ID, bank
details: ``matters/sensitive.py``) are never sent nor accepted here: they are
shown only on the contact's page, behind the password asked again, and each
reveal is audited. A request that names one is refused, not ignored.
"""

import datetime
import uuid
from typing import Any, Literal

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from ninja import Field, Path, Query, Router, Status
from pydantic import ConfigDict
from pydantic.json_schema import SkipJsonSchema

from firmdesk.access.selectors import access_object
from firmdesk.common.phones import firm_region
from firmdesk.conflicts import services as conflicts
from firmdesk.matters.models import Contact, ContactAlias, MatterParty

from ..errors import ErrorOut, Unprocessable
from ..etags import check_if_match, etag_of
from ..pagination import Instant, ListQuery, Page, paginate
from ..reading import audit_read, scope_of
from ..schema import Schema

router = Router(tags=["Contacts"])

ContactKind = Literal["person", "organization"]
AliasKind = Literal["former", "maiden", "trade", "acronym", "predecessor", "aka"]


class ContactAliasOut(Schema):
    name: str
    kind: AliasKind


class ContactOut(Schema):
    id: uuid.UUID
    kind: ContactKind
    name: str
    aliases: list[ContactAliasOut]
    emails: list[str]
    phones: list[str]
    address: str
    is_prospective: bool
    notes: str
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def of(contact: Contact) -> "ContactOut":
        aliases = sorted(contact.aliases.all(), key=lambda a: (a.name, a.kind))
        return ContactOut(
            id=contact.public_id,
            kind=contact.kind,  # type: ignore[arg-type]
            name=contact.name,
            aliases=[ContactAliasOut(name=a.name, kind=a.kind) for a in aliases],  # type: ignore[arg-type]
            emails=list(contact.emails or []),
            phones=list(contact.phones or []),
            address=contact.address,
            is_prospective=contact.is_prospective,
            notes=contact.notes,
            created_at=contact.created_at,
            updated_at=contact.updated_at,
        )


class ContactFilters(ListQuery):
    kind: ContactKind | None = None
    name: str | None = Field(
        None, description="Part of the name or of one of its other names."
    )
    prospective: bool | None = None
    matter: uuid.UUID | None = Field(None, description="Parties of this matter.")
    updated_after: Instant | None = None


CONTACT_ORDERINGS = {"name": "name", "created": "created_at", "updated": "updated_at"}


@router.get(
    "contacts",
    response={200: Page[ContactOut], 422: ErrorOut},
    summary="List contacts",
    description="The contacts this token may see, by name by default. "
    "name: part of the name or of an alias, any case. "
    f"order: one of {', '.join(CONTACT_ORDERINGS)} (prefix “-” to reverse). "
    "Sensitive fields (date of birth, tax and government ID, bank details) "
    "are never sent.",
)
def list_contacts(
    request: HttpRequest, firm_slug: Path[str], filters: Query[ContactFilters]
):
    scope = scope_of(request)
    rows = Contact.objects.in_scope(scope).prefetch_related("aliases")
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.name and filters.name.strip():
        words = filters.name.strip()
        aliased = ContactAlias.objects.in_scope(scope).filter(name__icontains=words)
        rows = rows.filter(
            Q(name__icontains=words) | Q(pk__in=aliased.values("contact_id"))
        )
    if filters.prospective is not None:
        rows = rows.filter(is_prospective=filters.prospective)
    if filters.matter:
        parties = MatterParty.objects.in_scope(scope).filter(
            matter__public_id=filters.matter
        )
        rows = rows.filter(pk__in=parties.values("contact_id"))
    if filters.updated_after:
        rows = rows.filter(updated_at__gt=filters.updated_after)
    page = paginate(
        rows,
        filters,
        orderings=CONTACT_ORDERINGS,
        default="name",
    )
    page["items"] = [ContactOut.of(c) for c in page["items"]]
    return page


@router.get(
    "contacts/{contact_id}",
    response={200: ContactOut, 404: ErrorOut},
    summary="One contact",
    description="Sends an ETag: pass it as If-Match when you change the contact. "
    "The read is recorded in the firm's audit trail, as opening the contact's "
    "page is.",
)
def get_contact(
    request: HttpRequest,
    firm_slug: Path[str],
    contact_id: uuid.UUID,
    response: HttpResponse,
):
    scope = scope_of(request)
    contact = access_object(Contact, scope, contact_id)
    out = ContactOut.of(contact)
    audit_read(
        request,
        contact,
        action="contact.viewed",
        summary=f"Read contact {contact.name} through the API",
    )
    response["ETag"] = etag_of(out)
    return out


class ContactAliasIn(Schema):
    name: str = Field(..., max_length=300)
    kind: AliasKind = "aka"


class _NoSensitiveFields(Schema):
    """A contact's body: unknown fields are refused (a misspelt "phone" is
    named, not dropped), and the sensitive ones by name with the reason. They
    are declared only to be recognised: not in the OpenAPI file, never read."""

    model_config = ConfigDict(extra="forbid")

    date_of_birth: SkipJsonSchema[Any] = Field(None, exclude=True)
    tax_id: SkipJsonSchema[Any] = Field(None, exclude=True)
    tax_id_kind: SkipJsonSchema[Any] = Field(None, exclude=True)
    gov_id_kind: SkipJsonSchema[Any] = Field(None, exclude=True)
    gov_id_number: SkipJsonSchema[Any] = Field(None, exclude=True)
    bank_name: SkipJsonSchema[Any] = Field(None, exclude=True)
    bank_routing: SkipJsonSchema[Any] = Field(None, exclude=True)
    bank_account: SkipJsonSchema[Any] = Field(None, exclude=True)


SENSITIVE = tuple(_NoSensitiveFields.model_fields)


class ContactIn(_NoSensitiveFields):
    kind: ContactKind = "person"
    name: str = Field(..., max_length=300)
    aliases: list[ContactAliasIn] = []
    emails: list[str] = []
    phones: list[str] = Field(
        [], description="Numbers without a country code are read as the firm's."
    )
    address: str = ""
    is_prospective: bool = False
    notes: str = ""


class ContactChange(_NoSensitiveFields):
    kind: ContactKind | None = None
    name: str | None = Field(None, max_length=300)
    aliases: list[ContactAliasIn] | None = Field(
        None, description="Replaces the contact's other names."
    )
    emails: list[str] | None = None
    phones: list[str] | None = None
    address: str | None = None
    is_prospective: bool | None = None
    notes: str | None = None


def _refuse_sensitive(payload: Schema) -> None:
    sent = [name for name in SENSITIVE if name in payload.model_fields_set]
    if sent:
        raise Unprocessable(
            "Sensitive fields (date of birth, tax ID, government ID, bank "
            "details) cannot be sent through the API: a person changes them on "
            "the contact's page, after giving their password again.",
            fields={name: ["Not accepted through the API."] for name in sent},
        )


def _check_may_edit(scope) -> None:
    if not conflicts.may_edit_contacts(scope=scope):
        raise Unprocessable(
            "Only the firm's people, and outside staff who keep its contacts or "
            "take its intake, add or change contacts."
        )


@router.post(
    "contacts",
    response={201: ContactOut, 404: ErrorOut, 422: ErrorOut},
    summary="Add a contact",
    description="A person or organisation, with its other names (former, "
    "maiden, trade, acronym, predecessor, aka), e-mail addresses and phone "
    "numbers; it joins the conflict index at once. Sensitive fields are not "
    "accepted: a request with one is refused.",
)
def create_contact(
    request: HttpRequest,
    firm_slug: Path[str],
    payload: ContactIn,
    response: HttpResponse,
):
    scope = scope_of(request)
    _refuse_sensitive(payload)
    _check_may_edit(scope)
    contact = conflicts.contact_save(
        firm=scope.firm,
        actor=scope.user,
        kind=payload.kind,
        name=payload.name,
        aliases=[(a.name, a.kind) for a in payload.aliases],
        emails=payload.emails,
        phones=payload.phones,
        address=payload.address,
        is_prospective=payload.is_prospective,
        notes=payload.notes,
        phone_region=firm_region(scope.firm),
    )
    out = ContactOut.of(contact)
    response["ETag"] = etag_of(out)
    return Status(201, out)


@router.patch(
    "contacts/{contact_id}",
    response={200: ContactOut, 404: ErrorOut, 412: ErrorOut, 422: ErrorOut},
    summary="Change a contact",
    description="Send only the fields to change; aliases, emails and phones "
    "replace the lists. Send If-Match with the ETag you read: a contact "
    "changed since answers 412 and keeps the other change. Sensitive fields "
    "are not accepted.",
)
def update_contact(
    request: HttpRequest,
    firm_slug: Path[str],
    contact_id: uuid.UUID,
    payload: ContactChange,
    response: HttpResponse,
):
    scope = scope_of(request)
    _refuse_sensitive(payload)
    with transaction.atomic():
        contact = access_object(Contact, scope, contact_id, for_write=True)
        _check_may_edit(scope)
        current = ContactOut.of(contact)
        check_if_match(request, etag_of(current), what="contact")
        given = payload.model_dump(exclude_unset=True, exclude_none=True)
        aliases = (
            [(a.name, a.kind) for a in payload.aliases]
            if payload.aliases is not None
            else [(a.name, a.kind) for a in current.aliases]
        )
        contact = conflicts.contact_save(
            firm=scope.firm,
            actor=scope.user,
            contact=contact,
            kind=given.get("kind", contact.kind),
            name=given.get("name", contact.name),
            aliases=aliases,
            emails=given.get("emails", contact.emails),
            phones=given.get("phones", contact.phones),
            address=given.get("address", contact.address),
            is_prospective=given.get("is_prospective", contact.is_prospective),
            notes=given.get("notes", contact.notes),
            phone_region=firm_region(scope.firm),
            # Changed only on their own audited page (web/matters/sensitive):
            # what is stored stays.
            date_of_birth=contact.date_of_birth,
            tax_id=contact.tax_id,
        )
    contact.refresh_from_db()
    out = ContactOut.of(contact)
    response["ETag"] = etag_of(out)
    return out
